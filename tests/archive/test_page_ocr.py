"""An article whose report is printed as page images: archived by the crawl as `image_only`, then read by OCR
(`nianbao ocr`) into the same report row, with numbers of source kind `ocr`; `nianbao reparse` keeps it.

OCR takes about 25 s per page on a loaded 2-core machine: one scanned page (table 1), read twice.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

import synth
from crawler.items import FetchedDocument
from crawler.pipelines import ArchivePipeline
from nianbao.cli import cli
from nianbao.pipeline import Archive, reparse
from parsers.extract.ocr import engine
from synth.scan import scan_pages

AGENCY, YEAR = "海原县人民政府", 2024
TITLE = f"{AGENCY}{YEAR}年政府信息公开工作年度报告"
ARTICLE = "https://www.hy.gov.cn/a/r.html"
IMAGES = ["https://www.hy.gov.cn/a/p1.jpg"]
PAGE = (f"<html><head><meta name='ArticleTitle' content='{TITLE}'></head><body><h1>{TITLE}</h1>"
        "<p><img src='/a/p1.jpg'></p></body></html>").encode()
needs_ocr = pytest.mark.skipif(engine() is None, reason="no OCR engine (rapidocr-onnxruntime or tesseract)")


@cache
def _scan() -> tuple[dict, bytes]:
    """A generated 2024 report and its first page (table 1, 主动公开) printed and scanned at 200 dpi."""
    rng = random.Random(5)
    record = synth.random_record(rng, "gov2021", agency=AGENCY, year=YEAR)
    pdf, _ = synth.render(record, "pdf", rng)
    return record, scan_pages(pdf, random.Random(5), dpi=200)[0]


def _item(url: str, body: bytes, kind: str, content_type: str, **kw) -> FetchedDocument:
    return FetchedDocument(url=url, final_url=url, http_status=200, headers={"Content-Type": content_type},
                           body=body, fetched_at="2025-03-01T00:00:00Z", kind=kind, **kw)


def _crawl(tmp_path: Path, images: dict[str, bytes]) -> Archive:
    """The pipeline sees the article, then its page images, as a crawl delivers them."""
    pipeline = ArchivePipeline(str(tmp_path / "a"))
    pipeline.open_spider()
    pipeline.write(_item(ARTICLE, PAGE, "article", "text/html", attachments=IMAGES, meta={"ArticleTitle": TITLE}),
                   None, None)
    for url, body in images.items():
        pipeline.write(_item(url, body, "attachment", "image/jpeg", referer=ARTICLE), None, None)
    return pipeline.archive  # type: ignore[return-value]


def _values(archive: Archive, report_id: int) -> dict[tuple, tuple]:
    rows = archive.db.execute("SELECT table_key, row_key, col_key, value, source_kind, ocr_confidence, ocr_review "
                              "FROM report_values WHERE report_id = ?", [report_id]).fetchall()
    return {r[:3]: r[3:] for r in rows}


def test_page_images_not_archived_keep_the_report_image_only_with_the_reason(tmp_path: Path) -> None:
    archive = _crawl(tmp_path, {})
    before = next(archive.db["reports"].rows)
    assert before["status"] == "image_only"
    result = CliRunner().invoke(cli, ["ocr", "--archive", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    after = archive.db["reports"].get(before["id"])
    assert after["status"] == "image_only"
    assert "page image 1 of 1 is not archived yet" in after["errors"]
    assert archive.db["report_values"].count == 0


def test_page_images_are_found_under_the_escaped_url_scrapy_fetched_them_at(tmp_path: Path) -> None:
    """A page lists 第1页.jpg; Scrapy requests (and the fetch row records) %E7%AC%AC1%E9%A1%B5.jpg."""
    from scrapy import Request

    from nianbao.page_ocr import archived_pages

    listed = "https://www.hy.gov.cn/a/第1页.jpg"
    fetched = Request(listed).url
    assert fetched != listed
    archive = _crawl(tmp_path, {fetched: b"\xff\xd8\xff\xe0 a JPEG"})
    assert archived_pages(archive, [listed]) == ([b"\xff\xd8\xff\xe0 a JPEG"], None)


@needs_ocr
@pytest.mark.slow
def test_image_only_article_becomes_a_report_with_ocr_numbers_and_reparse_keeps_it(tmp_path: Path) -> None:
    truth, page = _scan()
    archive = _crawl(tmp_path, {IMAGES[0]: page})
    db = archive.db
    assert db["reports"].count == 1  # the page image is part of the article's report, not a report alone
    before = next(db["reports"].rows)
    assert (before["status"], db["report_values"].count) == ("image_only", 0)

    result = CliRunner().invoke(cli, ["ocr", "--archive", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert db["reports"].count == 1
    read = db["reports"].get(before["id"])
    assert read["sha256"] == before["sha256"]  # the article's report row, read now
    assert (read["agency"], read["year"], read["version"], read["is_current"]) == (AGENCY, YEAR, 1, 1)
    # only table 1 is on the page: the report's other tables are missing, so it is partial, never ok
    assert read["status"] == "partial"
    values = _values(archive, before["id"])
    assert len(values) >= 8
    assert {v[1] for v in values.values()} == {"ocr"}
    assert any(isinstance(v[2], float) for v in values.values())
    want = {("proactive", r, c): v for r, cols in truth["proactive"].items() for c, v in cols.items()}
    right = [k for k, v in values.items() if want.get(k, "absent") == v[0]]
    assert len(right) >= 0.9 * len(values)
    assert all(v[3] for k, v in values.items() if k not in right), "a cell read wrong must be flagged for review"

    changes = db["value_changes"].count  # the first read: every value new, kept as history
    outcome = reparse(archive)
    assert outcome.statuses == {"partial": 1}
    again = db["reports"].get(before["id"])
    assert (again["status"], again["version"], again["is_current"]) == ("partial", 1, 1)
    assert _values(archive, before["id"]) == values
    assert db["value_changes"].count == changes
    checked = CliRunner().invoke(cli, ["verify", "--archive", str(tmp_path / "a")])
    assert checked.exit_code == 0, checked.output  # the report still has its document (the article)
