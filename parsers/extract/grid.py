"""Expand a table's rowspan/colspan cells into a rectangular grid, remembering each cell's origin."""

from __future__ import annotations

from dataclasses import dataclass

from parsers.models import Origin, Table

MAX_SPAN = 200  # real reports never span more; a hostile rowspan=65534 must not allocate millions


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
            rs, cs = _clamp(cell.rowspan), _clamp(cell.colspan)
            for dr in range(min(rs, n_rows - r)):
                for dc in range(cs):
                    filled.setdefault((r + dr, c + dc), (cell.text, (r, c)))
            c += cs
            width = max(width, c)
    grid = [[filled.get((r, c), ("", (r, c)))[0] for c in range(width)] for r in range(n_rows)]
    origin = [[filled.get((r, c), ("", (r, c)))[1] for c in range(width)] for r in range(n_rows)]
    return Table(grid=grid, origin=origin, page=page, page_starts=[(page, 0)] if page else [])
