"""Build the Datasette command line for the archive (configuration lives in datasette/)."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "datasette"


def prepare(db_path: Path) -> Path:
    """Fold the WAL into the file: an immutable Datasette reads only the main database file."""
    if not db_path.exists():
        raise SystemExit(f"no archive at {db_path}: run `nianbao ingest` or `nianbao demo` first")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return db_path


def datasette_args(db_path: Path, host: str, port: int, get_path: str | None = None) -> list[str]:
    exe = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    args = [exe, "serve", "-i", str(db_path), "--metadata", str(CONFIG / "metadata.yml"),
            "--template-dir", str(CONFIG / "templates"), "--plugins-dir", str(CONFIG / "plugins"),
            "--static", f"static:{CONFIG / 'static'}", "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", "5000"]
    if get_path:
        args += ["--get", get_path]
    return args
