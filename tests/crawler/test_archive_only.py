"""`nianbao crawl --archive-only` then `nianbao parse-worker` elsewhere: the crawl fetches and archives (in group
commits) and parses nothing; a separate worker, at a lower CPU priority, parses every queued document, and the
archive then holds every planted report of the farm, each fetch with its WARC record."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive.directory import Archive
from archive.verify import check
from synth.farm import Farm
from synth.farm.audit import audit
from tests.crawler.farmcrawl import FAST, archive_reports, env, query, sources_csv

pytestmark = pytest.mark.slow


def test_archive_only_crawl_then_a_parse_worker_elsewhere(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with Farm(seed=3, n_counties=1) as farm:
        sources = sources_csv(farm, tmp_path / "sources.csv")
        crawl = subprocess.run([sys.executable, "-m", "nianbao", "crawl", "--archive", str(archive), "--sources",
                                str(sources), "--proxy", farm.proxy_url, "--archive-only", *FAST], env=env(),
                               capture_output=True, text=True, timeout=600)
        manifest = farm.manifest()
    assert crawl.returncode == 0, crawl.stdout[-2000:] + crawl.stderr[-2000:]
    assert "parse pool" not in crawl.stdout  # no pool was started
    pending = query(archive, "SELECT count(*) FROM parse_queue WHERE state = 'pending'")[0][0]
    assert pending > 0
    assert query(archive, "SELECT count(*) FROM reports") == [(0,)]
    assert check(Archive.open(archive)).problems == []

    worker = subprocess.run([sys.executable, "-m", "nianbao", "parse-worker", "--archive", str(archive), "--nice",
                             "5", "--until-idle"], env=env(), capture_output=True, text=True, timeout=600)
    assert worker.returncode == 0, worker.stdout[-2000:] + worker.stderr[-2000:]
    assert f"{pending} documents parsed" in worker.stdout
    assert query(archive, "SELECT count(*) FROM parse_queue WHERE state IN ('pending', 'parsing')") == [(0,)]
    result = audit(manifest, archive_reports(archive))
    assert result.reachable > 0
    assert (result.missing, result.duplicated, result.wrong, result.extra) == ([], [], [], []), result.summary()
