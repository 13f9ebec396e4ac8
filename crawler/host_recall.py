"""Recall of the host candidate generator on the real county hosts that ../shared names.

Usage: python -m crawler.host_recall [--shared ../shared] [--k 10]
Pairs (division code, host) come from the report URL leads, the hand-found sources registry and the
addresses in the shared portal docs; a host that is a prefecture's or province's portal (a county report
hosted on sjz.gov.cn) is not a county host and is left out, as are non-gov mirrors.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archive.divisions import division_of_code, resolve_agency
from crawler.hostnames import candidates, phrase_reading
from crawler.sources import REGISTRY, load_sources

SUBDOMAIN_PLATFORMS = ("xxgk.", "zwgk.", "gk.")


@dataclass(frozen=True)
class HostCase:
    code: str
    host: str
    origin: str


def site_host(url: str) -> str:
    """The portal host of a URL: lower-case, without www. or an xxgk./zwgk. platform label."""
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", *SUBDOMAIN_PLATFORMS):
        if host.startswith(prefix) and host.count(".") > 2:
            host = host[len(prefix):]
    return host


def _regional_labels(code: str) -> set[str]:
    """Labels a prefecture's or province's own portal would use (sjz, shijiazhuang, anyang)."""
    from crawler.hostnames import initials, region_short

    division = division_of_code(code)
    out: set[str] = set()
    if division is None:
        return out
    for region in (division.prefecture_code, division.province_code):
        if region:
            syllables = phrase_reading(region_short(region))
            out |= {"".join(syllables), initials(syllables)}
    return out


def _county_case(code: str, url: str, origin: str) -> HostCase | None:
    host = site_host(url)
    if not host.endswith(".gov.cn") or not code or division_of_code(code) is None:
        return None
    label = host.removesuffix(".gov.cn")
    if label in _regional_labels(code) or "." in label:
        return None  # a prefecture's or province's portal (or a department sub-site of one)
    return HostCase(division_of_code(code).code, host, origin)


def shared_cases(shared: Path) -> list[HostCase]:
    """One case per (code, host) found in ../shared and the sources registry."""
    raw: list[tuple[str, str, str]] = []
    leads = shared / "datasets" / "report-url-leads.tsv"
    if leads.exists():
        with leads.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                resolution = resolve_agency(row["agency"])
                if resolution:
                    raw.append((resolution.code, row["url"], "report-url-leads.tsv"))
    for source in load_sources(REGISTRY):
        for url in source.urls:
            raw.append((source.division_code, url, "crawler/sources.csv"))
    from crawler.sources_build import DOC_COLUMNS

    for url, agency, _ in DOC_COLUMNS:
        resolution = resolve_agency(agency)
        if resolution:
            raw.append((resolution.code, url, "shared/docs/portal-patterns.md"))
    seen: dict[tuple[str, str], HostCase] = {}
    for code, url, origin in raw:
        case = _county_case(code, url, origin)
        if case and (case.code, case.host) not in seen:
            seen[(case.code, case.host)] = case
    return sorted(seen.values(), key=lambda c: (c.code, c.host))


def hit(case: HostCase, ranked: list[str]) -> bool:
    """Whether the true host is among the ranked hosts (with or without www.)."""
    return any(site_host("http://" + h + "/") == case.host for h in ranked)


def recall(cases: list[HostCase], k: int = 10) -> tuple[float, list[HostCase]]:
    """Share of cases whose host is in the top k, and the misses."""
    misses = [c for c in cases if not hit(c, candidates(c.code, k))]
    return (1 - len(misses) / len(cases)) if cases else 0.0, misses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args()
    cases = shared_cases(Path(args.shared))
    share, misses = recall(cases, args.k)
    print(f"top-{args.k} recall: {share:.1%} of {len(cases)} county hosts")
    for case in misses:
        print(f"miss\t{case.code}\t{case.host}\t{case.origin}\t{' '.join(candidates(case.code, args.k))}")


if __name__ == "__main__":
    main()
