"""Word rendering: paragraphs and real tables whose merged cells come from cell.merge(), so the XML
carries w:gridSpan and w:vMerge as in the official .docx template."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from synth.document import document_blocks
from synth.grid import Cell, Grid, cell_text, placed, wrap_label

FONT = "宋体"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def _set_font(document: Any) -> None:
    """East Asian text needs its own font attribute, or Word falls back to a Latin font."""
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _cell_docx_text(cell: Cell, grid: Grid) -> str:
    """Narrow headers of tables 3 and 4 broken over lines as in the template (商业\\n企业, 结果\\n纠正)."""
    if cell.wrap and grid.key != "proactive":
        return "\n".join(wrap_label(cell.text))
    return cell_text(cell)


def add_table(document: Any, grid: Grid) -> None:
    """A bordered table; spans merged with cell.merge() before the text is written.

    Cells are looked up once before merging (table.cell() rescans the whole table on every call);
    a merge keeps the top-left cell, so those handles stay valid."""
    table = document.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    cells = table._cells
    for r, c, cell in placed(grid):
        target = cells[r * grid.ncols + c]
        if cell.rowspan > 1 or cell.colspan > 1:
            far = cells[(r + cell.rowspan - 1) * grid.ncols + c + cell.colspan - 1]
            target = target.merge(far)
        target.text = _cell_docx_text(cell, grid)
        if cell.kind != "label":
            target.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add_text(document: Any, kind: str, text: str) -> None:
    para = document.add_paragraph()
    run = para.add_run(text)
    if kind in ("title", "heading"):
        run.bold = True
    if kind in ("title", "date"):
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run.font.size = Pt(16 if kind == "title" else 10.5)
    elif kind == "para":
        para.paragraph_format.first_line_indent = Pt(21)


def _set_properties(document: Any, record: dict[str, Any]) -> None:
    """Title and author as Word records them; fixed times (python-docx would stamp 'now')."""
    props = document.core_properties
    props.title, props.author, props.last_modified_by = record["title"], record["agency"], record["agency"]
    stamp = dt.datetime(record["year"] + 1, 1, 2, 9, 0, tzinfo=dt.UTC)
    props.created = props.modified = stamp


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps so that equal records give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_DATE), src.read(info.filename),
                         zipfile.ZIP_DEFLATED)
    return out.getvalue()


def render_docx(record: dict[str, Any], style: str, rng: random.Random) -> bytes:
    """style "docx": the official table structure (the same grids as HTML "plain")."""
    document = docx.Document()
    _set_font(document)
    _set_properties(document, record)
    for kind, block in document_blocks(record):
        if kind == "table":
            add_table(document, block)
        else:
            _add_text(document, kind, block)
    buf = io.BytesIO()
    document.save(buf)
    return _stable_zip(buf.getvalue())
