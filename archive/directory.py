"""One archive directory: `nianbao.db` (SQLite), `raw/` (content-addressed bytes) and `warc/` (WARC files)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from archive.db import open_db
from archive.rawstore import RawStore
from archive.warc import WarcLog


@dataclass
class Archive:
    """The three stores of one archive directory, opened together."""

    root: Path
    db: Database
    store: RawStore
    warc: WarcLog

    @classmethod
    def open(cls, root: str | Path) -> Archive:
        """Create the directory if needed, migrate the database, and return the stores."""
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        return cls(root, open_db(root / "nianbao.db"), RawStore(root / "raw"), WarcLog(root / "warc"))
