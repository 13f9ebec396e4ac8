"""The archive's full text in its own SQLite file beside the numbers: `nianbao_text.db` next to `nianbao.db`.

The numbers (reports, cells, checks, summaries, fetches …) stay small enough to download alone; the report
text (`sections` and its trigram full-text index) is most of the bytes and lives apart (issue 13 §3).

Every connection to the numbers database attaches the text database as schema `text` (archive.migrations.apply,
so archive.db.open_db and Archive.open;
Datasette's connections through the `text_database` plugin), so `sections` and `sections_fts` are read by
their plain names, as before: SQLite looks a name up in main, then in attached schemas. Writes name the
schema (`text.sections`).

One writer, one transaction: the writer's BEGIN IMMEDIATE takes the write lock of both files, and a report's
numbers and text are written in that transaction. SQLite commits attached WAL databases one after the
other (atomic in each file, not across them), so a kill -9 between the two commits can leave a report's text
older than its numbers (or missing), or text of a report whose numbers were not committed. `text.report_texts`
records, per report, the parse (`parsed_at`) and document (`sha256`) its text came from, and `nianbao verify`
compares it with `reports` (archive/verify.py; `--repair` parses the document again or deletes the text).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

SCHEMA = "text"  # the attached schema's name on every connection to the numbers database
SUFFIX = "_text"  # nianbao.db → nianbao_text.db (Datasette names it nianbao_text)


def text_path(db_path: str | Path) -> Path:
    """The text database beside a numbers database file."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}{SUFFIX}{path.suffix or '.db'}")


def is_text_path(path: str | Path) -> bool:
    return Path(path).stem.endswith(SUFFIX)


def attach_beside(db: Database) -> None:
    """Attach the text database of this connection's main file (WAL, as the numbers), or a private in-memory
    one for an in-memory database; nothing when one is attached already."""
    listed = {row[1]: row[2] for row in db.execute("PRAGMA database_list")}
    if SCHEMA in listed:
        return
    main = listed.get("main") or ""
    db.execute(f"ATTACH DATABASE ? AS {SCHEMA}", [str(text_path(main)) if main else ":memory:"])
    if main:
        db.execute(f"PRAGMA {SCHEMA}.journal_mode = WAL")


def file_uri(path: str | Path, *, immutable: bool = False) -> str:
    """A SQLite URI for ATTACH from a connection opened with URI names allowed (Datasette's)."""
    return "file:" + quote(str(Path(path).resolve())) + ("?immutable=1" if immutable else "?mode=ro")


def has_text(db: Database) -> bool:
    """Whether this connection reads a text database (a numbers file downloaded alone has none)."""
    return any(row[1] == SCHEMA for row in db.execute("PRAGMA database_list"))
