"""政府信息公开情况统计表 (2014–2018): one indicator per row, 统计指标 | 单位 | 统计数.

Rows are matched within the group (一、主动公开情况 … 九、会议和培训情况) they are printed under, since
several labels repeat across groups; a label found in no group of its own is matched only when it is
unique in the whole table. The printed unit of each row is kept beside its value.
"""

from __future__ import annotations

from parsers.labels import LabelIndex, index_of
from parsers.readers.base import TableRead, per_variant
from parsers.rows import RowCell, RowView
from parsers.templates import Variant
from parsers.text import normalize_label, read_value, squash


class _Layout:
    """What the header row said: which grid column holds the count (None: the only value cell)."""

    def __init__(self) -> None:
        self.count_col: int | None = None
        self.group: str | None = None


def _header(view: RowView, variant: Variant, counts: LabelIndex) -> int | None:
    """The grid column of the 统计数 header when this row is the table's header row."""
    heads = {normalize_label(h) for h in variant.options.get("label_header", ())}
    if not any(normalize_label(c.text) in heads for c in view.labels):
        return None
    return next((c.col for c in view.labels if counts.match(c.text)), -1)


def _value_cell(view: RowView, layout: _Layout) -> RowCell | None:
    """The count cell: under the 统计数 header, else the row's only (non-empty) value cell (shifted rows)."""
    if layout.count_col is not None and (hit := next((v for v in view.values if v.col == layout.count_col), None)):
        return hit
    if len(view.values) == 1:
        return view.values[0]
    filled = [v for v in view.values if v.text.strip()]
    return filled[0] if len(filled) == 1 and layout.count_col is not None else None


def _spanning_group(view: RowView, indexes: _Indexes) -> str | None:
    """A group label printed once in a cell spanning its rows (HTML rowspan, merged Word cells)."""
    return next((g for text in view.context if (g := indexes.groups.match(text))), None)


class _Indexes:
    def __init__(self, variant: Variant) -> None:
        self.groups = index_of((p, g.key) for g in variant.groups.values() for p in g.printed)
        by_group: dict[str, list[tuple[str, str]]] = {}
        owners: dict[str, set[str]] = {}
        for row in variant.rows:
            for printed in row.printed:
                by_group.setdefault(row.group or "", []).append((printed, row.key))
                owners.setdefault(normalize_label(printed), set()).add(row.key)
        self.in_group = {g: index_of(pairs) for g, pairs in by_group.items()}
        self.unique = index_of((p, r.key) for r in variant.rows for p in r.printed
                               if len(owners[normalize_label(p)]) == 1)

    def row(self, label: str, group: str | None) -> str | None:
        if group is not None and (key := self.in_group[group].match(label)):
            return key
        return self.unique.match(label)


def _split(view: RowView, units: set[str], prefixes: tuple[str, ...], indexes: _Indexes
           ) -> tuple[str, str | None, str | None]:
    """The row's label (its label cells joined, 其中： dropped), its printed unit, and the group named by a
    leading cell that spans the group's rows (its first row carries it as its own cell)."""
    label_parts, unit = [], None
    for cell in view.labels:
        text = squash(cell.text)
        if text in units and unit is None:
            unit = text
        else:
            label_parts.append(text)
    group = None
    if len(label_parts) > 1 and (group := indexes.groups.match(label_parts[0])):
        label_parts = label_parts[1:]
    label = "".join(label_parts)
    for prefix in prefixes:
        if label.startswith(prefix) and len(label) > len(prefix) + 1:
            label = label[len(prefix):].lstrip(":：")
            break
    return label, unit, group


def _marked(rows: list[RowView], markers: tuple[str, ...]) -> bool:
    """Whether any label cell holds a marker of this table: most documents have none, and are skipped fast."""
    if not markers:
        return True
    labels = "\0".join(c.text for view in rows for c in view.labels)  # one scan per marker, in C
    return any(m in labels for m in markers)


def read_indicators(rows: list[RowView], variant: Variant) -> TableRead:
    if not _marked(rows, tuple(variant.options.get("markers", ()))):
        return TableRead(variant.name, variant.section)
    read = TableRead(variant.name, variant.section, expected_rows=len(variant.rows))
    units = set(variant.options.get("units", ()))
    prefixes = tuple(normalize_label(p) for p in variant.options.get("strip_prefixes", ()))
    counts = index_of((p, c.key) for c in variant.columns for p in c.printed)
    expected_unit = {r.key: r.unit for r in variant.rows}
    indexes, layout = per_variant("indicators", variant, _Indexes), _Layout()
    for view in rows:
        if (col := _header(view, variant, counts)) is not None:
            layout.count_col = col if col >= 0 else None
            continue
        label, unit, leading = _split(view, units, prefixes, indexes)
        if not label:
            continue
        group = leading or indexes.groups.match(label) or _spanning_group(view, indexes)
        layout.group = group or layout.group
        key = indexes.row(label, layout.group)
        if key is None or key in read.printed:
            continue
        cell = _value_cell(view, layout)
        if cell is None or (read_value(cell.text).kind == "blank" and not unit):
            continue  # a group row (—— in 单位 and 统计数) or a row whose count column is unclear
        read.put(key, "count", cell, view)
        read.units[key] = unit or expected_unit[key]
        read.matched_labels += 1
        if unit and expected_unit[key] and unit != expected_unit[key]:
            read.warnings.append(f"statistics.{key}: printed in {unit}, the template says {expected_unit[key]}")
    if len(read.printed) < variant.options.get("min_rows", 1):
        return TableRead(variant.name, variant.section)
    return read
