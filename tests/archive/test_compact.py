"""Compact cells and checks, and the text in its own file (issue 13 §3): nothing read differs, nothing is lost."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import synth
from archive import compact
from archive.db import open_db
from archive.migrations import migrations
from archive.save import _values
from parsers import parse

VALUES_SQL = "SELECT * FROM report_values ORDER BY report_id, table_key, row_key, col_key"
CHECKS_SQL = "SELECT * FROM checks ORDER BY report_id, check_id, scope"
SECTIONS_SQL = "SELECT report_id, no, heading, text FROM sections ORDER BY report_id, no"
# Cells whose encoding has a special case: raw NULL beside a value, raw that prints like the value but is not
# it ('2.0', '07'), text values, source_kind NULL or not 'table', units and OCR columns.
EDGE_CELLS = [
    {"table_key": "t", "row_key": "r1", "col_key": "c", "value": 5, "raw": None, "source_kind": None},
    {"table_key": "t", "row_key": "r2", "col_key": "c", "value": 2.0, "raw": "2.0", "source_kind": "table"},
    {"table_key": "t", "row_key": "r3", "col_key": "c", "value": 7, "raw": "07", "source_kind": "ocr",
     "ocr_confidence": 0.61, "ocr_review": "low confidence"},
    {"table_key": "t", "row_key": "r4", "col_key": "c", "value": 7730.28, "raw": "7730.28", "unit": "万元"},
    {"table_key": "t", "row_key": "r5", "col_key": "c", "value": None, "raw": "", "source_kind": "text"},
    {"table_key": "t", "row_key": "r6", "col_key": "c", "value": None, "raw": None},
    {"table_key": "t", "row_key": "r7", "col_key": "c", "value": "x", "raw": "x"},
    {"table_key": "t", "row_key": "r8", "col_key": "c", "value": 0, "raw": "0\n"},
    {"table_key": "t", "row_key": "r9", "col_key": "c", "value": 3, "raw": "3"},
]


def _records(n: int) -> list[dict]:
    rng = random.Random(5)
    records = []
    for i in range(n):
        record = synth.random_record(rng, synth.TEMPLATES[i % 3], break_arithmetic=i % 2 == 0)
        data, ext = synth.render(record, "html-plain", rng)
        records.append(parse(data, f"r.{ext}"))
    return records


def _old_archive(path: Path, records: list[dict]) -> None:
    """An archive as main's code (migrations up to m055) wrote it: report_values, checks, sections tables."""
    db = sqlite3.connect(path)
    from sqlite_utils import Database

    old = Database(db)
    migrations.apply(old, stop_before="m060_compact_cells")
    for report_id, record in enumerate(records, start=1):
        old["documents"].insert({"sha256": record["sha256"]})
        old["reports"].insert({"id": report_id, "sha256": record["sha256"], "status": record["status"],
                               "parsed_at": f"2026-01-01T00:00:{report_id:02d}Z"})
        cells = _values(record) + (EDGE_CELLS if report_id == 1 else [])
        old["report_values"].insert_all([{"report_id": report_id, **c} for c in cells])
        old["checks"].insert_all([{"report_id": report_id, "check_id": c["id"], "scope": c["scope"],
                                   "ok": int(c["ok"]), "lhs": c["lhs"], "rhs": c["rhs"], "detail": c["detail"]}
                                  for c in record["checks"]])
        old["sections"].insert_all([{"report_id": report_id, **s} for s in record["sections"]])
    db.commit()
    db.close()


def _read(db, sql: str) -> list[tuple]:
    return [tuple((type(v).__name__, v) for v in row) for row in db.execute(sql).fetchall()]


