"""PDF (text layer) → Document.

pypdfium2 reads every page's text (fast). Only pages whose text shows table labels are searched for
tables: first from pdfium's ruling lines (pdf_lattice, fast), then, where that finds none, with
pdfplumber (slow, but it also handles unusual drawings). Page frames (rectangles around the text
that look like one-column tables) are dropped, and a table continued on the next page is stitched
back into one.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

import pdfplumber
import pypdfium2 as pdfium

from parsers.extract.pdf_lattice import lattice_tables
from parsers.limits import MAX_PDF_PAGES, check_time
from parsers.logs import quiet_pdf_libraries
from parsers.models import Document, ExtractError, Paragraph, Table
from parsers.templates import variants
from parsers.text import normalize_label, normalize_text

_PAGE_NUMBER = re.compile(r"^[\s\-—–－·第]*\d+[\s\-—–－·页]*(?:/\s*\d+\s*页?)?$")
_NEWLINE = re.compile(r"\s*\n\s*")
quiet_pdf_libraries()


@lru_cache(maxsize=1)
def table_markers() -> tuple[str, ...]:
    """Column and block labels of every table variant: a page containing one likely holds a table."""
    marks: set[str] = set()
    for v in variants().values():
        marks.update(normalize_label(c.label_zh) for c in v.columns)
        for b in v.blocks:
            marks.update(normalize_label(c.label_zh) for c in b.columns)
        marks.update(normalize_label(g.label_zh) for g in v.groups.values())
    return tuple(m for m in marks if len(m) >= 3)


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ExtractError("unparseable", "the PDF is encrypted with a password") from None
        raise ExtractError("unparseable", f"the PDF could not be opened (truncated or corrupt): {msg}") from None
    pages = len(pdf)
    if pages > MAX_PDF_PAGES:
        pdf.close()
        raise ExtractError("unparseable", f"the PDF has {pages:,} pages, over the limit of {MAX_PDF_PAGES}: "
                                          "reports have far fewer")
    return pdf


def _page_text(pdf: pdfium.PdfDocument, i: int) -> str:
    check_time()
    return pdf[i].get_textpage().get_text_bounded().replace("\r", "")


def _page_texts(pdf: pdfium.PdfDocument) -> list[str]:
    return [_page_text(pdf, i) for i in range(len(pdf))]


def _clean_page_text(text: str) -> str:
    lines = [ln.strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln and not _PAGE_NUMBER.match(ln))


def _is_frame(table: Table) -> bool:
    """A page frame or text box: no row has more than one non-empty cell of its own."""
    for r, row in enumerate(table.grid):
        own = sum(1 for c, text in enumerate(row) if text and table.origin[r][c] == (r, c))
        if own > 1:
            return False
    return True


def _clean_cell(cell: str | None) -> str | None:
    return None if cell is None else _NEWLINE.sub("", cell).strip()


def _clean_table(table: Table) -> Table:
    table.grid = [[_NEWLINE.sub("", c).strip() for c in row] for row in table.grid]
    return table


def _plumber_tables(page: pdfplumber.page.Page, page_no: int) -> list[Table]:
    rows_of = ([[_clean_cell(c) for c in row] for row in found.extract()] for found in page.find_tables())
    return [Table.from_rows(rows, page=page_no) for rows in rows_of if rows]


def _data_tables(tables: list[Table]) -> list[Table]:
    return [t for t in tables if t.grid and not _is_frame(t)]


def _find_tables(pdf: pdfium.PdfDocument, data: bytes, pages: list[int]) -> dict[int, list[Table]]:
    """Tables per page index: lattice first, pdfplumber for the pages where lattice finds none."""
    found = {i: _data_tables([_clean_table(t) for t in lattice_tables(pdf[i], i + 1)]) for i in pages}
    slow = [i for i in pages if not found[i]]
    if slow:
        with pdfplumber.open(io.BytesIO(data)) as plumber:
            for i in slow:
                check_time()
                found[i] = _data_tables(_plumber_tables(plumber.pages[i], i + 1))
                plumber.pages[i].close()
    return found


def _has_table(text: str) -> bool:
    flat = normalize_text(text)
    return any(m in flat for m in table_markers())


def _stitch(pages: list[list[Table]], warnings: list[str]) -> list[list[Table]]:
    """Join the last table of a page with the first of the next when the columns line up."""
    for p in range(1, len(pages)):
        prev = next((pages[q][-1] for q in range(p - 1, -1, -1) if pages[q]), None)
        if not pages[p] or prev is None or prev.pages[-1] != p:
            continue
        head = pages[p][0]
        if head.width == prev.width:
            offset = len(prev.grid)
            prev.grid.extend(head.grid)
            prev.origin.extend([None if o is None else (o[0] + offset, o[1]) for o in row] for row in head.origin)
            prev.page_starts.append((p + 1, offset))
            pages[p] = pages[p][1:]
            warnings.append(f"a table split across pages {prev.pages[0]}-{p + 1} was stitched back into one")
    return pages


def extract_pdf(data: bytes, content_type: str | None = None) -> Document:
    pdf = _open(data)
    try:
        texts = _page_texts(pdf)
        if not any(t.strip() for t in texts):
            raise ExtractError("image_only", "the PDF has no text layer (scanned images); OCR is not done")
        found = _find_tables(pdf, data, [i for i, t in enumerate(texts) if _has_table(t)])
    finally:
        pdf.close()
    warnings: list[str] = []
    per_page = _stitch([found.get(i, []) for i in range(len(texts))], warnings)
    blocks: list[Paragraph | Table] = []
    for i, text in enumerate(texts):
        cleaned = _clean_page_text(text)
        if cleaned:
            blocks.append(Paragraph(cleaned, page=i + 1))
        blocks.extend(per_page[i])
    for n, t in enumerate(b for b in blocks if isinstance(b, Table)):
        t.index = n
    return Document(blocks=blocks, format="pdf", warnings=warnings, meta={"pages": str(len(texts))})
