"""Scrapy (Twisted) through the farm: http_proxy in the environment sends every request to 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from synth.farm import Farm

ROOT = Path(__file__).resolve().parents[2]


def test_scrapy_through_the_proxy(tmp_path: Path) -> None:
    with Farm(seed=1) as farm:
        manifest: dict[str, Any] = farm.manifest()
        homes = [s["home_url"] for s in manifest["sites"] if s["kind"] == "county"]
        disallowed = next(s["nb_url"] for s in manifest["sites"] if s["host"].startswith("sfj."))
        flaky = manifest["trouble"]["flaky"][0]["url"]
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "https_proxy", "all_proxy")}
        env.update(http_proxy=farm.proxy_url, https_proxy=farm.proxy_url)
        out = tmp_path / "items.json"
        subprocess.run([sys.executable, "-m", "tests.farm.scrapy_probe", str(out), *homes, disallowed, flaky],
                       cwd=ROOT, env=env, check=True, timeout=120, capture_output=True)
        items = {i["url"]: i for i in json.loads(out.read_text())}
        log = farm.requests
    assert {u for u in homes} <= set(items)
    assert all(items[u]["site_name"] for u in homes)
    assert {items[u]["encoding"] for u in homes} >= {"utf-8", "gb18030"}
    assert items[flaky]["status"] == 200                        # retried after the planted 500
    assert disallowed not in {r.url for r in log}               # robots.txt obeyed
    assert {r.host for r in log if r.path == "/robots.txt"} >= {u.split("/")[2] for u in homes}
    assert not [r for r in log if r.outside]
