"""Read a table grid row by row: which cells are labels, which are values, which came from a merge.

Readers see rows, not positions: a row's own label cells name it, the value cells after its last
label carry its numbers, and cells copied down from a rowspan above give its group context.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from parsers.models import Document, Table
from parsers.text import is_value_like


@dataclass(frozen=True)
class RowCell:
    col: int
    text: str


@dataclass(frozen=True)
class RowView:
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
    for c, text in enumerate(table.grid[r]):
        origin = table.origin[r][c]
        if origin is None:
            continue
        if origin[0] < r:
            if origin[1] == c and text and not is_value_like(text):
                context.append(text)
            continue
        if origin != (r, c):
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
