"""The farm as a sources registry: one row per county portal and per department site, like crawler/sources.csv.

The crawler starts from the same kind of rows it gets for real portals (home page, family hint, division code),
so a crawl of the farm exercises discovery from the home page down to every report.
"""

from __future__ import annotations

from typing import Any

from crawler.sources import SYNTHETIC, Source


def farm_sources(manifest: dict[str, Any]) -> list[Source]:
    """County portals first (by host), then their department sites; the non-government mirror is not a source."""
    rows: list[Source] = []
    for site in sorted(manifest["sites"], key=lambda s: (s["kind"] != "county", s["host"])):
        if site["kind"] == "mirror":
            continue
        county = site["county"]
        level = "county_gov" if site["kind"] == "county" else "department"
        rows.append(Source(id=len(rows) + 1, division_code=county["adcode"], agency=site["site_name"], level=level,
                           start_urls=site["home_url"], family=site["family"] or "",
                           notes=f"portal farm (synthetic), seed {manifest['seed']}", verified=SYNTHETIC))
    return rows
