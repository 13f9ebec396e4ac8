"""Ingest, reparse and dump against a real archive directory (SQLite file, raw store, WARC)."""

from __future__ import annotations

import csv
import hashlib
import json
import random
from pathlib import Path

import pytest
from sqlite_utils import Database

import synth
from archive.dump import dump
from nianbao import pipeline
from nianbao import reparse as reparse_module
from nianbao.pipeline import Archive, ingest_paths, reparse


def _write_reports(folder: Path, n: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    records = []
    layouts = sorted(synth.LAYOUTS)
    for i in range(n):
        record = synth.random_record(rng, synth.TEMPLATES[i % 3], break_arithmetic=i == 1)
        data, ext = synth.render(record, layouts[i % len(layouts)], rng)
        (folder / f"r{i}.{ext}").write_bytes(data)
        records.append(record)
    return records


@pytest.fixture
def reports_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    _write_reports(folder, 6)
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 8)
    return folder


def _state(archive_dir: Path) -> tuple[list[str], list[str], dict[str, int]]:
    db = Database(archive_dir / "nianbao.db")
    dump_lines = [line for line in db.conn.iterdump()]
    raw = sorted(p.name for p in (archive_dir / "raw").rglob("*") if p.is_file())
    warcs = {p.name: p.stat().st_size for p in (archive_dir / "warc").glob("*.warc.gz")}
    return dump_lines, raw, warcs


