"""Raw bytes → Document, dispatching on the sniffed format."""

from __future__ import annotations

from collections.abc import Callable

from parsers.models import Document, ExtractError

UNSUPPORTED = {
    "empty": ("unparseable", "the file is empty"),
    "encrypted": ("unparseable", "the Office file is encrypted with a password"),
    "zip": ("unparseable", "a zip archive that is not a Word document"),
    "binary": ("unparseable", "the file is neither a document nor text (unknown binary format)"),
}


def _extractor(fmt: str) -> Callable[..., Document]:
    if fmt == "html":
        from parsers.extract.html import extract_html

        return extract_html
    if fmt == "pdf":
        return _pdf_or_scan
    if fmt == "image":
        from parsers.extract.ocr import extract_image

        return extract_image
    if fmt == "docx":
        from parsers.extract.docx import extract_docx

        return extract_docx
    if fmt in ("doc", "wps", "odt", "rtf"):
        from parsers.extract.office import extract_office

        return lambda data, ct=None: extract_office(data, ct, fmt=fmt)
    if fmt in ("xls", "xlsx", "ods", "et"):
        from parsers.extract.sheet import extract_sheet

        return lambda data, ct=None: extract_sheet(data, ct, fmt=fmt)
    from parsers.extract.text import extract_text

    return lambda data, ct=None: extract_text(data, ct, fmt=fmt)


def _pdf_or_scan(data: bytes, content_type: str | None = None) -> Document:
    """A PDF's text layer; a scanned PDF (no text layer) through OCR."""
    from parsers.extract.pdf import extract_pdf

    try:
        return extract_pdf(data, content_type)
    except ExtractError as exc:
        if exc.status != "image_only":
            raise
    from parsers.extract.ocr import extract_scanned_pdf

    return extract_scanned_pdf(data)


def extract(data: bytes, fmt: str, content_type: str | None = None) -> Document:
    """Raise ExtractError with a record status for documents that cannot be read."""
    if fmt in UNSUPPORTED:
        status, message = UNSUPPORTED[fmt]
        raise ExtractError(status, message)
    return _extractor(fmt)(data, content_type)
