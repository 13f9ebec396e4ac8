"""A tidy export of one report: one row per cell with canonical keys, Chinese and English labels and where
the number was printed (pure; the plugin route datasette/plugins/report_export.py sends it).

Blank cells stay empty (JSON null), never 0; `raw` is the text as printed.
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlparse

from archive.labels import TABLE_LABELS, english, label_zh
from archive.original import original_href

COLUMNS = ("report_id", "agency", "year", "table_key", "table_zh", "table_en", "row_key", "row_zh", "row_en",
           "col_key", "col_zh", "col_en", "value", "raw", "page", "grid_table", "grid_row", "grid_col",
           "original_at")
REPORT_FIELDS = ("id", "agency", "year", "title", "published", "template", "status", "format", "sha256",
                 "source_url", "first_seen", "version", "is_current", "parser_version")
TABLE_ORDER = {"proactive": 0, "requests": 1, "review_litigation": 2}


def web_url(url: str | None) -> str | None:
    """Only http(s) URLs leave the archive: a file path of the machine that ingested the file never does."""
    parsed = urlparse((url or "").strip())
    return url if parsed.scheme in ("http", "https") and parsed.netloc else None


def cell_rows(report: dict, values: list[dict], fmt: str | None) -> list[dict]:
    """One dict per stored cell, in table order, with labels and provenance."""
    rows = []
    for v in sorted(values, key=lambda v: (TABLE_ORDER.get(v["table_key"], 9), v.get("grid_table") or 0,
                                          v.get("grid_row") or 0, v.get("grid_col") or 0, v["row_key"],
                                          v["col_key"])):
        table = v["table_key"]
        zh, en = TABLE_LABELS.get(table, (table, english(table)))
        rows.append({
            "report_id": report["id"], "agency": report.get("agency"), "year": report.get("year"),
            "table_key": table, "table_zh": zh, "table_en": en,
            "row_key": v["row_key"], "row_zh": label_zh(table, v["row_key"]), "row_en": english(v["row_key"]),
            "col_key": v["col_key"], "col_zh": label_zh(table, v["col_key"]), "col_en": english(v["col_key"]),
            "value": v["value"], "raw": v.get("raw"), "page": v.get("page"), "grid_table": v.get("grid_table"),
            "grid_row": v.get("grid_row"), "grid_col": v.get("grid_col"),
            "original_at": original_href(report.get("sha256"), fmt, v),
        })
    return rows


def to_csv(rows: list[dict]) -> str:
    """UTF-8 CSV with a BOM (so spreadsheet programs read the Chinese labels); blanks are empty fields."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_json(report: dict, rows: list[dict], checks: list[dict]) -> str:
    head = {k: report.get(k) for k in REPORT_FIELDS}
    head["source_url"] = web_url(head["source_url"])
    return json.dumps({"report": head, "cells": rows,
                       "checks": [{k: c[k] for k in ("check_id", "scope", "ok", "lhs", "rhs", "detail")}
                                  for c in checks]},
                      ensure_ascii=False, indent=1)
