"""The only writers of the archive: documents and fetches, parsed reports, their history.

Writers take `db` first (github-to-sqlite style) and run inside one transaction each, so a crash
leaves either the old or the new state of a report, never a mix.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlite_utils import Database

from archive import compact, textdb
from archive.agencies import agency_row, identity
from archive.divisions import region_places
from archive.figures import key_figures

VALUE_KEYS = ("table_key", "row_key", "col_key")
# Statuses that are an agency's report for a year (image-only ones too: their tables are unread, not absent).
VERSIONED = ("ok", "partial", "image_only")


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def save_document(db: Database, sha256: str, size: int, fmt: str, content_type: str | None, seen: str) -> bool:
    """Record a distinct body once; returns True when it is new."""
    if db["documents"].count_where("sha256 = ?", [sha256]):
        return False
    db["documents"].insert({"sha256": sha256, "size": size, "format": fmt, "content_type": content_type,
                            "first_seen": seen})
    return True


def save_fetch(db: Database, fetch: dict[str, Any]) -> int | None:
    """One attempt to get a URL (also failures: blocked, robots, 404); None when already recorded."""
    dup = db.execute(
        "SELECT id FROM fetches WHERE url = ? AND sha256 IS ? AND outcome = ?",
        [fetch["url"], fetch.get("sha256"), fetch.get("outcome", "ok")],
    ).fetchone()
    if dup and fetch.get("dedupe", True):
        return None
    row = {k: v for k, v in fetch.items() if k != "dedupe"}
    if isinstance(row.get("headers"), dict):
        row["headers"] = json.dumps(row["headers"], ensure_ascii=False)
    return db["fetches"].insert(row).last_pk


def _values(record: dict) -> list[dict]:
    sources = record.get("sources") or {}
    return [
        {"table_key": c["table"], "row_key": c["row"], "col_key": c["col"], "value": c["value"], "raw": c["raw"],
         "grid_table": c["grid_table"], "grid_row": c["grid_row"], "grid_col": c["grid_col"], "page": c["page"],
         "unit": c.get("unit"), "source_kind": c.get("source_kind") or sources.get(c["table"], "table"),
         "ocr_confidence": c.get("ocr_confidence"), "ocr_review": c.get("review")}
        for c in record.get("cells", [])
    ]


def _text_values(report_id: int, record: dict) -> list[dict]:
    """Figures stated in the prose: their own table, never mixed into report_values."""
    return [{"report_id": report_id, "key": v["key"], "value": v["value"], "unit": v.get("unit"), "raw": v["raw"],
             "sentence": v["sentence"], "source_kind": v.get("source_kind", "text")}
            for v in record.get("text_values", [])]


def _report_row(record: dict, agency: dict | None, source_url: str | None, seen: str) -> dict:
    return {
        "sha256": record["sha256"], "agency_id": agency["id"] if agency else None,
        "division_code": agency["division_code"] if agency else None,
        "region_code": agency["region_code"] if agency else None,
        "year": record.get("year"), "title": record.get("title"), "agency": record.get("agency"),
        "published": record.get("published"), "template": record.get("template"), "status": record["status"],
        "errors": json.dumps(record.get("errors", []), ensure_ascii=False),
        "warnings": json.dumps(record.get("warnings", []), ensure_ascii=False),
        "format": record.get("format"), "parser_version": record.get("parser_version"), "parsed_at": now(),
        "sources": json.dumps(record.get("sources") or {}, ensure_ascii=False),
        "source_url": source_url, "first_seen": seen,
    }


def _changes(old: dict[tuple, dict], new: list[dict]) -> list[dict]:
    new_by_key = {tuple(v[k] for k in VALUE_KEYS): v for v in new}
    changes = []
    for key in sorted(set(old) | set(new_by_key)):
        before, after = old.get(key) or {}, new_by_key.get(key) or {}
        if (before.get("value"), before.get("raw")) != (after.get("value"), after.get("raw")):
            changes.append({"table_key": key[0], "row_key": key[1], "col_key": key[2],
                            "old_value": before.get("value"), "new_value": after.get("value"),
                            "old_raw": before.get("raw"), "new_raw": after.get("raw")})
    return changes


def _replace_children(db: Database, report_id: int, record: dict, values: list[dict], parsed_at: str) -> None:
    """The report's cells, checks and prose figures (numbers database), then its text (the attached text
    database, with the mark of the parse it came from): archive/compact.py, archive/textdb.py."""
    for table in ("cells", "check_results", "text_values"):
        db.execute(f"DELETE FROM main.{table} WHERE report_id = ?", [report_id])
    compact.insert_values(db, [{"report_id": report_id, **v} for v in values])
    db["text_values"].insert_all(_text_values(report_id, record))
    compact.insert_checks(db, [{"report_id": report_id, "check_id": c["id"], "scope": c["scope"],
                                "ok": int(c["ok"]), "lhs": c["lhs"], "rhs": c["rhs"], "detail": c["detail"]}
                               for c in record.get("checks", [])])
    save_text(db, report_id, record["sha256"], parsed_at, record.get("sections", []))


def save_text(db: Database, report_id: int, sha256: str, parsed_at: str, sections: list[dict]) -> None:
    """A report's sections in the text database, replacing what it had, and the mark of the parse."""
    db.execute(f"DELETE FROM {textdb.SCHEMA}.sections WHERE report_id = ?", [report_id])
    db.conn.executemany(f"INSERT INTO {textdb.SCHEMA}.sections (report_id, no, heading, text) VALUES (?, ?, ?, ?)",
                        [(report_id, s["no"], s["heading"], s["text"]) for s in sections])
    db.execute(f"INSERT OR REPLACE INTO {textdb.SCHEMA}.report_texts (report_id, sha256, parsed_at) VALUES (?, ?, ?)",
               [report_id, sha256, parsed_at])


