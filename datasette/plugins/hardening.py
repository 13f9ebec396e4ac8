"""Anonymous visitors may run any read-only SQL: bound what one query may cost, and let nothing of this
machine out (issue 12 §3).

Every connection Datasette opens (prepare_connection):
- SQLite's heap is capped (`PRAGMA hard_heap_limit`: process-wide, so one query cannot take the
  server's memory) and so is the length of any one string or blob (SQLITE_LIMIT_LENGTH);
- the rows one query hands to Python are capped in bytes (a row factory that counts), since Datasette
  holds a page's rows in memory before it answers;
- an authorizer refuses `fts3_tokenizer()` (it returns a memory address and, with two arguments,
  registers a tokenizer from one) and reads columns that hold only local paths (archive.public.PATH_COLUMNS)
  as NULL.
Every response (asgi_wrapper) that is text — pages, JSON, CSV — goes out with local paths masked
(archive.public.mask_text): `file:` URLs, the database's path in /-/databases.json and
pragma_database_list, the project's and the Python environment's directories. Downloads of archived
originals (Content-Disposition: attachment) are sent untouched.
"""

from __future__ import annotations

import sqlite3
import weakref
from pathlib import Path
from typing import Any

from datasette import hookimpl

from archive.public import PATH_COLUMNS, dirs_pattern, machine_dirs, mask_text

HEAP_LIMIT_BYTES = 256 * 1024 * 1024
MAX_VALUE_BYTES = 8 * 1024 * 1024
MAX_RESULT_BYTES = 64 * 1024 * 1024
DENIED_FUNCTIONS = {"fts3_tokenizer", "load_extension"}
TEXT_TYPES = (b"text/", b"application/json", b"application/javascript")


class ResultTooLarge(sqlite3.OperationalError):
    pass


def _authorizer(action: int, arg1: str | None, arg2: str | None, dbname: str | None, source: str | None) -> int:
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and (arg1, arg2) in PATH_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes) else 16


def _counting_rows(limit: int):
    """A row factory (sqlite3.Row, as Datasette's) that fails the query once its rows pass `limit` bytes."""
    state: dict[str, Any] = {"cursor": None, "total": 0}

    def factory(cursor: sqlite3.Cursor, row: tuple) -> sqlite3.Row:
        current = state["cursor"]
        if current is None or current() is not cursor:
            state["cursor"], state["total"] = weakref.ref(cursor), 0
        state["total"] += sum(_size(v) for v in row)
        if state["total"] > limit:
            raise ResultTooLarge(f"the query's rows are over {limit // (1024 * 1024)} MB: ask for fewer rows or "
                                 "shorter values")
        return sqlite3.Row(cursor, row)

    return factory


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT_BYTES}")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.set_authorizer(_authorizer)
    conn.row_factory = _counting_rows(MAX_RESULT_BYTES)


def _pattern(datasette: Any):
    paths = [Path(db.path).resolve().parent for db in datasette.databases.values() if db.path]
    return dirs_pattern(machine_dirs(paths))


def _masking(app: Any, datasette: Any):
    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        pattern = _pattern(datasette)
        state: dict[str, Any] = {"start": None, "mask": False}

        async def masked_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                kind = headers.get(b"content-type", b"")
                attachment = b"attachment" in headers.get(b"content-disposition", b"")
                state["mask"] = kind.startswith(TEXT_TYPES) and not attachment
                state["start"] = message
                if not state["mask"]:
                    await send(message)
                return
            if message["type"] != "http.response.body" or not state["mask"]:
                await send(message)
                return
            body = mask_text(message.get("body", b"").decode("utf-8", "surrogateescape"), pattern)
            data = body.encode("utf-8", "surrogateescape")
            if state["start"] is not None:
                start, state["start"] = state["start"], None
                headers = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
                if not message.get("more_body"):
                    headers.append((b"content-length", str(len(data)).encode()))
                await send({**start, "headers": headers})
            await send({**message, "body": data})

        await app(scope, receive, masked_send)

    return wrapped


@hookimpl
def asgi_wrapper(datasette: Any):
    return lambda app: _masking(app, datasette)
