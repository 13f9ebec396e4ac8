"""Why a document that looks like an annual report is not one (templates/nonreports.yaml).

Comparisons of several years' figures, notices about reports, budgets (预算/决算), and data or
documentation files of other tools are kept out with status not_a_report and the reason.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from itertools import islice
from typing import Any

import yaml

from parsers.models import Document
from parsers.narrative import fold

FILE = files("parsers.templates").joinpath("nonreports.yaml")  # package data (wheel, zip, egg)
HEAD_CHARS = 2000
TITLE_LINES = 5


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    data["titles"] = [(re.compile(p["pattern"]), p.get("unless"), p["reason"]) for p in data["title_patterns"]]
    data["heads"] = [(re.compile(p["pattern"]), p["reason"]) for p in data["head_patterns"]]
    data["year_re"] = re.compile(data["year_column_pattern"])
    return data


def _year_columns(doc: Document) -> int:
    """The most distinct year headers (2022年 | 2023年) found in one table row."""
    year_re = _rules()["year_re"]
    best = 0
    for table in doc.tables:
        for row in table.grid[:4]:
            best = max(best, len({folded for c in row if year_re.match(folded := fold(c))}))
    return best


def not_a_report_reason(doc: Document, title: str | None, tables_read: bool = False) -> str | None:
    """The reason this document is not an annual report, or None when nothing says so.

    tables_read: the tables its template requires were read; a report may then hold a comparison table
    of its own (本年 vs 上年) without being a comparison."""
    rules = _rules()
    head = doc.text[:HEAD_CHARS]
    if doc.format in ("txt", "md"):
        for regex, reason in rules["heads"]:
            if regex.search(head):
                return reason
    lines = [fold(ln) for ln in islice((ln for ln in head.split("\n") if ln.strip()), TITLE_LINES)]
    for text in ([fold(title)] if title else lines):
        for regex, unless, reason in rules["titles"]:
            if regex.search(text) and not (unless and unless in text):
                return reason
    if not tables_read and _year_columns(doc) >= rules["comparison_year_columns"]:
        return "a table sets several years' figures side by side: a comparison, not one year's report"
    return None
