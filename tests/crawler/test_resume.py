"""A crawl killed with SIGKILL mid-way and restarted with the same JOBDIR ends with the same archive as an
uninterrupted crawl, and archives nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from synth.farm import Farm
from tests.crawler.farmcrawl import query, run_crawl, sources_csv, start_crawl

pytestmark = pytest.mark.slow


def _archived(archive: Path) -> int:
    try:
        return query(archive, "SELECT count(*) FROM fetches WHERE outcome = 'ok'")[0][0]
    except sqlite3.OperationalError:  # the database is not created yet
        return 0


def _kill_when(archive: Path, proc, at_least: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while _archived(archive) < at_least:
        assert proc.poll() is None, "the crawl ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def _state(archive: Path) -> dict:
    return {
        "reports": set(query(archive, "SELECT source_url, sha256, year, agency, status FROM reports")),
        "documents": set(query(archive, "SELECT sha256 FROM documents")),
        "failures": set(query(archive, "SELECT url, outcome FROM fetches WHERE outcome != 'ok'")),
    }


def test_sigkill_and_resume_equals_uninterrupted(tmp_path: Path) -> None:
    with Farm(seed=1, reports_per_county=12) as farm:
        sources = sources_csv(farm, tmp_path / "sources.csv")
        run_crawl(tmp_path / "whole", sources, farm)
        whole = _state(tmp_path / "whole")
        archive, jobdir = tmp_path / "killed", tmp_path / "job"
        proc = start_crawl(archive, sources, farm, jobdir)
        _kill_when(archive, proc, at_least=len(whole["documents"]) // 3)
        killed_at = _archived(archive)
        assert 0 < killed_at < len(whole["documents"])
        run_crawl(archive, sources, farm, jobdir)
    resumed = _state(archive)
    assert resumed["reports"] == whole["reports"]
    assert resumed["documents"] == whole["documents"]
    assert {u for u, _ in resumed["failures"]} == {u for u, _ in whole["failures"]}
    twice = query(archive, "SELECT url, count(*) FROM fetches WHERE outcome = 'ok' GROUP BY crawl_id, url "
                           "HAVING count(*) > 1")
    assert twice == []
    assert query(archive, "SELECT count(*) FROM crawls")[0][0] == 1  # the resumed crawl is the same crawl
