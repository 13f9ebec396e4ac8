"""Several reports side by side (pure): the key figures and every total of the requests and appeals tables,
one column per report, labels in Chinese and English. Blank stays blank."""

from __future__ import annotations

from archive.history import timeliness
from archive.labels import chinese_labels, english, label_zh

MAX_COLUMNS = 16
SUMMARY_ROWS = (
    ("published", "发布日期", "published", "text"),
    ("due", "法定期限", "legal deadline", "text"),
    ("verdict", "是否按期", "on time?", "text"),
    ("new_requests", "本年新收申请", "new requests", "count"),
    ("carried_over", "上年结转", "carried over", "count"),
    ("total_processed", "办理总计", "requests handled", "count"),
    ("granted", "予以公开", "granted", "count"),
    ("partially_granted", "部分公开", "partly granted", "count"),
    ("denied", "不予公开", "denied", "count"),
    ("unavailable", "无法提供", "unavailable", "count"),
    ("not_processed", "不予处理", "not processed", "count"),
    ("carried_forward", "结转下年", "carried forward", "count"),
    ("grant_rate", "公开比例", "grant rate", "rate"),
    ("refusal_rate", "不予公开比例", "refusal rate", "rate"),
    ("reviews", "行政复议", "administrative reviews", "count"),
    ("lawsuits", "行政诉讼", "lawsuits", "count"),
    ("failing_checks", "未通过的校验", "failing checks", "count"),
)
DETAIL_TABLES = (("requests", "total"), ("review_litigation", "total"))


def show(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind == "rate":
        return f"{value:.1%}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def columns(reports: list[dict]) -> list[dict]:
    """Reports in the order asked, each with its deadline verdict."""
    return [{**r, **timeliness(r, r.get("agency_level"))} for r in reports[:MAX_COLUMNS]]


def figure_rows(cols: list[dict], values: dict[int, list[dict]]) -> list[dict]:
    """Summary rows, then each row of the detail tables that any report printed (the total column)."""
    rows = [{"zh": zh, "en": en, "key": key, "cells": [show(c.get(key), kind) or "—" if kind == "text"
                                                       else show(c.get(key), kind) for c in cols],
             "blank": [kind != "text" and c.get(key) is None for c in cols]}
            for key, zh, en, kind in SUMMARY_ROWS]
    for table, col in DETAIL_TABLES:
        keys: list[str] = []
        by_report = {}
        for c in cols:
            cells = {v["row_key"]: v["value"] for v in values.get(c["id"], [])
                     if v["table_key"] == table and v["col_key"] == col}
            by_report[c["id"]] = cells
            keys += [k for k in cells if k not in keys]
        order = list(chinese_labels().get(table, {}))
        for key in sorted(keys, key=lambda k: order.index(k) if k in order else len(order)):
            rows.append({"zh": f"{label_zh(table, key)}（{label_zh(table, col)}）", "en": english(key),
                         "key": f"{table}.{key}.{col}", "detail": True,
                         "cells": [show(by_report[c["id"]].get(key), "count") for c in cols],
                         "blank": [by_report[c["id"]].get(key) is None for c in cols]})
    return rows
