"""The report text lives in its own file beside the numbers (archive/textdb.py): `nianbao_text.db` next to
`nianbao.db`. Datasette serves it as its own database (`/nianbao_text`, downloadable apart), and every
connection to the numbers database attaches it as schema `text`, read-only, so the report page, the agency
page, the `search` query and any reader's SQL on `/nianbao` find `sections` and `sections_fts` by name.

Old links to the text tables under the numbers database (`/nianbao/sections?_search=…`) are redirected to the
text database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from datasette import hookimpl

from archive.textdb import SCHEMA, file_uri, is_text_path, text_path

TEXT_TABLES = ("sections", "sections_fts")


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
    conn.execute(f"ATTACH DATABASE ? AS {SCHEMA}", [file_uri(text, immutable=not datasette.databases[database].is_mutable)])


def text_location(datasette: Any, path: str, query_string: str) -> str | None:
    """Where a page of a text table asked under the numbers database is now: /nianbao/sections → /nianbao_text/sections."""
    parts = path.strip("/").split("/")
    if len(parts) < 2 or parts[1].partition(".")[0] not in TEXT_TABLES:
        return None
    numbers = _numbers_path(datasette, parts[0])
    if numbers is None:
        return None
    text_name = text_path(numbers).stem
    if text_name not in datasette.databases:
        return None
    return "/" + "/".join([text_name, *parts[1:]]) + (f"?{query_string}" if query_string else "")


@hookimpl
def asgi_wrapper(datasette: Any):
    def wrap(app):
        async def redirect_text_tables(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
                location = text_location(datasette, scope.get("path", ""),
                                         scope.get("query_string", b"").decode("latin-1"))
                if location:
                    await send({"type": "http.response.start", "status": 302,
                                "headers": [(b"location", location.encode("utf-8")),
                                            (b"content-type", b"text/plain; charset=utf-8")]})
                    await send({"type": "http.response.body", "body": b""})
                    return
            await app(scope, receive, send)

        return redirect_text_tables

    return wrap
