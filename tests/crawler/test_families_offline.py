"""Per-family discovery, offline: the reports spider's own callbacks over farm pages answered in process.

One crawl from the home pages of every farm site (as the sources registry gives them); for each family,
every reachable planted report's article must be reached, nothing the farm does not list as a report may be
taken for one, and blocked hosts must come out as `blocked`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.items import FetchedDocument
from synth.farm import Farm
from synth.farm.sources import farm_sources
from tests.crawler.offline import OfflineCrawl

FAMILIES = ("trs", "hanweb", "gkmlpt", "vsb", "generic")


@pytest.fixture(scope="module")
def farm() -> Farm:
    return Farm(seed=1)  # not started: pages are answered in process


@pytest.fixture(scope="module")
def manifest(farm: Farm) -> dict[str, Any]:
    return farm.manifest()


@pytest.fixture(scope="module")
def crawl(farm: Farm, manifest: dict[str, Any]) -> OfflineCrawl:
    """One offline crawl from every source; each family's test reads what it found on its own hosts."""
    crawl = OfflineCrawl(farm)
    crawl.run(farm_sources(manifest))
    return crawl


@pytest.fixture(scope="module")
def items(crawl: OfflineCrawl) -> list[FetchedDocument]:
    return crawl.items


def _family_hosts(manifest: dict[str, Any], family: str) -> set[str]:
    return {urlsplit(s.start_urls).netloc for s in farm_sources(manifest) if s.family == family}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_reachable_report_discovered(manifest: dict[str, Any], items: list[FetchedDocument],
                                           family: str) -> None:
    hosts = _family_hosts(manifest, family)
    articles = {i.url for i in items if i.kind == "article" and urlsplit(i.url).netloc in hosts}
    planted = [r for r in manifest["reports"] if r["host"] in hosts]
    reachable = {r["article_url"] for r in planted if r["reachable"]}
    assert reachable, f"no reachable report planted on {family} sites"
    assert reachable - articles == set()
    not_reports = {n["url"] for n in manifest["notices"]}
    assert articles & not_reports == set()  # 网站年度报表, 通知, 法治政府建设年度报告 … are not reports
    assert articles <= {r["article_url"] for r in planted}


@pytest.mark.parametrize("family", FAMILIES)
def test_attachments_and_years_from_list_titles(manifest: dict[str, Any], crawl: OfflineCrawl, family: str) -> None:
    hosts = _family_hosts(manifest, family)
    by_url = {i.url: i for i in crawl.items if i.kind == "article"}
    reachable = [r for r in manifest["reports"] if r["host"] in hosts and r["reachable"]]
    assert reachable, f"no reachable report planted on {family} sites"
    for planted in reachable:
        article = by_url[planted["article_url"]]
        assert article.title_year == planted["year"], (article.title, planted["title"])
        assert set(planted["attachment_urls"]) <= crawl.attachments, planted["id"]


def test_blocked_hosts_come_out_blocked(manifest: dict[str, Any], items: list[FetchedDocument]) -> None:
    blocked = {i.url.split("/")[2] for i in items if i.kind == "blocked"}
    assert blocked == set(manifest["trouble"]["blocked"])


def test_the_crawl_records_which_report_columns_it_read(manifest: dict[str, Any], crawl: OfflineCrawl,
                                                        tmp_path) -> None:
    """Late/missing is judged only where a crawl read the county's 年报 column: the spider records them, the
    archive pipeline writes them to `columns_crawled` at the end of the crawl."""
    from crawler.pipelines import ArchivePipeline, open_crawl

    seen = crawl.spider.columns_seen
    reachable = [r for r in manifest["reports"] if r["reachable"] and r["level"] == "county_gov"]
    assert reachable
    counties = {s["division_code"] for s in seen.values()}
    assert {r["county_adcode"] for r in reachable} <= counties
    for r in reachable:
        years = set().union(*(s["years"] for s in seen.values() if s["division_code"] == r["county_adcode"]))
        assert r["year"] in years, r["id"]
    pipeline = ArchivePipeline(str(tmp_path / "a"))
    pipeline.open_spider()
    crawl.spider.crawl_id = open_crawl(pipeline.archive, None, "reports", None)  # type: ignore[arg-type]
    pipeline.close_spider(crawl.spider)
    rows = list(pipeline.archive.db["columns_crawled"].rows)  # type: ignore[union-attr]
    assert {r["division_code"] for r in rows} == counties
    assert all(r["crawl_id"] == crawl.spider.crawl_id for r in rows)
    assert all(r["checked_at"] and r["first_year"] <= r["last_year"] for r in rows if r["first_year"] is not None)
