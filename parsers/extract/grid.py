"""Expand a table's rowspan/colspan cells into a rectangular grid, remembering each cell's origin."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import NamedTuple

from parsers.limits import MAX_SPAN, MAX_TABLE_CELLS
from parsers.models import Origin, Table


class TableTooLarge(ValueError):
    """The expanded grid would exceed limits.MAX_TABLE_CELLS positions."""


class SpanCell(NamedTuple):
    """A printed cell and how many rows and columns it covers (a tuple: tables hold hundreds)."""

    text: str
    rowspan: int = 1
    colspan: int = 1


class PlainRow(list):
    """A row whose cells all span one row and one column, given as their texts (HTML rows without rowspan or
    colspan attributes): expand() places them in one step when nothing from above is in the way."""


def _clamp(n: int) -> int:
    return max(1, min(n, MAX_SPAN))


def expand(rows: Sequence[Sequence[tuple[str, int, int]]], page: int | None = None) -> Table:
    """Place cells left to right, skipping grid positions already filled by a rowspan from above.

    Cells are SpanCells or plain (text, rowspan, colspan) tuples, or a row is a PlainRow of texts. Rows are
    lists padded as cells land in them (no per-position dict): most cells span nothing.
    """
    n_rows = len(rows)
    texts: list[list[str | None]] = [[] for _ in range(n_rows)]
    origins: list[list[Origin]] = [[] for _ in range(n_rows)]
    placed = 0
    width = 0
    for r, cells in enumerate(rows):
        row_texts, row_origins = texts[r], origins[r]
        if type(cells) is PlainRow:
            if None not in row_texts:  # no hole left by a span above: the texts go right after what is there
                c = len(row_texts)
                row_texts.extend(cells)
                row_origins.extend(zip(repeat(r), range(c, c + len(cells))))
                placed += len(cells)
                width = max(width, len(row_texts))
                continue
            cells = [(text, 1, 1) for text in cells]
        c = 0
        for text, rs, cs in cells:
            while c < len(row_texts) and row_texts[c] is not None:
                c += 1
            if rs == 1 and cs == 1:  # position c is free (the loop above): fill it, growing the row
                if c < len(row_texts):
                    row_texts[c], row_origins[c] = text, (r, c)
                elif c == len(row_texts):
                    row_texts.append(text)
                    row_origins.append((r, c))
                else:
                    _put(row_texts, row_origins, c, text, (r, c))
                placed += 1
                c += 1
                continue
            rs, cs = _clamp(rs), _clamp(cs)
            if placed + rs * cs > MAX_TABLE_CELLS:
                raise TableTooLarge(f"its cells span over {MAX_TABLE_CELLS:,} grid positions")
            origin = (r, c)
            for dr in range(min(rs, n_rows - r)):
                span_texts, span_origins = texts[r + dr], origins[r + dr]
                for cc in range(c, c + cs):
                    if cc < len(span_texts) and span_texts[cc] is not None:
                        continue  # taken by an earlier span: the first one keeps it
                    placed += _put(span_texts, span_origins, cc, text, origin)
            c += cs
        width = max(width, c, len(row_texts))
    if n_rows * width > MAX_TABLE_CELLS:
        raise TableTooLarge(f"its grid of {n_rows:,} × {width:,} is over {MAX_TABLE_CELLS:,} positions")
    grid: list[list[str]] = []
    for r in range(n_rows):
        row_texts, row_origins = texts[r], origins[r]
        if len(row_texts) < width:
            row_texts.extend([None] * (width - len(row_texts)))
            row_origins.extend([None] * (width - len(row_origins)))
        for c, text in enumerate(row_texts):
            if text is None:
                row_texts[c], row_origins[c] = "", (r, c)
        grid.append(row_texts)  # type: ignore[arg-type]
    return Table(grid=grid, origin=origins, page=page, page_starts=[(page, 0)] if page else [])


def _put(texts: list[str | None], origins: list[Origin], c: int, text: str, origin: Origin) -> int:
    """Fill position c of a row unless a span from above already did (1 when filled, else 0)."""
    if c == len(texts):
        texts.append(text)
        origins.append(origin)
        return 1
    if c > len(texts):
        texts.extend([None] * (c + 1 - len(texts)))
        origins.extend([None] * (c + 1 - len(origins)))
    elif texts[c] is not None:
        return 0
    texts[c], origins[c] = text, origin
    return 1
