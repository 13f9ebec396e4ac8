"""`nianbao demo` end to end: farm → Scrapy crawl → archive → Datasette, every page saying the data is synthetic."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from nianbao.demo import child_env, fresh_archive

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 directly
    return opener.open(url, timeout=timeout).read()


def _wait_for(url: str, proc: subprocess.Popen, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else "demo exited"
        try:
            return _get(url)
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.mark.slow
def test_demo_builds_and_serves_synthetic_archive(tmp_path: Path) -> None:
    port = _free_port()
    cmd = [sys.executable, "-m", "nianbao", "demo", "--archive", str(tmp_path / "demo"), "--reports-per-county", "4",
           "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        home = _wait_for(f"http://127.0.0.1:{port}/", proc, timeout=400).decode()
        assert "synthetic" in home
        assert "合成数据" in home
        rows = json.loads(_get(f"http://127.0.0.1:{port}/nianbao/reports.json?_shape=array&_size=max"))
        assert len(rows) > 10
        assert {r["status"] for r in rows} <= {"ok", "partial", "image_only", "not_a_report", "unparseable"}
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "0 duplicated" in out or "duplicated 0" in out
    assert "missing 0" in out
    assert "discovery from 6 division codes: 6 portals verified" in out  # the county portals came from codes


def test_demo_never_clears_a_directory_it_did_not_make(tmp_path: Path) -> None:
    real = tmp_path / "archive"
    real.mkdir()
    (real / "nianbao.db").write_bytes(b"not a demo")
    with pytest.raises(SystemExit, match="not a demo archive"):
        fresh_archive(real)
    assert (real / "nianbao.db").read_bytes() == b"not a demo"
