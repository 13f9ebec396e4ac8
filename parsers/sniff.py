"""Tell a document's format from its bytes (the URL's extension is only a hint)."""

from __future__ import annotations

import codecs
import io
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = {b"\x89PNG": "image", b"\xff\xd8\xff": "image", b"GIF8": "image", b"BM": "image", b"II*\x00": "image"}
RTF_MAGIC = b"{\\rtf"
OPEN_DOCUMENT = {b"application/vnd.oasis.opendocument.text": "odt",
                 b"application/vnd.oasis.opendocument.spreadsheet": "ods"}
HTML_HINTS = (b"<html", b"<!doctype html", b"<body", b"<table", b"<p", b"<div", b"<meta", b"<head")
# Bytes no text or markup uses (tab, LF, FF, CR and ESC excepted): random or binary data has ~8 % of them
CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13, 27})


def sniff(data: bytes, name: str = "") -> str:
    """One of pdf, docx, xlsx, ods, odt, doc, wps, xls, et, encrypted, rtf, html, md, txt, image, zip, empty,
    binary."""
    if not data.strip():
        return "empty"
    head = data[:1024].lstrip()
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, name)
    if data.startswith(b"PK\x05\x06"):
        return "zip"  # an empty zip archive: only the end-of-directory record
    if data[:1024].find(b"%PDF-") != -1:  # after the zip test: a zip may store a small PDF near its start
        return "pdf"
    if data.startswith(OLE_MAGIC):
        return ole_kind(data, name)
    if data.startswith(RTF_MAGIC):
        return "rtf"
    for magic, kind in IMAGE_MAGIC.items():
        if data.startswith(magic):
            return kind
    if any(h in head[:512].lower() for h in HTML_HINTS) and _few_control_bytes(head[:512]):
        return "html"
    if _looks_textual(data[:4096]):
        return "md" if name.lower().endswith(".md") else "txt"
    return "binary"


def _extension(name: str) -> str:
    return name.lower().rsplit(".", 1)[-1] if "." in name else ""


def _zip_kind(data: bytes, name: str = "") -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:  # a truncated file still starts like one; the extractor reports the damage
        ext = _extension(name)
        return ext if ext in ("xlsx", "odt", "ods", "zip") else "docx"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return OPEN_DOCUMENT.get(_zip_mimetype(data), "zip")


def _zip_mimetype(data: bytes) -> bytes:
    """OpenDocument files store their type uncompressed as the first member, named `mimetype`."""
    if data[30:38] != b"mimetype":
        return b""
    start = 38 + int.from_bytes(data[28:30], "little")  # after the local header's extra field
    return data[start:start + 80].split(b"PK", 1)[0].strip()


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def ole_kind(data: bytes, name: str = "") -> str:
    """An OLE compound file's kind from its stream names (UTF-16 in the directory sectors)."""
    ext = _extension(name)
    if _utf16("EncryptedPackage") in data:
        return "encrypted"  # a password-protected DOCX/XLSX wrapped in OLE
    if _utf16("WordDocument") in data:
        return "wps" if ext == "wps" else "doc"
    if _utf16("Workbook") in data or _utf16("Book\0") in data:
        return "et" if ext == "et" else "xls"
    return ext if ext in ("xls", "et", "wps") else "doc"  # truncated before its directory: trust the name


def _few_control_bytes(sample: bytes) -> bool:
    """Binary data holds a markup hint such as `<p` by chance (1 in 70 random 4 KB files did): markup is text."""
    return len(sample) - len(sample.translate(None, CONTROL_BYTES)) <= len(sample) // 20


def _looks_textual(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    for enc in ("utf-8", "gb18030"):
        try:  # incremental: the sample may end in the middle of a multi-byte character
            codecs.getincrementaldecoder(enc)().decode(sample, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False
