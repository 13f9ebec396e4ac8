"""One crawl at a time per archive, and a crawl that went wrong does not report success (issue 14, section 1).

Two real crawls into one archive: the second exits 75 with a clear message, or with --wait starts when the first
has ended. A crawl whose pipeline raised exits 1; one whose documents mostly failed to parse exits 3; both say
so in their summary.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from nianbao.runlock import LOCK_NAME
from tests.ops.served_farm import ServedFarm, crawl_args, nianbao, served_farm, start_crawl

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedFarm]:
    sources = tmp_path_factory.mktemp("farm") / "sources.csv"
    with served_farm(sources, "--sites", "2", "--reports-per-county", "4", "--latency-ms", "150") as served:
        yield served


def _holds_lock(archive: Path, pid: int, proc, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    lock = archive / LOCK_NAME
    while not (lock.exists() and lock.read_text().startswith(f"pid {pid},")):
        assert proc.poll() is None, proc.stdout.read()
        assert time.monotonic() < deadline, "the first crawl never took the lock"
        time.sleep(0.1)


def test_second_crawl_of_one_archive_exits_or_waits(farm: ServedFarm, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    first = start_crawl(archive, farm)
    _holds_lock(archive, first.pid, first)
    refused = nianbao(*crawl_args(archive, farm))
    assert first.poll() is None, "the first crawl ended too soon for the test to mean anything"
    assert refused.returncode == 75, refused.stdout + refused.stderr
    assert "in use by another crawl" in refused.stdout
    assert "--wait" in refused.stdout
    waiting = start_crawl(archive, farm, "--wait")
    first_out, _ = first.communicate(timeout=600)
    waited_out, _ = waiting.communicate(timeout=600)
    assert first.returncode == 0, first_out
    assert waiting.returncode == 0, waited_out
    assert "waiting for the other crawl" in waited_out
    with closing(sqlite3.connect(archive / "nianbao.db")) as db:
        crawls = db.execute("SELECT id, started_at, finished_at FROM crawls ORDER BY id").fetchall()
    assert [c[0] for c in crawls] == [1, 2]
    assert crawls[1][1] >= crawls[0][2]  # the second began once the first had ended
    audited = nianbao("audit", "--archive", str(archive), "--farm", farm.url)
    assert audited.returncode == 0, audited.stdout


def test_pipeline_traceback_is_not_success(farm: ServedFarm, tmp_path: Path) -> None:
    pipelines = {"tests.ops.faults.RaiseOnce": 200, "crawler.pipelines.ArchivePipeline": 300}
    done = nianbao(*crawl_args(tmp_path / "archive", farm, "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED: 1 error(s) with tracebacks" in done.stdout
    assert "injected pipeline fault" in done.stdout


def test_abnormal_parse_error_rate_is_not_success(farm: ServedFarm, tmp_path: Path) -> None:
    extensions = {"tests.ops.faults.BrokenParser": 0, "crawler.health.HealthExtension": 100}
    # parsed inside the crawl: the injected fault reaches the crawl process, not a parse pool's workers
    done = nianbao(*crawl_args(tmp_path / "archive", farm, "-s", f"EXTENSIONS={json.dumps(extensions)}",
                               "--parse-workers", "0"))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "ABNORMAL PARSE-ERROR RATE" in done.stdout
    assert "ABNORMAL PARSE-ERROR RATE" in done.stderr  # logged loudly as well as summarized


def _fetched(archive: Path) -> int:
    try:
        with closing(sqlite3.connect(archive / "nianbao.db")) as db:
            return db.execute("SELECT count(*) FROM fetches WHERE outcome = 'ok'").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_stopped_crawl_is_not_finished_and_is_resumed(farm: ServedFarm, tmp_path: Path) -> None:
    archive, jobdir = tmp_path / "archive", tmp_path / "job"
    stopped = start_crawl(archive, farm, "--jobdir", str(jobdir))
    deadline = time.monotonic() + 120
    while _fetched(archive) < 5:
        assert stopped.poll() is None, "the crawl ended before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    stopped.send_signal(signal.SIGTERM)  # graceful: Scrapy keeps its queue in the JOBDIR
    out, _ = stopped.communicate(timeout=300)
    assert stopped.returncode == 1, out
    assert "did not finish (shutdown)" in out
    with closing(sqlite3.connect(archive / "nianbao.db")) as db:
        assert db.execute("SELECT id, finished_at FROM crawls").fetchall() == [(1, None)]
    resumed = nianbao(*crawl_args(archive, farm, "--jobdir", str(jobdir)))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "crawl #1 finished" in resumed.stdout  # the same crawl, resumed
    audited = nianbao("audit", "--archive", str(archive), "--farm", farm.url)
    assert audited.returncode == 0, audited.stdout
