"""The archive's schema as named, ordered sqlite-utils migrations. No CREATE TABLE lives anywhere else."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from archive import views

# Declared ANY → NUMERIC affinity: integers stay integers (30, not 30.0) and 万元 decimals stay decimals.
NUMERIC = "ANY"

migrations = Migrations("nianbao")


@migrations()
def m001_divisions(db: Database) -> None:
    db["divisions"].create(
        {"code": str, "name": str, "short_name": str, "province_code": str, "province": str,
         "prefecture_code": str, "prefecture": str, "lon": float, "lat": float, "latlon_source": str,
         "pinyin": str},
        pk="code",
    )
    db["division_history"].create(
        {"old_code": str, "old_name": str, "new_code": str, "change": str, "last_year": int},
        pk=("old_code", "old_name"),
    )
    for col in ("province", "prefecture"):
        db["divisions"].create_index([col])


@migrations()
def m002_agencies_sources(db: Database) -> None:
    db["agencies"].create(
        {"id": int, "name": str, "division_code": str, "region_code": str, "level": str, "resolved_by": str},
        pk="id", foreign_keys=[("division_code", "divisions", "code")],
    )
    db["agencies"].create_index(["name"], unique=True)
    db["agencies"].create_index(["division_code"])
    db["sources"].create(
        {"id": int, "url": str, "division_code": str, "agency": str, "level": str, "family": str,
         "notes": str, "verified": int, "added_at": str},
        pk="id",
    )
    db["sources"].create_index(["url"], unique=True)


@migrations()
def m003_documents_fetches(db: Database) -> None:
    db["documents"].create(
        {"sha256": str, "size": int, "format": str, "content_type": str, "first_seen": str}, pk="sha256"
    )
    db["fetches"].create(
        {"id": int, "sha256": str, "url": str, "final_url": str, "referer": str, "http_status": int,
         "headers": str, "fetched_at": str, "outcome": str, "source_id": int, "warc_file": str, "warc_offset": int},
        pk="id", foreign_keys=[("sha256", "documents", "sha256"), ("source_id", "sources", "id")],
    )
    db["fetches"].create_index(["url"])
    db["fetches"].create_index(["sha256"])


@migrations()
def m004_reports(db: Database) -> None:
    db["reports"].create(
        {"id": int, "sha256": str, "agency_id": int, "division_code": str, "region_code": str, "year": int,
         "title": str, "agency": str, "published": str, "template": str, "status": str, "errors": str,
         "warnings": str, "format": str, "parser_version": str, "parsed_at": str, "source_url": str,
         "first_seen": str, "version": int, "is_current": int, "removed_at": str},
        pk="id",
        foreign_keys=[("sha256", "documents", "sha256"), ("agency_id", "agencies", "id"),
                      ("division_code", "divisions", "code")],
    )
    db["reports"].create_index(["sha256"], unique=True)
    db["reports"].create_index(["agency_id", "year"])
    db["reports"].create_index(["division_code", "year"])
    db["report_values"].create(
        {"report_id": int, "table_key": str, "row_key": str, "col_key": str, "value": NUMERIC, "raw": str,
         "grid_table": int, "grid_row": int, "grid_col": int, "page": int},
        pk=("report_id", "table_key", "row_key", "col_key"), foreign_keys=[("report_id", "reports", "id")],
    )
    db["report_values"].create_index(["table_key", "row_key", "col_key", "value"])
    db["checks"].create(
        {"report_id": int, "check_id": str, "scope": str, "ok": int, "lhs": NUMERIC, "rhs": NUMERIC, "detail": str},
        pk=("report_id", "check_id", "scope"), foreign_keys=[("report_id", "reports", "id")],
    )
    db["checks"].create_index(["ok", "check_id"])
    db["sections"].create(
        {"report_id": int, "no": int, "heading": str, "text": str},
        pk=("report_id", "no"), foreign_keys=[("report_id", "reports", "id")],
    )
    # trigram: SQLite's default tokenizer finds no Chinese words; 1–2 character queries fall back to LIKE
    db["sections"].enable_fts(["heading", "text"], tokenize="trigram", create_triggers=True)


@migrations()
def m005_parse_history(db: Database) -> None:
    db["parse_runs"].create(
        {"id": int, "report_id": int, "parser_version": str, "parsed_at": str, "status": str, "template": str,
         "values_changed": int, "checks_changed": int},
        pk="id", foreign_keys=[("report_id", "reports", "id")],
    )
    db["parse_runs"].create_index(["report_id"])
    db["value_changes"].create(
        {"parse_run_id": int, "report_id": int, "table_key": str, "row_key": str, "col_key": str,
         "old_value": NUMERIC, "new_value": NUMERIC, "old_raw": str, "new_raw": str},
        foreign_keys=[("parse_run_id", "parse_runs", "id"), ("report_id", "reports", "id")],
    )
    db["value_changes"].create_index(["report_id"])


@migrations()
def m006_report_summary(db: Database) -> None:
    """One row per report with its key figures, kept by the writer so facets never scan report_values."""
    db["report_summary"].create(
        {"report_id": int, "agency": str, "agency_level": str, "division_code": str, "county": str,
         "province": str, "prefecture": str, "year": int, "template": str, "status": str, "published": str,
         "is_current": int, "new_requests": NUMERIC, "carried_over": NUMERIC, "total_processed": NUMERIC,
         "granted": NUMERIC, "partially_granted": NUMERIC, "denied": NUMERIC, "unavailable": NUMERIC,
         "not_processed": NUMERIC, "carried_forward": NUMERIC, "grant_rate": float, "refusal_rate": float,
         "reviews": NUMERIC, "lawsuits": NUMERIC, "failing_checks": int, "source_url": str},
        pk="report_id", foreign_keys=[("report_id", "reports", "id"), ("division_code", "divisions", "code")],
    )
    for cols in (["province", "year"], ["year"], ["template"], ["status"], ["division_code", "year"],
                 ["failing_checks"], ["refusal_rate"], ["agency"]):
        db["report_summary"].create_index(cols)


@migrations()
def m007_views(db: Database) -> None:
    for name, sql in views.VIEWS.items():
        db.create_view(name, sql, replace=True)


@migrations()
def m008_crawls(db: Database) -> None:
    """What crawls need beyond ingest: crawl runs (for resume), per-site robots/blocking, page metadata."""
    db["crawls"].create(
        {"id": int, "started_at": str, "finished_at": str, "jobdir": str, "spider": str, "requests": int,
         "archived": int, "note": str},
        pk="id",
    )
    db["sites"].create(
        {"host": str, "robots_txt": str, "robots_checked_at": str, "robots_disallows": str, "blocked_by": str,
         "blocked_at": str, "last_crawled_at": str},
        pk="host",
    )
    db["fetches"].add_column("crawl_id", int, fk="crawls", fk_col="id")
    db["fetches"].add_column("kind", str)
    db["fetches"].add_column("meta", str)
    db["fetches"].add_column("note", str)
    db["fetches"].create_index(["crawl_id", "url"])


@migrations()
def m009_serving_indexes(db: Database) -> None:
    """Indexes that keep the Datasette pages' cost in index lookups, not table scans (docs/benchmarks.md).

    - report_summary(prefecture), (agency_level): the two configured facets that had no index, so their
      counts read a narrow index instead of the wide table.
    - report_summary(year DESC, province, agency): the order of the failing_checks canned query, so it
      streams reports newest first and stops at Datasette's row limit instead of sorting every failing check.
    - checks(report_id, check_id, scope) WHERE ok = 0: the failing checks only (a small fraction), probed
      once per report by that query.
    """
    db["report_summary"].create_index(["prefecture"])
    db["report_summary"].create_index(["agency_level"])
    db.execute("CREATE INDEX idx_report_summary_year_desc_province_agency "
               "ON report_summary (year DESC, province, agency)")
    db.execute("CREATE INDEX idx_checks_failing ON checks (report_id, check_id, scope) WHERE ok = 0")


@migrations()
def m010_fetch_worker(db: Database) -> None:
    """Which crawl worker fetched what (distributed crawls: how the work was split)."""
    db["fetches"].add_column("worker", str)


@migrations()
def m015_agency_identity(db: Database) -> None:
    """An agency is its place code + level + role, not its printed name: spellings become aliases and
    agencies written under several spellings are merged (archive.agencies.rekey)."""
    from archive.agencies import rekey

    db["agencies"].add_column("identity", str)
    db["agencies"].add_column("role", str)
    db["agency_names"].create({"agency_id": int, "name": str}, pk=("agency_id", "name"),
                              foreign_keys=[("agency_id", "agencies", "id")])
    db["agency_names"].create_index(["name"])
    db.execute("DROP INDEX IF EXISTS idx_agencies_name")
    db["agencies"].create_index(["name"])
    rekey(db)
    db["agencies"].create_index(["identity"], unique=True)


@migrations()
def m016_summary_truth(db: Database) -> None:
    """report_summary says which agency (id), whether its checks pass, fail or no tables were read (failing_checks
    NULL then, not 0), and has the province of region-level agencies; versions renumbered after the merge."""
    from archive.save import refresh_summaries

    db["report_summary"].add_column("agency_id", int, fk="agencies", fk_col="id")
    db["report_summary"].add_column("check_result", str)
    db["report_summary"].create_index(["agency_id", "year"])
    db["report_summary"].create_index(["check_result"])
    refresh_summaries(db)


@migrations()
def m017_columns_crawled(db: Database) -> None:
    """Which 年报 columns each crawl read (archive.coverage); the ledger counts only checked county-years."""
    db["columns_crawled"].create(
        {"crawl_id": int, "source_id": int, "division_code": str, "column_url": str, "checked_at": str,
         "first_year": int, "last_year": int},
        pk=("crawl_id", "source_id"),
    )
    db["columns_crawled"].create_index(["division_code", "checked_at"])
    for name, sql in views.VIEWS.items():
        db.create_view(name, sql, replace=True)


@migrations()
def m018_no_local_paths(db: Database) -> None:
    """Archives ingested before sidecars: file:// source URLs (this machine's paths) become unknown (NULL) in
    reports and report_summary, and fetches keep only the file name (ingest:<name>), as new ingests do."""
    for table in ("reports", "report_summary"):
        db.execute(f"UPDATE {table} SET source_url = NULL WHERE source_url LIKE 'file:%'")
    rows = db.execute("SELECT id, url, final_url FROM fetches WHERE url LIKE 'file:%' OR final_url LIKE 'file:%'")
    for fetch_id, url, final_url in rows.fetchall():
        db["fetches"].update(fetch_id, {"url": _file_name(url), "final_url": _file_name(final_url)})


def _file_name(url: str | None) -> str | None:
    if not url or not url.startswith("file:"):
        return url
    from urllib.parse import unquote, urlsplit

    return "ingest:" + unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1]


@migrations()
def m025_sources_synthetic(db: Database) -> None:
    """sources is filled by each crawl from the registry it started from; `synthetic` marks the portal farm's
    rows, so a release of an archive crawled from the farm says it is synthetic (archive/dump.py)."""
    db["sources"].add_column("synthetic", int)


@migrations()
def m030_registry(db: Database) -> None:
    """The national registry (one row per county-level unit: host status, evidence, 年报 columns), loaded from
    crawler/registry.csv; `nianbao sources coverage` refreshes it."""
    from archive import registry_table

    registry_table.create_table(db)
    registry_table.refresh(db)


@migrations()
def m031_coverage_view(db: Database) -> None:
    """coverage: per unit, host status, 年报 column, reports archived by year, and what is known (finding)."""
    from archive import registry_table

    db.create_view("coverage", registry_table.COVERAGE, replace=True)


@migrations()
def m035_text_values(db: Database) -> None:
    """Figures read from a report's prose, kept apart from table cells, with the sentence they came from;
    where each group of values came from (table, text, ocr) per report and per cell; printed units."""
    db["text_values"].create(
        {"report_id": int, "key": str, "value": NUMERIC, "unit": str, "raw": str, "sentence": str,
         "source_kind": str},
        pk=("report_id", "key"), foreign_keys=[("report_id", "reports", "id")],
    )
    db["text_values"].create_index(["key", "value"])
    db["reports"].add_column("sources", str)
    db["report_values"].add_column("unit", str)
    db["report_values"].add_column("source_kind", str)


@migrations()
def m045_ocr_cells(db: Database) -> None:
    """Cells read by OCR keep their recogniser's confidence and, when unsure or in a failing identity, why a
    person should look at them (the number itself is never changed)."""
    db["report_values"].add_column("ocr_confidence", float)
    db["report_values"].add_column("ocr_review", str)
    db.execute("CREATE INDEX idx_report_values_ocr_review ON report_values (report_id) WHERE ocr_review IS NOT NULL")


@migrations()
def m050_copy_flags(db: Database) -> None:
    """Copy-paste flags (archive/flags.py): a report, the report it repeats, which kind and by how much."""
    db["copy_flags"].create(
        {"report_id": int, "other_report_id": int, "kind": str, "measure": float, "threshold": float,
         "compared": int, "detail": str, "computed_at": str},
        pk=("report_id", "other_report_id", "kind"),
        foreign_keys=[("report_id", "reports", "id"), ("other_report_id", "reports", "id")],
    )
    db["copy_flags"].create_index(["other_report_id"])
    db["copy_flags"].create_index(["kind"])


@migrations()
def m055_parse_queue(db: Database) -> None:
    """Documents the crawler archived and the parse pool has still to parse (nianbao/parsepool.py): one row per
    document, claimed with a lease; `attempts` counts claims, so a document that kills its worker is recorded
    as an error once instead of being taken again forever."""
    db["parse_queue"].create(
        {"sha256": str, "fetch_id": int, "state": str, "attempts": int, "lease_until": float, "worker": str,
         "hints": str, "status": str, "queued_at": str, "done_at": str},
        pk="sha256", foreign_keys=[("sha256", "documents", "sha256"), ("fetch_id", "fetches", "id")],
        defaults={"state": "pending", "attempts": 0},
    )
    db["parse_queue"].create_index(["state", "lease_until"])


@migrations()
def m060_compact_cells(db: Database) -> None:
    """report_values becomes a view over `cells` (integer keys from `value_keys`, WITHOUT ROWID, raw and
    source_kind stored only where they differ from what the value implies): ~34 KB → ~5 KB per report
    (archive/compact.py). checks becomes a view over `check_results` and `check_defs` the same way. Every
    row is copied through the views' triggers' encoding, so it reads back exactly as it was."""
    from archive import compact

    for name in ("requests_wide", "review_litigation_wide"):  # views over report_values: made again below
        db.execute(f"DROP VIEW IF EXISTS {name}")
    for name in ("idx_report_values_table_key_row_key_col_key_value", "idx_report_values_ocr_review",
                 "idx_checks_ok_check_id", "idx_checks_failing"):
        db.execute(f"DROP INDEX IF EXISTS {name}")
    for name in ("report_values", "checks"):
        db.execute(f"ALTER TABLE {name} RENAME TO {name}_old")
    compact.create(db)
    columns = ", ".join(compact.VALUE_COLUMNS)
    db.execute(f"INSERT INTO report_values ({columns}) SELECT {columns} FROM report_values_old "
               "ORDER BY report_id, table_key, row_key, col_key")
    columns = ", ".join(compact.CHECK_COLUMNS)
    db.execute(f"INSERT INTO checks ({columns}) SELECT {columns} FROM checks_old ORDER BY report_id, check_id, scope")
    db.execute("DROP TABLE report_values_old")
    db.execute("DROP TABLE checks_old")
    for name in ("requests_wide", "review_litigation_wide"):
        db.create_view(name, views.VIEWS[name], replace=True)


@migrations()
def m061_sections_to_text(db: Database) -> None:
    """The report text (sections and their trigram index) moves to the text database attached as `text`
    (archive/textdb.py), and each report's text is marked with the parse it came from (text.report_texts)."""
    # a rerun after a kill between the two files' commits finds some already there: replaced, index kept right
    db.execute("DELETE FROM text.sections WHERE report_id IN (SELECT report_id FROM main.sections)")
    db.execute("INSERT INTO text.sections (report_id, no, heading, text) "
               "SELECT report_id, no, heading, text FROM main.sections ORDER BY report_id, no")
    db.execute("INSERT OR REPLACE INTO text.report_texts (report_id, sha256, parsed_at) "
               "SELECT id, sha256, parsed_at FROM main.reports")
    for name in ("sections_ai", "sections_ad", "sections_au"):
        db.execute(f"DROP TRIGGER IF EXISTS main.[{name}]")
    db.execute("DROP TABLE IF EXISTS main.sections_fts")
    db.execute("DROP TABLE IF EXISTS main.sections")


