"""Lay out the three tables of a record as grids, with the printed labels of tables.yaml.

`alt=False` follows the official template (docs §1.3–1.5); `alt=True` is a different but valid span
arrangement (corner note as its own row, two label columns, 三、本年度办理结果 as a full-width row,
table 4 leaves all in the third header row, 合计 for 总计).
"""

from __future__ import annotations

from typing import Any

from synth.grid import Cell, Grid
from synth.labels import (
    TABLE3_NOTE,
    applicant_columns,
    request_rows,
    tables_yaml,
    template_variants,
    variant,
)
from synth.statistics import statistics_grid

T2_UNITS = {"fee_amount_wan_yuan": "万元", "procurement_amount": "元", "procurement_items": "",
            "prev_year_items": "", "change": ""}
FLOW_ROWS = ("new_requests", "carried_over", "carried_forward")


def _total_label(alt: bool) -> str:
    total = next(c for c in applicant_columns() if c["key"] == "total")
    return total["aliases"][0] if alt else total["label_zh"]


def _spans(n: int, alt: bool) -> list[int]:
    """Column spans of n value columns inside the three value columns of table 2."""
    return {1: [3], 2: [2, 1] if alt else [1, 2], 3: [1, 1, 1]}[n]


def proactive_grid(table: dict[str, dict[str, Any]], variant_name: str, alt: bool) -> Grid:
    """Table 2: blocks of a 第二十条 header row, a column-header row and data rows (4 grid columns)."""
    spec = variant(variant_name)
    grid = Grid("proactive", 4)
    for block in spec["blocks"]:
        spans = _spans(len(block["columns"]), alt)
        grid.rows.append([Cell(block["header_zh"], colspan=4, kind="header")])
        grid.rows.append([Cell(spec["row_label_header"], kind="header")] + [
            Cell(col["label_zh"], colspan=s, kind="header", wrap=True)
            for col, s in zip(block["columns"], spans, strict=True)])
        for row in block["rows"]:
            grid.rows.append([Cell(row["label_zh"])] + [
                Cell(colspan=s, kind="value", value=table[row["key"]][col["key"]],
                     unit=T2_UNITS.get(col["key"], "件"))
                for col, s in zip(block["columns"], spans, strict=True)])
    return grid


def _applicant_header(label_cols: int, alt: bool) -> list[list[Cell]]:
    """The three header rows of table 3 right of the corner."""
    group_labels = tables_yaml()["applicant_group_labels"]
    cols = applicant_columns()
    corner = Cell("" if alt else TABLE3_NOTE, 3, label_cols, "empty" if alt else "note")
    return [
        [corner, Cell(group_labels[0], colspan=7, kind="header")],
        [Cell(cols[0]["label_zh"], rowspan=2, kind="header"), Cell(group_labels[1], colspan=5, kind="header"),
         Cell(_total_label(alt), rowspan=2, kind="header")],
        [Cell(c["label_zh"], kind="header", wrap=True) for c in cols[1:6]],
    ]


def _values(cells: dict[str, Any]) -> list[Cell]:
    return [Cell(kind="value", value=cells[c["key"]], unit="件") for c in applicant_columns()]


def _label_cells(rows: list[dict], groups: dict[str, dict], i: int, alt: bool) -> list[Cell]:
    """Label cells that start on data row i: the results span, a group span, and the row's own label."""
    row = rows[i]
    label_cols = 2 if alt else 3
    if row["key"] in FLOW_ROWS:
        return [Cell(row["label_zh"], colspan=label_cols)]
    out = []
    in_results = [j for j, r in enumerate(rows) if r["key"] not in FLOW_ROWS]
    if not alt and i == in_results[0]:
        out.append(Cell(groups["results"]["label_zh"], rowspan=len(in_results)))
    group = row.get("group", "results")
    if group == "results":
        return [*out, Cell(row["label_zh"], colspan=2)]
    members = [j for j, r in enumerate(rows) if r.get("group") == group]
    if i == members[0]:
        out.append(Cell(groups[group]["label_zh"], rowspan=len(members)))
    return [*out, Cell(row["label_zh"])]


def requests_grid(table: dict[str, dict[str, Any]], variant_name: str, alt: bool) -> Grid:
    """Table 3: 3 header rows and one row per numeric row, labels spanning up to 3 label columns."""
    rows = request_rows(variant_name)
    label_cols = 2 if alt else 3
    grid = Grid("requests", label_cols + 7, header_rows=4 if alt else 3)
    if alt:
        grid.rows.append([Cell(TABLE3_NOTE, colspan=label_cols + 7, kind="note")])
    grid.rows += _applicant_header(label_cols, alt)
    groups = variant(variant_name)["groups"]
    for i, row in enumerate(rows):
        if alt and row.get("group") == "results" and rows[i - 1]["key"] in FLOW_ROWS:
            grid.rows.append([Cell(groups["results"]["label_zh"], colspan=label_cols + 7)])
        grid.rows.append(_label_cells(rows, groups, i, alt) + _values(table[row["key"]]))
    return grid


def review_grid(table: dict[str, dict[str, Any]], alt: bool) -> Grid:
    """Table 4: 行政复议 (5) | 行政诉讼 (10) over two groups of five leaves, then one row of numbers."""
    spec = tables_yaml()["review_litigation"]
    groups, leaves = spec["groups"], spec["leaf_columns"]
    labels = [c["aliases"][0] if alt and c["key"] == "total" else c["label_zh"] for c in leaves]
    grid = Grid("review_litigation", 15, header_rows=3)
    grid.rows.append([Cell(groups[0]["label_zh"], colspan=5, kind="header"),
                      Cell(spec["parent_labels"][0], colspan=10, kind="header")])
    first = [Cell(kind="empty") for _ in labels] if alt else [
        Cell(t, rowspan=2, kind="header", wrap=True) for t in labels]
    grid.rows.append(first + [Cell(g["label_zh"], colspan=5, kind="header") for g in groups[1:]])
    grid.rows.append([Cell(t, kind="header", wrap=True) for t in (labels * 3 if alt else labels * 2)])
    grid.rows.append([Cell(kind="value", value=table[g["key"]][c["key"]], unit="件")
                      for g in groups for c in leaves])
    return grid


def record_grids(record: dict[str, Any], alt: bool = False) -> dict[int, Grid]:
    """Section number -> the grid printed in that section (the statistics table closes the last one)."""
    if record.get("statistics"):
        return {len(record["sections"]): statistics_grid(record["statistics"], alt)}
    if record["template"] in ("stat2014", "legacy"):
        return {}
    names = template_variants(record["template"])
    return {2: proactive_grid(record["proactive"], names["proactive"], alt),
            3: requests_grid(record["requests"], names["requests"], alt),
            4: review_grid(record["review_litigation"], alt)}
