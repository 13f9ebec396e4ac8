"""Open the archive database with the current schema and the divisions registry loaded."""

from __future__ import annotations

import csv
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import abc, files
from pathlib import Path

from sqlite_utils import Database

from archive.migrations import apply

DATA = files("archive") / "data"  # package data (importlib.resources)


def _rows(path: abc.Traversable) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(f)]


def load_divisions(db: Database) -> int:
    """Load the project's divisions registry (archive/data/*.csv) into an empty database."""
    if db["divisions"].count or not (DATA / "divisions.csv").is_file():
        return 0
    columns = set(db["divisions"].columns_dict)
    rows = [{k: v for k, v in r.items() if k in columns} for r in _rows(DATA / "divisions.csv")]
    db["divisions"].insert_all(rows)
    if (DATA / "division_history.csv").is_file():
        hist_cols = set(db["division_history"].columns_dict)
        history = [{k: v for k, v in r.items() if k in hist_cols} for r in _rows(DATA / "division_history.csv")]
        db["division_history"].insert_all(history, ignore=True)
    return len(rows)


def open_db(path: str | Path | None = None) -> Database:
    """A file database (or in-memory when path is None), migrated, with divisions loaded and its text database
    (nianbao_text.db beside it, archive/textdb.py) attached as schema `text`."""
    if path is None:
        db = Database(memory=True)
        apply(db)
        with db.atomic():
            load_divisions(db)
        return db
    db = Database(path)
    db.execute("PRAGMA busy_timeout = 60000")  # several crawl workers may write; wait for the lock, not fail
    with _schema_lock(Path(path)):  # workers started together must not run the migrations twice
        db.execute("PRAGMA journal_mode = WAL")
        apply(db)  # attaches the text database beside it (archive/textdb.py)
        with db.atomic():
            load_divisions(db)
    return db


@contextmanager
def _schema_lock(path: Path) -> Iterator[None]:
    with open(path.with_name(path.name + ".lock"), "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE: take the write lock first. A deferred transaction that reads and then writes fails at
    once with "database is locked" when another process (a second crawl worker) wrote in between — SQLite
    cannot wait there without risking deadlock — whereas waiting for the write lock up front is safe."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.conn.execute("COMMIT")
