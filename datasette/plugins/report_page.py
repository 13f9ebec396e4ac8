"""The report page: one report's three tables laid out like the printed ones, failing checks marked.

Adds `report` to the template context of the `reports` row page (row-<db>-reports.html) and nothing
else. Labels come from the parsers' tables.yaml, read as a data file (never imported); every query uses
bound parameters. Values are handed to Jinja as plain strings, so autoescaping covers scraped text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlparse

import yaml
from datasette import hookimpl

from archive.original import original_href
from archive.textdb import SCHEMA as TEXT_SCHEMA

CONFIG = "nianbao"
DEFAULT_DB = "nianbao"
# The parsers' templates as package data (importlib.resources), wherever nianbao is installed.
TABLES_YAML = files("parsers.templates") / "tables.yaml"
# Which table variants each template prints; `mixed` and unknown templates are matched on the data.
PREFERRED = {"gov2021": {"proactive_2021", "requests_2021"}, "gov2019": {"proactive_2019", "requests_2019"}}
# The printed form puts （七）总计 inside the 三、本年度办理结果 block although it belongs to no row group.
VISUAL_GROUP = {"total_processed": "results"}
LABEL_COLUMNS = 3
SUM_TERM = re.compile(r"^sum\(group:(\w+)\)$")
STATUS_LABELS = {
    "ok": "已解析 / parsed", "partial": "部分解析 / partly parsed", "not_a_report": "不是年报 / not a report",
    "image_only": "仅图片 / image only", "unparseable": "无法解析 / unparseable", "error": "出错 / error",
}
TEMPLATE_NAMES = {"gov2021": "2021年版格式 / 2021 format", "gov2019": "2019年版格式 / 2019 format",
                  "mixed": "混合格式（2019与2021版的行并存）/ mixed 2019 and 2021 rows",
                  "stat2014": "2014年统计表 / 2014 statistics table", "legacy": "2019年以前的格式 / pre-2019 format",
                  "unknown": "未识别 / not recognised"}
LEVEL_LABELS = {"county_gov": "县级政府 / county government", "department": "县级部门 / county department",
                "township": "乡镇街道 / township", "other": "其他 / other"}


@lru_cache(maxsize=4)
def load_yaml(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def template_label(template: str | None, templates_yaml: Path) -> str:
    """The template's name with the notice that set it (templates.yaml), e.g. 国办公开办函〔2021〕30号."""
    name = TEMPLATE_NAMES.get(template or "unknown", template or "—")
    notice = load_yaml(str(templates_yaml)).get("templates", {}).get(template or "", {}).get("notice")
    return f"{name}（{notice}）" if notice else name


def _flat(rows: list) -> list[dict]:
    out: list[dict] = []
    for item in rows:
        out.extend(_flat(item) if isinstance(item, list) else [item])
    return out


def short_label(spec: dict) -> str:
    return min([spec["label_zh"], *spec.get("aliases", [])], key=len)


def gloss(key: str) -> str:
    return key.replace("_", " ")


def fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def pick_variant(variants: dict, kind: str, template: str | None, present: set) -> tuple[str, dict] | None:
    """The variant of this kind that fits the stored keys best; the template's own wins a tie."""
    scored = []
    for name, variant in variants.items():
        if variant.get("kind") != kind:
            continue
        keys = _variant_keys(variant)
        score = (len(keys & present) - len(present - keys), name in PREFERRED.get(template or "", ()))
        scored.append((score, name, variant))
    if not scored:
        return None
    _, name, variant = max(scored, key=lambda s: s[0])
    return name, variant


def _variant_keys(variant: dict) -> set:
    if variant["kind"] == "matrix":
        return {r["key"] for r in _flat(variant["rows"])}
    if variant["kind"] == "blocks":
        return {c["key"] for b in variant["blocks"] for c in b["columns"]}
    return {g["key"] for g in variant["groups"]}


