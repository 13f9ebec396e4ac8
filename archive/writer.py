"""The one way documents enter the archive, used by `nianbao ingest`, the crawler and `nianbao archive-writer`.

Every document is written in the same order, so that a kill at any point leaves a state the next run completes:

1. raw bytes into the content-addressed store (temp file, fsync, atomic rename; a corrupt copy is rewritten);
2. the WARC record, appended under a lock, flushed and fsynced (a partial record is cut off by the next append);
3. one SQLite transaction (BEGIN IMMEDIATE, so concurrent writers wait for each other) for the document, fetch
   and report rows: the numbers in nianbao.db, the report's text in nianbao_text.db attached to the same
   connection (archive/textdb.py). The two files commit one after the other; a kill between leaves a report
   whose text is not from its last parse, or text of no report, which `nianbao verify` finds and `--repair`
   mends (parse again, or delete).

The fetch row, which points at the WARC record, is committed only after the record is on disk: no fetch ever
points at a record that is not there. A kill between 2 and 3 leaves an unreferenced WARC record, and the rerun
writes the document again. A fetch recorded before this order existed without its WARC record gets one on rerun.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from archive.db import write_transaction
from archive.directory import Archive
from archive.errors import is_full, write_error
from archive.mime import content_type
from archive.parsequeue import Claim, enqueue, finish
from archive.save import save_document, save_fetch, save_report, twin_report
from archive.warc import resource_records, response_records
from parsers.sniff import sniff

# (sha256, format) → the report record to write, or None when there is nothing to (re)parse
Parse = Callable[[str, str], dict | None]
# (sha256, format) → what the parse pool needs to parse it later (archive/parsequeue.py), or None: not a report
Defer = Callable[[str, str], dict | None]


@dataclass(frozen=True)
class Arrival:
    """One document as it arrived, before anything is stored."""

    url: str
    body: bytes
    fetched_at: str  # UTC, %Y-%m-%dT%H:%M:%SZ
    name: str = ""  # file name: a hint for recognising the format
    http_status: int | None = None  # None: read from disk (WARC resource record), else an HTTP response
    headers: dict[str, str] = field(default_factory=dict)
    fetch: dict[str, Any] = field(default_factory=dict)  # further fetch columns: referer, kind, crawl_id, worker…


@dataclass(frozen=True)
class Written:
    sha256: str
    fetch_id: int | None
    report: str  # "new": a report row was written; "twin": same report as another URL's; "none": nothing parsed


PUT_THREADS = 16  # raw files of a group commit written (and fsynced) at once

_DOCUMENT_URL: Any = object()  # write_document's default source_url: the report's source is the document's URL


def write_document(archive: Archive, doc: Arrival, parse: Parse, *, once_per_url: bool = False,
                   twins: bool = False, hint_code: str | None = None,
                   source_url: str | None = _DOCUMENT_URL, defer: Defer | None = None) -> Written:
    """Store one document: raw bytes, WARC record, then document, fetch and report rows in one transaction.

    once_per_url: a URL with the same content already fetched gets no second fetch row (ingest); its WARC record
    is written only if that fetch has none. twins: a report with the same figures as another URL's is recorded
    as a note on the fetch, not as a second report (an article page and its PDF). source_url: the report's
    source URL when it is not the document's (an ingested file: from its sidecar, or None: unknown). defer:
    parsing is the parse pool's job; the document is queued as `pending` in the same transaction, and `parse`
    is not called."""
    report_url = doc.url if source_url is _DOCUMENT_URL else source_url
    fmt = sniff(doc.body, doc.name or doc.url)
    sha = archive.store.put(doc.body)
    existing = _same_fetch(archive, doc.url, sha) if once_per_url else None
    warc = None if existing and existing[1] else _write_warc(archive, doc, fmt)
    record = parse(sha, fmt) if defer is None else None
    hints = defer(sha, fmt) if defer is not None else None
    with _transaction(archive) as db:
        if once_per_url:  # again, under the write lock: another writer may have recorded it meanwhile
            existing = _same_fetch(archive, doc.url, sha)
        save_document(db, sha, len(doc.body), fmt, content_type(fmt), doc.fetched_at)
        fetch_id, report = _save_fetch(db, doc, sha, existing, warc, record if twins else None)
        if record is not None and report == "new":
            save_report(db, record, source_url=report_url, seen=doc.fetched_at, hint_code=hint_code)
        if hints is not None:
            enqueue(db, sha, fetch_id, {**hints, "url": doc.url, "seen": doc.fetched_at, "hint_code": hint_code})
    return Written(sha, fetch_id, "pending" if hints is not None else report if record is not None else "none")


def write_parsed(archive: Archive, claim: Claim, record: dict | None, *, twins: bool = True,
                 state: str = "done") -> str:
    """The parse pool's write of one claimed document: its report (or the note that it is another URL's report
    in another rendering), and the queue row marked `state` (done; error: the parser crashed on it), in one
    transaction. Returns what came of it: the
    report's status, "twin", "none" (nothing to parse: a list or wrapper page), or "known" (already parsed)."""
    hints = claim.hints
    with _transaction(archive) as db:
        row = db.execute("SELECT state FROM parse_queue WHERE sha256 = ?", [claim.sha256]).fetchone()
        if row is not None and row[0] in ("done", "error"):
            return "known"  # another worker finished it meanwhile (its lease had run out): written once
        if record is None:
            outcome = "none"
        elif db["reports"].count_where("sha256 = ?", [claim.sha256]):
            outcome = "known"
        elif twins and (twin := twin_report(db, record, exclude_url=hints.get("url"))) is not None:
            if claim.fetch_id is not None:
                db["fetches"].update(claim.fetch_id, {"note": f"same report as #{twin} (another rendering)"})
            outcome = "twin"
        else:
            save_report(db, record, source_url=hints.get("url"), seen=hints.get("seen"),
                        hint_code=hints.get("hint_code"))
            outcome = record["status"]
        finish(db, claim.sha256, state, outcome)
    return outcome


