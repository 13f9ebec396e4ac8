"""Canonical keys and printed labels, read from the parser templates so generator and parsers agree."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

TEMPLATES_DIR = files("parsers.templates")

# The corner note of table 3. It is a note, not a label, so tables.yaml does not carry it.
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# "mixed" is not a national template: it is the real-world mix of the 2021 table 2 with the 2019 table 3.
MIXED_VARIANTS = ("proactive_2021", "requests_2019", "review_litigation")
TEMPLATE_YEARS = {"gov2021": (2021, 2025), "gov2019": (2019, 2020), "mixed": (2021, 2025)}


@cache
def tables_yaml() -> dict[str, Any]:
    """tables.yaml as loaded (cached: it never changes during a run)."""
    return yaml.safe_load((TEMPLATES_DIR / "tables.yaml").read_text(encoding="utf-8"))


@cache
def templates_yaml() -> dict[str, Any]:
    """templates.yaml as loaded."""
    return yaml.safe_load((TEMPLATES_DIR / "templates.yaml").read_text(encoding="utf-8"))


@cache
def narrative_yaml() -> dict[str, Any]:
    """narrative.yaml: the prose phrasings and which table cells a stated figure must equal."""
    return yaml.safe_load((TEMPLATES_DIR / "narrative.yaml").read_text(encoding="utf-8"))


def variant(name: str) -> dict[str, Any]:
    """One table variant (proactive_2021, requests_2019, review_litigation, ...)."""
    return tables_yaml()["variants"][name]


def template_variants(template: str) -> dict[str, str]:
    """Section key -> variant name for a template id (gov2021, gov2019, mixed)."""
    names = MIXED_VARIANTS if template == "mixed" else templates_yaml()["templates"][template]["variants"]
    return {variant(n)["section"]: n for n in names}


def flatten(items: list[Any]) -> list[dict[str, Any]]:
    """Rows are nested lists in tables.yaml (YAML anchors); the generator wants one flat list."""
    out: list[dict[str, Any]] = []
    for item in items:
        out.extend(flatten(item) if isinstance(item, list) else [item])
    return out


def request_rows(variant_name: str) -> list[dict[str, Any]]:
    """The numeric rows of a table-3 variant, in printed order."""
    return flatten(variant(variant_name)["rows"])


def applicant_columns() -> list[dict[str, Any]]:
    """The seven applicant columns of table 3 (six applicant kinds, then the total)."""
    return tables_yaml()["applicant_columns"]


def applicant_keys() -> list[str]:
    """Column keys of table 3 without the total column."""
    return [c["key"] for c in applicant_columns() if c["key"] != "total"]


def section_headings() -> list[dict[str, Any]]:
    """The six section headings (no, key, label_zh)."""
    return templates_yaml()["sections"]


def results_rows(variant_name: str) -> list[str]:
    """Row keys that add up to total_processed (the rows under 三、本年度办理结果 except the total)."""
    groups = variant(variant_name)["groups"]
    return [r["key"] for r in request_rows(variant_name) if r.get("group") in groups]
