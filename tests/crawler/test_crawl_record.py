"""What a crawl leaves in `crawls` and `sources`, and a release of it: a small farm crawled once with
`nianbao crawl`, then dumped. Also the parse-health rule on a real archive."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.dump import dump
from crawler.crawl_record import MAX_PARSE_ERROR_RATE, close_crawl, parse_health
from crawler.sources import load_sources
from nianbao.pipeline import Archive
from synth.farm import Farm
from tests.crawler.farmcrawl import query, run_crawl, sources_csv

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("crawlrecord")
    with Farm(seed=1, n_counties=1, reports_per_county=2) as farm:
        sources = sources_csv(farm, tmp / "sources.csv")
        archive = tmp / "archive"
        run_crawl(archive, sources, farm)
        yield {"tmp": tmp, "archive": archive, "sources": sources, "farm_requests": len(farm.requests)}


def test_crawl_counters_are_filled(crawled: dict[str, Any]) -> None:
    (requests, archived), = query(crawled["archive"], "SELECT requests, archived FROM crawls")
    ok = query(crawled["archive"], "SELECT count(*) FROM fetches WHERE outcome = 'ok'")[0][0]
    assert ok > 3
    assert archived == ok
    # Scrapy counts every request it sent (robots.txt and retries included); the farm saw each of them
    assert requests == crawled["farm_requests"]


def test_sources_table_is_the_registry_the_crawl_started_from(crawled: dict[str, Any]) -> None:
    registry = load_sources(crawled["sources"])
    assert registry
    rows = query(crawled["archive"], "SELECT id, url, agency, division_code, level, synthetic FROM sources ORDER BY id")
    assert rows == [(s.id, s.start_urls, s.agency, s.division_code, s.level, 1) for s in registry]


def test_release_of_farm_data_is_marked_synthetic(crawled: dict[str, Any]) -> None:
    out = dump(crawled["archive"] / "nianbao.db", crawled["tmp"] / "releases", "2026-12-01")
    assert out.name == "nianbao-2026-12-01-synthetic"
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# nianbao archive release 2026-12-01-synthetic (SYNTHETIC)")
    assert "SYNTHETIC DATA" in readme


def test_parse_error_rate_is_abnormal_above_the_limit(crawled: dict[str, Any],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    archive = Archive.open(crawled["archive"])
    crawl_id = archive.db.execute("SELECT max(id) FROM crawls").fetchone()[0]
    healthy = parse_health(archive.db, crawl_id)
    assert healthy.parsed > 3
    assert (healthy.errors, healthy.abnormal) == (0, False)
    ids = [r[0] for r in archive.db.execute("SELECT id FROM reports ORDER BY id")]
    broken = int(len(ids) * MAX_PARSE_ERROR_RATE) + 1  # what a job that could not read its templates leaves
    archive.db.execute(f"UPDATE reports SET status = 'error' WHERE id IN ({','.join('?' * broken)})", ids[:broken])
    archive.db.conn.commit()
    sick = parse_health(archive.db, crawl_id)
    assert (sick.errors, sick.abnormal) == (broken, True)
    assert "PARSE ERRORS" in sick.message()
    with caplog.at_level(logging.ERROR, logger="crawler.crawl_record"):
        close_crawl(archive.db, crawl_id, None)  # what the pipeline does when the crawl closes
    assert any("PARSE ERRORS" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)


def test_dump_never_overwrites_and_says_its_encoding(tmp_path: Path, crawled: dict[str, Any]) -> None:
    db = crawled["archive"] / "nianbao.db"
    first = dump(db, tmp_path, "2026-12-02", synthetic=True)
    marker = first / "README.md"
    marker.write_text("first release", encoding="utf-8")
    second = dump(db, tmp_path, "2026-12-02", excel=True)
    assert second.name == first.name + "-2"
    assert marker.read_text(encoding="utf-8") == "first release"
    readme = (second / "README.md").read_text(encoding="utf-8")
    assert "UTF-8 without a byte order mark" in readme
    assert "csv-excel/" in readme
    plain = (second / "csv" / "reports.csv").read_bytes()
    excel = (second / "csv-excel" / "reports.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in excel
    with (second / "csv-excel" / "reports.csv").open(encoding="utf-8-sig", newline="") as f:
        excel_rows = list(csv.reader(f))
    with (second / "csv" / "reports.csv").open(encoding="utf-8", newline="") as f:
        plain_rows = list(csv.reader(f))
    assert len(excel_rows) == len(plain_rows) > 1
    assert "csv-excel/reports.csv" in (second / "SHA256SUMS").read_text()


def test_excel_form_quotes_formula_text_only() -> None:
    from archive.dump import _excel_cell

    assert [_excel_cell(v) for v in ("=HYPERLINK(1)", "+86", "@x", "县", -3, None)] == \
        ["'=HYPERLINK(1)", "'+86", "'@x", "县", -3, None]