def write_members(archive: Archive, container: Arrival, source: str, members: list[tuple[bytes, dict]]) -> int:
    """Each member of a ZIP attachment as its own document at `<container URL>!/<member>` (raw bytes, WARC
    resource record, rows, report), parsed beforehand (parsers.zip_members), so no lock is held while parsing.
    Members that were not read (unsafe names, encrypted, too big) have no bytes and are listed in the container's
    own record instead."""
    written = 0
    for blob, record in members:
        if not blob:
            continue
        member = Arrival(url=container.url + record["source"][len(source):], body=blob,
                         fetched_at=container.fetched_at, name=record["source"],
                         fetch={k: v for k, v in container.fetch.items() if k in ("crawl_id", "worker", "kind")})
        written += write_document(archive, member, lambda sha, fmt, r=record: r, once_per_url=True).report == "new"
    return written


def write_outcome(archive: Archive, fetch: dict[str, Any], host: str | None = None) -> None:
    """A fetch that brought no document (blocked, robots, removed, error, not modified): its row, and what it
    means for the site (blocked) or the reports at that URL (removed)."""
    with _transaction(archive) as db:
        _save_outcome(db, fetch, host)


def _save_outcome(db: Database, fetch: dict[str, Any], host: str | None) -> int:
    fetch_id = save_fetch(db, {**fetch, "dedupe": False})
    if fetch["outcome"] == "removed":
        db.execute("UPDATE reports SET removed_at = ? WHERE source_url = ? AND removed_at IS NULL",
                   [fetch["fetched_at"], fetch["url"]])
    elif fetch["outcome"] == "blocked" and host:
        db["sites"].upsert({"host": host, "blocked_by": fetch.get("note"),
                            "blocked_at": fetch["fetched_at"]}, pk="host")
    return fetch_id


@dataclass(frozen=True)
class Queued:
    """A crawled document in a group commit (write_batch). Its parsing is the parse pool's: `defer` gives what
    the pool needs (None: not a report to parse)."""

    doc: Arrival
    defer: Defer
    hint_code: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A fetch that brought no document, in a group commit (write_batch): see write_outcome."""

    fetch: dict[str, Any]
    host: str | None = None


def write_batch(archive: Archive, batch: list[Queued | Outcome]) -> list[Written | Exception]:
    """Group commit: the raw bytes of every document (their fsyncs issued together), then their WARC records
    in one append and one fsync, then one transaction for every member's rows. Each member still goes raw →
    WARC → rows, so a kill at any point leaves what a kill in write_document leaves: at most raw files and WARC
    records that no row references yet, written again by the rerun.

    Returns each member's result in order. A member that fails (its hints, its rows: a savepoint each) gets
    its exception in its place and the others are written; a full disk (ArchiveWriteError) fails them all."""
    results: list[Written | Exception | None] = [None] * len(batch)
    docs = [(i, m) for i, m in enumerate(batch) if isinstance(m, Queued)]
    shas = _put_all(archive, [m.doc.body for _, m in docs])
    ready: list[tuple[int, Queued, str, str, dict | None]] = []
    for (i, member), sha in zip(docs, shas, strict=True):
        try:
            fmt = sniff(member.doc.body, member.doc.name or member.doc.url)
            ready.append((i, member, sha, fmt, member.defer(sha, fmt)))
        except Exception as exc:  # one document's hints never cost the others their place
            results[i] = exc
    warcs = archive.warc.write_many([_exchange(m.doc, fmt) for _, m, _, fmt, _ in ready])
    rows = {i: (member, sha, fmt, hints, warc) for (i, member, sha, fmt, hints), warc in zip(ready, warcs, strict=True)}
    with _transaction(archive) as db:
        for i, member in enumerate(batch):
            if results[i] is not None:
                continue
            try:
                with db.atomic():  # a savepoint: a member whose rows fail leaves no row behind
                    results[i] = _batch_rows(db, member, rows.get(i))
            except sqlite3.OperationalError as exc:
                if is_full(exc):
                    raise
                results[i] = exc
            except Exception as exc:
                results[i] = exc
    return [r if r is not None else Written("", None, "none") for r in results]


def _batch_rows(db: Database, member: Queued | Outcome, stored: tuple | None) -> Written:
    if isinstance(member, Outcome):
        return Written("", _save_outcome(db, member.fetch, member.host), "none")
    doc, (_, sha, fmt, hints, warc) = member.doc, stored
    save_document(db, sha, len(doc.body), fmt, content_type(fmt), doc.fetched_at)
    fetch_id, _ = _save_fetch(db, doc, sha, None, warc, None)
    if hints is not None:
        enqueue(db, sha, fetch_id, {**hints, "url": doc.url, "seen": doc.fetched_at, "hint_code": member.hint_code})
    return Written(sha, fetch_id, "pending" if hints is not None else "none")


def _put_all(archive: Archive, bodies: list[bytes]) -> list[str]:
    """Raw bytes of several documents, each written and fsynced as RawStore.put does, in parallel threads: a
    journaling filesystem commits fsyncs issued together at once (~1 fsync's time for a batch, not one each)."""
    if len(bodies) <= 1:
        return [archive.store.put(body) for body in bodies]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(PUT_THREADS, len(bodies)), thread_name_prefix="nianbao-raw") as pool:
        return list(pool.map(archive.store.put, bodies))