def test_upgrade_keeps_every_value_check_and_section(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.db"
    _old_archive(path, _records(4))
    with sqlite3.connect(path) as before:
        values, checks, sections = (_read(before, sql) for sql in (VALUES_SQL, CHECKS_SQL, SECTIONS_SQL))
        hits = before.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH '\"信息公开\"'").fetchone()
    assert len(values) > 4 * 100
    assert len(checks) > 4 * 20
    assert len(sections) >= 4 * 6
    assert hits[0] > 0
    db = open_db(path)
    assert _read(db, VALUES_SQL) == values  # same rows, same values, same types (2 stays int, 2.0's raw '2.0')
    assert _read(db, CHECKS_SQL) == checks
    assert _read(db, SECTIONS_SQL) == sections
    assert db.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH '\"信息公开\"'").fetchone() == hits
    assert not {"report_values", "checks", "sections", "sections_fts"} & set(db.table_names())
    assert (tmp_path / "nianbao_text.db").is_file()
    marks = db.execute("SELECT count(*) FROM text.report_texts JOIN reports r ON r.id = report_id "
                       "AND r.parsed_at = text.report_texts.parsed_at").fetchone()[0]
    assert marks == 4


def test_views_read_back_what_was_written() -> None:
    db = open_db()
    db["documents"].insert({"sha256": "e" * 64})
    db["reports"].insert({"id": 1, "sha256": "e" * 64, "status": "ok"})
    compact.insert_values(db, [{"report_id": 1, **c} for c in EDGE_CELLS])
    got = {r["row_key"]: r for r in db["report_values"].rows_where("report_id = 1")}
    for cell in EDGE_CELLS:
        row = got[cell["row_key"]]
        for column in compact.VALUE_COLUMNS[4:]:
            assert (row[column], type(row[column])) == (cell.get(column), type(cell.get(column))) or (
                column, cell["row_key"]) == ("value", "r2"), (cell, column, row[column])
    assert (got["r2"]["value"], got["r2"]["raw"]) == (2, "2.0")  # NUMERIC affinity, as the old table had
    # the raw text is stored only where it is not how the value prints
    stored = dict(db.execute("SELECT k.row_key, c.raw FROM cells c JOIN value_keys k ON k.id = c.key_id").fetchall())
    assert (stored["r9"], stored["r3"], stored["r1"]) == (None, "07", b"")
    db.execute("UPDATE report_values SET value = 4, raw = '4' WHERE report_id = 1 AND row_key = 'r9'")
    db.execute("DELETE FROM report_values WHERE report_id = 1 AND row_key = 'r8'")
    got = {r["row_key"]: (r["value"], r["raw"]) for r in db["report_values"].rows_where("report_id = 1")}
    assert got["r9"] == (4, "4")
    assert "r8" not in got
    assert len(got) == len(EDGE_CELLS) - 1


def test_numbers_file_reads_alone(tmp_path: Path) -> None:
    """The numbers downloaded without the text file: every view of the numbers still reads."""
    db = open_db(tmp_path / "nianbao.db")
    db["documents"].insert({"sha256": "f" * 64})
    db["reports"].insert({"id": 1, "sha256": "f" * 64, "status": "ok"})
    compact.insert_values(db, [{"report_id": 1, **c} for c in EDGE_CELLS])
    compact.insert_checks(db, [{"report_id": 1, "check_id": "T3.flow", "scope": "total", "ok": 0, "lhs": 3,
                                "rhs": 4, "detail": "a == b"}])
    db.conn.commit()
    db.close()
    alone = sqlite3.connect(tmp_path / "nianbao.db")
    assert alone.execute("SELECT count(*) FROM report_values").fetchone() == (len(EDGE_CELLS),)
    assert alone.execute("SELECT check_id, ok, lhs, rhs FROM checks").fetchall() == [("T3.flow", 0, 3, 4)]
    assert alone.execute("SELECT count(*) FROM requests_wide").fetchone() == (0,)


def test_serving_an_old_archive_upgrades_it_first(tmp_path: Path) -> None:
    """`nianbao serve` (prepare) on an archive main's code wrote: the pages' queries need the compact tables and
    the text file, so it is migrated before Datasette starts; a current numbers file alone stays alone."""
    from nianbao.serve import prepare, served_files

    path = tmp_path / "old" / "nianbao.db"
    path.parent.mkdir()
    _old_archive(path, _records(1))
    prepare(path)
    assert served_files(path) == [path, tmp_path / "old" / "nianbao_text.db"]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM check_results").fetchone()[0] > 0
    alone = tmp_path / "alone" / "nianbao.db"
    alone.parent.mkdir()
    alone.write_bytes(path.read_bytes())
    prepare(alone)
    assert served_files(alone) == [alone]
