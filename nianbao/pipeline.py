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

from archive.db import open_db
from archive.rawstore import RawStore
from archive.save import now, save_document, save_fetch, save_report
from archive.warc import WarcLog
from parsers import PARSER_VERSION, parse
from parsers.bundle import parse_members
from parsers.models import ExtractError
from parsers.sniff import sniff

CONTENT_TYPES = {"html": "text/html", "pdf": "application/pdf", "txt": "text/plain", "md": "text/markdown",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "doc": "application/msword", "wps": "application/vnd.ms-works",
                 "xls": "application/vnd.ms-excel", "et": "application/vnd.ms-excel",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "ods": "application/vnd.oasis.opendocument.spreadsheet",
                 "odt": "application/vnd.oasis.opendocument.text", "rtf": "application/rtf", "zip": "application/zip"}


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
        save_document(archive.db, sha, len(data), fmt, CONTENT_TYPES.get(fmt), seen)
        fetch_id = save_fetch(archive.db, {"sha256": sha, "url": url, "final_url": url, "fetched_at": seen,
                                           "outcome": "ok"})
    if fetch_id is not None:
        warc_file, offset = archive.warc.write_resource(url, data, CONTENT_TYPES.get(fmt, "application/octet-stream"),
                                                        when)
        archive.db["fetches"].update(fetch_id, {"warc_file": warc_file, "warc_offset": offset})
    if _already_parsed(archive.db, sha):
        return "unchanged"
    save_report(archive.db, parse(data, source=name or url), source_url=url, seen=seen)
    if fmt == "zip":
        with archive.db.atomic():
            save_members(archive, zip_members_parsed(data, name or url), url, name or url, seen)
    return "new"


def zip_members_parsed(data: bytes, source: str) -> list[tuple[bytes, dict]]:
    """A ZIP's members parsed (slow: done before any write lock is taken); [] for a broken archive."""
    try:
        return parse_members(parse, data, source)
    except ExtractError:
        return []  # the container's own record already says what is wrong with it


def save_members(archive: Archive, members: list[tuple[bytes, dict]], url: str, source: str, seen: str) -> int:
    """Each member of a ZIP attachment stored (raw bytes first) and saved as its own report at url!/name."""
    saved = 0
    for blob, record in members:
        if not blob:
            continue  # skipped members (unsafe names, encrypted, too big) are listed in the container's record
        sha = archive.store.put(blob)
        save_document(archive.db, sha, len(blob), record["format"], CONTENT_TYPES.get(record["format"]), seen)
        save_report(archive.db, record, source_url=url + record["source"][len(source):], seen=seen)
        saved += 1
    return saved


def _files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith(".")) if p.is_dir() else [p])
    return out


def ingest_paths(archive: Archive, paths: Iterable[str | Path]) -> Outcome:
    outcome = Outcome()
    for path in _files(paths):
        try:
            data = path.read_bytes()
        except OSError:
            outcome.counts["unreadable"] += 1
            continue
        outcome.counts[ingest_bytes(archive, data, path.resolve().as_uri(), path.name)] += 1
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
