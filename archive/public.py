"""What of this machine must never reach a served page, an API answer or a published dump, and how it is masked.

Local paths get into the archive honestly: an ingested file's source URL is `file:///where/it/was`, a crawl
records its `--jobdir`, and SQLite itself reports the database's path (`PRAGMA database_list`,
Datasette's `/-/databases.json`). Readers need none of it. `mask_text` rewrites any text on the way
out: `file:` URLs keep only the file name (`file:///…/report.pdf`), and the machine's own directories
(the archive's, the project's, the Python environment's, the home directory) become `…`.
PATH_COLUMNS are columns that hold nothing but local paths: they are withheld whole.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
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


def scrub_database(path: str | Path, hide: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Mask, in place, every local path a published copy of the archive would otherwise carry (nianbao dump).
    secure_delete overwrites the old text in the file's free pages, so it is gone, not just unlinked."""
    pattern = dirs_pattern(machine_dirs([*hide, Path(path).resolve().parent]))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA secure_delete = ON")
    conn.create_function("nianbao_mask", 1, lambda v: mask_text(v, pattern) if isinstance(v, str) else v,
                         deterministic=True)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
            "AND name NOT LIKE '%\\_fts%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")]
        for table in tables:
            columns = [(r[1], (r[2] or "").upper()) for r in conn.execute(f"PRAGMA table_info([{table}])")]
            for column, declared in columns:
                if (table, column) in PATH_COLUMNS:
                    conn.execute(f"UPDATE [{table}] SET [{column}] = NULL")
                elif declared in ("TEXT", ""):
                    conn.execute(f"UPDATE [{table}] SET [{column}] = nianbao_mask([{column}]) "
                                 f"WHERE [{column}] IS NOT nianbao_mask([{column}])")
        conn.commit()
    finally:
        conn.close()
