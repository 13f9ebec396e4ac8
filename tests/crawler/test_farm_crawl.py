"""End to end: `nianbao crawl` over the default portal farm, checked against the farm's ground truth.

Generation 0 is crawled once; generation 1 (an edited, a removed and a new report) is re-crawled into the same
archive. Every planted report must be found exactly once with the right year and agency; blocked, robots,
removed and edited cases recorded as such; and no request may leave the farm.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from synth.farm import Farm
from synth.farm.audit import audit
from tests.crawler.farmcrawl import archive_reports, query, run_crawl, sources_csv

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("farmcrawl")
    with Farm(seed=1) as farm:
        sources = sources_csv(farm, tmp / "sources.csv")
        archive = tmp / "archive"
        out = run_crawl(archive, sources, farm)
        first = {"manifest": farm.manifest(), "requests": farm.requests,
                 "reports": archive_reports(archive), "output": out}
        farm.clear_requests()
        farm.set_generation(1)
        run_crawl(archive, sources, farm)
        yield {"archive": archive, "gen0": first, "manifest1": farm.manifest(), "requests1": farm.requests}


def test_every_planted_report_found_once_with_year_and_agency(crawled: dict[str, Any]) -> None:
    result = audit(crawled["gen0"]["manifest"], crawled["gen0"]["reports"])
    assert result.reachable > 300
    assert (result.missing, result.duplicated, result.wrong, result.extra) == ([], [], [], []), result.summary()
    assert result.unreachable_archived == []  # nothing behind a WAF or robots.txt got in


def test_no_request_leaves_the_farm(crawled: dict[str, Any]) -> None:
    manifest = crawled["gen0"]["manifest"]
    for log in (crawled["gen0"]["requests"], crawled["requests1"]):
        assert log, "the crawl made no request"
        assert not [r.url for r in log if r.outside]
        assert {r.host for r in log} <= set(manifest["gov_hosts"])  # the mirror was refused before any traffic


def test_blocked_sites_recorded_as_blocked_not_as_empty(crawled: dict[str, Any]) -> None:
    blocked = crawled["gen0"]["manifest"]["trouble"]["blocked"]
    rows = dict(query(crawled["archive"], "SELECT host, blocked_by FROM sites WHERE blocked_by IS NOT NULL"))
    assert set(rows) == set(blocked)
    for host, info in blocked.items():
        assert {"rs412": "412", "jsl521": "521", "wzws": "WZWS"}[info["kind"]] in rows[host]


def test_robots_obeyed_and_recorded(crawled: dict[str, Any]) -> None:
    manifest = crawled["gen0"]["manifest"]
    for case in manifest["trouble"]["robots_disallowed"]:
        assert not [r for r in crawled["gen0"]["requests"]
                    if r.host == case["host"] and r.path.startswith(case["path"])]
        disallows = query(crawled["archive"], "SELECT robots_disallows FROM sites WHERE host = ?", (case["host"],))
        assert case["path"] in disallows[0][0].split("\n")
    refused = query(crawled["archive"], "SELECT count(*) FROM fetches WHERE outcome = 'robots'")[0][0]
    assert refused > 0


def test_edited_report_kept_as_two_versions(crawled: dict[str, Any]) -> None:
    edited = crawled["manifest1"]["changes"]["1"]["edited"]
    assert edited, "generation 1 edits no report: nothing would be checked"
    for change in edited:
        planted = next(r for r in crawled["manifest1"]["reports"] if r["id"] == change["id"])
        urls = [planted["article_url"], *planted["attachment_urls"]]
        marks = ",".join("?" * len(urls))
        versions = query(crawled["archive"], f"SELECT version, is_current, sha256 FROM reports WHERE source_url IN "
                                             f"({marks}) ORDER BY version", tuple(urls))
        assert [(v, c) for v, c, _ in versions] == [(1, 0), (2, 1)]
        assert versions[0][2] != versions[1][2]


def test_removed_report_marked_with_date(crawled: dict[str, Any]) -> None:
    removed_changes = crawled["manifest1"]["changes"]["1"]["removed"]
    assert removed_changes, "generation 1 removes no report: nothing would be checked"
    for change in removed_changes:
        planted = next(r for r in crawled["gen0"]["manifest"]["reports"] if r["id"] == change["id"])
        urls = [planted["article_url"], *planted["attachment_urls"]]
        marks = ",".join("?" * len(urls))
        removed = query(crawled["archive"], f"SELECT removed_at FROM reports WHERE source_url IN ({marks})",
                        tuple(urls))
        assert removed
        assert all(r[0] for r in removed)


def test_second_generation_found_and_recrawl_is_conditional(crawled: dict[str, Any]) -> None:
    result = audit(crawled["manifest1"], [r for r in archive_reports(crawled["archive"]) if r["is_current"] != 0])
    assert result.missing == []
    assert result.duplicated == []
    first = sum(r.bytes for r in crawled["gen0"]["requests"])
    again = sum(r.bytes for r in crawled["requests1"])
    assert any(r.conditional for r in crawled["requests1"])
    assert again < first * 0.25, (again, first)


def test_crawl_recorded_with_meta_tags(crawled: dict[str, Any]) -> None:
    metas = [json.loads(m) for (m,) in query(crawled["archive"],
                                               "SELECT meta FROM fetches WHERE kind = 'article' AND meta IS NOT NULL")]
    assert metas
    assert sum("SiteIDCode" in m and "PubDate" in m for m in metas) > len(metas) * 0.9
    assert query(crawled["archive"], "SELECT count(*) FROM crawls WHERE finished_at IS NOT NULL")[0][0] == 2


def test_reports_parsed_by_the_pool_which_drained_before_the_summary(crawled: dict[str, Any]) -> None:
    """`nianbao crawl` archives only; its parse pool parsed every report before the crawl reported."""
    assert "parse pool:" in crawled["gen0"]["output"]
    states = dict(query(crawled["archive"], "SELECT state, count(*) FROM parse_queue GROUP BY state"))
    assert states.get("done", 0) >= len(crawled["gen0"]["reports"]) > 0
    assert set(states) == {"done"}  # nothing left pending, nothing crashed
    workers = {w for (w,) in query(crawled["archive"], "SELECT DISTINCT worker FROM parse_queue")}
    assert workers
    assert all("-parse" in w for w in workers)
    assert query(crawled["archive"], "SELECT count(*) FROM fetches WHERE note LIKE 'same report as #%'")[0][0] > 0


def test_image_only_articles_have_every_page_image_archived_for_ocr(crawled: dict[str, Any]) -> None:
    """The farm's reports printed as page images: the crawl archives the article as `image_only` and its images;
    `nianbao ocr` finds each image by the URL the article's fetch row lists (no OCR here: it is slow)."""
    from nianbao.page_ocr import archived_pages
    from nianbao.pipeline import Archive

    rows = query(crawled["archive"], "SELECT f.url, f.meta FROM reports r JOIN fetches f ON f.sha256 = r.sha256 "
                                     "WHERE r.status = 'image_only' AND f.kind = 'article' AND f.outcome = 'ok'")
    assert rows, "the farm plants image-only reports"
    archive = Archive.open(str(crawled["archive"]))
    for url, meta in rows:
        images = json.loads(meta)["attachments"]
        pages, missing = archived_pages(archive, images)
        assert missing is None, (url, missing)
        assert len(pages) == len(images) >= 1
        assert all(p[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)
