"""The report text lives in its own file beside the numbers (archive/textdb.py): `nianbao_text.db` next to
`nianbao.db`. Datasette serves it as its own database (`/nianbao_text`, downloadable apart), and every
connection to the numbers database attaches it as schema `text`, read-only, so the report page, the agency
page, the `search` query and any reader's SQL on `/nianbao` find `sections` and `sections_fts` by name.

Old links to the text tables under the numbers database (`/nianbao/sections…`) are redirected to the text
database by the search_redirect plugin.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from datasette import hookimpl

from archive.textdb import SCHEMA, file_uri, is_text_path, text_path


def _numbers_path(datasette: Any, database: str) -> Path | None:
    db = datasette.databases.get(database)
    if db is None or not db.path or is_text_path(db.path):
        return None
    return Path(db.path)


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    numbers = _numbers_path(datasette, database)
    if numbers is None:
        return
    text = text_path(numbers)
    if not text.is_file() or any(row[1] == SCHEMA for row in conn.execute("PRAGMA database_list")):
        return
    immutable = not datasette.databases[database].is_mutable
    conn.execute(f"ATTACH DATABASE ? AS {SCHEMA}", [file_uri(text, immutable=immutable)])