def _record_run(db: Database, report_id: int, record: dict, changes: list[dict], checks_changed: int) -> None:
    run_id = db["parse_runs"].insert({
        "report_id": report_id, "parser_version": record.get("parser_version"), "parsed_at": now(),
        "status": record["status"], "template": record.get("template"), "values_changed": len(changes),
        "checks_changed": checks_changed,
    }).last_pk
    db["value_changes"].insert_all([{"parse_run_id": run_id, "report_id": report_id, **c} for c in changes])


def _old_state(db: Database, report_id: int) -> tuple[dict[tuple, dict], set[tuple], str | None]:
    values = {tuple(r[k] for k in VALUE_KEYS): r for r in db["report_values"].rows_where("report_id = ?", [report_id])}
    checks = {(r["check_id"], r["scope"], r["ok"]) for r in db["checks"].rows_where("report_id = ?", [report_id])}
    version = db.execute("SELECT parser_version FROM reports WHERE id = ?", [report_id]).fetchone()
    return values, checks, version[0] if version else None


def save_report(db: Database, record: dict, source_url: str | None = None, seen: str | None = None,
                hint_code: str | None = None) -> int:
    """Insert or update the report parsed from one document; history of value changes is kept.

    hint_code (a division code from the crawl source or the page's SiteIDCode) places agencies whose
    name alone is ambiguous (鼓楼区, 城关镇 …)."""
    seen = seen or now()
    with db.atomic():
        agency = agency_row(db, record.get("agency"), hint_code)
        row = _report_row(record, agency, source_url, seen)
        existing = db.execute("SELECT id, first_seen, source_url, agency_id, year, status FROM reports "
                              "WHERE sha256 = ?",
                              [record["sha256"]]).fetchone()
        values = _values(record)
        if existing is None:  # a first parse is not a change: nothing goes to value_changes
            report_id = db["reports"].insert(row).last_pk
            changes, checks_changed, version = [], len(record.get("checks", [])), None
        else:
            report_id = existing[0]
            old_values, old_checks, version = _old_state(db, report_id)
            changes = _changes(old_values, values)
            new_checks = {(c["id"], c["scope"], int(c["ok"])) for c in record.get("checks", [])}
            checks_changed = len(old_checks ^ new_checks)
            row.update(first_seen=existing[1], source_url=source_url or existing[2])
            db["reports"].update(report_id, row)
        _replace_children(db, report_id, record, values, row["parsed_at"])
        if (existing is None or changes or checks_changed or version != record.get("parser_version")
                or existing[5] != record["status"]):
            _record_run(db, report_id, record, changes, checks_changed)
        renumber_versions(db, row["agency_id"], row["year"])
        if existing is not None and (existing[3], existing[4]) != (row["agency_id"], row["year"]):
            renumber_versions(db, existing[3], existing[4])  # the group it left keeps one current report
        if row["agency_id"] is None or row["year"] is None:
            db["reports"].update(report_id, {"version": None, "is_current": None})
        save_summary(db, report_id, record, agency)
    return report_id


