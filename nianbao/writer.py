"""`nianbao archive-writer`: the single writer of a distributed crawl in queue mode.

Workers started with NIANBAO_ARCHIVE_WRITER=queue push every fetched document (bytes included) onto the run's
Redis list instead of touching the archive. This process, on the archive's host, opens the crawl, publishes
what workers need from the archive (validators for conditional requests, documents to re-check), then stores,
parses and writes each document in turn — one SQLite writer, whatever the number of workers and machines.
Messages are JSON (crawler.queue_codec), checked and size-capped: a hostile message is rejected, never run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from archive.directory import Archive
from archive.errors import ArchiveWriteError
from archive.save import now
from crawler.crawl_record import count_crawl, parse_health, record_sources
from crawler.distributed import members, run_keys
from crawler.pipelines import ArchivePipeline, known_reports, known_validators, open_crawl
from crawler.queue_codec import RejectedMessage, decode
from crawler.sources import Source
from crawler.urls import host_of
from nianbao.runlock import archive_lock
from nianbao.runs import expand_run_name


def publish(server: Any, keys: dict[str, str], archive: Archive) -> int:
    """Open (or rejoin) the run's crawl and publish validators and re-check URLs; returns the crawl id."""
    known = server.get(keys["crawl"])
    if known is not None:
        return int(known)
    crawl_id = open_crawl(archive, None, "reports", None)
    validators = known_validators(archive)
    encoded = [(u, json.dumps(v)) for u, v in validators.items()]
    for start in range(0, len(encoded), 5000):
        server.hset(keys["validators"], mapping=dict(encoded[start:start + 5000]))
    hosts = {host_of(u) for u in validators}
    recheck = [json.dumps(list(r)) for r in known_reports(archive, hosts)]
    for start in range(0, len(recheck), 5000):
        server.rpush(keys["recheck"], *recheck[start:start + 5000])
    server.set(keys["crawl"], crawl_id)  # last: workers wait for it, so everything above is in place
    return crawl_id


def run_finished(server: Any, keys: dict[str, str]) -> bool:
    """Seeded, nothing queued, no live worker, nothing left to write."""
    if not server.exists(keys["seeds_done"]) or server.zcard(keys["queue"]) or server.llen(keys["items"]):
        return False
    if server.llen(_writing(keys)):
        return False
    return not any(server.exists(keys["alive"] + w) for w in members(server, keys["workers"]))


def _writing(keys: dict[str, str]) -> str:
    """The list holding the message being written: taken there atomically (LMOVE), removed once written."""
    return keys["items"] + ":writing"


def take_back_unfinished(server: Any, keys: dict[str, str]) -> int:
    """Messages a killed writer had taken but not written go back to the head of the queue."""
    moved = 0
    while server.lmove(_writing(keys), keys["items"], "RIGHT", "LEFT") is not None:
        moved += 1
    return moved


def run_writer(archive_dir: str, redis_url: str, run: str, until_done: bool,
               say: Callable[[str], None] = print) -> int:
    """Write the run's documents while holding the archive's crawl lock (no other crawl writes it meanwhile).
    A message leaves Redis only once written: a writer killed mid-write, or stopped by a full disk, loses nothing."""
    with archive_lock(archive_dir, say=say):
        return _write_run(archive_dir, redis_url, expand_run_name(run), until_done, say)


def _write_run(archive_dir: str, redis_url: str, run: str, until_done: bool, say: Callable[[str], None]) -> int:
    import redis

    server = redis.Redis.from_url(redis_url)
    keys = run_keys(run)
    archive = Archive.open(archive_dir)
    crawl_id = publish(server, keys, archive)
    say(f"archive writer for run {run!r}: crawl #{crawl_id}, writing to {archive_dir}")
    if take_back_unfinished(server, keys):
        say("  took back the message a stopped writer had not finished")
    pipeline = ArchivePipeline(archive_dir)
    pipeline.archive = archive
    written, last = 0, time.monotonic()
    while True:
        message = server.blmove(keys["items"], _writing(keys), 1, "LEFT", "RIGHT")
        if message is None:
            if until_done and run_finished(server, keys):
                break
            continue
        try:
            written += _write(pipeline, message, say)
        except ArchiveWriteError:
            take_back_unfinished(server, keys)
            raise
        server.lrem(_writing(keys), 1, message)
        if time.monotonic() - last > 10:
            say(f"  {written} documents written, {server.llen(keys['items'])} waiting")
            last = time.monotonic()
    pipeline.write_robots({}, crawl_id)  # marks the crawl finished
    server.set(keys["finished"], now(), nx=True)  # the same run name is not started again
    count_crawl(archive.db, crawl_id, 0)  # recount what it archived, items written after the last worker's count
    say(f"run {run!r} finished: {written} documents written")
    if (health := parse_health(archive.db, crawl_id)).abnormal:
        say(health.message())
    return written


def _write(pipeline: ArchivePipeline, message: bytes, say: Callable[[str], None]) -> int:
    """Write one queue message; returns the number of documents written (0 or 1)."""
    try:
        payload = decode(message)
    except RejectedMessage as exc:
        say(f"  rejected a queue message: {exc}")
        return 0
    if "robots" in payload:  # a worker's end: its robots.txt, request count and registry rows
        pipeline.write_robots(payload["robots"], None)
        count_crawl(pipeline.archive.db, payload["crawl_id"], payload["requests"])
        record_sources(pipeline.archive.db, [Source(**s) for s in payload["sources"]])
        return 0
    pipeline.write(payload["item"], payload["crawl_id"], payload["worker"])
    return 1
