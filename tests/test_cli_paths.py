"""Hostile paths given to `nianbao parse` and `nianbao ingest` (issue 12 §2): every path gets a line, nothing
blocks or reads forever, and the output stays valid UTF-8 with one line per file.

The commands run in a subprocess with a timeout (a FIFO used to block forever). As root, permissions do
not stop reads; the commands then run without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (setpriv), so an
unreadable directory is unreadable as it is for any other user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

REPORT = "<p>海原县2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>正文</p>"
READ = "partial"  # what the parser makes of REPORT: a 2023 report without its tables (not skipped, not an error)
LATIN1_NAME = b"caf\xe9.html"
READ = "partial"  # what REPORT parses to: a 2023 report without its tables is partial, never ok


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: an unreadable directory cannot be made unreadable")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    return subprocess.run([*prefix, sys.executable, "-m", "nianbao", *args], cwd=ROOT, capture_output=True,
                          timeout=timeout, check=False)


@pytest.fixture
def hostile(tmp_path: Path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.html").write_text(REPORT, encoding="utf-8")
    os.mkfifo(d / "fifo")
    (d / "zero").symlink_to("/dev/zero")
    (d / "dangling").symlink_to(d / "missing")
    (d / "loop1").symlink_to(d / "loop2")
    (d / "loop2").symlink_to(d / "loop1")
    (d / ".hidden.html").write_text(REPORT, encoding="utf-8")
    (d / "linkdir").symlink_to(tmp_path)
    with open(os.path.join(os.fsencode(d), LATIN1_NAME), "w", encoding="utf-8") as f:
        f.write(REPORT)
    (d / "two\nlines.html").write_text(REPORT, encoding="utf-8")
    locked = d / "locked"
    locked.mkdir()
    (locked / "inner.html").write_text(REPORT, encoding="utf-8")
    locked.chmod(0)
    yield d
    locked.chmod(0o755)


SKIPPED = {
    "fifo": "not a regular file: a FIFO",
    "zero": "not a regular file: a character device",
    "dangling": "broken symbolic link",
    "loop1": "symbolic link loop",
    "loop2": "symbolic link loop",
    "linkdir": "symbolic link to a directory",
    "locked": "directory not readable: permission denied",
}


def test_parse_gives_every_path_a_record_in_valid_utf8_jsonl(hostile: Path) -> None:
    out = _run(["parse", str(hostile), "--jsonl", "--no-cells"])
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    text = out.stdout.decode("utf-8")  # raises on invalid UTF-8
    records = {Path(r["source"]).name: r for r in map(json.loads, text.splitlines())}
    for name, why in SKIPPED.items():
        assert records[name]["status"] == "error", name
        error = records[name]["errors"][0]
        assert error.startswith("skipped: "), name
        assert why in error, name
    assert records["good.html"]["status"] == READ
    assert records["caf\\xe9.html"]["status"] == READ
    assert records["two\\nlines.html"]["status"] == READ
    assert records[".hidden.html"]["status"] == READ  # parse reads what it is given; ingest skips hidden files
    assert len(records) == len(SKIPPED) + 4


def test_parse_summary_has_one_line_per_file(hostile: Path) -> None:
    out = _run(["parse", str(hostile)])
    lines = out.stdout.decode("utf-8").splitlines()
    heads = [line for line in lines if not line.startswith("  ")]
    assert len(heads) == len(SKIPPED) + 4
    assert any(line.startswith(f"{hostile}/two\\nlines.html: {READ}") for line in heads)


def test_ingest_reports_every_skipped_path_and_goes_on(hostile: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file.html"
    out = _run(["ingest", str(missing), str(hostile), str(hostile / "locked" / "inner.html"),
                "--archive", str(tmp_path / "archive")])
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    said = out.stderr.decode("utf-8").splitlines()
    for name, why in {**SKIPPED, ".hidden.html": "hidden file"}.items():
        assert any(line.startswith(f"{hostile / name}: skipped: ") and why in line for line in said), name
    assert f"{missing}: skipped: a broken symbolic link (its target does not exist)" not in said
    assert any(line.startswith(f"{missing}: skipped: ") for line in said)
    assert any(line.startswith(f"{hostile}/locked/inner.html: skipped: permission denied") for line in said)
    summary = out.stdout.decode("utf-8")
    assert "'new': 1" in summary
    assert "'unchanged': 2" in summary
    assert f"'skipped': {len(SKIPPED) + 3}" in summary
