"""The portal farm as an operator starts it (`nianbao farm serve`), and `nianbao` commands run as they type them.

Everything runs in child processes with the project's `nianbao` console script; the farm binds a free port on
127.0.0.1 and is every crawl's proxy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import ProxyHandler, build_opener

from nianbao.demo import child_env

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
# quick, and chatty enough for the log-rotation check
QUICK = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NIANBAO_RETRY_BASE_DELAY=0.2",
         # the farm's portals all live on 127.0.0.1: farm crawls say so explicitly (no DNS look-ups)
         "-s", "NIANBAO_ALLOW_PRIVATE_ADDRESSES=True"]


def env() -> dict[str, str]:
    return {**child_env(), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


@dataclass
class ServedFarm:
    url: str
    sources: Path

    def control(self, path: str, data: bytes | None = None) -> Any:
        with build_opener(ProxyHandler({})).open(f"{self.url}/__farm__/{path}", data=data, timeout=60) as r:
            return json.loads(r.read().decode("utf-8"))

    def set_generation(self, generation: int) -> None:
        self.control("generation", str(generation).encode())

    def requests(self) -> list[dict[str, Any]]:
        return self.control("requests")["requests"]


@contextmanager
def served_farm(sources: Path, *args: str) -> Iterator[ServedFarm]:
    """`nianbao farm serve --port 0 --sources-out SOURCES ARGS…`; its first stdout line is the port."""
    proc = subprocess.Popen([NIANBAO, "farm", "serve", "--port", "0", "--sources-out", str(sources), *args],
                            env=env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(proc.stdout.readline())
        yield ServedFarm(f"http://127.0.0.1:{port}", sources)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def nianbao(*args: str, timeout: float = 600, **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run([NIANBAO, *args], env=env(), capture_output=True, text=True, timeout=timeout, **kwargs)


def crawl_args(archive: Path, farm: ServedFarm, *extra: str) -> list[str]:
    return ["crawl", "--archive", str(archive), "--sources", str(farm.sources), "--proxy", farm.url, *QUICK,
            "-s", "LOG_LEVEL=WARNING", *extra]


def start_crawl(archive: Path, farm: ServedFarm, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([NIANBAO, *crawl_args(archive, farm, *extra)], env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
