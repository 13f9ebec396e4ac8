"""Which template a report follows, from the table variants found (or text markers when none are)."""

from __future__ import annotations

from parsers.readers import TableRead
from parsers.templates import template_data, templates
from parsers.text import normalize_label, normalize_text


def detect_template(reads: dict[str, TableRead], text: str) -> str:
    """gov2021 / gov2019 when every table found belongs to one template, mixed when they disagree."""
    found = {r.variant for r in reads.values() if r.variant != "review_litigation"}
    if found:
        owners = {name for name, t in templates().items() if found <= set(t.variants)}
        if len(owners) == 1:
            return owners.pop()
        if owners:  # only shared tables found: cannot tell 2019 from 2021
            return "unknown"
        return "mixed"
    if "review_litigation" in reads:
        return "unknown"
    flat = normalize_text(text)
    for name, markers in template_data()["text_markers"].items():
        if any(normalize_label(m, drop_numbering=False) in flat for m in markers):
            return name
    return "unknown"
