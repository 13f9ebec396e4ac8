"""Distributed mode on a real Redis: workers share one frontier (scrapy-redis) and the farm is crawled once.

Two workers crawl the default farm together: every planted report archived exactly once, both did work, per-host
limits held across them. Then a run where one of two workers is killed with SIGKILL mid-crawl: the other takes
over its in-flight requests and finishes with nothing lost.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from crawler.sources import load_sources
from synth.farm import Farm
from synth.farm.audit import audit
from tests.crawler.farmcrawl import archive_reports, crawl_command, env, query, sources_csv
from tests.crawler.redis_server import redis_server

pytestmark = pytest.mark.slow


def _worker(archive: Path, sources: Path, farm: Farm, redis_url: str, run: str, name: str) -> subprocess.Popen:
    # 8 requests in hand per worker: at the crawl's default (64) one worker pops the small farm's whole frontier
    # from Redis, and the other, finding the queue empty, finishes having fetched nothing
    cmd = [*crawl_command(archive, sources, farm), "--redis", redis_url, "--run", run, "--worker", name,
           "-s", "CONCURRENT_REQUESTS=8"]
    log = (archive.parent / f"{name}.log").open("w")  # kept beside the archive for a failing run
    return subprocess.Popen([*cmd, "-s", f"LOG_LEVEL={os.environ.get('NIANBAO_TEST_LOG_LEVEL', 'WARNING')}"],
                            env=env(), stdout=log, stderr=subprocess.STDOUT, text=True)


def _finish(procs: list[subprocess.Popen], timeout: float = 600) -> None:
    for proc in procs:
        proc.wait(timeout=timeout)
        assert proc.returncode == 0, f"worker exited with {proc.returncode}: see its .log beside the archive"


def test_two_workers_share_the_crawl(tmp_path: Path) -> None:
    with redis_server(tmp_path) as redis_url, Farm(seed=1) as farm:
        sources = sources_csv(farm, tmp_path / "sources.csv")
        archive = tmp_path / "archive"
        procs = [_worker(archive, sources, farm, redis_url, "t1", name) for name in ("w1", "w2")]
        _finish(procs)
        manifest, log = farm.manifest(), farm.requests
    result = audit(manifest, archive_reports(archive))
    assert (result.missing, result.duplicated, result.wrong, result.extra) == ([], [], [], []), result.summary()
    split = Counter(w for (w,) in query(archive, "SELECT worker FROM fetches WHERE outcome = 'ok'"))
    assert set(split) == {"w1", "w2"}
    assert min(split.values()) > sum(split.values()) * 0.2, split
    twice = query(archive, "SELECT url FROM fetches WHERE outcome = 'ok' GROUP BY url HAVING count(*) > 1")
    assert twice == []
    assert not [r for r in log if r.outside]
    assert query(archive, "SELECT count(*) FROM crawls")[0][0] == 1


def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path: Path) -> None:
    # 150 ms per response: with group commits a worker could finish the farm before the kill point
    with redis_server(tmp_path) as redis_url, Farm(seed=1, reports_per_county=12, latency_ms=150) as farm:
        sources = sources_csv(farm, tmp_path / "sources.csv")
        archive = tmp_path / "archive"
        doomed = _worker(archive, sources, farm, redis_url, "t2", "doomed")
        survivor = _worker(archive, sources, farm, redis_url, "t2", "survivor")
        deadline = time.monotonic() + 300
        while _archived_by(archive, "doomed") < 15:
            assert doomed.poll() is None, "the doomed worker ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.1)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait()
        _finish([survivor])
        manifest = farm.manifest()
    result = audit(manifest, archive_reports(archive))
    assert (result.missing, result.duplicated, result.wrong, result.extra) == ([], [], [], []), result.summary()
    twice = query(archive, "SELECT url FROM fetches WHERE outcome = 'ok' GROUP BY url HAVING count(*) > 1")
    assert twice == []


def _archived_by(archive: Path, worker: str) -> int:
    try:
        return query(archive, "SELECT count(*) FROM fetches WHERE worker = ?", (worker,))[0][0]
    except Exception:  # the database may not exist yet
        return 0


def test_queue_mode_one_writer_workers_never_touch_the_archive(tmp_path: Path) -> None:
    with redis_server(tmp_path) as redis_url, Farm(seed=1, reports_per_county=12) as farm:
        sources = sources_csv(farm, tmp_path / "sources.csv")
        archive, elsewhere = tmp_path / "archive", tmp_path / "not-the-archive"
        log = (tmp_path / "writer.log").open("w")
        writer = subprocess.Popen([*crawl_command(archive, sources, farm)[:3], "archive-writer", "--archive",
                                   str(archive), "--redis", redis_url, "--run", "t3", "--until-done"],
                                  env=env(), stdout=log, stderr=subprocess.STDOUT, text=True)
        workers = []
        for name in ("q1", "q2"):
            cmd = [*crawl_command(elsewhere, sources, farm), "--redis", redis_url, "--run", "t3", "--worker", name,
                   "-s", "NIANBAO_ARCHIVE_WRITER=queue",
                   "-s", f"LOG_LEVEL={os.environ.get('NIANBAO_TEST_LOG_LEVEL', 'WARNING')}"]
            workers.append(subprocess.Popen(cmd, env=env(), stdout=(tmp_path / f"{name}.log").open("w"),
                                            stderr=subprocess.STDOUT, text=True))
        _finish([*workers, writer])
        manifest, farm_requests = farm.manifest(), len(farm.requests)
    assert not elsewhere.exists()
    result = audit(manifest, archive_reports(archive))
    assert (result.missing, result.duplicated, result.wrong, result.extra) == ([], [], [], []), result.summary()
    split = Counter(w for (w,) in query(archive, "SELECT worker FROM fetches WHERE outcome = 'ok'"))
    assert split
    assert set(split) <= {"q1", "q2"}  # the split itself is checked in direct mode above
    assert query(archive, "SELECT count(*) FROM crawls WHERE finished_at IS NOT NULL")[0][0] == 1
    # the workers' counters reach the crawl row through the writer, and so do the registry rows
    assert query(archive, "SELECT requests, archived FROM crawls") == [(farm_requests, sum(split.values()))]
    assert query(archive, "SELECT count(*) FROM sources WHERE synthetic = 1")[0][0] == len(load_sources(sources))
