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

from archive.admission import admit
from archive.directory import Archive
from archive.save import now
from archive.textdb import SCHEMA as TEXT
from archive.writer import Arrival, write_document, write_members
from parsers import PARSER_VERSION, parse, zip_members
from parsers.files import Unreadable, display_name, read_document, walk
from parsers.sniff import sniff

__all__ = ["Archive", "Outcome", "ingest_bytes", "ingest_paths", "reparse"]


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # one line per document that could not be handled
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name, why it was not ingested)


def _already_parsed(db: Database, sha256: str) -> bool:
    """Parsed by this parser version, numbers and text alike: a kill between the two files' commits
    (archive/textdb.py) left text from another parse, and the rerun parses the document again."""
    row = db.execute(f"SELECT r.parser_version FROM reports r JOIN {TEXT}.report_texts t ON t.report_id = r.id "
                     "AND t.sha256 = r.sha256 AND t.parsed_at = r.parsed_at WHERE r.sha256 = ?", [sha256]).fetchone()
    return row is not None and row[0] == PARSER_VERSION


def ingest_bytes(archive: Archive, data: bytes, url: str, name: str = "", meta: dict | None = None) -> str:
    """Store, record the fetch (once per URL and content), parse and write. Returns "new" or "unchanged".

    meta (files): the source URL and publication date known from a sidecar or text headers; without it, the
    report's source URL is `url`; with it, only meta's (unknown when absent — never a local path)."""
    def parse_new(sha: str, fmt: str) -> dict | None:
        if _already_parsed(archive.db, sha):
            return None
        record = parse(data, source=name or url)
        if meta is not None and not record.get("published") and meta.get("published"):
            record["published"] = meta["published"]
        return record

    source_url = url if meta is None else meta.get("source_url")
    arrival = Arrival(url=url, body=data, fetched_at=now(), name=name)
    written = write_document(archive, arrival, parse_new, once_per_url=True, source_url=source_url)
    if written.report == "new" and sniff(data, name or url) == "zip":  # each member its own document
        write_members(archive, arrival, name or url, zip_members(data, name or url))
    return "new" if written.report == "new" else "unchanged"


def ingest_paths(archive: Archive, paths: Iterable[str | Path], say: Callable[[str], None] = print,
                 force: bool = False) -> Outcome:
    """Ingest the report documents under `paths`; each path not ingested is counted as skipped and `say`s why
    (unreadable, not a regular file: parsers.files; not a report document: archive.admission)."""
    outcome = Outcome()
    for entry in walk(paths, skip_hidden=True):
        why = entry.skip
        if why is None:
            try:
                data = read_document(entry.path)
            except Unreadable as exc:
                why = str(exc)
        candidate = admit(entry.path, data, force) if why is None else None
        if candidate is not None and candidate.skip:
            why = candidate.skip
        if why is not None:
            outcome.counts["skipped"] += 1
            outcome.skipped.append((display_name(entry.path), why))
            say(f"{display_name(entry.path)}: skipped: {why}")
            continue
        name = display_name(entry.path.name)
        url = candidate.meta.get("source_url") or f"ingest:{name}"  # never this machine's path
        outcome.counts[ingest_bytes(archive, data, url, name, candidate.meta)] += 1
    outcome.statuses.update(r["status"] for r in archive.db["reports"].rows)
    return outcome


def reparse(archive: Archive, only_status: str | None = None) -> Outcome:
    """Run the current parsers over every stored document again (nianbao.reparse)."""
    from nianbao.reparse import reparse_documents

    return reparse_documents(archive, only_status)
