"""The edge where parsers meet the archive: ingest files, reparse stored documents.

Parsing always reads the bytes back from the raw store, so `reparse` needs no network and gives
the same result as the first ingest would have with the same parser. Every write goes through
archive.writer, the one write path the crawler uses too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from archive.db import write_transaction
from archive.directory import Archive
from archive.rawstore import CorruptDocument
from archive.save import now, save_report
from archive.writer import Arrival, write_document
from parsers import PARSER_VERSION, parse
from parsers.files import Unreadable, display_name, read_document, walk

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
