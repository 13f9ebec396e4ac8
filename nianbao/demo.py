"""`nianbao demo`: the bundled portal farm → a real Scrapy crawl → the archive → Datasette, on this machine.

Everything is local (the farm binds 127.0.0.1 and is the crawler's HTTP proxy) and synthetic: the counties
are real names and codes, the portals and their reports are generated. The Datasette pages say so.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from crawler.registry import load_registry, load_sub_units, sub_unit_sources, sub_units_path, write_registry
from crawler.sources import Source, write_sources
from synth.farm import Farm
from synth.farm.audit import Audit, audit, report_rows
from synth.farm.sources import farm_sources

# The farm is local: no politeness delay is owed to it, but per-host concurrency stays as configured.
# The farm answers on 127.0.0.1 for every portal: the one crawl allowed to reach private addresses.
FARM_SETTINGS = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
                 "-s", "NIANBAO_ALLOW_PRIVATE_ADDRESSES=True"]


DEMO_MARKER = "farm-sources.csv"


def fresh_archive(path: Path) -> Path:
    """An empty directory for the demo archive. Only a directory the demo made (it holds the farm's sources
    file) or an empty one is cleared: pointing --archive at a real archive must never delete it."""
    import shutil

    if path.exists() and any(path.iterdir()):
        if not (path / DEMO_MARKER).exists():
            raise SystemExit(f"{path} holds data that is not a demo archive; choose another --archive")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def child_env() -> dict[str, str]:
    """This process's environment for a child crawl, without proxy variables: the child is given the farm's
    proxy explicitly (`--proxy`), and an inherited no_proxy must not let farm hosts resolve for real."""
    return {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}


def discover_farm(farm: Farm, archive: Path, say: Callable[[str], None]) -> list[Source]:
    """The farm's sources with every county portal found from its division code alone (`nianbao sources
    discover` against the farm): start URLs are the discovered 年报 columns and verified homepages, and the
    department and township units come from what the county platforms list."""
    sources = farm_sources(farm.manifest())
    codes = {s.division_code for s in sources if s.level == "county_gov"}
    registry = archive / "registry.csv"
    write_registry([u for u in load_registry() if u.code in codes], registry)
    cmd = [sys.executable, "-m", "nianbao", "sources", "discover", "--registry", str(registry),
           "--proxy", farm.proxy_url, *FARM_SETTINGS]
    subprocess.run(cmd, env=child_env(), check=False, stdout=subprocess.DEVNULL)
    units = {u.code: u for u in load_registry(registry)}
    found = 0
    for source in sources:
        unit = units.get(source.division_code)
        if source.level == "county_gov" and unit and unit.start_urls():
            source.start_urls = " ".join(unit.start_urls())
            found += 1
    departments = sub_unit_sources(load_sub_units(sub_units_path(registry)))
    say(f"  discovery from {len(codes)} division codes: {found} portals verified with their 年报 columns "
        f"({', '.join(sorted(u.host for u in units.values() if u.status == 'verified'))}), "
        f"{len(departments)} department and township units listed on them")
    if departments:  # the departments as the county platforms list them, not the farm's own list
        sources = [s for s in sources if s.level == "county_gov"] + departments
    return sources


def crawl_farm(farm: Farm, archive: Path, say: Callable[[str], None], every: float = 3.0) -> int:
    """Discover the farm's county portals from their codes, then crawl the running farm into `archive` with
    `nianbao crawl` in a child process, reporting progress."""
    sources = archive / DEMO_MARKER
    write_sources(discover_farm(farm, archive, say), sources)
    cmd = [sys.executable, "-m", "nianbao", "crawl", "--archive", str(archive), "--sources", str(sources),
           "--proxy", farm.proxy_url, *FARM_SETTINGS]
    proc = subprocess.Popen(cmd, env=child_env())
    while proc.poll() is None:
        time.sleep(every)
        say(progress(archive, len(farm.requests)))
    return proc.returncode


def progress(archive: Path, requests: int) -> str:
    try:
        with closing(sqlite3.connect(f"file:{archive / 'nianbao.db'}?mode=ro", uri=True, timeout=1)) as db:
            docs = db.execute("SELECT count(*) FROM fetches WHERE outcome = 'ok'").fetchone()[0]
            reports = db.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        docs = reports = 0
    return f"  {requests} requests, {docs} documents archived, {reports} reports parsed"


def check_against_farm(farm: Farm, archive: Path) -> Audit:
    with closing(sqlite3.connect(archive / "nianbao.db")) as db:
        return audit(farm.manifest(), report_rows(db))
