"""The edge where parsers meet the archive: ingest files, reparse stored documents.

Parsing always reads the bytes back from the raw store, so `reparse` needs no network and gives
the same result as the first ingest would have with the same parser.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from archive.admission import admit, walk
from archive.db import open_db
from archive.rawstore import RawStore
from archive.save import save_document, save_fetch, save_report
from archive.warc import WarcLog
from parsers import PARSER_VERSION, parse
from parsers.sniff import sniff

CONTENT_TYPES = {"html": "text/html", "pdf": "application/pdf", "txt": "text/plain", "md": "text/markdown",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "doc": "application/msword", "wps": "application/vnd.ms-works"}


@dataclass
class Archive:
    """The three stores of one archive directory: SQLite, raw bytes, WARC log."""

    root: Path
    db: Database
    store: RawStore
    warc: WarcLog

    @classmethod
    def open(cls, root: str | Path) -> Archive:
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        return cls(root, open_db(root / "nianbao.db"), RawStore(root / "raw"), WarcLog(root / "warc"))


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name, why it was not ingested)


def _already_parsed(db: Database, sha256: str) -> bool:
    row = db.execute("SELECT parser_version FROM reports WHERE sha256 = ?", [sha256]).fetchone()
    return row is not None and row[0] == PARSER_VERSION


def ingest_bytes(archive: Archive, data: bytes, url: str, name: str = "", meta: dict | None = None) -> str:
    """Store, record the fetch (once per URL and content), parse and write. Returns what happened.

    meta (files): the source URL and publication date known from a sidecar or text headers; without it, the
    report's source URL is `url`; with it, only meta's (unknown when absent — never a local path)."""
    when = dt.datetime.now(dt.UTC)
    seen = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    fmt = sniff(data, name or url)
    sha = archive.store.put(data)
    with archive.db.atomic():
        save_document(archive.db, sha, len(data), fmt, CONTENT_TYPES.get(fmt), seen)
        fetch_id = save_fetch(archive.db, {"sha256": sha, "url": url, "final_url": url, "fetched_at": seen,
                                           "outcome": "ok"})
    if fetch_id is not None:
        warc_file, offset = archive.warc.write_resource(url, data, CONTENT_TYPES.get(fmt, "application/octet-stream"),
                                                        when)
        archive.db["fetches"].update(fetch_id, {"warc_file": warc_file, "warc_offset": offset})
    if _already_parsed(archive.db, sha):
        return "unchanged"
    record = parse(data, source=name or url)
    if meta is not None and not record.get("published") and meta.get("published"):
        record["published"] = meta["published"]
    save_report(archive.db, record, source_url=url if meta is None else meta.get("source_url"), seen=seen)
    return "new"


def ingest_paths(archive: Archive, paths: Iterable[str | Path], force: bool = False) -> Outcome:
    """Ingest the report documents among paths (see archive.admission: what is skipped, and why)."""
    outcome = Outcome()
    for path in walk([Path(p) for p in paths]):
        try:
            data = path.read_bytes()
        except OSError:
            outcome.counts["unreadable"] += 1
            continue
        candidate = admit(path, data, force)
        if candidate.skip:
            outcome.counts["skipped"] += 1
            outcome.skipped.append((str(path), candidate.skip))
            continue
        url = candidate.meta.get("source_url") or f"ingest:{path.name}"  # never this machine's path
        outcome.counts[ingest_bytes(archive, data, url, path.name, candidate.meta)] += 1
    outcome.statuses.update(r["status"] for r in archive.db["reports"].rows)
    return outcome


def reparse(archive: Archive, only_status: str | None = None) -> Outcome:
    """Run the current parsers over every stored document again (nianbao.reparse)."""
    from nianbao.reparse import reparse_documents

    return reparse_documents(archive, only_status)
