"""Open the archive database with the current schema and the divisions registry loaded."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlite_utils import Database

from archive.migrations import apply

DATA = Path(__file__).parent / "data"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(f)]


def load_divisions(db: Database) -> int:
    """Load the project's divisions registry (archive/data/*.csv) into an empty database."""
    if db["divisions"].count or not (DATA / "divisions.csv").exists():
        return 0
    columns = set(db["divisions"].columns_dict)
    rows = [{k: v for k, v in r.items() if k in columns} for r in _rows(DATA / "divisions.csv")]
    db["divisions"].insert_all(rows)
    if (DATA / "division_history.csv").exists():
        hist_cols = set(db["division_history"].columns_dict)
        history = [{k: v for k, v in r.items() if k in hist_cols} for r in _rows(DATA / "division_history.csv")]
        db["division_history"].insert_all(history, ignore=True)
    return len(rows)


def open_db(path: str | Path | None = None) -> Database:
    """A file database (or in-memory when path is None), migrated and with divisions loaded."""
    db = Database(memory=True) if path is None else Database(path)
    if path is not None:
        db.execute("PRAGMA journal_mode = WAL")
    apply(db)
    with db.atomic():
        load_divisions(db)
    return db
