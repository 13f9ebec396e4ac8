"""Real county and township names (from the project's divisions registry) for synthetic reports.

Synthetic reports name real places so the archive can place them on the map; only names that are
unique nationally are used, so every synthetic agency resolves to exactly one county.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from functools import lru_cache
from importlib.resources import files

DATA = files("archive") / "data"
FALLBACK = (("000001", "青山县"), ("000002", "临河区"), ("000003", "白水县"))


def _read(name: str) -> list[dict[str, str]]:
    path = DATA / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def counties() -> tuple[tuple[str, str], ...]:
    """(code, name) of counties whose name is unique nationally, sorted by code."""
    rows = _read("divisions.csv")
    counts = Counter(r["name"] for r in rows)
    unique = tuple(sorted((r["code"], r["name"]) for r in rows if counts[r["name"]] == 1))
    return unique or FALLBACK


@lru_cache(maxsize=1)
def townships() -> dict[str, tuple[str, ...]]:
    """County code → its township names that are unique nationally."""
    rows = _read("townships.csv")
    counts = Counter(r["name"] for r in rows)
    out: dict[str, list[str]] = {}
    for r in rows:
        if counts[r["name"]] == 1:
            out.setdefault(r["code"], []).append(r["name"])
    return {code: tuple(sorted(names)) for code, names in out.items()}


def random_county(rng: random.Random) -> tuple[str, str]:
    return rng.choice(counties())


def township_agency(rng: random.Random, county_code: str) -> str | None:
    names = townships().get(county_code)
    if not names:
        return None
    name = rng.choice(names)
    return name + ("办事处" if name.endswith("街道") else "人民政府")
