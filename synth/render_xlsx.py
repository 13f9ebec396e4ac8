"""Spreadsheet rendering: the report's tables as counties publish them in XLSX — a title row merged
across the width, each table under its section heading, merged cells as merged ranges, numbers as
numbers. Prose is left out (spreadsheets carry the tables only). Needs openpyxl (a dev dependency)."""

from __future__ import annotations

import io
from typing import Any

from synth.document import document_blocks
from synth.grid import Grid, placed


def _write_grid(ws: Any, grid: Grid, top: int) -> int:
    """Write the grid with its top-left at row `top` (1-based); return the next free row."""
    for r, c, cell in placed(grid):
        row, col = top + r, 1 + c
        if cell.kind == "value":
            ws.cell(row, col, cell.value)
        elif cell.text:
            ws.cell(row, col, cell.text)
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + cell.rowspan - 1,
                           end_column=col + cell.colspan - 1)
    return top + len(grid.rows)


def render_xlsx(record: dict[str, Any], merged_title: bool = True) -> bytes:
    """One sheet: title, date, then each table after its section heading, a blank row between tables."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "年度报告"
    row = 1
    blocks = document_blocks(record)
    width = max((g.ncols for kind, g in blocks if kind == "table"), default=1)
    heading = ""
    for kind, value in blocks:
        if kind in ("title", "date"):
            ws.cell(row, 1, value)
            if merged_title and kind == "title":
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
        elif kind == "heading":
            heading = value
        elif kind == "table":
            ws.cell(row, 1, heading)
            row = _write_grid(ws, value, row + 1) + 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
