"""`nianbao archive-writer`: the single writer of a distributed crawl in queue mode.

Workers started with NIANBAO_ARCHIVE_WRITER=queue push every fetched document (bytes included) onto the run's
Redis list instead of touching the archive. This process, on the archive's host, opens the crawl, publishes
what workers need from the archive (validators for conditional requests, documents to re-check), then stores,
parses and writes each document in turn — one SQLite writer, whatever the number of workers and machines.
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Callable
from typing import Any

from crawler.crawl_record import count_crawl, parse_health, record_sources
from crawler.distributed import members, run_keys
from crawler.items import FetchedDocument
from crawler.pipelines import ArchivePipeline, known_reports, known_validators, open_crawl
from crawler.sources import Source
from crawler.urls import host_of
from nianbao.pipeline import Archive


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
    return not any(server.exists(keys["alive"] + w) for w in members(server, keys["workers"]))


def run_writer(archive_dir: str, redis_url: str, run: str, until_done: bool,
               say: Callable[[str], None] = print) -> int:
    import redis

    server = redis.Redis.from_url(redis_url)
    keys = run_keys(run)
    archive = Archive.open(archive_dir)
    crawl_id = publish(server, keys, archive)
    say(f"archive writer for run {run!r}: crawl #{crawl_id}, writing to {archive_dir}")
    pipeline = ArchivePipeline(archive_dir)
    pipeline.archive = archive
    written, last = 0, time.monotonic()
    while True:
        got = server.blpop([keys["items"]], timeout=1)
        if got is None:
            if until_done and run_finished(server, keys):
                break
            continue
        payload = pickle.loads(got[1])
        if "robots" in payload:
            pipeline.write_robots(payload["robots"], None)
            count_crawl(archive.db, payload.get("crawl_id"), payload.get("requests", 0))
            record_sources(archive.db, [Source(**s) for s in payload.get("sources", [])])
        else:
            pipeline.write(FetchedDocument(**payload["item"]), payload["crawl_id"], payload["worker"])
            written += 1
        if time.monotonic() - last > 10:
            say(f"  {written} documents written, {server.llen(keys['items'])} waiting")
            last = time.monotonic()
    pipeline.write_robots({}, crawl_id)  # marks the crawl finished
    count_crawl(archive.db, crawl_id, 0)  # recount what it archived, items written after the last worker's count
    say(f"run {run!r} finished: {written} documents written")
    if (health := parse_health(archive.db, crawl_id)).abnormal:
        say(health.message())
    return written
