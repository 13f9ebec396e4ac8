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
    return no if _is_heading(normalize_label(line), no) else None


@lru_cache(maxsize=4096)
def _is_heading(norm: str, no: int) -> bool:
    """Whether a normalised line reads as section `no`'s heading (cached: reports print the same headings)."""
    return max(SequenceMatcher(None, norm, h).ratio() for h in _headings()[no]) >= MIN_SIMILARITY


_CANDIDATE = re.compile(r"^[ \t]*[一二三四五六][ \t]*[、.．][^\n]{1,40}$", re.M)


def split_sections(doc: Document) -> list[dict]:
    """Headings are found with one regex over the text; the text between two headings is a section."""
    text = doc.text
    starts: list[tuple[int, int, int, str]] = []  # (no, heading start, heading end, heading)
    for m in _CANDIDATE.finditer(text):
        no = heading_number(m.group(0).strip(), starts[-1][0] if starts else 0)
        if no is not None:
            starts.append((no, m.start(), m.end(), m.group(0).strip()))
    sections = []
    for i, (no, _, end, heading) in enumerate(starts):
        stop = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        body = "\n".join(ln.strip() for ln in text[end:stop].split("\n") if ln.strip())
        sections.append({"no": no, "heading": heading, "text": body})
    if not sections and text.strip():  # no numbered headings: the whole text as part 0, so it is still searchable
        body = "\n".join(ln.strip() for ln in text.split("\n") if ln.strip())
        sections.append({"no": 0, "heading": "", "text": body})
    return sections
