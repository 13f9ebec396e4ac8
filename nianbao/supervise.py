"""`nianbao serve` keeps showing what the archive holds: it restarts Datasette when the database changes.

Datasette serves the archive immutable (so .db downloads work and counts come from the inspect file), and an
immutable database is read as it was at start-up: after a second `nianbao ingest` the old server showed the
old rows and 404 for new reports. So serve runs Datasette as a child process and watches the database file
(and its WAL); when they changed and then stayed unchanged for a moment (the writer is done), it folds the
WAL into the file, rewrites the inspect data and starts Datasette again on the same port — a second or two
without answers, never stale pages.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

Stamp = tuple[tuple[int, int] | None, ...]


def stamp(db_path: Path) -> Stamp:
    """(size, mtime) of the database and its WAL, None for a missing file."""
    out = []
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        try:
            st = path.stat()
            out.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _settled(db_path: Path, interval: float) -> Stamp:
    """Wait until the files stop changing (a writer still at work changes them); returns the last stamp."""
    last = stamp(db_path)
    while True:
        time.sleep(interval)
        now = stamp(db_path)
        if now == last:
            return now
        last = now


def serve_watching(db_path: Path, prepare: Callable[[Path], Path], command: Callable[[], list[str]],
                   interval: float = 2.0, say: Callable[[str], None] = print) -> int:
    """Run Datasette (command()) and restart it whenever the database changed; returns Datasette's exit code."""
    def on_term(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    seen = stamp(prepare(db_path))
    child = subprocess.Popen(command())
    try:
        while True:
            time.sleep(interval)
            if child.poll() is not None:
                return child.returncode
            if stamp(db_path) == seen:
                continue
            _settled(db_path, interval)
            try:
                _stop(child)
                seen = stamp(prepare(db_path))
            except sqlite3.OperationalError as exc:  # a writer holds the database: try again next round
                say(f"nianbao serve: the archive is busy ({exc}); will retry")
            else:
                say("nianbao serve: the archive changed; Datasette restarted to show it")
            if child.poll() is not None:
                child = subprocess.Popen(command())
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(child)
