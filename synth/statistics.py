"""The 2014–2018 《政府信息公开情况统计表》 of a synthetic report: indicators drawn, totals computed.

Row keys, units and the implied identities come from tables.yaml (variant statistics_2014), so the
generator and the parser agree on them.
"""

from __future__ import annotations

import random
from typing import Any

from synth.grid import Cell, Grid
from synth.labels import variant

VARIANT = "statistics_2014"
# Upper bound of a drawn count, by the unit the template prints.
# Sub-group rows printed before a row (—— in 单位 and 统计数, no key of their own).
SUBGROUPS = {"via_gazette": "（二）通过不同渠道和方式公开政府信息的情况",
             "press_conferences": "（二）通过不同渠道和方式回应解读的情况"}
TOPS = {"条": 6000, "件": 60, "次": 40, "篇": 80, "个": 4, "人": 12, "人次": 400}


def identities() -> list[tuple[str, str, list[str]]]:
    """(id, total row, part rows) of each implied identity."""
    out = []
    for ident in variant(VARIANT)["identities"]:
        lhs, rhs = (side.strip() for side in ident["expr"].split("=="))
        out.append((ident["id"], lhs, [p.strip() for p in rhs.split("+")]))
    return out


def _draw(rng: random.Random, row: dict[str, Any]) -> int | float:
    if row.get("decimal"):
        return round(rng.uniform(0.1, 30), 2) if rng.random() < 0.4 else 0
    top = TOPS.get(row["unit"], 20)
    return min(top, int(top ** rng.random())) if rng.random() < 0.7 else 0


def _n(value: Any) -> float:
    return 0 if value is None else value


def statistics_checks(table: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every implied identity of the table (blanks as 0), like the parser's checks."""
    out = []
    for cid, total, parts in identities():
        lhs, rhs = _n(table[total]["count"]), sum(_n(table[p]["count"]) for p in parts)
        out.append({"id": cid, "scope": "count", "ok": lhs == rhs, "lhs": lhs, "rhs": rhs})
    return out


def random_statistics(rng: random.Random, blanks: bool = False) -> dict[str, dict[str, Any]]:
    """Every indicator row; totals are the sums of their parts (nested totals computed innermost first)."""
    rows = variant(VARIANT)["rows"]
    table = {row["key"]: {"count": _draw(rng, row)} for row in rows}
    for _ in range(2):  # 不同意公开答复数 is both a part (of 申请答复数) and a total (of its 其中 rows)
        for _cid, total, parts in identities():
            table[total]["count"] = sum(table[p]["count"] for p in parts)
    if blanks:
        for cells in table.values():
            if cells["count"] == 0 and rng.random() < 0.3:
                cells["count"] = None
    return table


def plant_statistics_error(rng: random.Random, table: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """Make one printed total wrong; return the identities that breaks, recomputed."""
    _cid, total, _parts = rng.choice(identities())
    table[total]["count"] = _n(table[total]["count"]) + rng.choice((1, 2, 5, 10))
    return [{"id": c["id"], "scope": c["scope"]} for c in statistics_checks(table) if not c["ok"]]


def _value_cells(table: dict[str, dict[str, Any]], row: dict[str, Any]) -> list[Cell]:
    return [Cell(row["unit"]), Cell(kind="value", value=table[row["key"]]["count"], unit=row["unit"])]


def _plain_grid(table: dict[str, dict[str, Any]], spec: dict[str, Any]) -> Grid:
    """One label column; group rows with —— in the 单位 and 统计数 cells."""
    groups = {g["key"]: g["label_zh"] for g in spec["groups"]}
    grid = Grid("statistics", 3, header_rows=1)
    grid.rows.append([Cell(spec["label_header"][0], kind="header"), Cell(spec["unit_header"][0], kind="header"),
                      Cell(spec["columns"][0]["label_zh"], kind="header")])
    opened: set[str] = set()
    for row in spec["rows"]:
        group = row["group"]
        if group not in opened and groups[group] != row["label_zh"]:
            grid.rows.append([Cell(groups[group]), Cell("——"), Cell("——")])
        opened.add(group)
        if row["key"] in SUBGROUPS:
            grid.rows.append([Cell(SUBGROUPS[row["key"]]), Cell("——"), Cell("——")])
        grid.rows.append([Cell(row["label_zh"]), *_value_cells(table, row)])
    return grid


def _spanning_grid(table: dict[str, dict[str, Any]], spec: dict[str, Any]) -> Grid:
    """Each group's label in a cell spanning its rows (a group printed as its own first row says 数量)."""
    grid = Grid("statistics", 4, header_rows=1)
    grid.rows.append([Cell(spec["label_header"][0], colspan=2, kind="header"),
                      Cell(spec["unit_header"][0], kind="header"), Cell(spec["columns"][0]["label_zh"], kind="header")])
    for group in spec["groups"]:
        members = [r for r in spec["rows"] if r["group"] == group["key"]]
        lines: list[list[Cell]] = []
        for row in members:
            if row["key"] in SUBGROUPS:
                lines.append([Cell(SUBGROUPS[row["key"]]), Cell("——"), Cell("——")])
            label = "数量" if row["label_zh"] == group["label_zh"] else row["label_zh"]
            lines.append([Cell(label), *_value_cells(table, row)])
        if len(lines) == 1:
            grid.rows.append([Cell(members[0]["label_zh"], colspan=2), *_value_cells(table, members[0])])
            continue
        grid.rows.append([Cell(group["label_zh"], rowspan=len(lines)), *lines[0]])
        grid.rows += lines[1:]
    return grid


def statistics_grid(table: dict[str, dict[str, Any]], alt: bool = False) -> Grid:
    """统计指标 | 单位 | 统计数; `alt` prints each group's label once, spanning the group's rows."""
    spec = variant(VARIANT)
    return _spanning_grid(table, spec) if alt else _plain_grid(table, spec)