def _exchange(doc: Arrival, fmt: str) -> tuple[dt.datetime, list]:
    """The document's time and WARC records: a resource record for a file from disk, else response + request."""
    when = dt.datetime.strptime(doc.fetched_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    if doc.http_status is None:
        return when, resource_records(doc.url, doc.body, content_type(fmt) or "application/octet-stream", when)
    return when, response_records(doc.url, doc.http_status, doc.headers, doc.body, when)


def write_sites(archive: Archive, sites: list[dict[str, Any]], finished_crawl: int | None, when: str) -> None:
    """Site rows (robots.txt as fetched …) and, given a crawl id, that crawl's end."""
    with _transaction(archive) as db:
        for site in sites:
            db["sites"].upsert(site, pk="host")
        if finished_crawl:
            # never rewrites the end of a crawl that had finished
            db.execute("UPDATE crawls SET finished_at = ? WHERE id = ? AND finished_at IS NULL", [when, finished_crawl])


@contextmanager
def _transaction(archive: Archive) -> Iterator[Database]:
    """BEGIN IMMEDIATE … COMMIT; a full disk becomes an ArchiveWriteError (SQLite has rolled back)."""
    try:
        with write_transaction(archive.db) as db:
            yield db
    except sqlite3.OperationalError as exc:
        if is_full(exc):
            raise write_error("database", exc) from exc
        raise


def _same_fetch(archive: Archive, url: str, sha: str) -> tuple[int, str | None] | None:
    row = archive.db.execute("SELECT id, warc_file FROM fetches WHERE url = ? AND sha256 = ? AND outcome = 'ok' "
                             "ORDER BY warc_file IS NULL LIMIT 1", [url, sha]).fetchone()
    return (row[0], row[1]) if row else None


def _write_warc(archive: Archive, doc: Arrival, fmt: str) -> tuple[str, int]:
    return archive.warc.write_records(*_exchange(doc, fmt))


def _save_fetch(db: Any, doc: Arrival, sha: str, existing: tuple[int, str | None] | None,
                warc: tuple[str, int] | None, twin_of: dict | None) -> tuple[int | None, str]:
    """The fetch row (new, or an old one given its missing WARC record); "twin" when the report is another's."""
    if existing is not None:
        if warc is not None and existing[1] is None:
            db["fetches"].update(existing[0], {"warc_file": warc[0], "warc_offset": warc[1]})
        return existing[0], "new"
    row = {"sha256": sha, "url": doc.url, "final_url": doc.url, "fetched_at": doc.fetched_at, "outcome": "ok",
           **doc.fetch}
    if doc.http_status is not None:
        row.update(http_status=doc.http_status, headers=doc.headers)
    if warc is not None:
        row.update(warc_file=warc[0], warc_offset=warc[1])
    twin = twin_report(db, twin_of, exclude_url=doc.url) if twin_of is not None else None
    if twin is not None:
        row["note"] = f"same report as #{twin} (another rendering)"
    return save_fetch(db, {**row, "dedupe": False}), "twin" if twin is not None else "new"
