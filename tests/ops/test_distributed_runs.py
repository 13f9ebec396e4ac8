"""Distributed runs on a real redis-server on a free port (issue 14, sections 1 and 3): a finished run is not
started again and its `finished_at` is never rewritten; workers that finish cleanly leave no host-lease records;
the key cleanup documented in docs/distributed.md works as written with a non-default port.

The tests share one crawl and run in file order: the cleanup test, which deletes the run's keys, is last.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis

from tests.crawler.redis_server import redis_server
from tests.ops.served_farm import crawl_args, env, nianbao, served_farm, start_crawl

pytestmark = pytest.mark.slow
RUN = "2026-11"  # the run name docs/distributed.md's cleanup line deletes
DOCS = Path(__file__).resolve().parents[2] / "docs" / "distributed.md"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("distributed")
    with redis_server(tmp) as redis_url, served_farm(tmp / "sources.csv", "--sites", "2",
                                                      "--reports-per-county", "4") as farm:
        archive = tmp / "archive"
        workers = [start_crawl(archive, farm, "--redis", redis_url, "--run", RUN, "--worker", name)
                   for name in ("w1", "w2")]
        for worker in workers:
            out, _ = worker.communicate(timeout=600)
            assert worker.returncode == 0, out
        yield {"redis_url": redis_url, "farm": farm, "archive": archive}


def _keys(redis_url: str, pattern: str) -> list[str]:
    return sorted(k.decode() for k in redis.Redis.from_url(redis_url).scan_iter(pattern))


def _crawls(archive: Path) -> list[tuple]:
    with closing(sqlite3.connect(archive / "nianbao.db")) as db:
        return db.execute("SELECT id, started_at, finished_at FROM crawls ORDER BY id").fetchall()


def test_clean_finish_leaves_no_lease_records(crawled: dict[str, Any]) -> None:
    assert _keys(crawled["redis_url"], f"nianbao:{RUN}:*")  # the run is there …
    assert _keys(crawled["redis_url"], f"nianbao:{RUN}:leases:*") == []  # … without its workers' lease records
    assert _keys(crawled["redis_url"], f"nianbao:{RUN}:host:*") == []


def test_finished_run_is_not_started_again(crawled: dict[str, Any]) -> None:
    before = _crawls(crawled["archive"])
    assert len(before) == 1
    assert before[0][2] is not None
    again = nianbao(*crawl_args(crawled["archive"], crawled["farm"], "--redis", crawled["redis_url"], "--run", RUN))
    assert again.returncode == 4, again.stdout + again.stderr
    assert f"run '{RUN}' finished at" in again.stdout
    assert _crawls(crawled["archive"]) == before


def test_documented_key_cleanup_works_on_a_non_default_port(crawled: dict[str, Any]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(H=.*?)```", text, re.S)
    assert block, "docs/distributed.md has no cleanup block"
    lines = block.group(1).strip().splitlines()
    command = lines[1]
    assert "--scan" in command
    assert f"nianbao:{RUN}:*" in command
    redis_url = crawled["redis_url"]
    port = urlsplit(redis_url).port
    assert port != 6379
    redis.Redis.from_url(redis_url).set("nianbao:2026-12:crawl_id", 9)  # another run's key stays
    done = subprocess.run(["sh", "-c", command], env={**env(), "H": "127.0.0.1", "P": str(port)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert _keys(redis_url, f"nianbao:{RUN}:*") == []
    assert _keys(redis_url, "nianbao:2026-12:*") == ["nianbao:2026-12:crawl_id"]
