"""Issue 11 "wrong or silent answers" on the archive side: one identity per agency, versions that survive
reparses, reparse over every document in its fetch context, ingest of documents only, sources never local
paths, a parser version that follows the code, quiet PDF libraries."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

import synth
from archive.agencies import identity
from archive.dump import dump
from archive.migrations import apply, migrations
from crawler.items import FetchedDocument
from crawler.pipelines import ArchivePipeline
from nianbao import reparse as reparse_module
from nianbao.pipeline import Archive, ingest_bytes, ingest_paths, reparse
from parsers.version import parser_version

ROOT = Path(__file__).resolve().parents[2]


def _report(agency: str, year: int, seed: int = 5, layout: str = "html-plain") -> bytes:
    rng = random.Random(seed)
    data, _ = synth.render(synth.random_record(rng, "gov2021", agency=agency, year=year), layout, rng)
    return data


def _groups(db: Database) -> dict[tuple, list[tuple]]:
    out: dict[tuple, list[tuple]] = {}
    for r in db.execute("SELECT agency_id, year, id, version, is_current, status FROM reports ORDER BY id"):
        out.setdefault((r[0], r[1]), []).append(r[2:])
    return out


def _one_current_per_group(db: Database) -> None:
    groups = _groups(db)
    assert groups
    for (agency_id, year), rows in groups.items():
        reports = [r for r in rows if r[3] in ("ok", "partial", "image_only")]
        if agency_id is not None and year is not None and reports:
            assert sum(r[2] == 1 for r in reports) == 1, (agency_id, year, rows)
            assert sorted(r[1] for r in reports) == list(range(1, len(reports) + 1))


# ---------------------------------------------------------------- one agency, many spellings


def test_one_agency_whatever_its_spelling(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest_bytes(archive, _report("洪泽区人民政府", 2023, 1), "https://www.hongze.gov.cn/1.html", "1.html")
    ingest_bytes(archive, _report("淮安市洪泽区人民政府", 2024, 2), "https://www.hongze.gov.cn/2.html", "2.html")
    ingest_bytes(archive, _report("洪泽区财政局", 2024, 3), "https://www.hongze.gov.cn/3.html", "3.html")
    db = archive.db
    ids = {r["agency"]: r["agency_id"] for r in db["reports"].rows}
    assert ids["洪泽区人民政府"] == ids["淮安市洪泽区人民政府"]
    assert ids["洪泽区财政局"] != ids["洪泽区人民政府"]
    names = {r["name"] for r in db["agency_names"].rows_where("agency_id = ?", [ids["洪泽区人民政府"]])}
    assert names == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
    assert db["agencies"].count == 2


def test_township_spellings_are_one_body_and_offices_another() -> None:
    assert identity("洪泽区高良涧街道办事处").key == identity("淮安市洪泽区高良涧街道").key
    assert identity("海原县人民政府办公室").key != identity("海原县人民政府").key
    assert identity("海原县人民政府办公室").key == identity("海原县政府办").key


def test_region_level_agency_has_its_province(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest_bytes(archive, _report("淮安市人民政府", 2023), "https://www.huaian.gov.cn/1.html", "1.html")
    summary = next(archive.db["report_summary"].rows)
    assert (summary["province"], summary["prefecture"], summary["county"]) == ("江苏省", "淮安市", None)


def test_migration_merges_agencies_of_an_existing_archive() -> None:
    db = Database(memory=True)
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before="m015_agency_identity")
    db["divisions"].insert({"code": "320813", "name": "洪泽区", "province": "江苏省", "prefecture": "淮安市"})
    for i, name in enumerate(("洪泽区人民政府", "淮安市洪泽区人民政府"), start=1):
        db["agencies"].insert({"id": i, "name": name, "division_code": "320813", "level": "county_gov"})
        db["documents"].insert({"sha256": f"s{i}"})
        db["reports"].insert({"id": i, "sha256": f"s{i}", "agency_id": i, "division_code": "320813", "year": 2023,
                              "status": "ok", "first_seen": f"2024-0{i}-01", "version": 1, "is_current": 1})
        db["report_summary"].insert({"report_id": i, "agency": name, "year": 2023, "status": "ok", "is_current": 1,
                                     "failing_checks": 0})
    apply(db)
    assert db["agencies"].count == 1
    assert [(r["agency_id"], r["version"], r["is_current"]) for r in db["reports"].rows] == [(1, 1, 0), (1, 2, 1)]
    assert {r["name"] for r in db["agency_names"].rows} == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
    # neither report has stored values: its checks were not run, they did not pass
    assert {(r["check_result"], r["failing_checks"]) for r in db["report_summary"].rows} == {("no tables", None)}


# ---------------------------------------------------------------- versions through reparses


def _two_versions(tmp_path: Path) -> tuple[Archive, int, int]:
    archive = Archive.open(tmp_path / "a")
    ingest_bytes(archive, _report("海原县人民政府", 2023, 1), "https://www.hy.gov.cn/1.html", "1.html")
    ingest_bytes(archive, _report("海原县人民政府", 2023, 2), "https://www.hy.gov.cn/2.html", "2.html")
    first, second = (r["id"] for r in archive.db["reports"].rows_where(order_by="id"))
    return archive, first, second


def _parser_that(monkeypatch: pytest.MonkeyPatch, url: str, change) -> None:
    real = reparse_module.parse

    def patched(data: bytes, source: str = "", content_type: str | None = None) -> dict:
        record = real(data, source, content_type)
        return change(record) if source == url else record

    monkeypatch.setattr(reparse_module, "parse", patched)


def test_reparse_that_moves_a_report_to_another_year_renumbers_both_years(tmp_path, monkeypatch) -> None:
    archive, first, second = _two_versions(tmp_path)
    _parser_that(monkeypatch, "https://www.hy.gov.cn/2.html", lambda r: {**r, "year": 2022})
    reparse(archive)
    db = archive.db
    assert (db["reports"].get(first)["version"], db["reports"].get(first)["is_current"]) == (1, 1)
    assert (db["reports"].get(second)["year"], db["reports"].get(second)["is_current"]) == (2022, 1)
    assert db["report_summary"].get(first)["is_current"] == 1
    _one_current_per_group(db)


def test_reparse_to_error_takes_the_report_out_of_its_versions(tmp_path, monkeypatch) -> None:
    archive, first, second = _two_versions(tmp_path)
    failed = {"status": "error", "errors": ["broken"], "agency": None, "year": None, "cells": [], "checks": [],
              "sections": [], "proactive": {}, "requests": {}, "review_litigation": {}}
    _parser_that(monkeypatch, "https://www.hy.gov.cn/2.html", lambda r: {**r, **failed})
    reparse(archive)
    db = archive.db
    assert (db["reports"].get(second)["version"], db["reports"].get(second)["is_current"]) == (None, None)
    assert (db["reports"].get(first)["version"], db["reports"].get(first)["is_current"]) == (1, 1)
    assert db["report_summary"].get(second)["is_current"] is None
    _one_current_per_group(db)


def _crawled(tmp_path: Path, items: list[FetchedDocument]) -> Archive:
    pipeline = ArchivePipeline(str(tmp_path / "a"))
    pipeline.open_spider()
    for item in items:
        pipeline.write(item, None, None)
    return pipeline.archive  # type: ignore[return-value]


def _item(url: str, body: bytes, kind: str, **kw) -> FetchedDocument:
    return FetchedDocument(url=url, final_url=url, http_status=200, headers={"Content-Type": "text/html"},
                           body=body, fetched_at="2025-03-01T00:00:00Z", kind=kind, **kw)


IMAGE_PAGE = ("<html><head><meta name='ArticleTitle' content='海原县人民政府2024年政府信息公开工作年度报告'>"
              "</head><body><h1>海原县人民政府2024年政府信息公开工作年度报告</h1>"
              "<p><img src='/a/1.jpg'><img src='/a/2.jpg'></p></body></html>").encode()


def test_reparse_keeps_image_only_reports_and_gives_them_versions(tmp_path: Path) -> None:
    archive = _crawled(tmp_path, [_item("https://www.hy.gov.cn/a/r.html", IMAGE_PAGE, "article",
                                        attachments=["https://www.hy.gov.cn/a/1.jpg", "https://www.hy.gov.cn/a/2.jpg"],
                                        meta={"ArticleTitle": "海原县人民政府2024年政府信息公开工作年度报告"})])
    db = archive.db
    before = next(db["reports"].rows)
    assert before["status"] == "image_only"
    assert (before["version"], before["is_current"]) == (1, 1)
    outcome = reparse(archive)
    after = db["reports"].get(before["id"])
    assert (after["status"], after["version"], after["is_current"]) == ("image_only", 1, 1)
    assert outcome.statuses == {"image_only": 1}


def test_reparse_visits_documents_that_are_not_reports(tmp_path: Path, monkeypatch) -> None:
    """A twin set aside by the crawl (same figures, other URL) is a report of its own once the parser reads
    it differently; reparse must look at it although it has no row in reports."""
    body = _report("海原县人民政府", 2024, 4)
    archive = _crawled(tmp_path, [_item("https://www.hy.gov.cn/a/r.html", body, "article"),
                                  _item("https://www.hy.gov.cn/b/r.html", body + b"<!-- b -->", "article")])
    db = archive.db
    assert db["reports"].count == 1
    assert db["documents"].count == 2

    def bump(record: dict) -> dict:
        for cell in record["cells"]:
            cell["value"] = (cell["value"] or 0) + 1
        return record

    _parser_that(monkeypatch, "https://www.hy.gov.cn/b/r.html", bump)
    outcome = reparse(archive)
    assert outcome.counts["new"] == 1
    assert db["reports"].count == 2
    _one_current_per_group(db)


# ---------------------------------------------------------------- the parser's version


def test_parser_version_follows_code_and_templates(tmp_path: Path) -> None:
    copy = tmp_path / "parsers"
    shutil.copytree(ROOT / "parsers", copy, ignore=shutil.ignore_patterns("__pycache__"))
    from parsers import PARSER_VERSION

    assert parser_version() == PARSER_VERSION  # the parser in use carries its code's hash
    first = parser_version(copy)
    assert first == parser_version(copy)
    tables = copy / "templates" / "tables.yaml"
    tables.write_text(tables.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = parser_version(copy)
    assert second != first
    (copy / "readers" / "blocks.py").write_text("# changed\n", encoding="utf-8")
    assert parser_version(copy) not in (first, second)


def test_reingest_after_a_parser_change_reparses(tmp_path: Path, monkeypatch) -> None:
    from nianbao import pipeline

    archive = Archive.open(tmp_path / "a")
    data = _report("海原县人民政府", 2024)
    assert ingest_bytes(archive, data, "https://www.hy.gov.cn/1.html", "1.html") == "new"
    assert ingest_bytes(archive, data, "https://www.hy.gov.cn/1.html", "1.html") == "unchanged"
    monkeypatch.setattr(pipeline, "PARSER_VERSION", "0.1+changed")
    assert ingest_bytes(archive, data, "https://www.hy.gov.cn/1.html", "1.html") == "new"


# ---------------------------------------------------------------- ingest: documents only, sources


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "incoming"
    (f / "labels").mkdir(parents=True)
    (f / "README.md").write_text("# Reports\n\n政府信息公开工作年度报告 downloaded by hand.\n", encoding="utf-8")
    (f / "labels" / "r1.json").write_text(json.dumps({"title": "平潭县2023年政府信息公开工作年度报告"},
                                                     ensure_ascii=False), encoding="utf-8")
    (f / "tool-output.csv").write_text("agency,year\n平潭县,2023\n", encoding="utf-8")
    (f / "r1.html").write_bytes(_report("海原县人民政府", 2024, 1))
    (f / "r1.html.json").write_text(json.dumps({"url": "https://www.hy.gov.cn/zwgk/1.html",
                                                "published": "2025-03-20"}), encoding="utf-8")
    text = _report("青田县人民政府", 2023, 2, "tsv").decode("utf-8")
    (f / "r2.txt").write_text("原文链接：https://www.qingtian.gov.cn/2.html\n发布时间：2024年3月28日\n\n" + text,
                              encoding="utf-8")
    (f / "r3.html").write_bytes(_report("成都市武侯区人民政府", 2024, 3))
    return f


def test_ingest_takes_documents_only_and_says_why(tmp_path: Path, folder: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    outcome = ingest_paths(archive, [folder])
    assert outcome.counts["new"] == 3
    reasons = {Path(name).name: why for name, why in outcome.skipped}
    assert set(reasons) == {"README.md", "r1.json", "tool-output.csv", "r1.html.json"}
    assert "JSON" in reasons["r1.json"]
    assert "CSV" in reasons["tool-output.csv"]
    assert "sidecar" in reasons["r1.html.json"]
    assert not [r for r in archive.db["reports"].rows if "平潭" in (r["agency"] or "")]
    forced = ingest_paths(Archive.open(tmp_path / "b"), [folder / "README.md"], force=True)
    assert forced.counts["new"] == 1


def test_sources_come_from_sidecars_and_text_headers_never_local_paths(tmp_path: Path, folder: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest_paths(archive, [folder])
    rows = {r["agency"]: r for r in archive.db["reports"].rows}
    assert rows["海原县人民政府"]["source_url"] == "https://www.hy.gov.cn/zwgk/1.html"
    assert rows["青田县人民政府"]["source_url"] == "https://www.qingtian.gov.cn/2.html"
    assert rows["青田县人民政府"]["published"] == "2024-03-28"
    assert rows["成都市武侯区人民政府"]["source_url"] is None  # unknown, not file:///…
    archive.db.close()
    out = dump(tmp_path / "a" / "nianbao.db", tmp_path / "releases", "2026-11-30")
    needles = (str(tmp_path), "file://", str(Path.home()))
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".md", ".txt", ".db"):
            text = path.read_bytes().decode("utf-8", errors="ignore")
            assert not [n for n in needles if n in text], path


def test_migration_forgets_local_paths_of_an_existing_archive() -> None:
    db = Database(memory=True)
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before="m018_no_local_paths")
    db["documents"].insert({"sha256": "s1"})
    db["fetches"].insert({"id": 1, "sha256": "s1", "url": "file:///home/someone/reports/%E6%B5%B7.pdf",
                          "final_url": "file:///home/someone/reports/%E6%B5%B7.pdf"})
    db["reports"].insert({"id": 1, "sha256": "s1", "source_url": "file:///home/someone/reports/%E6%B5%B7.pdf"})
    db["report_summary"].insert({"report_id": 1, "source_url": "file:///home/someone/reports/%E6%B5%B7.pdf"})
    apply(db)
    assert db["reports"].get(1)["source_url"] is None
    assert db["report_summary"].get(1)["source_url"] is None
    assert (db["fetches"].get(1)["url"], db["fetches"].get(1)["final_url"]) == ("ingest:海.pdf", "ingest:海.pdf")


def test_text_reports_have_searchable_text(tmp_path: Path, folder: Path) -> None:
    """A saved text page whose parts are not numbered 一、二、… (here: 第一部分) still has its text stored."""
    text = (folder / "r2.txt").read_text(encoding="utf-8")
    for n, numeral in enumerate("一二三四五六", start=1):
        text = text.replace(f"\n{numeral}、", f"\n第{n}部分 ")
    (folder / "r2.txt").write_text(text + "\n另据统计，鹦鹉螺号相关申请已办结。\n", encoding="utf-8")
    archive = Archive.open(tmp_path / "a")
    ingest_paths(archive, [folder / "r2.txt"])
    db = archive.db
    report = next(db["reports"].rows)
    assert report["status"] in ("ok", "partial")
    assert db["sections"].count_where("report_id = ?", [report["id"]]) >= 1
    hits = db.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH ?", ['"鹦鹉螺号"']).fetchone()[0]
    assert hits == 1


# ---------------------------------------------------------------- noise


def test_pdf_library_warnings_go_to_debug_not_the_terminal() -> None:
    code = ("import logging, parsers.extract.pdf\n"
            "logging.getLogger('pdfminer.pdffont').warning('Could not get FontBBox from font descriptor')\n"
            "logging.basicConfig(level=logging.DEBUG)\n"
            "logging.getLogger('pdfminer.pdffont').warning('Could not get FontBBox, shown at debug')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "FontBBox from font descriptor" not in result.stderr
    assert "DEBUG:parsers.libraries:pdfminer.pdffont: Could not get FontBBox, shown at debug" in result.stderr


def test_a_table_printed_all_blank_is_no_tables_not_a_pass() -> None:
    """A blank template's tables are read, but every cell is blank: its identities hold as 0 = 0, which checks
    nothing. Counting it as 'pass' inflated "checks pass" in the charts."""
    from archive.figures import check_figures

    blank = {"cells": [{"value": None}, {"value": None}], "checks": [{"ok": True}]}
    assert check_figures(blank) == {"failing_checks": None, "check_result": "no tables"}
    printed = {"cells": [{"value": None}, {"value": 0}], "checks": [{"ok": True}, {"ok": False}]}
    assert check_figures(printed) == {"failing_checks": 1, "check_result": "fail"}
