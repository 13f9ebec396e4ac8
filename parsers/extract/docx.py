"""DOCX → Document with python-docx; merged cells (gridSpan, vMerge) are expanded with their origin."""

from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from parsers.limits import MAX_DOCX_RATIO, MAX_DOCX_UNCOMPRESSED, MAX_DOCX_XML_BYTES, check_time
from parsers.models import Document, ExtractError, Origin, Paragraph, Table


def _bomb(why: str) -> ExtractError:
    return ExtractError("unparseable", f"the DOCX {why}: refused as a zip bomb (reports are a few MB)")


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open the zip and refuse, from its directory alone (nothing inflated), archives past the limits."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ExtractError("unparseable", "the DOCX file is not a valid zip archive (truncated or corrupt)") from None
    total = sum(i.file_size for i in zf.infolist())
    packed = max(1, sum(i.compress_size for i in zf.infolist()))
    if total > MAX_DOCX_UNCOMPRESSED:
        raise _bomb(f"would expand to {total:,} bytes, over the limit of {MAX_DOCX_UNCOMPRESSED:,}")
    if total / packed > MAX_DOCX_RATIO:
        raise _bomb(f"would expand {total / packed:.0f} times ({total:,} bytes), over the limit of {MAX_DOCX_RATIO}×")
    big_xml = [i for i in zf.infolist() if i.filename.endswith(".xml") and i.file_size > MAX_DOCX_XML_BYTES]
    if big_xml:
        raise _bomb(f"part {big_xml[0].filename} is {big_xml[0].file_size:,} bytes of XML, over the limit of "
                    f"{MAX_DOCX_XML_BYTES:,}")
    if "word/document.xml" not in zf.namelist():
        raise ExtractError("unparseable", "the zip archive is not a Word document (no word/document.xml)")
    return zf


def _table(t: DocxTable) -> Table:
    """Grid of a Word table; a merged range shares one <w:tc>, whose first position is its origin."""
    first_seen: dict[int, tuple[int, int]] = {}
    alive = []  # keep each <w:tc> proxy referenced so id() values are never reused
    grid: list[list[str]] = []
    origin: list[list[Origin]] = []
    for r, row in enumerate(t.rows):
        texts, origins = [], []
        for c, cell in enumerate(row.cells):
            alive.append(cell._tc)
            key = id(cell._tc)
            first_seen.setdefault(key, (r, c))
            texts.append(cell.text.strip())
            origins.append(first_seen[key])
        grid.append(texts)
        origin.append(origins)
    width = max((len(r) for r in grid), default=0)
    for texts, origins in zip(grid, origin, strict=False):
        pad = width - len(texts)
        texts.extend([""] * pad)
        origins.extend([None] * pad)
    return Table(grid=grid, origin=origin)


def extract_docx(data: bytes, content_type: str | None = None) -> Document:
    """Paragraphs and tables in body order (python-docx's iter_inner_content)."""
    check_zip(data)
    try:
        doc = open_docx(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for broken packages
        raise ExtractError("unparseable", f"the DOCX could not be opened: {type(exc).__name__}") from None
    blocks: list[Paragraph | Table] = []
    for item in doc.iter_inner_content():
        if isinstance(item, DocxParagraph):
            if item.text.strip():
                blocks.append(Paragraph(item.text.strip()))
        elif isinstance(item, DocxTable):
            check_time()
            table = _table(item)
            table.index = len([b for b in blocks if isinstance(b, Table)])
            blocks.append(table)
    meta = {}
    if doc.core_properties.title:
        meta["docx_title"] = doc.core_properties.title
    return Document(blocks=blocks, format="docx", meta=meta)