class Cells:
    """The stored cells of one table, keyed by (row, col), and the failing checks that name each cell."""

    def __init__(self, rows: list[dict], link: Callable[[dict], str | None] | None = None) -> None:
        self.by_key = {(r["row_key"], r["col_key"]): r for r in rows}
        self.failing: dict[tuple, list[str]] = {}
        self.link = link  # stored cell -> URL of the original at its printed place

    def cell(self, row: str, col: str, colspan: int = 1) -> dict:
        stored = self.by_key.get((row, col))
        fails = self.failing.get((row, col), [])
        cell = {"kind": "value", "colspan": colspan, "rowspan": 1, "fail": bool(fails), "row": row, "col": col}
        if stored is None:
            return {**cell, "kind": "missing", "text": "", "title": "未读到此单元格 / cell not found in the document"}
        raw = (stored["raw"] or "").strip()
        text = fmt(stored["value"])
        title = []
        if stored["value"] is None:
            cell["kind"] = "blank"
            title.append(f"原文为空白{'（' + raw + '）' if raw else ''} / printed blank, not 0")
        title.append(f"原文 / as printed: {raw or '（空白 / blank）'}")
        cell["where"] = printed_place(stored)
        title.append(cell["where"])
        if fails:
            title.append("未通过 / fails: " + ", ".join(fails))
        cell["href"] = self.link(stored) if self.link else None
        return {**cell, "text": text, "title": "\n".join(title)}


def printed_place(stored: dict) -> str:
    """Where a cell was printed: its PDF page, else its table, row and column in the document (from 1)."""
    parts = []
    if stored.get("page"):
        parts.append(f"第 {stored['page']} 页 / page {stored['page']}")
    if stored.get("grid_table") is not None and stored.get("grid_row") is not None:
        t, r, c = stored["grid_table"] + 1, stored["grid_row"] + 1, (stored.get("grid_col") or 0) + 1
        parts.append(f"原文第 {t} 张表第 {r} 行第 {c} 列 / table {t}, row {r}, column {c}")
    return " · ".join(parts) or "位置未记录 / position not recorded"


def label(text: str, key: str = "", colspan: int = 1, rowspan: int = 1, kind: str = "label") -> dict:
    return {"kind": kind, "text": text, "sub": gloss(key) if key else "", "colspan": colspan, "rowspan": rowspan,
            "fail": False, "title": ""}


def requests_grid(variant: dict, cells: Cells) -> dict:
    columns = variant["columns"]
    group_labels = variant.get("column_group_labels", ["", ""])
    head = [
        [label("", colspan=LABEL_COLUMNS, rowspan=3, kind="corner"), label(group_labels[0], colspan=len(columns),
                                                                            kind="head")],
        [label(columns[0]["label_zh"], columns[0]["key"], rowspan=2, kind="head"),
         label(group_labels[1], colspan=len(columns) - 2, kind="head"),
         label(columns[-1]["label_zh"], columns[-1]["key"], rowspan=2, kind="head")],
        [label(c["label_zh"], c["key"], kind="head") for c in columns[1:-1]],
    ]
    rows = _flat(variant["rows"])
    extra = sorted({r for r, _ in cells.by_key} - {r["key"] for r in rows})
    rows = rows + [{"key": key, "label_zh": key} for key in extra]
    paths = [_group_path(variant["groups"], VISUAL_GROUP.get(r["key"], r.get("group"))) for r in rows]
    body = []
    for i, (row, path) in enumerate(zip(rows, paths, strict=True)):
        out = []
        for depth, group in enumerate(path):
            if i > 0 and paths[i - 1][: depth + 1] == path[: depth + 1]:
                continue  # covered by the rowspan of a label above
            span = 1
            while i + span < len(rows) and paths[i + span][: depth + 1] == path[: depth + 1]:
                span += 1
            out.append(label(variant["groups"][group]["label_zh"], group, rowspan=span, kind="group"))
        out.append(label(row["label_zh"], row["key"], colspan=LABEL_COLUMNS - len(path)))
        out.extend(cells.cell(row["key"], c["key"]) for c in columns)
        body.append(out)
    return {"head": head, "body": body}


def _group_path(groups: dict, group: str | None) -> list[str]:
    path: list[str] = []
    while group:
        path.insert(0, group)
        group = groups.get(group, {}).get("parent")
    return path


