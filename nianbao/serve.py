"""Build the Datasette command line for the archive (configuration lives in the checkout's datasette/)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from importlib.resources import files
from pathlib import Path

from archive.public import public_file
from archive.textdb import text_path

SITE_PACKAGE = "nianbao._site"  # datasette/ as installed by a wheel (pyproject.toml maps the folder to it)
CHECKOUT_CONFIG = Path(__file__).resolve().parents[1] / "datasette"


def config_dir() -> Path:
    """The folder holding metadata.yml, templates/, plugins/ and static/ (Datasette needs real files).

    An installed wheel has it as the namespace package nianbao._site; an editable install or a plain checkout
    does not (its finder maps only top-level packages), so it is the checkout's datasette/, which is taken
    only if it holds metadata.yml and no __init__.py: beside an installed nianbao, site-packages/datasette
    is the Datasette library itself.
    """
    try:
        metadata = files(SITE_PACKAGE) / "metadata.yml"
    except ModuleNotFoundError:
        metadata = None
    if isinstance(metadata, Path) and metadata.is_file():
        return metadata.parent
    if (CHECKOUT_CONFIG / "metadata.yml").is_file() and not (CHECKOUT_CONFIG / "__init__.py").exists():
        return CHECKOUT_CONFIG
    raise SystemExit(f"no Datasette configuration: {SITE_PACKAGE} is not installed and there is no checkout")


CONFIG = config_dir()
INSPECT_FILE = "inspect-data.json"  # the name Datasette reads in configuration-directory mode

# Why each setting (docs/datasette.md, "Settings"):
# - suggest_facets off: suggestions cost one or two queries per column (27 on report_summary) on every table
#   page, each over every matching row; the useful facets are configured in metadata.yml.
# - sql_time_limit_ms 5000: the canned queries that aggregate the whole archive need more than the 1 s default.
SETTINGS = {"suggest_facets": False, "sql_time_limit_ms": 5000}


def served_files(db_path: Path) -> list[Path]:
    """The numbers database and, when there is one, the text database beside it (archive/textdb.py)."""
    text = text_path(db_path)
    return [db_path, text] if text.is_file() else [db_path]


def upgrade(db_path: Path) -> None:
    """An archive written by older code is brought to the current schema first (the pages' queries read the
    current tables: the compact cells and checks, the text beside the numbers). A current archive is left
    alone: serving a numbers file alone never makes an empty text file beside it."""
    from sqlite_utils import Database

    from archive.db import open_db
    from archive.migrations import migrations

    with closing(sqlite3.connect(db_path)) as conn:
        if not migrations.pending(Database(conn)):
            return
    open_db(db_path).close()


def prepare(db_path: Path) -> Path:
    """Fold the WAL into each file (an immutable Datasette reads only the main database file) and write
    Datasette's inspect data beside them, so unfiltered table counts are read from a file, not counted."""
    if not db_path.exists():
        raise SystemExit(f"no archive at {db_path}: run `nianbao ingest` or `nianbao demo` first")
    upgrade(db_path)
    for path in served_files(db_path):
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
    write_inspect(db_path)
    for path in served_files(db_path):
        public_file(path)  # what /<db>.db sends, made now rather than on the first download
    return db_path


def _stamp(db_path: Path) -> dict:
    st = db_path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def inspect_path(db_path: Path) -> Path:
    return db_path.with_name(INSPECT_FILE)


def current_inspect(db_path: Path) -> Path | None:
    """The inspect file beside db_path if it was written for the databases as they are now, else None."""
    path = inspect_path(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for served in served_files(db_path):
            stamp, seen = _stamp(served), data[served.stem]
            if seen.get("size") != stamp["size"] or seen.get("mtime_ns") != stamp["mtime_ns"]:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return path


def write_inspect(db_path: Path) -> Path:
    """`datasette inspect` for the immutable databases: row count per table, size and sha256 of each file.

    Datasette uses the counts for unfiltered table pages and the database index instead of running
    count(*) (a scan) per request; it would otherwise count every table at start-up and still count again
    on every table page. Rewritten only when a file's size or mtime changed since the last write (the
    stamp is added to what `datasette inspect` writes).
    """
    if current_inspect(db_path):
        return inspect_path(db_path)
    path = inspect_path(db_path)
    tmp = path.with_suffix(".tmp")
    files = served_files(db_path)
    subprocess.run([sys.executable, "-m", "datasette", "inspect", *map(str, files), "--inspect-file", str(tmp)],
                   check=True, capture_output=True)
    data = json.loads(tmp.read_text(encoding="utf-8"))
    for served in files:
        data[served.stem].update(_stamp(served))
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def datasette_args(db_path: Path, host: str, port: int, get_path: str | None = None) -> list[str]:
    # The datasette of this interpreter (its plugins), not whichever one is first on PATH.
    args = [sys.executable, "-m", "datasette", "serve", *(a for f in served_files(db_path) for a in ("-i", str(f))),
            "--metadata", str(CONFIG / "metadata.yml"),
            "--template-dir", str(CONFIG / "templates"), "--plugins-dir", str(CONFIG / "plugins"),
            "--static", f"static:{CONFIG / 'static'}", "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, ("on" if value else "off") if isinstance(value, bool) else str(value)]
    inspect = current_inspect(db_path)
    if inspect:
        args += ["--inspect-file", str(inspect)]
    if get_path:
        args += ["--get", get_path]
    return args
