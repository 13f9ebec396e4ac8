"""The edge where parsers meet the archive: ingest files, reparse stored documents.

Parsing always reads the bytes back from the raw store, so `reparse` needs no network and gives
the same result as the first ingest would have with the same parser.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from archive.db import open_db
from archive.mime import content_type
from archive.rawstore import RawStore
from archive.save import now, save_document, save_fetch, save_report
from archive.warc import WarcLog
from parsers import PARSER_VERSION, parse
from parsers.files import Unreadable, display_name, read_document, walk
from parsers.sniff import sniff

# Kept for crawler/pipelines.py: the same types, from archive.mime (Python's mimetypes).
CONTENT_TYPES = {fmt: content_type(fmt) for fmt in ("html", "pdf", "txt", "md", "docx", "doc", "wps")}


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


def _already_parsed(db: Database, sha256: str) -> bool:
    row = db.execute("SELECT parser_version FROM reports WHERE sha256 = ?", [sha256]).fetchone()
    return row is not None and row[0] == PARSER_VERSION


def ingest_bytes(archive: Archive, data: bytes, url: str, name: str = "") -> str:
    """Store, record the fetch (once per URL and content), parse and write. Returns what happened."""
    when = dt.datetime.now(dt.UTC)
    seen = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    fmt = sniff(data, name or url)
    sha = archive.store.put(data)
    with archive.db.atomic():
        save_document(archive.db, sha, len(data), fmt, content_type(fmt), seen)
        fetch_id = save_fetch(archive.db, {"sha256": sha, "url": url, "final_url": url, "fetched_at": seen,
                                           "outcome": "ok"})
    if fetch_id is not None:
        warc_file, offset = archive.warc.write_resource(url, data, content_type(fmt) or "application/octet-stream",
                                                        when)
        archive.db["fetches"].update(fetch_id, {"warc_file": warc_file, "warc_offset": offset})
    if _already_parsed(archive.db, sha):
        return "unchanged"
    save_report(archive.db, parse(data, source=name or url), source_url=url, seen=seen)
    return "new"


def ingest_paths(archive: Archive, paths: Iterable[str | Path], say: Callable[[str], None] = print) -> Outcome:
    """Ingest every file under `paths`; each path not ingested is counted as skipped and `say`s why."""
    outcome = Outcome()
    for entry in walk(paths, skip_hidden=True):
        why = entry.skip
        if why is None:
            try:
                data = read_document(entry.path)
            except Unreadable as exc:
                why = str(exc)
        if why is not None:
            outcome.counts["skipped"] += 1
            say(f"{display_name(entry.path)}: skipped: {why}")
            continue
        name = display_name(entry.path.name)
        outcome.counts[ingest_bytes(archive, data, entry.path.resolve().as_uri(), name)] += 1
    outcome.statuses.update(r["status"] for r in archive.db["reports"].rows)
    return outcome


def reparse(archive: Archive, only_status: str | None = None) -> Outcome:
    """Run the current parsers over every stored document again; changed values are kept as history."""
    outcome = Outcome()
    where = "status = ?" if only_status else None
    for report in list(archive.db["reports"].rows_where(where, [only_status] if only_status else [])):
        data = archive.store.read(report["sha256"])
        before = archive.db["parse_runs"].count
        record = parse(data, source=report["source_url"] or report["sha256"])
        save_report(archive.db, record, source_url=report["source_url"], seen=report["first_seen"] or now())
        outcome.counts["changed" if archive.db["parse_runs"].count > before else "unchanged"] += 1
        outcome.statuses[record["status"]] += 1
    return outcome