def renumber_versions(db: Database, agency_id: int | None, year: int | None) -> None:
    """Versions of one agency's report for one year, in the order they were first seen; the last is current.

    Rows of the group that are not a report (error, not_a_report …) get no version and are not current."""
    if agency_id is None or year is None:
        return
    marks = ", ".join("?" for _ in VERSIONED)
    rows = db.execute(
        f"SELECT id FROM reports WHERE agency_id = ? AND year = ? AND status IN ({marks}) ORDER BY first_seen, id",
        [agency_id, year, *VERSIONED]).fetchall()
    db.execute(f"UPDATE reports SET version = NULL, is_current = NULL WHERE agency_id = ? AND year = ? "
               f"AND status NOT IN ({marks})", [agency_id, year, *VERSIONED])
    for n, (report_id,) in enumerate(rows, start=1):
        db["reports"].update(report_id, {"version": n, "is_current": int(n == len(rows))})
    db.execute("UPDATE report_summary SET is_current = (SELECT is_current FROM reports r WHERE r.id = report_id) "
               "WHERE report_id IN (SELECT id FROM reports WHERE agency_id = ? AND year = ?)", [agency_id, year])


def renumber_all(db: Database) -> None:
    """Every (agency, year) group again, and rows outside any group made non-current (migrations)."""
    db.execute("UPDATE reports SET version = NULL, is_current = NULL WHERE agency_id IS NULL OR year IS NULL")
    for agency_id, year in db.execute("SELECT DISTINCT agency_id, year FROM reports WHERE agency_id IS NOT NULL "
                                      "AND year IS NOT NULL").fetchall():
        renumber_versions(db, agency_id, year)
    db.execute("UPDATE report_summary SET is_current = (SELECT is_current FROM reports r WHERE r.id = report_id)")


def save_summary(db: Database, report_id: int, record: dict, agency: dict | None) -> None:
    report = db["reports"].get(report_id)
    db["report_summary"].upsert({
        "report_id": report_id, "agency_id": agency["id"] if agency else None, "agency": record.get("agency"),
        "agency_level": agency["level"] if agency else None,
        "division_code": agency["division_code"] if agency else None, **places(db, agency),
        "year": record.get("year"), "template": record.get("template"), "status": record["status"],
        "published": record.get("published"), "is_current": report["is_current"],
        "source_url": report["source_url"], **key_figures(record),
    }, pk="report_id")


def places(db: Database, agency: dict | None) -> dict[str, str | None]:
    """County, province and prefecture of an agency: its county's, else its region's (淮安市人民政府 → 江苏省)."""
    if agency and agency["division_code"]:
        division = db["divisions"].get(agency["division_code"])
        return {"county": division["name"], "province": division["province"], "prefecture": division["prefecture"]}
    province, prefecture = region_places(agency["region_code"] if agency else None)
    return {"county": None, "province": province, "prefecture": prefecture}


def twin_report(db: Database, record: dict, exclude_url: str | None = None) -> int | None:
    """An archived report of the same agency and year with exactly the same figures, from another URL: the
    same report in another rendering (an article page and its PDF), not a new version. A new text at the
    same URL is never a twin: that is an edit, and edits are kept as versions. None when there is none."""
    name, year = record.get("agency"), record.get("year")
    figures = {(c["table"], c["row"], c["col"], c["value"]) for c in record.get("cells", [])}
    if not (name and year and figures):
        return None
    candidates = db.execute(
        "SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE (a.identity = ? OR a.id IN "
        "(SELECT agency_id FROM agency_names WHERE name = ?)) AND r.year = ? "
        "AND r.status IN ('ok', 'partial') AND r.source_url IS NOT ? ORDER BY r.id DESC",
        [identity(name).key, name, year, exclude_url]).fetchall()
    for (report_id,) in candidates:
        rows = db.execute("SELECT table_key, row_key, col_key, value FROM report_values WHERE report_id = ?",
                          [report_id]).fetchall()
        if set(rows) == figures:
            return report_id
    return None


def refresh_summaries(db: Database) -> None:
    """Bring report_summary rows written by older code up to date (agency id, places, check result, versions)."""
    db.execute("UPDATE report_summary SET agency_id = (SELECT agency_id FROM reports r WHERE r.id = report_id)")
    db.execute("UPDATE report_summary SET check_result = CASE "
               "WHEN NOT EXISTS (SELECT 1 FROM report_values v WHERE v.report_id = report_summary.report_id) "
               "THEN 'no tables' WHEN failing_checks > 0 THEN 'fail' ELSE 'pass' END")
    db.execute("UPDATE report_summary SET failing_checks = NULL WHERE check_result = 'no tables'")
    for report_id, region in db.execute(
            "SELECT s.report_id, a.region_code FROM report_summary s JOIN agencies a ON a.id = s.agency_id "
            "WHERE a.division_code IS NULL AND a.region_code IS NOT NULL").fetchall():
        province, prefecture = region_places(region)
        db["report_summary"].update(report_id, {"province": province, "prefecture": prefecture})
    renumber_all(db)
