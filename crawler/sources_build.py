"""Build crawler/sources.csv from the real addresses the shared docs give (each marked unverified).

Usage: python -m crawler.sources_build [--shared ../shared]
Report pages become two start URLs: the 年报 column they sit in and the portal home.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path
from urllib.parse import urlsplit

from archive.divisions import resolve_agency, resolve_region
from crawler.sources import REGISTRY, Source, problems, write_sources

COLUMN_SLUG = re.compile(r"^(.*?/(?:zfxxgknb|xxgknb|gknb|ndbg|ndxxgkbg|szfxxgkndbg|Xxgknb|nb)/)", re.I)
FAMILY_BY_URL = (
    (re.compile(r"/art/\d{4}/\d+/\d+/art_\d+_\d+\.html"), "hanweb"),
    (re.compile(r"/t\d{8}_\d+\.s?html"), "trs"),
    (re.compile(r"/gkmlpt/|/content/post_\d+\.html"), "gkmlpt"),
    (re.compile(r"/info/\d+/\d+\.htm"), "vsb"),
)
# Addresses named in ../shared/docs/portal-patterns.md §3 (年报 columns), with their agency.
DOC_COLUMNS = (
    ("http://www.gztongzi.gov.cn/zwgk/zfxxgk/zfxxgknb/", "桐梓县", "county_gov"),
    ("https://www.longyou.gov.cn/art/2024/1/23/art_1229114055_88348.html", "龙游县", "county_gov"),
    ("http://www.xinye.gov.cn/2019/0318/58220.html", "新野县", "county_gov"),
    ("https://www.dongzhi.gov.cn/Xxgknb/show/616527.html?type=1", "东至县", "county_gov"),
    ("http://www.tsqs.gov.cn/info/13951/728740.htm", "清水县", "department"),
    ("http://xxgk.huichang.gov.cn/xxgknb/", "会昌县", "county_gov"),
    ("http://www.zd.gov.cn/", "正定县", "county_gov"),
)
LEVELS = {"county": "county_gov", "township": "township", "department": "department", "city": "prefecture",
          "province": "province"}


def family_of(url: str) -> str:
    return next((family for pattern, family in FAMILY_BY_URL if pattern.search(url)), "")


def start_urls(url: str) -> list[str]:
    parts = urlsplit(url)
    home = f"{parts.scheme}://{parts.netloc}/"
    m = COLUMN_SLUG.match(parts.path)
    column = f"{parts.scheme}://{parts.netloc}{m.group(1)}" if m else None
    return [u for u in (column, home) if u]


def _code(agency: str) -> str:
    resolution = resolve_agency(agency)
    return (resolution.code if resolution else None) or resolve_region(agency) or ""


def leads(shared: Path) -> list[tuple[str, str, str, str]]:
    rows = []
    with (shared / "datasets" / "report-url-leads.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            level = LEVELS.get(row["admin_level"], "other")
            rows.append((row["url"], row["agency"], level, f"{row['report_year']} report lead: {row['note']}"))
    rows += [(url, agency, level, "named in shared/docs/portal-patterns.md") for url, agency, level in DOC_COLUMNS]
    return rows


def build(shared: Path) -> list[Source]:
    sources: list[Source] = []
    seen: set[str] = set()
    for url, agency, level, note in leads(shared):
        urls = [u for u in start_urls(url) if u not in seen]
        candidate = Source(len(sources) + 1, _code(agency), agency, level, " ".join(urls), family_of(url),
                           f"unverified; {note}", "no")
        if not urls or problems(candidate):  # non-gov mirrors and unplaceable rows stay out of the registry
            continue
        seen.update(urls)
        sources.append(candidate)
    return sources


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--out", default=str(REGISTRY))
    args = ap.parse_args()
    sources = build(Path(args.shared))
    write_sources(sources, args.out)
    print(f"{len(sources)} sources written to {args.out}")


if __name__ == "__main__":
    main()