def review_grid(variant: dict, cells: Cells) -> dict:
    groups, leaves = variant["groups"], variant["leaf_columns"]
    parent = (variant.get("parent_labels") or ["行政诉讼"])[0]
    head = [
        [label(groups[0]["label_zh"], groups[0]["key"], colspan=len(leaves), rowspan=2, kind="head"),
         label(parent, colspan=len(leaves) * (len(groups) - 1), kind="head")],
        [label(g["label_zh"], g["key"], colspan=len(leaves), kind="head") for g in groups[1:]],
        [label(leaf["label_zh"], leaf["key"], kind="head") for _ in groups for leaf in leaves],
    ]
    body = [[cells.cell(g["key"], leaf["key"]) for g in groups for leaf in leaves]]
    return {"head": head, "body": body}


def proactive_grid(variant: dict, cells: Cells) -> dict:
    width = max(len(b["columns"]) for b in variant["blocks"])
    body = []
    for block in variant["blocks"]:
        cols = block["columns"]
        # the last column takes up the width a block with fewer columns leaves over, as printed
        spanned = list(zip(cols, [1] * (len(cols) - 1) + [width - len(cols) + 1], strict=True))
        body.append([label(block["header_zh"], colspan=width + 1, kind="block")])
        body.append([label(variant.get("row_label_header", ""), kind="head")]
                    + [label(c["label_zh"], c["key"], colspan=s, kind="head") for c, s in spanned])
        for row in block["rows"]:
            values = [cells.cell(row["key"], c["key"], s) for c, s in spanned]
            body.append([label(row["label_zh"], row["key"]), *values])
    return {"head": [], "body": body}


def identity_index(tables: dict) -> dict[str, dict]:
    """check id -> {table, per, expr} for every identity in tables.yaml."""
    index = {}
    for variant in tables["variants"].values():
        for ident in variant.get("identities", []):
            index[ident["id"]] = {"table": variant["section"], "per": ident["per"], "expr": ident["expr"]}
    return index


def _expr(check: dict, ident: dict) -> str:
    """The identity as evaluated: the check's detail without its note on blanks (variants share ids)."""
    expr = (check["detail"] or "").split(" (")[0]
    return expr if "==" in expr else ident["expr"]


