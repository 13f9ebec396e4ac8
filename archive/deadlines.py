"""The legal publication deadline of an annual report, from the rules in archive/data/deadlines.csv.

A report on year Y is due on the rule's month-day of year Y+1. The rules are data (which 条例, which level,
since when); an agency level without a national deadline gets None, never a made-up date.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

RULES = files("archive").joinpath("data", "deadlines.csv")  # package data (wheel, zip, egg)


@dataclass(frozen=True)
class Deadline:
    due: str | None  # YYYY-MM-DD, None when no national deadline applies
    rule: str


@lru_cache(maxsize=1)
def _rules(path: Any = RULES) -> list[dict]:
    with (Path(path) if isinstance(path, str) else path).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def deadline(year: int | None, level: str | None) -> Deadline | None:
    """The deadline for an agency level's report on `year`; None when no rule covers the year."""
    if year is None:
        return None
    for rule in _rules():
        last = int(rule["last_year"]) if rule["last_year"] else 9999
        if int(rule["first_year"]) <= year <= last and rule["level"] == (level or "other"):
            return Deadline(f"{year + 1}-{rule['due']}" if rule["due"] else None, rule["rule"])
    return None


def days_late(published: str | None, due: str | None) -> int | None:
    """Days after the deadline (negative: early); None when either date is unknown or unreadable."""
    if not published or not due:
        return None
    try:
        return (dt.date.fromisoformat(published[:10]) - dt.date.fromisoformat(due)).days
    except ValueError:
        return None
