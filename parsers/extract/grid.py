"""Expand a table's rowspan/colspan cells into a rectangular grid, remembering each cell's origin."""

from __future__ import annotations

from dataclasses import dataclass

from parsers.limits import MAX_SPAN, MAX_TABLE_CELLS
from parsers.models import Origin, Table


class TableTooLarge(ValueError):
    """The expanded grid would exceed limits.MAX_TABLE_CELLS positions."""


@dataclass
class SpanCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def _clamp(n: int) -> int:
    return max(1, min(n, MAX_SPAN))


def expand(rows: list[list[SpanCell]], page: int | None = None) -> Table:
    """Place cells left to right, skipping grid positions already filled by a rowspan from above."""
    filled: dict[tuple[int, int], tuple[str, Origin]] = {}
    n_rows = len(rows)
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in filled:
                c += 1
            rs, cs = cell.rowspan, cell.colspan
            entry = (cell.text, (r, c))
            if rs == 1 and cs == 1:
                filled[(r, c)] = entry
                c += 1
                width = max(width, c)
                continue
            rs, cs = _clamp(rs), _clamp(cs)
            if len(filled) + rs * cs > MAX_TABLE_CELLS:
                raise TableTooLarge(f"its cells span over {MAX_TABLE_CELLS:,} grid positions")
            for dr in range(min(rs, n_rows - r)):
                for dc in range(cs):
                    filled.setdefault((r + dr, c + dc), entry)
            c += cs
            width = max(width, c)
    if n_rows * width > MAX_TABLE_CELLS:
        raise TableTooLarge(f"its grid of {n_rows:,} × {width:,} is over {MAX_TABLE_CELLS:,} positions")
    grid: list[list[str]] = []
    origin: list[list[Origin]] = []
    for r in range(n_rows):
        row = [filled.get((r, c)) or ("", (r, c)) for c in range(width)]
        grid.append([e[0] for e in row])
        origin.append([e[1] for e in row])
    return Table(grid=grid, origin=origin, page=page, page_starts=[(page, 0)] if page else [])
