"""Run `nianbao crawl` against a running farm in a subprocess (Twisted's reactor cannot restart in pytest).

The proxy goes in the environment so every request Scrapy makes, robots.txt included, reaches the farm.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from crawler.sources import write_sources
from nianbao.demo import child_env
from synth.farm import Farm
from synth.farm.audit import report_rows
from synth.farm.sources import farm_sources

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
        "-s", "NIANBAO_RETRY_BASE_DELAY=0.2", "-s", "NIANBAO_ALLOW_PRIVATE_ADDRESSES=True"]


def sources_csv(farm: Farm, path: Path) -> Path:
    write_sources(farm_sources(farm.manifest()), path)
    return path


def crawl_command(archive: Path, sources: Path, farm: Farm, jobdir: Path | None = None) -> list[str]:
    cmd = [sys.executable, "-c", "from nianbao.cli import cli; cli()", "crawl", "--archive", str(archive),
           "--sources", str(sources), "--proxy", farm.proxy_url, *FAST]
    return cmd + (["--jobdir", str(jobdir)] if jobdir else [])


def env() -> dict[str, str]:
    return {**child_env(), "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def start_crawl(archive: Path, sources: Path, farm: Farm, jobdir: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(crawl_command(archive, sources, farm, jobdir), env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def run_crawl(archive: Path, sources: Path, farm: Farm, jobdir: Path | None = None, timeout: int = 600) -> str:
    proc = start_crawl(archive, sources, farm, jobdir)
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out[-3000:]
    return out


def archive_reports(archive: Path) -> list[dict]:
    """The archive's report rows as synth.farm.audit reads them."""
    with closing(sqlite3.connect(archive / "nianbao.db")) as db:
        return report_rows(db)


def query(archive: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with closing(sqlite3.connect(archive / "nianbao.db")) as db:
        return db.execute(sql, params).fetchall()
