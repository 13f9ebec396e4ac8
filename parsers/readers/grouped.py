"""行政复议/行政诉讼: one numeric row under group headers (复议, 直接起诉, 复议后起诉) and leaf headers."""

from __future__ import annotations

from parsers.labels import LabelIndex, index_of
from parsers.readers.base import TableRead, per_variant, relevant_rows
from parsers.rows import RowView
from parsers.templates import Variant


def _leaf_order(anchors: dict[str, int], leaves: list[tuple[str, int]]) -> list[tuple[str, str]]:
    """Each leaf belongs to the group whose header starts at or left of it; order by column."""
    ordered_groups = sorted(anchors.items(), key=lambda kv: kv[1])
    out = []
    for leaf, col in sorted(leaves, key=lambda lc: lc[1]):
        group = next((g for g, start in reversed(ordered_groups) if start <= col), None)
        if group is not None:
            out.append((group, leaf))
    return out


def _template_order(variant: Variant) -> list[tuple[str, str]]:
    return [(g, leaf.key) for g in variant.groups for leaf in variant.columns]


def _indexes(variant: Variant) -> tuple[LabelIndex, LabelIndex, dict[str, bool]]:
    """Group and leaf indexes, and the memo of relevant_rows."""
    return (index_of((p, g.key) for g in variant.groups.values() for p in g.printed),
            index_of((p, c.key) for c in variant.columns for p in c.printed),
            {})


def read_grouped(rows: list[RowView], variant: Variant) -> TableRead:
    n = len(variant.groups) * len(variant.columns)
    read = TableRead(variant.name, variant.section, expected_rows=len(variant.groups))
    groups, leaves, memo = per_variant("grouped", variant, _indexes)
    anchors: dict[str, int] = {}
    leaf_cols: list[tuple[str, int]] = []
    for view in relevant_rows(rows, (groups, leaves), memo, keep_unlabelled=True):  # the data row has no label
        found_groups = [(k, c.col) for c in view.labels if (k := groups.match(c.text))]
        found_leaves = [(k, c.col) for c in view.labels if (k := leaves.match(c.text))]
        if found_groups or len(found_leaves) >= 3:
            for key, col in found_groups:
                anchors.setdefault(key, col)
            leaf_cols.extend(found_leaves)
            read.matched_labels += len(found_groups) + len(found_leaves)
            continue
        if not anchors or view.labels or len(view.values) < n:
            continue
        order = _leaf_order(anchors, leaf_cols)
        if len(order) != n:
            read.warnings.append(f"{read.section}: column header not fully read; columns taken in template order")
            order = _template_order(variant)
        for (group, leaf), cell in zip(order, view.values[:n], strict=False):
            read.put(group, leaf, cell, view)
        break
    return read
