"""What of this machine must never reach a served page, an API answer or a published dump, and how it is masked.

Local paths get into the archive honestly: an ingested file's source URL is `file:///where/it/was`, a crawl
records its `--jobdir`, and SQLite itself reports the database's path (`PRAGMA database_list`,
Datasette's `/-/databases.json`). Readers need none of it. `mask_text` rewrites any text on the way
out: `file:` URLs keep only the file name (`file:///…/report.pdf`), and the machine's own directories
(the archive's, the project's, the Python environment's, the home directory) become `…`.
PATH_COLUMNS are columns that hold nothing but local paths: they are withheld whole.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

PATH_COLUMNS = {("crawls", "jobdir")}
HIDDEN = "…"
_FILE_URL = re.compile(r"file://(?:localhost)?/(?:[^\s\"'<>?#]*/)?([^\s\"'<>?#/]*)", re.IGNORECASE)
_FILE_URL_QUOTED = re.compile(r"file%3A(?:%2F){2,3}[^\s\"'<>&]*", re.IGNORECASE)
_PROJECT = Path(__file__).resolve().parent.parent


def mask_file_urls(text: str) -> str:
    """file:///home/me/reports/a.pdf → file:///…/a.pdf (URL-encoded forms lose the whole path)."""
    text = _FILE_URL.sub(lambda m: f"file:///{HIDDEN}/{m.group(1)}", text)
    return _FILE_URL_QUOTED.sub("file%3A%2F%2F%2F%E2%80%A6", text)


def machine_dirs(extra: Iterable[str | os.PathLike[str]] = ()) -> list[str]:
    """Absolute directories of this machine worth hiding, longest first (so the most specific one wins)."""
    found = {str(Path(p).resolve()) for p in [*extra, _PROJECT, sys.prefix, sys.base_prefix, Path.home()]}
    return sorted((d for d in found if d.count("/") >= 2 or d == str(Path.home())), key=len, reverse=True)


def dirs_pattern(dirs: Iterable[str]) -> re.Pattern[str] | None:
    """Matches a directory where a path starts (not inside a URL or a word), and any rest of that path."""
    dirs = [d for d in dirs if d not in ("", "/")]
    if not dirs:
        return None
    alternatives = "|".join(re.escape(d) for d in dirs)
    return re.compile(rf"(?<![\w.:/%-])(?:{alternatives})(?=[/\"'\s<>&,;)\]]|$)")


def mask_text(text: str, pattern: re.Pattern[str] | None) -> str:
    text = mask_file_urls(text)
    return pattern.sub(HIDDEN, text) if pattern is not None else text


def _text_columns(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(table, column) of every text column of the real tables (FTS shadow tables and sqlite_ left out)."""
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
        "AND name NOT LIKE '%\\_fts%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")]
    return [(table, r[1]) for table in tables for r in conn.execute(f"PRAGMA table_info([{table}])")
            if (r[2] or "").upper() in ("TEXT", "") or (table, r[1]) in PATH_COLUMNS]


def _may_hold_path(column: str, dirs: list[str]) -> tuple[str, list[str]]:
    """SQL that is true for every cell mask_text could change (a file: URL, plain or URL-encoded, or one of
    dirs), so the C test runs on every cell and the Python one only on those: a whole-archive scrub at a
    million reports took half an hour with the Python function on every cell."""
    tests = [f"[{column}] LIKE '%file:%'", f"[{column}] LIKE '%file\\%3a%' ESCAPE '\\'"]
    tests += [f"instr([{column}], ?)" for _ in dirs]
    return "(" + " OR ".join(tests) + ")", list(dirs)


def _hidden_dirs(path: str | Path, hide: Iterable[str | os.PathLike[str]]) -> list[str]:
    return [d for d in machine_dirs([*hide, Path(path).resolve().parent]) if d not in ("", "/")]


def needs_scrub(path: str | Path, hide: Iterable[str | os.PathLike[str]] = ()) -> bool:
    """True if scrub_database would change anything in the database at path (read only)."""
    dirs = _hidden_dirs(path, hide)
    pattern = dirs_pattern(dirs)
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?immutable=1", uri=True)
    conn.create_function("nianbao_mask", 1, lambda v: mask_text(v, pattern) if isinstance(v, str) else v,
                         deterministic=True)
    try:
        by_table: dict[str, list[str]] = {}
        for table, column in _text_columns(conn):
            by_table.setdefault(table, []).append(column)
        for table, columns in by_table.items():  # one pass over each table, whatever its number of text columns
            tests, params = [], []
            for column in columns:
                if (table, column) in PATH_COLUMNS:
                    tests.append(f"[{column}] IS NOT NULL")
                else:
                    where, more = _may_hold_path(column, dirs)
                    tests.append(f"({where} AND [{column}] IS NOT nianbao_mask([{column}]))")
                    params += more
            if conn.execute(f"SELECT 1 FROM [{table}] WHERE {' OR '.join(tests)} LIMIT 1", params).fetchone():
                return True
        return False
    finally:
        conn.close()


def scrub_database(path: str | Path, hide: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Mask, in place, every local path a published copy of the archive would otherwise carry (nianbao dump).
    secure_delete overwrites the old text in the file's free pages, so it is gone, not just unlinked."""
    dirs = _hidden_dirs(path, hide)
    pattern = dirs_pattern(dirs)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA secure_delete = ON")
    conn.create_function("nianbao_mask", 1, lambda v: mask_text(v, pattern) if isinstance(v, str) else v,
                         deterministic=True)
    try:
        for table, column in _text_columns(conn):
            if (table, column) in PATH_COLUMNS:
                conn.execute(f"UPDATE [{table}] SET [{column}] = NULL")
            else:
                where, params = _may_hold_path(column, dirs)
                conn.execute(f"UPDATE [{table}] SET [{column}] = nianbao_mask([{column}]) "
                             f"WHERE {where} AND [{column}] IS NOT nianbao_mask([{column}])", params)
        conn.commit()
    finally:
        conn.close()


_COPY_LOCK = threading.Lock()


def public_file(db_path: Path) -> Path:
    """The file a download of db_path sends: db_path itself when it holds nothing to mask, else a masked copy
    (VACUUM INTO, then scrub_database) beside it, `.<name>-public.db`, remade when the database changes.

    The verdict is kept beside the database (`.<name>-public.json`, for this size and mtime), so the check
    reads the archive once per version; `nianbao serve` makes it before the server starts (nianbao.serve.
    prepare), so the first download of a large archive does not wait for a copy or a scan.
    """
    db_path = Path(db_path)
    st = db_path.stat()
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    verdict = db_path.with_name(f".{db_path.stem}-public.json")
    target = db_path.with_name(f".{db_path.stem}-public.db")
    with _COPY_LOCK:
        try:
            known = json.loads(verdict.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if known.get("stamp") != stamp:
            known = {"stamp": stamp, "clean": not needs_scrub(db_path)}
            verdict.write_text(json.dumps(known), encoding="utf-8")
        if known["clean"]:
            target.unlink(missing_ok=True)
            return db_path
        if target.exists() and target.stat().st_mtime_ns > st.st_mtime_ns:
            return target
        tmp = target.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        src = sqlite3.connect(f"file:{db_path.resolve()}?immutable=1", uri=True)
        try:
            src.execute("VACUUM INTO ?", [str(tmp)])
        finally:
            src.close()
        scrub_database(tmp)
        tmp.replace(target)
    return target