def test_ingest_twice_changes_nothing(tmp_path: Path, reports_dir: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    first = ingest_paths(archive, [reports_dir])
    assert first.counts["new"] == 7
    before = _state(tmp_path / "a")
    second = ingest_paths(Archive.open(tmp_path / "a"), [reports_dir])
    assert second.counts == {"unchanged": 7}
    assert _state(tmp_path / "a") == before


def test_ingest_stores_raw_first_and_keeps_bad_documents(tmp_path: Path, reports_dir: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest_paths(archive, [reports_dir])
    db = archive.db
    assert db["documents"].count == 7
    for doc in db["documents"].rows:
        assert archive.store.read(doc["sha256"])  # every parsed document is in the raw store
    junk = next(db["reports"].rows_where("format = 'binary'"))
    assert junk["status"] == "unparseable"
    assert json.loads(junk["errors"])
    fetch = next(db["fetches"].rows_where("sha256 = ?", [junk["sha256"]]))
    assert fetch["url"] == "ingest:junk.bin"  # a name, never this machine's path
    assert fetch["warc_file"].endswith(".warc.gz")


def test_values_checks_and_sections_are_written(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    records = _write_reports(folder, 3)
    archive = Archive.open(tmp_path / "a")
    ingest_paths(archive, [folder])
    db = archive.db
    report = next(db["reports"].rows_where("title = ?", [records[1]["title"]]))
    values = {(r["table_key"], r["row_key"], r["col_key"]): r["value"]
              for r in db["report_values"].rows_where("report_id = ?", [report["id"]])}
    expected = records[1]["requests"]
    assert all(values[("requests", row, col)] == v for row, cols in expected.items() for col, v in cols.items())
    failing = {(r["check_id"], r["scope"]) for r in db["checks"].rows_where("report_id = ? AND ok = 0", [report["id"]])}
    assert failing == {(f["id"], f["scope"]) for f in synth.failing(records[1])}
    summary = db["report_summary"].get(report["id"])
    assert summary["failing_checks"] == len(failing)
    assert summary["new_requests"] == expected["new_requests"]["total"]
    hits = db.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH ?", ['"统计期限"']).fetchone()[0]
    assert hits >= 3


def test_reparse_after_parser_change_updates_values_and_keeps_history(
    tmp_path: Path, reports_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest_paths(archive, [reports_dir])
    db = archive.db
    report = next(db["reports"].rows_where("status = 'ok'"))
    old = db.execute("SELECT value FROM report_values WHERE report_id = ? AND table_key = 'requests' "
                     "AND row_key = 'new_requests' AND col_key = 'total'", [report["id"]]).fetchone()[0]
    real_parse = pipeline.parse

    def fixed_parser(data: bytes, source: str = "", content_type: str | None = None) -> dict:
        record = real_parse(data, source, content_type)
        record["parser_version"] = "9.9.9"
        for cell in record["cells"]:
            if (cell["table"], cell["row"], cell["col"]) == ("requests", "new_requests", "total"):
                cell["value"] = (cell["value"] or 0) + 1000
        return record

    monkeypatch.setattr(reparse_module, "parse", fixed_parser)
    outcome = reparse(Archive.open(tmp_path / "a"))
    assert outcome.counts["changed"] == 7  # every report got a new parser version
    new = db.execute("SELECT value FROM report_values WHERE report_id = ? AND table_key = 'requests' "
                     "AND row_key = 'new_requests' AND col_key = 'total'", [report["id"]]).fetchone()[0]
    assert new == (old or 0) + 1000
    change = next(db["value_changes"].rows_where("report_id = ?", [report["id"]]))
    assert (change["old_value"], change["new_value"]) == (old, new)
    runs = list(db["parse_runs"].rows_where("report_id = ?", [report["id"]], order_by="id"))
    assert [r["parser_version"] for r in runs][-1] == "9.9.9"
    assert len(runs) == 2
    assert db["reports"].get(report["id"])["parser_version"] == "9.9.9"


def test_new_document_for_same_report_is_a_new_version(tmp_path: Path) -> None:
    rng = random.Random(11)
    record = synth.random_record(rng, "gov2021", agency="海原县人民政府", year=2024)
    first, _ = synth.render(record, "html-plain", rng)
    edited = first.replace("一、总体情况".encode(), "一、总体情况".encode() + "（修订）".encode(), 1)
    archive = Archive.open(tmp_path / "a")
    pipeline.ingest_bytes(archive, first, "http://www.hy.gov.cn/a.html", "a.html")
    pipeline.ingest_bytes(archive, edited, "http://www.hy.gov.cn/a.html", "a.html")
    rows = list(archive.db["reports"].rows_where("year = 2024", order_by="version"))
    assert [(r["version"], r["is_current"]) for r in rows] == [(1, 0), (2, 1)]
    assert rows[0]["agency_id"] == rows[1]["agency_id"]
    assert archive.db["fetches"].count == 2


def test_dump_is_a_verifiable_release(tmp_path: Path, reports_dir: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest_paths(archive, [reports_dir])
    out = dump(tmp_path / "a" / "nianbao.db", tmp_path / "releases", "2026-11-29")
    assert out.name == "nianbao-2026-11-29"
    sums = dict(reversed(line.split("  ")) for line in (out / "SHA256SUMS").read_text().splitlines())
    for name, digest in sums.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert {"nianbao.db", "nianbao.db.gz", "README.md", "csv/reports.csv", "csv/report_values.csv",
            "csv/checks.csv", "nianbao_text.db", "nianbao_text.db.gz", "csv/sections.csv"} <= set(sums)
    assert not {"csv/cells.csv", "csv/check_results.csv"} & set(sums)  # the compact tables go out as their views
    with (out / "csv" / "report_values.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == archive.db["report_values"].count > 0
    assert set(rows[0]) >= {"report_id", "table_key", "row_key", "col_key", "value", "raw"}
    with (out / "csv" / "sections.csv").open(encoding="utf-8") as f:
        sections = sum(1 for _ in csv.DictReader(f))
    assert sections == archive.db.execute("SELECT count(*) FROM sections").fetchone()[0] > 0
    numbers = Database(out / "nianbao.db")  # the numbers alone: complete without the text file
    assert "sections" not in numbers.table_names()
    assert numbers.execute("SELECT count(*) FROM report_values").fetchone()[0] == len(rows)
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "report_values" in readme
    assert "CC BY 4.0" in readme
