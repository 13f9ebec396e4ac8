"""2008–2018 reports in the archive: statistics cells with their units, prose figures in their own
table with source kind `text`, and each report's sources."""

from __future__ import annotations

import json
import random
from pathlib import Path

import synth
from nianbao.pipeline import Archive, ingest_paths


def _ingest(tmp_path: Path) -> tuple[Archive, dict[str, dict]]:
    folder = tmp_path / "in"
    folder.mkdir()
    records = {}
    for i, template in enumerate(("stat2014", "legacy", "gov2021")):
        rng = random.Random(40 + i)
        record = synth.random_record(rng, template)
        data, ext = synth.render(record, "html-plain", rng)
        (folder / f"{template}.{ext}").write_bytes(data)
        records[template] = record
    archive = Archive.open(tmp_path / "a")
    ingest_paths(archive, [folder])
    return archive, records


def _report(archive: Archive, record: dict) -> dict:
    return next(archive.db["reports"].rows_where("title = ?", [record["title"]]))


def test_text_values_are_stored_apart_with_their_source_kind(tmp_path: Path) -> None:
    archive, records = _ingest(tmp_path)
    db = archive.db
    for template, record in records.items():
        report = _report(archive, record)
        assert report["template"] == template
        rows = list(db["text_values"].rows_where("report_id = ?", [report["id"]]))
        assert {r["key"]: r["value"] for r in rows} == record["text_values"]
        assert {r["source_kind"] for r in rows} == {"text"}
        assert all(r["raw"] in r["sentence"] for r in rows)
        tables = {r["table_key"] for r in db["report_values"].rows_where("report_id = ?", [report["id"]])}
        printed = {t for t in ("proactive", "requests", "review_litigation", "statistics") if record.get(t)}
        assert tables == printed  # prose figures never become table cells (a legacy report has none)
        sources = json.loads(report["sources"])
        assert sources["text_values"] == "text"


def test_statistics_cells_keep_units_and_source(tmp_path: Path) -> None:
    archive, records = _ingest(tmp_path)
    record = records["stat2014"]
    report = _report(archive, record)
    rows = {r["row_key"]: r for r in archive.db["report_values"].rows_where(
        "report_id = ? AND table_key = 'statistics'", [report["id"]])}
    assert {k: {"count": r["value"]} for k, r in rows.items()} == record["statistics"]
    assert (rows["proactive_items"]["unit"], rows["fees"]["unit"], rows["trainees"]["unit"]) == ("条", "万元", "人次")
    assert {r["source_kind"] for r in rows.values()} == {"table"}
    assert json.loads(report["sources"]) == {"statistics": "table", "text_values": "text"}
    summary = archive.db["report_summary"].get(report["id"])
    assert summary["new_requests"] == record["statistics"]["requests_received"]["count"]
    assert summary["reviews"] == record["statistics"]["reviews"]["count"]
