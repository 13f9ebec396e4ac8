"""收到和处理政府信息公开申请: labelled rows × applicant columns (header gives the column order)."""

from __future__ import annotations

from parsers.labels import LabelIndex, index_of
from parsers.readers.base import TableRead, assign, per_variant, relevant_rows
from parsers.rows import RowView
from parsers.templates import Variant
from parsers.text import read_value


class _Header:
    """Applicant columns seen in header rows: key → grid column of its label."""

    def __init__(self) -> None:
        self.cols: dict[str, int] = {}
        self.closed = False
        self.order: list[str] | None = None  # the column order these headers give (computed once)

    def add(self, key: str, col: int) -> None:
        if self.closed:  # a header after data rows starts a new table
            self.cols, self.closed = {}, False
        self.cols.setdefault(key, col)
        self.order = None


def _header_keys(view: RowView, columns: LabelIndex, groups: LabelIndex) -> list[tuple[str, int]] | None:
    found = [(k, c.col) for c in view.labels if (k := columns.match(c.text))]
    if len(found) >= 2:
        return found
    has_group = any(groups.match(c.text) for c in view.labels)
    has_numbers = has_group and any(read_value(v.text).kind == "number" for v in view.values)
    return found if has_group and not has_numbers else None


def _order(header: _Header, variant: Variant, read: TableRead) -> list[str]:
    if header.order is not None:
        return header.order
    keys = [c.key for c in variant.columns]
    if set(header.cols) == set(keys):
        header.order = sorted(keys, key=lambda k: header.cols[k])
        return header.order
    if "header" not in " ".join(read.warnings):
        read.warnings.append(f"{read.section}: column header incomplete; columns taken in template order")
    return keys


def _indexes(variant: Variant) -> tuple[LabelIndex, LabelIndex, LabelIndex, dict[str, bool]]:
    """Column, column-group and row indexes, and the memo of relevant_rows."""
    return (index_of((p, c.key) for c in variant.columns for p in c.printed),
            index_of((p, "group") for p in variant.column_group_labels),
            index_of((p, r.key) for r in variant.rows for p in r.printed),
            {})


def read_matrix(rows: list[RowView], variant: Variant) -> TableRead:
    read = TableRead(variant.name, variant.section, expected_rows=len(variant.rows))
    columns, col_groups, row_index, memo = per_variant("matrix", variant, _indexes)
    header = _Header()
    for view in relevant_rows(rows, (columns, col_groups, row_index), memo):
        found = _header_keys(view, columns, col_groups)
        if found is not None:
            for key, col in found:
                header.add(key, col)
            read.matched_labels += len(found)
            continue
        key = row_index.match(view.label)
        if key is None or not view.values:
            continue
        if key in read.printed:
            read.warnings.append(f"{read.section}.{key}: printed twice; the first is kept")
            continue
        header.closed = bool(header.cols)
        read.matched_labels += 1
        assign(read, key, _order(header, variant, read), header.cols, view, len(variant.columns))
    return read
