"""The archive's one write path under faults: kill -9 at any point of `nianbao ingest`, two ingests at once,
a full disk under the raw store or the WARC files, corrupt or missing raw files. After each, a rerun completes
the archive and `archive.verify` finds nothing wrong: every fetch has its WARC record, every WARC file reads from
start to end, every raw file matches its hash."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.archive.faults import contents, ingest, problems, report_folder, small_tmpfs, start_ingest


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report_folder(tmp_path_factory.mktemp("reports") / "in", n=24, binaries=6)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, folder: Path) -> dict[str, set]:
    archive = tmp_path_factory.mktemp("clean") / "a"
    code, out = ingest(archive, folder)
    assert code == 0, out
    assert problems(archive) == []
    return contents(archive)


@pytest.mark.parametrize("point", ["warc_append", "mid_warc_record", "fetch_insert", "report_insert"])
def test_kill_9_at_each_point_of_a_write_then_rerun_completes_the_archive(
        tmp_path: Path, folder: Path, clean: dict[str, set], point: str) -> None:
    archive = tmp_path / "a"
    code, out = ingest(archive, folder, kill_at=point, k=9)
    assert code == -signal.SIGKILL, out  # the child really died at that point
    code, out = ingest(archive, folder)
    assert code == 0, out
    assert problems(archive) == []
    assert contents(archive) == clean


def _fetch_count(archive: Path) -> int:
    try:
        with closing(sqlite3.connect(archive / "nianbao.db", timeout=30)) as db:
            return db.execute("SELECT count(*) FROM fetches").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_kill_9_at_random_times_during_ingest(tmp_path: Path, folder: Path, clean: dict[str, set]) -> None:
    """Each run is killed a random moment after it has written a random number (1–4) of documents."""
    archive, rng, kills = tmp_path / "a", random.Random(12), 0
    for _ in range(4):
        before, step = _fetch_count(archive), rng.randint(1, 4)
        proc = start_ingest(archive, folder)
        while proc.poll() is None and _fetch_count(archive) < before + step:
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.05))  # ingest writes ~25 documents/s: a longer pause let a run finish them all
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.communicate()
    assert kills >= 3, "the ingest finished before most kills: the test did not test anything"
    # the rerun below has work to do: documents not yet written, or written but not yet complete
    assert _fetch_count(archive) < len(clean["fetches"]) or contents(archive) != clean or problems(archive)
    code, out = ingest(archive, folder)
    assert code == 0, out
    assert problems(archive) == []
    assert contents(archive) == clean


def test_two_ingests_at_once_both_succeed(tmp_path: Path, folder: Path) -> None:
    other = report_folder(tmp_path / "other", n=24, binaries=0, seed=4)
    for path in list(folder.iterdir())[:5]:  # the same bytes under other names: shared documents
        (other / f"copy-{path.name}").write_bytes(path.read_bytes())
    archive = tmp_path / "a"
    procs = [start_ingest(archive, folder), start_ingest(archive, other)]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert not any("locked" in out for out in outs)
    assert problems(archive) == []
    got = contents(archive)
    assert len(got["fetches"]) == len(list(folder.iterdir())) + len(list(other.iterdir()))
    assert {sha for sha, *_ in got["reports"]} == got["documents"]  # every document has its report


@pytest.mark.parametrize("store", ["raw", "warc"])
def test_disk_full_gives_a_message_damages_nothing_and_a_rerun_completes(
        tmp_path: Path, folder: Path, clean: dict[str, set], store: str) -> None:
    archive = tmp_path / "a"
    archive.mkdir()
    with small_tmpfs(tmp_path / "small", "160k") as disk:
        (archive / store).symlink_to(disk)
        code, out = ingest(archive, folder)
        assert code == 1, out
        assert "disk full while writing the" in out
        assert "Traceback" not in out
        assert problems(archive) == []  # what was written before the full disk is whole
        assert 0 < len(contents(archive)["fetches"]) < len(clean["fetches"])
        subprocess.run(["mount", "-o", "remount,size=16m", str(disk)], check=True)
        code, out = ingest(archive, folder)
        assert code == 0, out
        assert problems(archive) == []  # and the WARC reads from start to end after the resume
        assert contents(archive) == clean
