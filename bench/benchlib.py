"""Small pieces the benchmark scripts share: a free port on 127.0.0.1 and one value read from a database."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def immutable_value(db: Path, sql: str) -> object:
    """The first column of the first row, read without locks or a WAL (the file is not written meanwhile)."""
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()
