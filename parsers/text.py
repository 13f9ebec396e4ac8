"""Pure text helpers: compare printed labels and read printed values.

Labels are compared after normalisation so that whitespace, full/half-width punctuation,
numbering variants and traditional characters do not matter; values are read so that blanks stay
None (never 0) and units, full-width digits and thousands separators are tolerated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml

QUIRKS_FILE = files("parsers.templates") / "quirks.yaml"  # a package resource: readable from a zip or egg too
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"'})


@lru_cache(maxsize=1)
def quirks() -> dict:
    """The value/label quirks table (loaded once)."""
    data = yaml.safe_load(QUIRKS_FILE.read_text(encoding="utf-8"))
    pairs = data["traditional"].split()
    data["t2s"] = str.maketrans({p[0]: p[1] for p in pairs if len(p) == 2})
    data["numbering_re"] = re.compile(data["numbering_pattern"])
    data["title_label_re"] = re.compile(data["title_label_pattern"])
    data["blank_set"] = {squash(t) for t in data["blank_tokens"]}
    return data


def squash(text: str) -> str:
    """NFKC-fold and drop all whitespace (incl. &nbsp; and ideographic spaces)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


@lru_cache(maxsize=65536)
def normalize_label(text: str, drop_numbering: bool = True) -> str:
    """Canonical form of a printed label, for matching only (never stored). Cached: labels repeat."""
    return normalize_text(text, drop_numbering)


def normalize_text(text: str, drop_numbering: bool = False) -> str:
    """The same folding for whole page or document texts, uncached so big texts are not kept alive."""
    q = quirks()
    out = squash(text).translate(q["t2s"]).translate(_QUOTES)
    out = out.replace("：", ":").replace("，", ",").replace("；", ";")
    if drop_numbering:
        out = q["numbering_re"].sub("", out, count=1)
    return out.strip(":,;.、")


@dataclass(frozen=True)
class Value:
    """A read cell: `value` is None for a printed blank; `kind` says what was seen."""

    value: int | float | None
    kind: str  # "number" | "blank" | "text"
    unit: str = ""


@lru_cache(maxsize=65536)
def read_value(raw: str | None) -> Value:
    """Read one printed cell: `251000元` → 251000, `１２` → 12, `&nbsp;`/`-`/`无` → blank."""
    q = quirks()
    text = squash(raw or "")
    if text in q["blank_set"]:
        return Value(None, "blank")
    text = _THOUSANDS.sub("", text)
    unit = ""
    for suffix in q["unit_suffixes"]:
        if text.endswith(suffix) and len(text) > len(suffix):
            unit, text = suffix, text[: -len(suffix)]
            break
    text = text.replace("−", "-").replace("－", "-")
    if not _NUMBER.match(text):
        return Value(None, "text")
    if "." in text:
        return Value(float(text), "number", unit)
    return Value(int(text), "number", unit)


@lru_cache(maxsize=65536)
def is_value_like(raw: str | None) -> bool:
    """True when a cell reads as a number or a printed blank, i.e. not a label (cached: every row asks)."""
    return read_value(raw).kind != "text"
