"""One agency over the years (pure): its reports against the legal deadline, trends, edits between versions."""

from __future__ import annotations

from itertools import pairwise

from markupsafe import Markup

from archive.deadlines import days_late, deadline
from archive.labels import english, label_zh
from archive.trend import trend_svg

# (column of report_summary, Chinese, English, shown as a percentage)
TREND_FIGURES = (
    ("new_requests", "新收申请", "new requests", False),
    ("total_processed", "办理总计", "requests handled", False),
    ("denied", "不予公开", "denied", False),
    ("refusal_rate", "不予公开比例", "refusal rate", True),
    ("reviews", "行政复议", "administrative reviews", False),
    ("lawsuits", "行政诉讼", "lawsuits", False),
)
VALID = ("ok", "partial")


def timeliness(report: dict, level: str | None) -> dict:
    """The report's deadline, the rule that sets it, and whether it was published on time."""
    rule = deadline(report.get("year"), level)
    due = rule.due if rule else None
    late = days_late(report.get("published"), due)
    if due is None:
        verdict = "无全国期限 / no national deadline" if rule else "—"
    elif late is None:
        verdict = "发布日期不明 / date unknown"
    elif late > 0:
        verdict = f"逾期 {late} 天 / {late} days late"
    else:
        verdict = "按期 / on time"
    return {"due": due, "rule": rule.rule if rule else "", "days_late": late, "verdict": verdict,
            "late": bool(late and late > 0)}


def current_by_year(reports: list[dict]) -> dict[int, dict]:
    """The current, readable report of each year (the last version when none is marked current)."""
    out: dict[int, dict] = {}
    for r in sorted(reports, key=lambda r: (r.get("version") or 0, r["id"])):
        if r.get("year") is None or r.get("status") not in VALID:
            continue
        if r.get("is_current") or r["year"] not in out or not out[r["year"]].get("is_current"):
            out[r["year"]] = r
    return out


def trends(reports: list[dict]) -> list[Markup]:
    """One small chart per key figure over every year from the first report to the last."""
    by_year = current_by_year(reports)
    if not by_year:
        return []
    years = list(range(min(by_year), max(by_year) + 1))
    notes = {y: "存档中无报告 / no report in the archive" for y in years if y not in by_year}
    charts = []
    for column, zh, en, percent in TREND_FIGURES:
        series = [(y, by_year[y].get(column) if y in by_year else None) for y in years]
        charts.append(trend_svg(f"{zh} / {en}", series, percent=percent, notes=notes))
    return charts


def _diff(before: list[dict], after: list[dict]) -> list[dict]:
    old = {(v["table_key"], v["row_key"], v["col_key"]): v for v in before}
    new = {(v["table_key"], v["row_key"], v["col_key"]): v for v in after}
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key, {}), new.get(key, {})
        if a.get("value") != b.get("value"):
            table, row, col = key
            changes.append({"table": table, "row": row, "col": col, "old": a.get("value"), "new": b.get("value"),
                            "label": f"{label_zh(table, row)} · {label_zh(table, col)}",
                            "gloss": f"{english(row)} · {english(col)}"})
    return changes


def version_edits(reports: list[dict], values: dict[int, list[dict]]) -> list[dict]:
    """Each later version of a year's report against the one before it: the cells whose value changed."""
    by_year: dict[int, list[dict]] = {}
    for r in reports:
        if r.get("year") is not None and r.get("status") in VALID:
            by_year.setdefault(r["year"], []).append(r)
    edits = []
    for year, versions in sorted(by_year.items(), reverse=True):
        versions.sort(key=lambda r: (r.get("version") or 0, r["id"]))
        for before, after in pairwise(versions):
            edits.append({"year": year, "before": before, "after": after,
                          "changes": _diff(values.get(before["id"], []), values.get(after["id"], []))})
    return edits
