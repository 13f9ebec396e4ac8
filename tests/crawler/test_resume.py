"""A crawl killed with SIGKILL mid-way and restarted with the same JOBDIR ends with the same archive as an
uninterrupted crawl, archives nothing twice, and passes `nianbao verify` (every fetch has its WARC record, every
WARC file reads from start to end). A crawl stopped by a full disk says so, damages nothing, and resumes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from synth.farm import Farm
from synth.farm.audit import audit
from tests.archive.faults import problems, small_tmpfs
from tests.crawler.farmcrawl import archive_reports, query, run_crawl, sources_csv, start_crawl

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
    assert problems(archive) == []


def test_disk_full_stops_the_crawl_with_a_message_and_the_same_crawl_resumes(tmp_path: Path) -> None:
    archive, jobdir = tmp_path / "archive", tmp_path / "job"
    archive.mkdir()
    with small_tmpfs(tmp_path / "small", "256k") as disk, Farm(seed=1, reports_per_county=12) as farm:
        (archive / "warc").symlink_to(disk)
        sources = sources_csv(farm, tmp_path / "sources.csv")
        proc = start_crawl(archive, sources, farm, jobdir)
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 1, out[-3000:]
        assert "disk full while writing the WARC file" in out
        assert "the same command resumes it" in out
        assert "Traceback" not in out
        assert problems(archive) == []  # what was archived before the disk filled is whole
        stopped_at = query(archive, "SELECT count(*) FROM fetches WHERE outcome = 'ok'")[0][0]
        assert stopped_at > 0
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        run_crawl(archive, sources, farm, jobdir)
        manifest = farm.manifest()
        assert problems(archive) == []  # before the WARC files' tmpfs goes
    assert query(archive, "SELECT count(*) FROM fetches WHERE outcome = 'ok'")[0][0] > stopped_at
    result = audit(manifest, archive_reports(archive))
    assert (result.missing, result.duplicated, result.wrong, result.extra) == ([], [], [], []), result.summary()
    assert query(archive, "SELECT count(*) FROM crawls")[0][0] == 1
