"""Helpers for the fault tests: report folders, `nianbao ingest` in a child process (optionally made to SIGKILL
itself at a chosen point of a write), and what `archive.verify` finds."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import synth
from archive.directory import Archive
from archive.verify import check
from tests.crawler.farmcrawl import env

ROOT = Path(__file__).resolve().parents[2]

# Child-side patches: each makes the ingest kill itself with SIGKILL at the Kth time it reaches one point.
KILL_AT = {
    "warc_append": """
import archive.warc as target
real = target.WarcLog._append
def patched(self, *a, **k):
    countdown()
    return real(self, *a, **k)
target.WarcLog._append = patched
""",
    "mid_warc_record": """
import os
real = os.write
def patched(fd, data):
    if os.readlink(f"/proc/self/fd/{fd}").endswith(".warc.gz") and COUNT[0] + 1 >= K:
        real(fd, bytes(data)[: len(data) // 2])
    if os.readlink(f"/proc/self/fd/{fd}").endswith(".warc.gz"):
        countdown()
    return real(fd, data)
os.write = patched
""",
    "fetch_insert": """
import sqlite_utils.db as target
real = target.Table.insert
def patched(self, *a, **k):
    if self.name == "fetches":
        countdown()
    return real(self, *a, **k)
target.Table.insert = patched
""",
    "report_insert": """
import sqlite_utils.db as target
real = target.Table.insert
def patched(self, *a, **k):
    if self.name == "reports":
        countdown()
    return real(self, *a, **k)
target.Table.insert = patched
""",
}

PRELUDE = """
import os, signal, sys
K = {k}
COUNT = [0]
def countdown():
    COUNT[0] += 1
    if COUNT[0] >= K:
        os.kill(os.getpid(), signal.SIGKILL)
"""


def report_folder(folder: Path, n: int = 24, binaries: int = 0, seed: int = 3) -> Path:
    """n synthetic reports in every layout, plus `binaries` files of 40 KB of random bytes (stored, unparseable)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    layouts = sorted(synth.LAYOUTS)
    for i in range(n):
        record = synth.random_record(rng, synth.TEMPLATES[i % 3])
        data, ext = synth.render(record, layouts[i % len(layouts)], rng)
        (folder / f"r{i:03}.{ext}").write_bytes(data)
    for i in range(binaries):
        (folder / f"b{i:03}.bin").write_bytes(rng.randbytes(40_000))
    return folder


def ingest_command(archive: Path, *paths: Path, kill_at: str | None = None, k: int = 1) -> list[str]:
    script = "from nianbao.cli import cli\ncli()"
    if kill_at:
        script = PRELUDE.format(k=k) + KILL_AT[kill_at] + script
    return [sys.executable, "-c", script, "ingest", *map(str, paths), "--archive", str(archive)]


def start_ingest(archive: Path, *paths: Path, kill_at: str | None = None, k: int = 1) -> subprocess.Popen:
    return subprocess.Popen(ingest_command(archive, *paths, kill_at=kill_at, k=k), cwd=ROOT, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def ingest(archive: Path, *paths: Path, kill_at: str | None = None, k: int = 1) -> tuple[int, str]:
    proc = start_ingest(archive, *paths, kill_at=kill_at, k=k)
    out, _ = proc.communicate(timeout=600)
    return proc.returncode, out


def problems(archive: Path) -> list[str]:
    return [str(p) for p in check(Archive.open(archive)).problems]


def contents(archive: Path) -> dict[str, set]:
    """What an archive holds, independent of ids, times and WARC offsets."""
    db = Archive.open(archive).db
    return {
        "fetches": {(r["url"], r["sha256"]) for r in db["fetches"].rows},
        "documents": {r["sha256"] for r in db["documents"].rows},
        "reports": {(r["sha256"], r["status"], r["year"], r["agency"]) for r in db["reports"].rows},
    }


@contextmanager
def small_tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `path` (skips where mounting is not allowed)."""
    path.mkdir(parents=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): the full-disk tests need a real full filesystem")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
