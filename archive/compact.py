"""The compact storage of cells and checks, and the views that read them as the archive always did.

A million reports hold about 200 million cells. Stored as `report_values` rows with their three text keys
(repeated in the table and in two indexes) they cost ~34 KB per report; here (issue 13 §3):

- `value_keys`: one row per distinct (table_key, row_key, col_key), about 250 in all;
- `cells`: one row per cell, WITHOUT ROWID with primary key (report_id, key_id) — the table is its own index.
  `raw` is NULL when it reads exactly as the value prints (CAST(value AS TEXT)); `source_kind` is NULL for
  'table', by far the commonest. A real NULL in either, where the decoding would give text, is stored as an
  empty blob (X''), so every row reads back exactly as written;
- `check_defs`: one row per distinct (check_id, scope, detail); `check_results`: (report_id, def_id, ok, lhs,
  rhs), WITHOUT ROWID, plus a partial index of the failing ones (ok = 0) for the failing_checks query.

The views `report_values` and `checks` have exactly the old columns, so canned queries, plugins, SQL written
by readers and the CSV releases read them as before; INSTEAD OF triggers make them writable (insert, update,
delete), so the writer and scripts that wrote the old tables keep one way to write a cell.
"""

from __future__ import annotations

from sqlite_utils import Database

CELLS = """
CREATE TABLE cells (
  report_id INTEGER NOT NULL REFERENCES reports(id),
  key_id INTEGER NOT NULL REFERENCES value_keys(id),
  value ANY,
  raw TEXT,
  grid_table INTEGER,
  grid_row INTEGER,
  grid_col INTEGER,
  page INTEGER,
  source_kind TEXT,
  unit TEXT,
  ocr_confidence REAL,
  ocr_review TEXT,
  PRIMARY KEY (report_id, key_id)
) WITHOUT ROWID
"""

VALUE_KEYS = """
CREATE TABLE value_keys (
  id INTEGER PRIMARY KEY,
  table_key TEXT NOT NULL,
  row_key TEXT NOT NULL,
  col_key TEXT NOT NULL,
  UNIQUE (table_key, row_key, col_key)
)
"""

CHECK_DEFS = """
CREATE TABLE check_defs (
  id INTEGER PRIMARY KEY,
  check_id TEXT NOT NULL,
  scope TEXT,
  detail TEXT
)
"""

CHECK_RESULTS = """
CREATE TABLE check_results (
  report_id INTEGER NOT NULL REFERENCES reports(id),
  def_id INTEGER NOT NULL REFERENCES check_defs(id),
  ok INTEGER,
  lhs ANY,
  rhs ANY,
  PRIMARY KEY (report_id, def_id)
) WITHOUT ROWID
"""

REPORT_VALUES = """
SELECT c.report_id, k.table_key, k.row_key, k.col_key, c.value,
  CASE WHEN c.raw IS NULL THEN CAST(c.value AS TEXT) WHEN typeof(c.raw) = 'blob' THEN NULL ELSE c.raw END AS raw,
  c.grid_table, c.grid_row, c.grid_col, c.page, c.unit,
  CASE WHEN c.source_kind IS NULL THEN 'table' WHEN typeof(c.source_kind) = 'blob' THEN NULL
       ELSE c.source_kind END AS source_kind,
  c.ocr_confidence, c.ocr_review
FROM cells c JOIN value_keys k ON k.id = c.key_id
"""

CHECKS = """
SELECT r.report_id, d.check_id, d.scope, r.ok, r.lhs, r.rhs, d.detail
FROM check_results r JOIN check_defs d ON d.id = r.def_id
"""


def _key(row: str) -> str:
    return (f"(SELECT id FROM value_keys WHERE table_key = {row}.table_key AND row_key = {row}.row_key "
            f"AND col_key = {row}.col_key)")


def _def(row: str) -> str:
    return (f"(SELECT id FROM check_defs WHERE check_id = {row}.check_id AND scope IS {row}.scope "
            f"AND detail IS {row}.detail)")


