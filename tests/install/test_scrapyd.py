"""The documented Scrapyd deploy, for real: a Scrapyd daemon on 127.0.0.1 (its own venv with the project's runtime
dependencies and no nianbao: the job can only run the deployed egg), `scrapyd-deploy` from a copy of the
project, the `reports` spider scheduled against the portal farm with the proxy as a setting and the sources
file as a spider argument, and the archive compared with a crawl of the same farm from the checkout."""

from __future__ import annotations

import configparser
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from synth.farm import Farm
from synth.farm.audit import audit
from tests.crawler.farmcrawl import FAST, archive_reports, query, run_crawl, sources_csv
from tests.install.envs import clean_env, make_venv, project_requirements, source_copy

pytestmark = pytest.mark.slow

SCRAPYD = "scrapyd==1.6.0"  # as pinned in pyproject.toml's dev extra


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(base: str, path: str, data: dict[str, str | list[str]] | None = None) -> dict:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 directly
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with opener.open(base + path, data=body, timeout=30) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A running Scrapyd (URL, its directory)."""
    home = tmp_path_factory.mktemp("scrapyd")
    python = make_venv(home / "venv", [*project_requirements(), SCRAPYD])
    port = _free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\nitems_dir =\ndbs_dir = {home / 'dbs'}\nmax_proc = 1\npoll_interval = 0.5\n",
        encoding="utf-8")
    log = (home / "scrapyd.out").open("w")
    proc = subprocess.Popen([str(python), "-m", "scrapyd"], cwd=home, env=clean_env(home / "venv"), stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (home / "scrapyd.out").read_text()
            try:
                _call(base, "daemonstatus.json")
                break
            except OSError:
                assert time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.3)
        yield base, home
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def deploy(base: str, project: Path) -> str:
    """`scrapyd-deploy` as docs/distributed.md says, the [deploy] target pointed at this Scrapyd."""
    cfg = configparser.ConfigParser()
    cfg.read(project / "scrapy.cfg")
    cfg["deploy"]["url"] = base
    with (project / "scrapy.cfg").open("w") as f:
        cfg.write(f)
    before = {p.relative_to(project) for p in project.rglob("*")}
    exe = Path(sys.executable).with_name("scrapyd-deploy")
    done = subprocess.run([str(exe)], cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    after = {p.relative_to(project) for p in project.rglob("*")}
    left = {p for p in after - before if p.parts[0] != "build" and not p.parts[0].endswith(".egg-info")}
    assert left == set(), f"scrapyd-deploy left files in the project: {sorted(map(str, left))}"
    return done.stdout + done.stderr


def wait_for_job(base: str, job: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = _call(base, "listjobs.json?project=nianbao")
        if any(j["id"] == job for j in jobs["finished"]):
            return
        time.sleep(1)
    raise AssertionError(f"job {job} did not finish within {timeout} s")


def report_table(archive: Path) -> dict[str, tuple]:
    """source URL → what the parser made of it."""
    with closing(sqlite3.connect(archive / "nianbao.db")) as db:
        rows = db.execute("SELECT r.source_url, r.status, r.year, r.template, a.name, a.division_code, a.level, "
                          "(SELECT count(*) FROM report_values v WHERE v.report_id = r.id) "
                          "FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id").fetchall()
    return {row[0]: row[1:] for row in rows}


def test_scrapyd_job_from_the_deployed_egg_parses_as_the_checkout(scrapyd: tuple[str, Path],
                                                                   tmp_path: Path) -> None:
    base, home = scrapyd
    project = source_copy(tmp_path / "project")
    deploy(base, project)
    assert "nianbao" in _call(base, "listprojects.json")["projects"]
    with Farm(seed=1, n_counties=2, reports_per_county=3) as farm:
        sources = sources_csv(farm, tmp_path / "sources.csv")
        archive = tmp_path / "scrapyd-archive"
        settings = [s for s in FAST[1::2] if not s.startswith("LOG_LEVEL")]  # the stats are logged at INFO
        job = _call(base, "schedule.json", {
            "project": "nianbao", "spider": "reports", "sources": str(sources),
            "setting": [f"NIANBAO_ARCHIVE={archive}", f"NIANBAO_PROXY={farm.proxy_url}", *settings]})
        assert job["status"] == "ok", job
        wait_for_job(base, job["jobid"])
        log = next((home / "logs" / "nianbao" / "reports").glob(f"{job['jobid']}.log")).read_text()
        assert "'finish_reason': 'finished'" in log, log[-3000:]
        assert farm.requests  # the job went through the proxy it was given as a setting
        assert not any(r.outside for r in farm.requests)
        job_requests = len(farm.requests)
        checkout = tmp_path / "checkout-archive"
        run_crawl(checkout, sources, farm)
        truth = farm.manifest()
    result = audit(truth, archive_reports(archive))
    assert result.reachable > 5
    assert (result.missing, result.duplicated, result.wrong) == ([], [], []), result.summary()
    assert query(archive, "SELECT requests FROM crawls") == [(job_requests,)]
    got, expected = report_table(archive), report_table(checkout)
    assert got == expected
    assert "error" not in {row[0] for row in got.values()}
    parsed = [row for row in got.values() if row[0] in ("ok", "partial")]
    assert len(parsed) >= result.reachable - 2  # the farm plants image-only reports too
    assert all(row[3] and row[4] and row[6] > 0 for row in parsed), parsed  # agency, division, values
