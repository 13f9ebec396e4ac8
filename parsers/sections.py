"""Split the report's text into its numbered sections 一 … 六."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from parsers.models import Document
from parsers.templates import template_data
from parsers.text import normalize_label

_HEADING = re.compile(r"^\s*(?P<num>[一二三四五六])\s*[、.．]\s*(?P<rest>\S.{0,40})$")
NUMERALS = "一二三四五六"
MIN_SIMILARITY = 0.6


@lru_cache(maxsize=1)
def _headings() -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for s in template_data()["sections"]:
        out[s["no"]] = [normalize_label(x) for x in (s["label_zh"], *s.get("aliases", ()))]
    return out


def heading_number(line: str, after: int) -> int | None:
    """The section number of a heading line, if it is the heading of a later section."""
    m = _HEADING.match(line)
    if not m:
        return None
    no = NUMERALS.index(m.group("num")) + 1
    if no <= after:
        return None
    norm = normalize_label(line)
    best = max(SequenceMatcher(None, norm, h).ratio() for h in _headings()[no])
    return no if best >= MIN_SIMILARITY else None


def split_sections(doc: Document) -> list[dict]:
    sections: list[dict] = []
    current: dict | None = None
    for line in doc.text.split("\n"):
        line = line.strip()
        if not line:
            continue
        no = heading_number(line, current["no"] if current else 0)
        if no is not None:
            current = {"no": no, "heading": line, "text": ""}
            sections.append(current)
        elif current is not None:
            current["text"] += ("\n" if current["text"] else "") + line
    return sections
