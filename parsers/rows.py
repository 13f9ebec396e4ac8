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


def view_row(table: Table, r: int) -> RowView:
    labels: list[RowCell] = []
    values: list[RowCell] = []
    context: list[str] = []
    for c, (text, origin) in enumerate(zip(table.grid[r], table.origin[r], strict=True)):
        if origin is None:
            continue
        if origin[0] < r:  # merged down from a row above
            if origin[1] == c and text and not is_value_like(text):
                context.append(text)
            continue
        if origin[0] != r or origin[1] != c:
            continue
        if is_value_like(text):
            values.append(RowCell(c, text))
        else:
            labels.append(RowCell(c, text))
            values.clear()
    return RowView(table, r, tuple(labels), tuple(values), tuple(context))


def iter_rows(doc: Document) -> Iterator[RowView]:
    """Every row of every table, in document order."""
    for table in doc.tables:
        for r in range(len(table.grid)):
            yield view_row(table, r)
