"""A format-neutral table with merged cells, which every renderer prints in its own way.

Rows list only the cells that start in them, as in HTML: a cell covered by a rowspan or colspan from
above or the left is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"      # note | header | label | value | empty
    value: Any = None        # the number of a value cell (None = printed blank)
    unit: str = ""           # unit that a style may append without changing the number: 件, 万元, 元
    wrap: bool = False       # a narrow column header that real reports break over lines


@dataclass
class Grid:
    key: str                 # proactive | requests | review_litigation
    ncols: int
    rows: list[list[Cell]] = field(default_factory=list)
    header_rows: int = 0


def fmt_number(value: Any) -> str:
    """Integers plain, decimals as printed (7730.28, 123.5), blanks empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def cell_text(cell: Cell) -> str:
    """The plain printed text of a cell."""
    return fmt_number(cell.value) if cell.kind == "value" else cell.text


def wrap_label(text: str) -> list[str]:
    """Break a header label as real reports do: 商业/企业, 社会/公益/组织, 本年新/制作数量."""
    if "（" in text[1:]:
        i = text.index("（", 1)
        return [text[:i], text[i:]]
    if len(text) == 6:
        return [text[0:2], text[2:4], text[4:6]]
    if len(text) < 4:
        return [text]
    return [text[: len(text) // 2], text[len(text) // 2:]]


def placed(grid: Grid) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every listed cell, skipping positions covered by earlier spans."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            taken.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
    return out


def expand(grid: Grid) -> list[list[Cell | None]]:
    """A full matrix: each cell at its origin, None where a span covers the position."""
    matrix: list[list[Cell | None]] = [[None] * grid.ncols for _ in grid.rows]
    for r, c, cell in placed(grid):
        matrix[r][c] = cell
    return matrix


def split_rows(grid: Grid, at: int) -> tuple[Grid, Grid]:
    """Cut a grid before row `at`, as a page break cuts a printed table: spans crossing the cut are
    clipped, and the part below starts with an empty cell where a spanning label continues."""
    top = Grid(grid.key, grid.ncols, [[] for _ in range(at)], grid.header_rows)
    bottom = Grid(grid.key, grid.ncols, [[] for _ in range(len(grid.rows) - at)])
    first: list[tuple[int, Cell]] = []
    for r, c, cell in placed(grid):
        if r == at:
            first.append((c, cell))
        elif r > at:
            bottom.rows[r - at].append(cell)
        elif r + cell.rowspan <= at:
            top.rows[r].append(cell)
        else:
            top.rows[r].append(replace(cell, rowspan=at - r))
            first.append((c, Cell("", r + cell.rowspan - at, cell.colspan, "empty")))
    bottom.rows[0] = [cell for _, cell in sorted(first, key=lambda t: t[0])]
    return top, bottom


def has_all_column_lines(grid: Grid) -> bool:
    """Whether every inner column line is drawn somewhere, so a ruling-line table finder sees all columns."""
    lines = {c + cell.colspan for _r, c, cell in placed(grid)}
    return all(i in lines for i in range(1, grid.ncols))
