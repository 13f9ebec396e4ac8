"""The edge where parsers meet the archive: ingest files, reparse stored documents.

Parsing always reads the bytes back from the raw store, so `reparse` needs no network and gives
the same result as the first ingest would have with the same parser. Every write goes through
archive.writer, the one write path the crawler uses too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from archive.db import write_transaction
from archive.directory import Archive
from archive.rawstore import CorruptDocument
from archive.save import now, save_report
from archive.writer import Arrival, write_document
from parsers import PARSER_VERSION, parse

__all__ = ["Archive", "Outcome", "ingest_bytes", "ingest_paths", "reparse"]


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # one line per document that could not be handled


def _already_parsed(db: Database, sha256: str) -> bool:
    row = db.execute("SELECT parser_version FROM reports WHERE sha256 = ?", [sha256]).fetchone()
    return row is not None and row[0] == PARSER_VERSION


def ingest_bytes(archive: Archive, data: bytes, url: str, name: str = "") -> str:
    """Store, record the fetch (once per URL and content), parse and write. Returns "new" or "unchanged"."""
    def parse_new(sha: str, fmt: str) -> dict | None:
        return None if _already_parsed(archive.db, sha) else parse(data, source=name or url)

    written = write_document(archive, Arrival(url=url, body=data, fetched_at=now(), name=name), parse_new,
                             once_per_url=True)
    return "new" if written.report == "new" else "unchanged"


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
    """Run the current parsers over every stored document again; changed values are kept as history.
    A document whose raw file is missing or corrupt is reported and skipped; the others are reparsed."""
    outcome = Outcome()
    where = "status = ?" if only_status else None
    for report in list(archive.db["reports"].rows_where(where, [only_status] if only_status else [])):
        try:
            data = archive.store.read(report["sha256"])
        except (OSError, CorruptDocument) as exc:
            kind = "corrupt_raw" if isinstance(exc, CorruptDocument) else "missing_raw"
            outcome.counts[kind] += 1
            outcome.problems.append(f"report #{report['id']} ({report['sha256']}): {kind.replace('_', ' ')} file; "
                                    "run `nianbao verify --repair`, or ingest the original file again")
            continue
        before = archive.db["parse_runs"].count
        record = parse(data, source=report["source_url"] or report["sha256"])
        with write_transaction(archive.db) as db:
            save_report(db, record, source_url=report["source_url"], seen=report["first_seen"] or now())
        outcome.counts["changed" if archive.db["parse_runs"].count > before else "unchanged"] += 1
        outcome.statuses[record["status"]] += 1
    return outcome
