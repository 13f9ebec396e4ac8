"""What a table reader returns, and the shared step that turns a printed cell into a value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from parsers.labels import MEMO_LIMIT, LabelIndex
from parsers.rows import RowCell, RowView
from parsers.templates import Variant
from parsers.text import read_value

T = TypeVar("T")
_PER_VARIANT: dict[tuple[str, int], tuple[Variant, object]] = {}


def per_variant(kind: str, variant: Variant, build: Callable[[Variant], T]) -> T:
    """What a reader derives from a variant (its label indexes …), built once, not once per document."""
    key = (kind, id(variant))
    hit = _PER_VARIANT.get(key)
    if hit is None or hit[0] is not variant:
        hit = _PER_VARIANT[key] = (variant, build(variant))
    return hit[1]  # type: ignore[return-value]


def relevant_rows(rows: list[RowView], indexes: tuple[LabelIndex, ...], memo: dict[str, bool],
                  keep_unlabelled: bool = False) -> list[RowView]:
    """The rows a reader can act on: those with a label some index of its variant matches (and, for a reader
    whose data row carries no label, the unlabelled rows). The other rows would each be looked up label by
    label and skipped; `memo` (one per variant, kept across documents) remembers each label's answer."""
    out = []
    for view in rows:
        if not view.labels:
            if keep_unlabelled:
                out.append(view)
            continue
        for cell in view.labels:
            hit = memo.get(cell.text)
            if hit is None:
                if len(memo) > MEMO_LIMIT:
                    memo.clear()
                hit = memo[cell.text] = any(index.match(cell.text) is not None for index in indexes)
            if hit:
                out.append(view)
                break
    return out


class CellRead(NamedTuple):
    """One value with where it came from (table index, grid row/col, page) and its printed text."""

    value: int | float | None
    raw: str
    table: int
    row: int
    col: int
    page: int | None
    unit: str = ""  # the unit printed in the cell (251000元), read with its value


@dataclass
class TableRead:
    """One variant's reading of a table. Cells stay as printed (RowCell) until `cells` is asked for,
    because most variants lose to a better one and their values are never needed."""

    variant: str
    section: str
    printed: dict[str, dict[str, tuple[RowCell, RowView]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    matched_labels: int = 0
    expected_rows: int = 0
    units: dict[str, str] = field(default_factory=dict)  # row → printed unit (statistics table)
    _cells: dict[str, dict[str, CellRead]] | None = None

    @property
    def found(self) -> bool:
        return bool(self.printed)

    @property
    def cells(self) -> dict[str, dict[str, CellRead]]:
        if self._cells is None:
            self._cells = {row: {col: _cell_read(c, v) for col, (c, v) in cols.items()}
                           for row, cols in self.printed.items()}
        return self._cells

    @property
    def score(self) -> int:
        """Matched labels, minus the template rows that were not found (to prefer the closer variant)."""
        missing = max(0, self.expected_rows - len(self.printed))
        return self.matched_labels + len(self.printed) - missing

    def put(self, row_key: str, col_key: str, cell: RowCell, view: RowView) -> None:
        self.printed.setdefault(row_key, {})[col_key] = (cell, view)


def _cell_read(cell: RowCell, view: RowView) -> CellRead:
    table = view.table
    page = table.page_of(view.r) if table.page_starts else table.page
    read = read_value(cell.text)
    # tuple.__new__: a CellRead per stored value, without the NamedTuple's Python-level __new__
    return _new_tuple(CellRead, (read.value, cell.text, table.index, view.r, cell.col, page, read.unit))


_new_tuple = tuple.__new__


def assign(
    read: TableRead, row_key: str, keys: list[str], header_cols: dict[str, int], view: RowView, n: int
) -> None:
    """Give each value cell of a data row its column key.

    In order when the count matches the header (robust to header/data colspan misalignment);
    by header position when cells are missing (merged or left out). A row with more value cells
    than the table has columns does not have the table's shape (a transposed table, a label read as
    the wrong row): which cell is which would be a guess, and a guessed value is never stored, so
    the row is reported and skipped, as it is when no cell sits under a header.
    """
    values = view.values
    if len(values) != n:
        values = _trim(values, n)
    if len(values) == n:
        if values and keys:  # read.put, the row looked up once instead of once per cell
            row = read.printed.setdefault(row_key, {})
            for key, cell in zip(keys, values, strict=False):
                row[key] = (cell, view)
        return
    if len(values) > n:
        read.warnings.append(f"{read.section}.{row_key}: {len(values)} value cells for {n} columns; the row "
                             "does not fit the table's columns, not stored")
        return
    by_col = {col: key for key, col in header_cols.items()}
    placed = [(by_col[c.col], c) for c in view.values if c.col in by_col]
    if placed:
        for key, cell in placed:
            read.put(row_key, key, cell, view)
        read.warnings.append(
            f"{read.section}.{row_key}: {len(view.values)} value cells for {n} columns; placed by header position"
        )
        return
    read.warnings.append(f"{read.section}.{row_key}: {len(view.values)} value cells for {n} columns; row skipped")


def _trim(values: tuple[RowCell, ...], n: int) -> tuple[RowCell, ...]:
    out = list(values)
    while len(out) > n and not out[-1].text.strip():
        out.pop()
    while len(out) > n and not out[0].text.strip():
        out.pop(0)
    return tuple(out)
