"""Read a table grid row by row: which cells are labels, which are values, which came from a merge.

Readers see rows, not positions: a row's own label cells name it, the value cells after its last
label carry its numbers, and cells copied down from a rowspan above give its group context.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from parsers.models import Document, Table
from parsers.text import is_value_like


class RowCell(NamedTuple):
    """One own cell of a row (a tuple: rows are classified once per document, cells by the thousand)."""

    col: int
    text: str


class RowView(NamedTuple):
    table: Table
    r: int
    labels: tuple[RowCell, ...]  # own non-numeric, non-empty cells, left to right
    values: tuple[RowCell, ...]  # own numeric-or-blank cells after the last label
    context: tuple[str, ...]  # texts of cells merged down from rows above (group labels)

    @property
    def label(self) -> str | None:
        """The most specific label: the rightmost one."""
        return self.labels[-1].text if self.labels else None


_new_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (rows are built by the thousand)
_VALUE_LIKE: dict[str, bool] = {}
VALUE_LIKE_MEMO = 65536


def _value_like(text: str) -> bool:
    """is_value_like through a plain dict (a lookup per cell instead of an lru_cache call)."""
    hit = _VALUE_LIKE.get(text)
    if hit is None:
        if len(_VALUE_LIKE) >= VALUE_LIKE_MEMO:
            _VALUE_LIKE.clear()
        hit = _VALUE_LIKE[text] = is_value_like(text)
    return hit


def view_row(table: Table, r: int) -> RowView:
    labels: list[RowCell] = []
    values: list[RowCell] = []
    context: list[str] = []
    origins = table.origin[r]
    if len(origins) != len(table.grid[r]):  # as zip(strict=True) said it
        raise ValueError(f"zip() argument 2 is {'shorter' if len(origins) < len(table.grid[r]) else 'longer'} "
                         "than argument 1")
    memo = _VALUE_LIKE
    for c, text in enumerate(table.grid[r]):
        origin = origins[c]
        if origin is None:
            continue
        row, col = origin
        if row == r:
            if col != c:
                continue
            like = memo.get(text)
            if like is None:
                like = _value_like(text)
            if like:
                values.append(_new_tuple(RowCell, (c, text)))
            else:
                labels.append(_new_tuple(RowCell, (c, text)))
                values.clear()
        elif row < r and col == c and text:  # merged down from a row above: group context
            like = memo.get(text)
            if like is None:
                like = _value_like(text)
            if not like:
                context.append(text)
    return _new_tuple(RowView, (table, r, tuple(labels), tuple(values), tuple(context)))


def iter_rows(doc: Document) -> Iterator[RowView]:
    """Every row of every table, in document order."""
    for table in doc.tables:
        for r in range(len(table.grid)):
            yield view_row(table, r)
