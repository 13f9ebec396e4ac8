"""python -m synth.farm prints its port and serves as a proxy; control endpoints switch generations."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.farm.client import Client

ROOT = Path(__file__).resolve().parents[2]


def test_cli_serves() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "synth.farm", "--seed", "2", "--port", "0", "--sites", "2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        client = Client(f"http://127.0.0.1:{port}")
        # control endpoints are addressed to the proxy itself, without a proxy
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__farm__/manifest", timeout=10) as resp:
            manifest = json.load(resp)
        home = manifest["sites"][0]["home_url"]
        assert client.get(home).status == 200
        req = urllib.request.Request(f"http://127.0.0.1:{port}/__farm__/generation", data=b"1", method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert json.load(resp) == {"generation": 1}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