# The text database (nianbao_text.db beside nianbao.db, attached as schema `text`: archive/textdb.py) has its
# own ordered migrations, numbered like these and tracked by its `PRAGMA user_version`; each takes the
# connection and the schema name, and runs inside the numbers database's migration transaction.


def m060_text_sections(db: Database, schema: str) -> None:
    """sections (as m004 made them, with their trigram index kept by triggers) and report_texts: which parse
    of which document each report's text came from (archive/verify.py compares it with reports)."""
    db.execute(f"CREATE TABLE {schema}.sections (report_id INTEGER, [no] INTEGER, heading TEXT, text TEXT, "
               "PRIMARY KEY (report_id, [no]))")
    # trigram: SQLite's default tokenizer finds no Chinese words; 1–2 character queries fall back to LIKE
    db.execute(f"CREATE VIRTUAL TABLE {schema}.sections_fts USING FTS5 (heading, text, content=[sections], "
               "tokenize='trigram')")
    for name, event, body in (
            ("ai", "AFTER INSERT", "INSERT INTO sections_fts (rowid, heading, text) "
                                   "VALUES (new.rowid, new.heading, new.text);"),
            ("ad", "AFTER DELETE", "INSERT INTO sections_fts (sections_fts, rowid, heading, text) "
                                   "VALUES('delete', old.rowid, old.heading, old.text);"),
            ("au", "AFTER UPDATE", "INSERT INTO sections_fts (sections_fts, rowid, heading, text) "
                                   "VALUES('delete', old.rowid, old.heading, old.text); "
                                   "INSERT INTO sections_fts (rowid, heading, text) "
                                   "VALUES (new.rowid, new.heading, new.text);")):
        db.execute(f"CREATE TRIGGER {schema}.[sections_{name}] {event} ON [sections] BEGIN {body} END")
    db.execute(f"CREATE TABLE {schema}.report_texts (report_id INTEGER PRIMARY KEY, sha256 TEXT, parsed_at TEXT)")


TEXT_MIGRATIONS = ((60, m060_text_sections),)


def apply(db: Database) -> Database:
    """Bring a database and its text database to the current schema (idempotent). A connection without the
    text database attached gets the one beside its file (an in-memory one for an in-memory database)."""
    from archive import textdb

    db.execute("PRAGMA foreign_keys = ON")
    textdb.attach_beside(db)
    version = db.execute(f"PRAGMA {textdb.SCHEMA}.user_version").fetchone()[0]
    for number, migration in TEXT_MIGRATIONS:
        if number > version:
            with db.atomic():
                migration(db, textdb.SCHEMA)
                db.execute(f"PRAGMA {textdb.SCHEMA}.user_version = {number}")
    migrations.apply(db)
    return db
