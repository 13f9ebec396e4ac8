"""The scheduled crawl, exactly as `nianbao schedule` prints it and run through a shell, twice against the farm
across a generation change (issue 14, section 1): the second run is a new crawl that re-checks what the first
archived with conditional requests, so the edited report gets version 2 and the removed one `removed_at`.
Paths contain spaces (the printed line must quote them); the log is rotated; `nianbao audit` knows versions.
"""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from tests.ops.served_farm import QUICK, env, nianbao, served_farm

pytestmark = pytest.mark.slow


def _scheduled_line(work: Path, archive: Path, farm_url: str, sources: Path) -> str:
    printed = nianbao("schedule", "--archive", str(archive), "--workdir", str(work), "--sources", str(sources),
                      "--proxy", farm_url, *QUICK, "-s", "LOG_LEVEL=INFO", "-s", "NIANBAO_LOG_MAX_BYTES=4000")
    assert printed.returncode == 0, printed.stderr
    line = next(x for x in printed.stdout.splitlines() if x and not x.startswith("#"))
    return line.split(" ", 5)[5]  # what cron runs: the line without its five time fields


def _run_in_shell(line: str) -> None:
    done = subprocess.run(["sh", "-c", line], env=env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def _rows(archive: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with closing(sqlite3.connect(archive / "nianbao.db")) as db:
        return db.execute(sql, params).fetchall()


def _reports_of(archive: Path, planted: dict, columns: str) -> list[tuple]:
    """The report rows from a planted report's article page or attachments, oldest version first."""
    urls = [planted["article_url"], *planted["attachment_urls"]]
    marks = ",".join("?" * len(urls))
    return _rows(archive, f"SELECT {columns} FROM reports WHERE source_url IN ({marks}) ORDER BY version", tuple(urls))


def test_scheduled_line_twice_across_a_generation_change(tmp_path: Path) -> None:
    work = tmp_path / "work dir"
    work.mkdir()
    archive, sources = work / "my archive", work / "farm sources.csv"
    with served_farm(sources, "--sites", "2", "--reports-per-county", "4") as farm:
        line = _scheduled_line(work, archive, farm.url, sources)
        _run_in_shell(line)
        before = len(farm.requests())
        farm.set_generation(1)
        manifest = farm.control("manifest")
        changes = manifest["changes"]["1"]
        removed_planted = next(r for r in farm.control("manifest?generation=0")["reports"]
                               if r["id"] == changes["removed"][0]["id"])
        _run_in_shell(line)
        second = farm.requests()[before:]
        audited = nianbao("audit", "--archive", str(archive), "--farm", farm.url)
    crawls = _rows(archive, "SELECT id, finished_at IS NOT NULL FROM crawls ORDER BY id")
    assert crawls == [(1, 1), (2, 1)]
    assert _rows(archive, "SELECT count(*) FROM fetches WHERE crawl_id = 2")[0][0] > 0
    assert sum(r["conditional"] for r in second) > 5
    assert any(r["status"] == 304 for r in second)
    edited = next(r for r in manifest["reports"] if r["id"] == changes["edited"][0]["id"])
    assert _reports_of(archive, edited, "version, is_current") == [(1, 0), (2, 1)]
    removed = _reports_of(archive, removed_planted, "removed_at")
    assert removed
    assert all(r[0] for r in removed)
    assert audited.returncode == 0, audited.stdout
    assert "edited (new version) 1" in audited.stdout
    assert "removed as expected 1" in audited.stdout
    assert (work / "var" / "log" / "crawl.log.1").exists()  # rotated at NIANBAO_LOG_MAX_BYTES
    summaries = (work / "var" / "log" / "cron.log").read_text(encoding="utf-8")
    assert "crawl #1 finished" in summaries
    assert "crawl #2 finished" in summaries
