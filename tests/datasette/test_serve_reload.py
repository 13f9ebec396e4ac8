"""A running `nianbao serve` shows what a later `nianbao ingest` added, without a manual restart (real server)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import synth
from nianbao.pipeline import Archive, ingest_paths
from tests.conftest import ROOT
from tests.datasette.served import free_port, wait_until_up


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _write(folder: Path, agency: str, year: int, seed: int) -> None:
    rng = random.Random(seed)
    data, ext = synth.render(synth.random_record(rng, "gov2021", agency=agency, year=year), "html-plain", rng)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{seed}.{ext}").write_bytes(data)


def test_serve_shows_reports_ingested_after_it_started(tmp_path: Path) -> None:
    archive_dir = tmp_path / "archive"
    _write(tmp_path / "a", "海原县人民政府", 2023, 1)
    first = Archive.open(archive_dir)
    assert ingest_paths(first, [tmp_path / "a"]).counts["new"] == 1
    first.db.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nianbao", "serve", "--archive", str(archive_dir),
                             "--port", str(port), "--watch", "0.5"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/-/versions.json", proc, timeout=60)
        assert _status(base + "/nianbao/reports/1") == 200
        assert _status(base + "/nianbao/reports/2") == 404
        _write(tmp_path / "b", "青田县人民政府", 2024, 2)
        archive = Archive.open(archive_dir)
        assert ingest_paths(archive, [tmp_path / "b"]).counts["new"] == 1
        archive.db.close()
        deadline = time.monotonic() + 90
        while _status(base + "/nianbao/reports/2") != 200:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "the new report never appeared"
            time.sleep(0.5)
        assert _status(base + "/nianbao/reports/1") == 200
    finally:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    """serve and the Datasette it started (one process group)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
