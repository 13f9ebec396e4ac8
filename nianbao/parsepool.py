"""The parse pool: `nianbao parse-worker` processes that parse what the crawler archived, off the crawl's path.

The crawler only fetches and archives (archive/writer.py queues each new report document as `pending`). Each
worker claims one pending document at a time with a lease (archive/parsequeue.py), reads its bytes back from
the raw store, parses it, and writes the report — or the note that it is the same report as another URL's —
through the archive's writer. Workers may run on several machines sharing the archive directory.

- A worker killed mid-document loses nothing: the document stays claimed until its lease ends (or until the
  pool that started the worker sees it die), then another worker takes it.
- A document that kills its worker (a parser crash, os._exit, a segfault in a native library) uses up its
  attempts and is then recorded once as a report with status `error`; it is not retried forever.

`nianbao crawl` starts a pool (ParsePool) beside the crawl and waits for it to drain before reporting.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive.directory import Archive
from archive.parsequeue import LEASE_SECONDS, MAX_ATTEMPTS, Claim, claim, release, waiting
from archive.rawstore import CorruptDocument
from archive.writer import write_parsed
from parsers import failed_record

# A crawl's own pool runs below the crawl's CPU priority: on a machine with few cores, fetching (which keeps
# the portals' connections busy) comes first and parsing catches up whenever the crawl waits on the network.
POOL_NICE = 10

ParseFn = Callable[[bytes, dict[str, Any]], dict | None]  # (bytes, hints) → record, None: not a report


def default_parse(body: bytes, hints: dict[str, Any]) -> dict | None:
    from crawler.pipelines import report_of

    return report_of(body, hints)


@dataclass
class WorkerStats:
    parsed: int = 0
    crashed: int = 0  # documents recorded as errors after killing workers


def run_worker(archive_dir: str, worker: str, *, until_idle: bool = False, parse: ParseFn = default_parse,
               poll: float = 0.5, lease: float = LEASE_SECONDS, max_attempts: int = MAX_ATTEMPTS,
               parent: int | None = None, say: Callable[[str], None] = print) -> WorkerStats:
    """Parse pending documents until stopped (SIGTERM/SIGINT: after the current document), or with until_idle
    until none is left to parse (pending or claimed by anyone). parent: exit when that process is gone (a pool
    whose crawl was killed leaves no orphan workers behind)."""
    archive = Archive.open(archive_dir)
    # A parse result references only bytes already on disk (fsynced by the crawl's writer), so its commit need
    # not wait for an fsync: a power cut can at worst lose the last results, which stay pending and are parsed
    # again; the write lock, which the crawl's writer waits for, is held for a fraction of the time.
    archive.db.execute("PRAGMA synchronous = NORMAL")
    release_orphans(archive)
    stats, stop = WorkerStats(), _StopFlag()
    try:
        while not stop and (parent is None or os.getppid() == parent):
            owned, exhausted = claim(archive.db, worker, lease, max_attempts)
            for dead in exhausted:
                stats.crashed += _record_crash(archive, dead, say)
            if owned is not None:
                parse_one(archive, owned, parse, say)
                stats.parsed += 1
            elif not exhausted:
                if until_idle and not waiting(archive.db):
                    break
                time.sleep(poll)
    finally:
        stop.restore()
    return stats


def parse_one(archive: Archive, owned: Claim, parse: ParseFn, say: Callable[[str], None]) -> str:
    """Parse and write one claimed document. A Python exception anywhere in the parser is that document's error,
    recorded at once; a full disk (ArchiveWriteError) propagates and leaves the claim for the next worker."""
    try:
        body = archive.store.read(owned.sha256)
    except (OSError, CorruptDocument) as exc:
        record = _failed(archive, owned, f"the archived bytes cannot be read ({type(exc).__name__}); run "
                                         "`nianbao verify --repair`")
        return write_parsed(archive, owned, record, twins=False, state="error")
    try:
        record = parse(body, owned.hints)
    except Exception as exc:  # one broken document never stops the pool
        say(f"parse of {owned.hints.get('url')} failed: {type(exc).__name__}: {exc}")
        record = _failed(archive, owned, f"internal parser error ({type(exc).__name__}): {exc}"[:500])
        return write_parsed(archive, owned, record, twins=False, state="error")
    return write_parsed(archive, owned, record)


def _record_crash(archive: Archive, dead: Claim, say: Callable[[str], None]) -> int:
    say(f"{dead.hints.get('url')}: the parser died on it {dead.attempts} time(s); recorded as an error")
    record = _failed(archive, dead, f"the parser crashed on this document {dead.attempts} time(s) (its worker "
                                    "process died); it is not parsed again until `nianbao reparse`")
    write_parsed(archive, dead, record, twins=False, state="error")
    return 1


def _failed(archive: Archive, owned: Claim, message: str) -> dict:
    row = archive.db.execute("SELECT format FROM documents WHERE sha256 = ?", [owned.sha256]).fetchone()
    return failed_record(owned.sha256, row[0] if row else "unknown", owned.hints.get("url") or "", message)


class _StopFlag:
    """False until SIGTERM or SIGINT: the worker finishes the document in hand, then exits."""

    def __init__(self) -> None:
        self.stopped = False
        self.previous = {sig: signal.signal(sig, self._set) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore(self) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)

    def _set(self, *_: Any) -> None:
        self.stopped = True

    def __bool__(self) -> bool:
        return self.stopped


@dataclass
class ParsePool:
    """N `nianbao parse-worker` child processes beside a crawl; a worker that dies is replaced (its claim freed
    at once), and drain() waits until every archived document is parsed."""

    archive_dir: str
    size: int
    say: Callable[[str], None] = print
    max_restarts: int = 20
    nice: int = POOL_NICE
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    restarts: int = 0

    def __enter__(self) -> ParsePool:
        release_orphans(Archive.open(self.archive_dir))
        for i in range(self.size):
            self._start(worker_name(f"parse{i}"))
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def _start(self, name: str) -> None:
        cmd = [sys.executable, "-m", "nianbao", "parse-worker", "--archive", self.archive_dir, "--worker", name,
               "--parent", str(os.getpid()), "--nice", str(self.nice)]
        self.procs[name] = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)

    def check(self) -> None:
        """Replace workers that died; a worker's death frees its document for the next claim at once."""
        archive = None
        for name, proc in list(self.procs.items()):
            if proc.poll() is None:
                continue
            archive = archive or Archive.open(self.archive_dir)
            release(archive.db, name)
            if self.restarts >= self.max_restarts:
                self.say(f"parse worker {name} exited ({proc.returncode}); too many restarts, not replaced")
                del self.procs[name]
                continue
            self.restarts += 1
            self._start(name)

    def drain(self, poll: float = 0.3) -> None:
        """Wait until nothing is pending or claimed (parsing inline if every worker is gone)."""
        archive = Archive.open(self.archive_dir)
        while waiting(archive.db):
            self.check()
            if not self.procs:
                self.say("no parse worker left: parsing the rest in this process")
                run_worker(self.archive_dir, worker_name("inline"), until_idle=True, say=self.say)
                return
            time.sleep(poll)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()


def worker_name(suffix: str = "") -> str:
    """host-pid[-suffix]: the pid of this process (a pool's crawl, or a standalone worker) lets a later pool on
    the same host see that the claim's owner is gone (release_orphans)."""
    return f"{socket.gethostname()}-{os.getpid()}" + (f"-{suffix}" if suffix else "")


def release_orphans(archive: Archive) -> int:
    """Free the claims of this host's workers whose process is gone (a crawl killed with its pool) at once,
    instead of at the end of their lease: a resumed crawl does not wait for them."""
    prefix = re.compile(rf"{re.escape(socket.gethostname())}-(\d+)(?:-.*)?")
    freed = 0
    for (worker,) in archive.db.execute("SELECT DISTINCT worker FROM parse_queue WHERE state = 'parsing' "
                                        "AND lease_until > ?", [time.time()]).fetchall():
        found = prefix.fullmatch(worker or "")
        if found and not _alive(int(found[1])):
            freed += release(archive.db, worker)
    return freed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pool_cpu_seconds() -> float:
    """CPU seconds of this process's finished children (the pool's workers, once stopped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
