"""docs/operations.md's farm rehearsal, run as written (a free port for 8899, this checkout's .venv): two crawls
across a farm generation change, and `nianbao audit` saying the edited report is a new version and the removed
one is marked."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.served_farm import env

pytestmark = pytest.mark.slow
DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_rehearsal_runs_as_written(tmp_path: Path) -> None:
    section = DOC.read_text(encoding="utf-8").split("## Rehearsal on the portal farm", 1)[1]
    script = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    assert "nianbao farm serve" in script
    venv_bin = str(Path(sys.executable).parent) + "/"
    script = script.replace("8899", str(_free_port())).replace(".venv/bin/", venv_bin)
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    audits = [line for line in done.stdout.splitlines() if line.startswith("generation ")]
    assert len(audits) == 2
    assert "missing 0, duplicated 0" in audits[1]
    assert "edited (new version) 1, removed as expected 1, removed but not marked 0" in audits[1]
    assert "crawl #2 finished" in done.stdout
