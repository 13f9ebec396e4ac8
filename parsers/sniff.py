"""Tell a document's format from its bytes (the URL's extension is only a hint)."""

from __future__ import annotations

import codecs
import io
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = {b"\x89PNG": "image", b"\xff\xd8\xff": "image", b"GIF8": "image", b"BM": "image", b"II*\x00": "image"}
HTML_HINTS = (b"<html", b"<!doctype html", b"<body", b"<table", b"<p", b"<div", b"<meta", b"<head")


def sniff(data: bytes, name: str = "") -> str:
    """One of pdf, docx, xlsx, doc, wps, html, md, txt, image, zip, empty, binary."""
    if not data.strip():
        return "empty"
    head = data[:1024].lstrip()
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        return "wps" if name.lower().endswith(".wps") else "doc"
    for magic, kind in IMAGE_MAGIC.items():
        if data.startswith(magic):
            return kind
    if any(h in head[:512].lower() for h in HTML_HINTS):
        return "html"
    if _looks_textual(data[:4096]):
        return "md" if name.lower().endswith(".md") else "txt"
    return "binary"


def _zip_kind(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return "docx"  # a truncated docx still starts like one; the extractor reports the damage
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"


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