# Written without conflict clauses (WHERE NOT EXISTS), so an outer INSERT OR REPLACE cannot renumber keys.
_INSERT_CELL = f"""
  INSERT INTO value_keys (table_key, row_key, col_key) SELECT NEW.table_key, NEW.row_key, NEW.col_key
    WHERE NOT EXISTS (SELECT 1 FROM value_keys WHERE table_key = NEW.table_key AND row_key = NEW.row_key
                      AND col_key = NEW.col_key);
  INSERT INTO cells (report_id, key_id, value, raw, grid_table, grid_row, grid_col, page, source_kind, unit,
                     ocr_confidence, ocr_review)
  VALUES (NEW.report_id, {_key("NEW")}, NEW.value,
          CASE WHEN NEW.raw IS NULL AND NEW.value IS NOT NULL THEN X'' ELSE NEW.raw END,
          NEW.grid_table, NEW.grid_row, NEW.grid_col, NEW.page,
          CASE WHEN NEW.source_kind = 'table' THEN NULL WHEN NEW.source_kind IS NULL THEN X''
               ELSE NEW.source_kind END,
          NEW.unit, NEW.ocr_confidence, NEW.ocr_review);
  UPDATE cells SET raw = NULL WHERE report_id = NEW.report_id AND key_id = {_key("NEW")}
    AND typeof(raw) = 'text' AND raw = CAST(value AS TEXT);
"""

_DELETE_CELL = f"  DELETE FROM cells WHERE report_id = OLD.report_id AND key_id = {_key('OLD')};\n"

_INSERT_CHECK = f"""
  INSERT INTO check_defs (check_id, scope, detail) SELECT NEW.check_id, NEW.scope, NEW.detail
    WHERE NOT EXISTS (SELECT 1 FROM check_defs WHERE check_id = NEW.check_id AND scope IS NEW.scope
                      AND detail IS NEW.detail);
  INSERT INTO check_results (report_id, def_id, ok, lhs, rhs)
  VALUES (NEW.report_id, {_def("NEW")}, NEW.ok, NEW.lhs, NEW.rhs);
"""

_DELETE_CHECK = f"  DELETE FROM check_results WHERE report_id = OLD.report_id AND def_id = {_def('OLD')};\n"

TRIGGERS = {
    "report_values_insert": f"INSTEAD OF INSERT ON report_values BEGIN{_INSERT_CELL}END",
    "report_values_update": f"INSTEAD OF UPDATE ON report_values BEGIN\n{_DELETE_CELL}{_INSERT_CELL}END",
    "report_values_delete": f"INSTEAD OF DELETE ON report_values BEGIN\n{_DELETE_CELL}END",
    "checks_insert": f"INSTEAD OF INSERT ON checks BEGIN{_INSERT_CHECK}END",
    "checks_update": f"INSTEAD OF UPDATE ON checks BEGIN\n{_DELETE_CHECK}{_INSERT_CHECK}END",
    "checks_delete": f"INSTEAD OF DELETE ON checks BEGIN\n{_DELETE_CHECK}END",
}

# A view with one row per row of its compact table (the joins are on the table's own keys): its row count.
VIEW_ROWS = {"report_values": "cells", "checks": "check_results"}

VALUE_COLUMNS = ("report_id", "table_key", "row_key", "col_key", "value", "raw", "grid_table", "grid_row",
                 "grid_col", "page", "unit", "source_kind", "ocr_confidence", "ocr_review")
CHECK_COLUMNS = ("report_id", "check_id", "scope", "ok", "lhs", "rhs", "detail")


def create(db: Database) -> None:
    """The compact tables, their indexes, the two views and their triggers (an empty archive's or a migration's)."""
    for sql in (VALUE_KEYS, CELLS, CHECK_DEFS, CHECK_RESULTS):
        db.execute(sql)
    db.execute("CREATE UNIQUE INDEX idx_check_defs_unique ON check_defs (check_id, scope, detail)")
    db.execute("CREATE INDEX idx_cells_ocr_review ON cells (report_id) WHERE ocr_review IS NOT NULL")
    db.execute("CREATE INDEX idx_check_results_failing ON check_results (report_id, def_id) WHERE ok = 0")
    db.execute(f"CREATE VIEW report_values AS {REPORT_VALUES}")
    db.execute(f"CREATE VIEW checks AS {CHECKS}")
    for name, body in TRIGGERS.items():
        db.execute(f"CREATE TRIGGER {name} {body}")


def insert_values(db: Database, rows: list[dict]) -> None:
    """Rows of report_values (its column names) through the view, so they are encoded in one place."""
    _insert(db, "report_values", VALUE_COLUMNS, rows)


def insert_checks(db: Database, rows: list[dict]) -> None:
    _insert(db, "checks", CHECK_COLUMNS, rows)


def _insert(db: Database, view: str, columns: tuple[str, ...], rows: list[dict]) -> None:
    if not rows:
        return
    sql = f"INSERT INTO {view} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    db.conn.executemany(sql, [[row.get(c) for c in columns] for row in rows])