def involved_cells(check: dict, ident: dict, row_groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    """The (row, col) cells one check adds up, on both sides of its identity."""
    expr = _expr(check, ident)
    names: list[str] = []
    for term in re.split(r"==|\+", expr):
        term = term.strip()
        match = SUM_TERM.match(term)
        names.extend(row_groups.get(match.group(1), []) if match else [term])
    scope = check["scope"]
    if ident["per"] == "column":
        return {(name, scope) for name in names}
    return {(scope, name) for name in names}


def readable(expr: str, labels: dict[str, str], groups: dict) -> str:
    """An identity in the printed labels: 本年新收申请数量 + 上年结转申请数量 = 总计 + 结转下年度继续办理."""
    def one(term: str) -> str:
        term = term.strip()
        match = SUM_TERM.match(term)
        if match:
            return "Σ" + groups.get(match.group(1), {}).get("label_zh", match.group(1))
        return labels.get(term, term)

    lhs, rhs = expr.split("==")
    return " + ".join(map(one, lhs.split("+"))) + " = " + " + ".join(map(one, rhs.split("+")))


def safe_href(url: str | None) -> str | None:
    """Only http(s) URLs become links: a scraped `javascript:` URL stays text."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


async def _rows(db, sql: str, params: dict) -> list[dict]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


TEXT_VALUES_SQL = ("SELECT key, value, unit, raw, sentence, source_kind FROM text_values WHERE report_id = :id "
                   "ORDER BY key")
TEXT_KEY_LABELS = {"proactive_items": "主动公开政府信息", "requests_received": "收到（受理）申请",
                   "requests_granted": "同意公开", "requests_partly": "部分公开", "requests_refused": "不予公开",
                   "requests_not_held": "信息不存在 / 非本机关", "requests_other": "其他处理",
                   "requests_carried_over": "上年结转", "requests_carried_forward": "结转下年度",
                   "fees": "收取费用", "reviews": "行政复议", "lawsuits": "行政诉讼", "complaints": "举报投诉"}


def statistics_rows(tables: dict, values: list[dict]) -> list[dict]:
    """The 2014–2018 statistics table (统计指标 | 单位 | 统计数) in template order, as read."""
    by_row = {v["row_key"]: v for v in values if v["table_key"] == "statistics"}
    spec = tables["variants"].get("statistics_2014", {})
    return [{"key": r["key"], "label": r["label_zh"], "value": fmt(by_row[r["key"]]["value"]),
             "unit": by_row[r["key"]].get("unit") or r.get("unit", ""), "raw": by_row[r["key"]]["raw"]}
            for r in spec.get("rows", []) if r["key"] in by_row]


async def text_value_rows(db, report_id: int) -> list[dict]:
    """Figures read from the report's prose, each with its sentence (archives before m035 have none)."""
    if not await db.table_exists("text_values"):
        return []
    rows = await _rows(db, TEXT_VALUES_SQL, {"id": report_id})
    return [{**r, "label": TEXT_KEY_LABELS.get(r["key"], r["key"]), "value": fmt(r["value"])} for r in rows]


async def section_rows(db, report_id: int) -> list[dict]:
    """The report's text from the text database attached beside the numbers (archive/textdb.py); none when
    the numbers are served without it."""
    if not await db.execute_fn(lambda conn: any(r[1] == TEXT_SCHEMA for r in conn.execute("PRAGMA database_list"))):
        return []
    return await _rows(db, "SELECT no, heading, text FROM sections WHERE report_id = :id ORDER BY no",
                       {"id": report_id})


REPORT_SQL = """
SELECT r.*, d.name AS county, coalesce(d.province, s.province) AS province,
  coalesce(d.prefecture, s.prefecture) AS prefecture, a.level AS agency_level, a.name AS agency_name,
  doc.size AS doc_size, doc.format AS doc_format, doc.content_type AS doc_content_type
FROM reports r
LEFT JOIN divisions d ON d.code = r.division_code
LEFT JOIN report_summary s ON s.report_id = r.id
LEFT JOIN agencies a ON a.id = r.agency_id
LEFT JOIN documents doc ON doc.sha256 = r.sha256
WHERE r.id = :id
"""
OTHER_YEARS_SQL = """
SELECT id, year, version, is_current, status FROM reports
WHERE agency_id = :agency_id AND id != :id ORDER BY year DESC, version DESC
"""


async def report_context(datasette, db, report_id: int, config: dict) -> dict | None:
    rows = await _rows(db, REPORT_SQL, {"id": report_id})
    if not rows:
        return None
    report = rows[0]
    tables_path = str(config.get("tables_yaml") or TABLES_YAML)
    tables = load_yaml(tables_path)
    values = await _rows(db, "SELECT * FROM report_values WHERE report_id = :id", {"id": report_id})
    checks = await _rows(db, "SELECT * FROM checks WHERE report_id = :id ORDER BY ok, check_id, scope",
                         {"id": report_id})
    sections = await section_rows(db, report_id)
    fetches = await _rows(db, "SELECT url, fetched_at, http_status, outcome FROM fetches WHERE sha256 = :sha "
                              "ORDER BY fetched_at LIMIT 20", {"sha": report["sha256"]})
    others = []
    if report["agency_id"] is not None:
        others = await _rows(db, OTHER_YEARS_SQL, {"agency_id": report["agency_id"], "id": report_id})
    doc_format = report["doc_format"] or report["format"]
    grids, failing = build_grids(tables, report["template"], values, checks,
                                 lambda cell: _local(datasette, original_href(report["sha256"], doc_format, cell)))
    text_values = await text_value_rows(db, report_id)
    for fetch in fetches:
        fetch["href"] = safe_href(fetch["url"])
    for other in others:
        other["href"] = datasette.urls.row(db.name, "reports", str(other["id"]))
    return {
        "row": report,
        "template_label": template_label(report["template"], Path(tables_path).with_name("templates.yaml")),
        "status_label": STATUS_LABELS.get(report["status"], report["status"]),
        "level_label": LEVEL_LABELS.get(report["agency_level"] or "", report["agency_level"]),
        "errors": _json_list(report["errors"]),
        "warnings": _json_list(report["warnings"]),
        "grids": grids,
        "statistics": statistics_rows(tables, values),
        "text_values": text_values,
        "checks": checks,
        "failing": failing,
        "passing": sum(1 for c in checks if c["ok"]),
        "sections": sections,
        "fetches": fetches,
        "others": others,
        "raw_href": datasette.urls.path(f"/-/raw/{report['sha256']}") if report["sha256"] else None,
        "source_href": safe_href(report["source_url"]),
        "division_href": (datasette.urls.row(db.name, "divisions", report["division_code"])
                          if report["division_code"] else None),
    }


def _local(datasette, path: str | None) -> str | None:
    return datasette.urls.path(path) if path else None


def _json_list(text: str | None) -> list[str]:
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return [text or ""]
    return [str(i) for i in items] if isinstance(items, list) else [str(items)]


def build_grids(tables: dict, template: str | None, values: list[dict], checks: list[dict],
                link: Callable[[dict], str | None] | None = None) -> tuple[list, list]:
    """The three tables as grids of cells, and the failing checks with their cells and readable identity."""
    variants = tables["variants"]
    by_table: dict[str, list[dict]] = {}
    for v in values:
        by_table.setdefault(v["table_key"], []).append(v)
    cells = {key: Cells(rows, link) for key, rows in by_table.items()}
    present = {key: {v["row_key"] for v in rows} | {v["col_key"] for v in rows} for key, rows in by_table.items()}
    chosen = {kind: pick_variant(variants, kind, template, present.get(section, set()))
              for kind, section in (("blocks", "proactive"), ("matrix", "requests"), ("grouped", "review_litigation"))}
    requests = chosen["matrix"][1] if chosen["matrix"] else {"rows": [], "groups": {}}
    row_groups: dict[str, list[str]] = {}
    for row in _flat(requests["rows"]):
        if row.get("group"):
            row_groups.setdefault(row["group"], []).append(row["key"])
    labels = {r["key"]: short_label(r) for r in _flat(requests["rows"])}
    for v in variants.values():
        specs = v.get("columns", []) + v.get("leaf_columns", [])
        specs += v["groups"] if isinstance(v.get("groups"), list) else []
        for spec in specs:
            labels.setdefault(spec["key"], short_label(spec))
    index = identity_index(tables)
    failing = []
    for check in checks:
        if check["ok"]:
            continue
        ident = index.get(check["check_id"])
        involved = involved_cells(check, ident, row_groups) if ident else set()
        table = cells.setdefault(ident["table"] if ident else "", Cells([]))
        for key in involved:
            table.failing.setdefault(key, []).append(f"{check['check_id']}[{check['scope']}]")
        lhs, rhs = check["lhs"], check["rhs"]
        diff = lhs - rhs if isinstance(lhs, int | float) and isinstance(rhs, int | float) else None
        failing.append({**check, "lhs": fmt(lhs), "rhs": fmt(rhs), "difference": fmt(diff),
                        "scope_label": labels.get(check["scope"], check["scope"]),
                        "readable": readable(_expr(check, ident), labels, requests["groups"]) if ident else "",
                        "cells": len(involved)})
    builders = (("proactive", "二、主动公开政府信息情况", "blocks", proactive_grid),
                ("requests", "三、收到和处理政府信息公开申请情况", "matrix", requests_grid),
                ("review_litigation", "四、政府信息公开行政复议、行政诉讼情况", "grouped", review_grid))
    grids = []
    for key, title, kind, build in builders:
        found = key in by_table
        grid = build(chosen[kind][1], cells.get(key, Cells([]))) if chosen[kind] and found else None
        grids.append({"key": key, "title": title, "grid": grid, "variant": chosen[kind][0] if chosen[kind] else None,
                      "pages": sorted({v["page"] for v in by_table.get(key, []) if v.get("page")}),
                      "failing": sum(len(f) > 0 for f in cells.get(key, Cells([])).failing.values())})
    return grids, failing


def _report_id(request) -> int | None:
    pks = (request.url_vars or {}).get("pks", "")
    return int(pks) if pks.isdigit() else None


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    config = datasette.plugin_config(CONFIG) or {}
    if view_name != "row" or table != "reports" or database != config.get("database", DEFAULT_DB):
        return {}

    async def inner() -> dict:
        report_id = _report_id(request)
        if report_id is None:
            return {}
        report = await report_context(datasette, datasette.get_database(database), report_id, config)
        return {"report": report} if report else {}

    return inner
