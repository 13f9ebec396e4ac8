"""Load the report templates (tables.yaml, templates.yaml) into small typed objects.

Templates are data: adding a label alias or a table variant means editing YAML, not code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

HERE = files(__name__)  # package resources, readable from a wheel, a zip or a Scrapyd egg


@dataclass(frozen=True)
class Label:
    """A canonical key with the label printed for it and known variants."""

    key: str
    label_zh: str
    aliases: tuple[str, ...] = ()
    group: str | None = None
    decimal: bool = False
    unit: str | None = None  # the unit the template prints for this row (statistics table)

    @property
    def printed(self) -> tuple[str, ...]:
        return (self.label_zh, *self.aliases)


@dataclass(frozen=True)
class Block:
    """One 第二十条第（X）项 block of the proactive table."""

    header_zh: str
    columns: tuple[Label, ...]
    rows: tuple[Label, ...]


@dataclass(frozen=True)
class Identity:
    id: str
    per: str  # "column" | "row" | "group"
    expr: str
    skip_if_absent: bool = False  # implied identities: only checked when every row named was printed


@dataclass(frozen=True)
class Variant:
    """One printed variant of one of the three standard tables."""

    name: str
    kind: str  # "blocks" | "matrix" | "grouped"
    section: str  # record key: proactive | requests | review_litigation
    columns: tuple[Label, ...] = ()
    rows: tuple[Label, ...] = ()
    groups: dict[str, Label] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()
    column_group_labels: tuple[str, ...] = ()
    parent_labels: tuple[str, ...] = ()
    identities: tuple[Identity, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # kind-specific settings (indicators: headers, units)


@dataclass(frozen=True)
class Template:
    name: str
    variants: tuple[str, ...]
    years: tuple[int | None, int | None]
    requires: tuple[str, ...] = ()  # record sections that must be read for status ok

    def covers(self, year: int | None) -> bool:
        """Whether a report of this year can follow the template (unknown years: any)."""
        low, high = self.years
        return year is None or ((low is None or year >= low) and (high is None or year <= high))


def _label(d: dict[str, Any], group: str | None = None) -> Label:
    return Label(
        key=d["key"],
        label_zh=d["label_zh"],
        aliases=tuple(d.get("aliases", ())),
        group=d.get("group", group),
        decimal=bool(d.get("decimal", False)),
        unit=d.get("unit"),
    )


def _flatten(rows: list[Any]) -> list[dict[str, Any]]:
    """Row lists may nest (YAML anchors for shared row runs); flatten them in order."""
    out: list[dict[str, Any]] = []
    for item in rows:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


_OPTIONS = ("min_rows", "label_header", "unit_header", "strip_prefixes", "units", "markers")


def _variant(name: str, d: dict[str, Any]) -> Variant:
    raw_groups = d.get("groups", {})
    if isinstance(raw_groups, list):  # grouped columns: an ordered list of labelled groups
        groups = {g["key"]: _label(g) for g in raw_groups}
    else:  # row groups of a matrix, keyed by name
        groups = {k: Label(key=k, label_zh=v["label_zh"], group=v.get("parent")) for k, v in raw_groups.items()}
    return Variant(
        name=name,
        kind=d["kind"],
        section=d["section"],
        columns=tuple(_label(c) for c in d.get("columns", d.get("leaf_columns", ()))),
        rows=tuple(_label(r) for r in _flatten(d.get("rows", []))),
        groups=groups,
        blocks=tuple(
            Block(b["header_zh"], tuple(_label(c) for c in b["columns"]), tuple(_label(r) for r in b["rows"]))
            for b in d.get("blocks", ())
        ),
        column_group_labels=tuple(d.get("column_group_labels", ())),
        parent_labels=tuple(d.get("parent_labels", ())),
        identities=tuple(Identity(i["id"], i["per"], i["expr"], bool(i.get("skip_if_absent")))
                         for i in d.get("identities", ())),
        options={k: d[k] for k in _OPTIONS if k in d},
    )


@lru_cache(maxsize=1)
def variants() -> dict[str, Variant]:
    """Every table variant by name (proactive_2021, requests_2019, review_litigation, …)."""
    data = yaml.safe_load((HERE / "tables.yaml").read_text(encoding="utf-8"))
    return {name: _variant(name, d) for name, d in data["variants"].items()}


@lru_cache(maxsize=1)
def template_data() -> dict[str, Any]:
    return yaml.safe_load((HERE / "templates.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def templates() -> dict[str, Template]:
    """The national templates (gov2021, gov2019) with the variants that make them up."""
    raw = template_data()["templates"]
    return {n: Template(n, tuple(t.get("variants", ())), tuple(t["years"]), tuple(t.get("requires", ())))
            for n, t in raw.items()}
