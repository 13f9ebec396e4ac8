"""Grids as reportlab tables: grid lines, SPAN commands, narrow wrapped headers, and a table 3 that a
page break cuts inside a row span (reportlab itself never splits inside a span)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, PageBreak, Paragraph, Table, TableStyle

from synth.grid import Grid, cell_text, has_all_column_lines, placed, split_rows, wrap_label

FONT = "STSong-Light"
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=11, wordWrap="CJK")
CELL_CENTER = ParagraphStyle("cell_center", parent=CELL, alignment=1)
# Column widths in points (A4 minus 50pt margins leaves 495pt).
# 自然人 gets the widest value column: it carries the large numbers and its header must not wrap.
WIDTHS = {"proactive": [165, 110, 110, 110], "requests": [34, 78, 140, 43] + [33] * 6,
          "review_litigation": [33] * 15, "statistics": [345, 60, 90]}


def _content(cell: Any, grid: Grid) -> Any:
    """Labels wrap as paragraphs; narrow headers break at fixed points (商业\\n企业); numbers are plain."""
    if cell.kind == "value":
        return cell_text(cell)
    if cell.wrap and grid.key != "proactive":
        return "\n".join(wrap_label(cell.text))
    return Paragraph(cell.text, CELL if cell.kind == "label" else CELL_CENTER) if cell.text else ""


def make_table(grid: Grid) -> Table:
    """One reportlab Table for a grid (or for a part of one), header not repeated on a new page."""
    data: list[list[Any]] = [[""] * grid.ncols for _ in grid.rows]
    commands: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONTNAME", (0, 0), (-1, -1), FONT),
                             ("FONTSIZE", (0, 0), (-1, -1), 9), ("LEADING", (0, 0), (-1, -1), 11),
                             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]
    for r, c, cell in placed(grid):
        data[r][c] = _content(cell, grid)
        if cell.rowspan > 1 or cell.colspan > 1:
            commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    return Table(data, colWidths=WIDTHS[grid.key], repeatRows=0, style=TableStyle(commands))


class BrokenTable(Flowable):
    """A table that always continues on the next page: with `tail` > 0 it claims not to fit, so that
    platypus asks it to split, and it cuts before the last `tail` rows at the latest."""

    def __init__(self, grid: Grid, tail: int = 0, make: Callable[[Grid], Table] = make_table) -> None:
        super().__init__()
        self.grid, self.tail, self.make = grid, tail, make
        self.full = make(grid)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self.full.wrap(avail_width, avail_height)
        return self.width, (avail_height + 1 if self.tail else self.height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """The largest top part that fits, a page break, then the rest (which may split again). Both
        parts keep every column line, or a ruling-based table finder would see fewer columns."""
        last = len(self.grid.rows) - max(self.tail, 1)
        for at in range(last, self.grid.header_rows + 1, -1):
            top, bottom = split_rows(self.grid, at)
            if not (has_all_column_lines(top) and has_all_column_lines(bottom)):
                continue
            part = self.make(top)
            if part.wrap(avail_width, avail_height)[1] <= avail_height:
                return [part, PageBreak(), BrokenTable(bottom, 0, self.make)]
        return []

    def draw(self) -> None:
        self.full.drawOn(self.canv, 0, 0)
