"""Schema migrations on an in-memory database: complete, idempotent, named."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from archive import compact
from archive.migrations import apply, migrations

TABLES = {"divisions", "division_history", "agencies", "sources", "documents", "fetches", "reports",
          "cells", "value_keys", "check_results", "check_defs", "parse_runs", "value_changes", "report_summary"}
VIEWS = {"requests_wide", "review_litigation_wide", "publication_ledger", "report_values", "checks"}
TEXT_TABLES = {"sections", "sections_fts", "report_texts"}  # the attached text database (archive/textdb.py)


def test_apply_creates_schema_and_is_idempotent() -> None:
    db = Database(memory=True)
    apply(db)
    schema = db.schema
    applied = [m.name for m in migrations.applied(db)]
    apply(db)
    assert db.schema == schema
    assert [m.name for m in migrations.applied(db)] == applied
    assert set(db.table_names()) >= TABLES
    assert set(db.view_names()) >= VIEWS
    assert not {"sections", "sections_fts", "report_values", "checks"} & set(db.table_names())
    text = {name for (name,) in db.execute("SELECT name FROM text.sqlite_master WHERE type = 'table'")}
    assert text >= TEXT_TABLES
    assert not migrations.pending(db)


def test_migrations_apply_in_order_from_any_point() -> None:
    db = Database(memory=True)
    names = [m.name for m in migrations.pending(db)]
    assert names == sorted(names)  # m001_…, m002_…: order is part of the name
    migrations.apply(db, stop_before=names[3])
    assert [m.name for m in migrations.applied(db)] == names[:3]
    apply(db)
    assert [m.name for m in migrations.applied(db)] == names


def test_sections_fts_uses_trigram_for_chinese() -> None:
    db = Database(memory=True)
    apply(db)
    db["documents"].insert({"sha256": "a" * 64})
    db["reports"].insert({"id": 1, "sha256": "a" * 64, "status": "ok"})
    text = "全年共受理政府信息公开申请30件"
    db.execute("INSERT INTO sections (report_id, no, heading, text) VALUES (1, 1, '一、总体情况', ?)", [text])
    hits = db.execute("SELECT rowid FROM sections_fts WHERE sections_fts MATCH ?", ['"信息公开申请"']).fetchall()
    assert len(hits) == 1


def test_foreign_keys_are_enforced() -> None:
    db = Database(memory=True)
    apply(db)
    try:
        db["reports"].insert({"id": 1, "sha256": "c" * 64, "status": "ok"})
    except sqlite3.IntegrityError:
        return
    raise AssertionError("a report without its document was accepted")


def test_values_keep_integers_and_decimals() -> None:
    db = Database(memory=True)
    apply(db)
    db["documents"].insert({"sha256": "b" * 64})
    db["reports"].insert({"id": 1, "sha256": "b" * 64, "status": "ok"})
    compact.insert_values(db, [
        {"report_id": 1, "table_key": "requests", "row_key": "new_requests", "col_key": "total", "value": 30},
        {"report_id": 1, "table_key": "proactive", "row_key": "admin_fees", "col_key": "fee_amount_wan_yuan",
         "value": 7730.28},
        {"report_id": 1, "table_key": "requests", "row_key": "granted", "col_key": "total", "value": None},
    ])
    got = dict(db.execute("SELECT row_key, value FROM report_values").fetchall())
    assert got == {"new_requests": 30, "admin_fees": 7730.28, "granted": None}
    assert type(got["new_requests"]) is int


def test_serving_indexes_cover_facets_and_only_failing_checks() -> None:
    """m009: every report_summary facet has an index; the partial index holds the failing checks only."""
    db = Database(memory=True)
    apply(db)
    indexed = {i.columns[0] for i in db["report_summary"].indexes}
    assert {"province", "prefecture", "year", "template", "status", "agency_level"} <= indexed
    db["documents"].insert({"sha256": "d" * 64})
    db["reports"].insert({"id": 1, "sha256": "d" * 64, "status": "ok"})
    compact.insert_checks(db, [{"report_id": 1, "check_id": f"c{i}", "scope": "total", "ok": int(i != 2)}
                               for i in range(5)])
    sql = ("SELECT check_id FROM check_results INDEXED BY idx_check_results_failing JOIN check_defs d "
           "ON d.id = def_id WHERE report_id = 1 AND ok = 0")
    assert db.execute(sql).fetchall() == [("c2",)]
    assert db.execute("SELECT count(*) FROM check_results INDEXED BY idx_check_results_failing "
                      "WHERE ok = 0").fetchone() == (1,)
    plan = db.execute("EXPLAIN QUERY PLAN SELECT * FROM report_summary ORDER BY year DESC, province, agency, "
                      "report_id").fetchall()
    assert "idx_report_summary_year_desc_province_agency" in plan[0][3]
    assert not any("TEMP B-TREE" in row[3] for row in plan)
