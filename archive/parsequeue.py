"""The archive's queue of documents to parse: the crawler enqueues, parse workers claim with a lease.

States: `pending` (archived, not parsed), `parsing` (claimed by a worker until `lease_until`), `done` (parsed
and written; `status` says what came of it), `error` (the parser crashed on it too often). A claim is made in
a BEGIN IMMEDIATE transaction, so processes on several machines sharing the archive directory never take the
same document; a lease that expired (its worker died) is taken again. Every claim counts an attempt: once a
document has used up its attempts, the next claim records it as an error instead of parsing it again.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.db import write_transaction
from archive.save import now

MAX_ATTEMPTS = 2  # a worker killed once (deploy, OOM killer) is forgiven; a second death marks the document
LEASE_SECONDS = 600.0  # longer than the parser's own deadline: a live worker never loses its document


@dataclass(frozen=True)
class Claim:
    sha256: str
    fetch_id: int | None
    hints: dict[str, Any]
    attempts: int  # including this one


def enqueue(db: Database, sha256: str, fetch_id: int | None, hints: dict[str, Any]) -> None:
    """Inside the writer's transaction: the document waits for a parse worker (once; a second fetch of the same
    bytes adds nothing)."""
    db.execute("INSERT OR IGNORE INTO parse_queue (sha256, fetch_id, state, attempts, hints, queued_at) "
               "VALUES (?, ?, 'pending', 0, ?, ?)", [sha256, fetch_id, json.dumps(hints, ensure_ascii=False), now()])


def claim(db: Database, worker: str, lease: float = LEASE_SECONDS,
          max_attempts: int = MAX_ATTEMPTS) -> tuple[Claim | None, list[Claim]]:
    """(the document this worker now owns or None, documents found out of attempts). The exhausted ones are
    returned to be recorded as errors by the caller; they stay `parsing` with an expired lease until then."""
    exhausted: list[Claim] = []
    with write_transaction(db):
        rows = db.execute("SELECT sha256, fetch_id, hints, attempts FROM parse_queue WHERE state = 'pending' "
                          "OR (state = 'parsing' AND lease_until < ?) ORDER BY queued_at, rowid LIMIT 8",
                          [time.time()]).fetchall()
        for sha, fetch_id, hints, attempts in rows:
            found = Claim(sha, fetch_id, json.loads(hints or "{}"), attempts)
            if attempts >= max_attempts:
                exhausted.append(found)
                continue
            db.execute("UPDATE parse_queue SET state = 'parsing', attempts = attempts + 1, lease_until = ?, "
                       "worker = ? WHERE sha256 = ?", [time.time() + lease, worker, sha])
            return Claim(sha, fetch_id, found.hints, attempts + 1), exhausted
    return None, exhausted


def finish(db: Database, sha256: str, state: str, status: str) -> None:
    """Inside the transaction that wrote the document's report (or decided it has none)."""
    db.execute("UPDATE parse_queue SET state = ?, status = ?, done_at = ?, lease_until = NULL WHERE sha256 = ?",
               [state, status, now(), sha256])


def release(db: Database, worker: str) -> int:
    """A worker known dead (its supervisor saw it exit): its documents are free at once, not at lease end."""
    with write_transaction(db):
        return db.execute("UPDATE parse_queue SET lease_until = 0 WHERE worker = ? AND state = 'parsing'",
                          [worker]).rowcount


def waiting(db: Database) -> int:
    """Documents not parsed yet (pending, or claimed and not finished)."""
    return db.execute("SELECT count(*) FROM parse_queue WHERE state IN ('pending', 'parsing')").fetchone()[0]
