"""Which template a report follows: the tables found, the report's year (its era), then text markers.

The year counts as much as the content (templates.yaml `years`): a 2012 report holding a local
政府信息公开情况统计表 is `legacy`, and a 2020 report whose tables were lost is still a `gov2019` report.
"""

from __future__ import annotations

from parsers.readers import TableRead
from parsers.templates import template_data, templates
from parsers.text import normalize_label, normalize_text

STANDARD_SECTIONS = ("proactive", "requests", "review_litigation")


def _from_tables(reads: dict[str, TableRead]) -> str | None:
    """gov2021 / gov2019 when every standard table found belongs to one template, mixed when they disagree."""
    found = {r.variant for s, r in reads.items() if s in STANDARD_SECTIONS and r.variant != "review_litigation"}
    if found:
        owners = {name for name, t in templates().items() if found <= set(t.variants)}
        if len(owners) == 1:
            return owners.pop()
        return "unknown" if owners else "mixed"
    if "review_litigation" in reads:
        return "unknown"
    return None


def era_template(year: int | None) -> str | None:
    """The template whose years cover the report's year (None for an unknown year)."""
    if year is None:
        return None
    return next((name for name, t in templates().items() if t.years != (None, None) and t.covers(year)), None)


def _from_markers(text: str, year: int | None) -> str:
    flat = normalize_text(text)
    for name, markers in template_data()["text_markers"].items():
        if not templates()[name].covers(year):
            continue
        if any(normalize_label(m, drop_numbering=False) in flat for m in markers):
            return name
    return "unknown"


def detect_template(reads: dict[str, TableRead], text: str, year: int | None = None) -> str:
    """Tables first; the statistics table only within its era; then the era; then markers in the text."""
    by_tables = _from_tables(reads)
    if by_tables is not None:
        return by_tables
    if "statistics" in reads:
        owner = next(n for n, t in templates().items() if reads["statistics"].variant in t.variants)
        if templates()[owner].covers(year):
            return owner
    return era_template(year) or _from_markers(text, year)
