"""The sources registry (crawler/sources.csv): where to start crawling, one row per agency or portal.

County identity is data: a row gives the division code, the agency, its level, start URLs (portal home,
信息公开 platform or 年报 column) and a family hint. Behaviour per portal family lives in code.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from importlib.resources import abc, files
from pathlib import Path
from urllib.parse import urlsplit

from crawler.urls import is_trusted_host

REGISTRY = files("crawler") / "sources.csv"  # package data: readable from a wheel or an egg
FAMILIES = ("trs", "hanweb", "gkmlpt", "vsb", "generic", "")
SYNTHETIC = "farm"  # the `verified` value of the portal farm's rows
LEVELS = ("county_gov", "department", "township", "prefecture", "province", "other")


@dataclass
class Source:
    id: int
    division_code: str
    agency: str
    level: str
    start_urls: str  # space-separated
    family: str = ""
    notes: str = ""
    verified: str = "no"

    @property
    def urls(self) -> list[str]:
        return self.start_urls.split()

    @property
    def synthetic(self) -> bool:
        """A portal-farm row (synth/farm/sources.py): its reports are generated, not real."""
        return self.verified == SYNTHETIC


def load_sources(path: str | Path | abc.Traversable = REGISTRY) -> list[Source]:
    """Rows of a sources CSV; the national registry (crawler/registry.csv) is accepted too, its rows without
    a 年报 column or verified host left out (crawler.registry.as_sources)."""
    from crawler.registry import (
        as_sources,
        is_registry_file,
        load_registry,
        load_sub_units,
        sub_unit_sources,
        sub_units_path,
    )

    if isinstance(path, str | Path) and is_registry_file(path):  # with the units discovery listed beside it
        return as_sources(load_registry(path)) + sub_unit_sources(load_sub_units(sub_units_path(path)))
    source = Path(path) if isinstance(path, str) else path
    with source.open(encoding="utf-8", newline="") as f:
        return [Source(**{**row, "id": int(row["id"])}) for row in csv.DictReader(f)]


def problems(source: Source, allowed: tuple[str, ...] = (".gov.cn",)) -> list[str]:
    """Plain-language reasons a registry row cannot be crawled as it stands."""
    out = []
    if not (len(source.division_code) == 6 and source.division_code.isdigit()):
        out.append(f"division code {source.division_code!r} is not 6 digits")
    if source.level not in LEVELS:
        out.append(f"level {source.level!r} is not one of {', '.join(LEVELS)}")
    if source.family not in FAMILIES:
        out.append(f"family {source.family!r} is not one of {', '.join(f for f in FAMILIES if f)}")
    if not source.urls:
        out.append("no start URL")
    for url in source.urls:
        if not url.startswith(("http://", "https://")):
            out.append(f"{url} is not an http(s) URL")
        elif not is_trusted_host(url, allowed):
            out.append(f"{url} is not on a *.gov.cn host")
    return out


def write_sources(sources: list[Source], path: str | Path = REGISTRY) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[f.name for f in fields(Source)], lineterminator="\n")
    writer.writeheader()
    for source in sorted(sources, key=lambda s: s.id):
        writer.writerow(asdict(source))
    Path(path).write_text(buf.getvalue(), encoding="utf-8")


def add_source(sources: list[Source], **values: str) -> Source:
    """Append a row with the next id; raise ValueError with the problems if it is invalid."""
    source = Source(id=max((s.id for s in sources), default=0) + 1, **values)
    found = problems(source)
    if found:
        raise ValueError("; ".join(found))
    if any(set(s.urls) & set(source.urls) for s in sources):
        raise ValueError("a source with one of these start URLs is already registered")
    sources.append(source)
    return source


def confirm(sources: list[Source], hosts_with_reports: dict[str, str]) -> list[Source]:
    """Mark entries verified (with the date) whose start hosts yielded an archived report; returns those newly
    confirmed. hosts_with_reports: host → date of the first report archived from it."""
    newly = []
    for source in sources:
        dates = sorted(hosts_with_reports[h] for h in {urlsplit(u).hostname or "" for u in source.urls}
                       if h in hosts_with_reports)
        if dates and not source.verified.startswith("yes"):
            source.verified = f"yes {dates[0][:10]}"
            newly.append(source)
    return newly
