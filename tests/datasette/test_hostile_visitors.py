"""Hostile visitors (issue 12 §3) against a real `nianbao serve` command line (Datasette on a free port): one
query cannot take the server's memory, fts3_tokenizer() is refused, and no page, API answer or dump shows
this machine's paths — while the other pages keep working."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.dump import dump
from nianbao.serve import datasette_args, prepare
from tests.datasette.build import Built
from tests.datasette.served import served


@pytest.fixture(scope="module")
def secret_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("private-machine-dir")


@pytest.fixture(scope="module")
def archive(built: Built, secret_dir: Path) -> Path:
    """A copy of the test archive with what a real one holds: a crawl's jobdir and an ingested file's URL."""
    db_path = secret_dir / "archive" / "nianbao.db"
    db_path.parent.mkdir()
    shutil.copy(built.db_path, db_path)
    shutil.copy(built.db_path.with_name("nianbao_text.db"), db_path.with_name("nianbao_text.db"))
    (db_path.parent / "raw").symlink_to(built.root / "raw")
    with sqlite3.connect(db_path.with_name("nianbao_text.db")) as text:  # text that names a local path
        text.execute("UPDATE sections SET text = text || ? WHERE rowid = (SELECT min(rowid) FROM sections)",
                     [f" 见 {(secret_dir / 'notes.txt').as_uri()}"])
    with sqlite3.connect(db_path) as db:
        db.execute("INSERT INTO crawls (started_at, jobdir, spider) VALUES ('2026-01-01T00:00:00Z', ?, 'reports')",
                   [str(secret_dir / "jobs" / "all")])
        db.execute("UPDATE reports SET source_url = ? WHERE id = (SELECT min(id) FROM reports)",
                   [(secret_dir / "in" / "hongze-2023.html").as_uri()])
        db.execute("UPDATE fetches SET url = ? WHERE id = (SELECT min(id) FROM fetches)",
                   [(secret_dir / "in" / "hongze-2023.html").as_uri()])
    return db_path


@pytest.fixture(scope="module")
def server(archive: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    db_path = prepare(archive)
    with served(lambda port: datasette_args(db_path, "127.0.0.1", port)) as running:
        yield running


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _sql(base: str, sql: str) -> tuple[int, str]:
    return _get(f"{base}/nianbao.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}))


def _peak_rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def test_fts3_tokenizer_is_not_callable(server: tuple[str, subprocess.Popen]) -> None:
    status, body = _sql(server[0], "select hex(fts3_tokenizer('simple')) as address")
    assert status == 400, body
    assert "not authorized" in body


def test_a_huge_value_is_refused_without_taking_the_memory(server: tuple[str, subprocess.Popen]) -> None:
    base, proc = server
    started = time.monotonic()
    status, body = _sql(base, "select length(randomblob(300000000)) as n")
    assert status == 400, body[:300]
    assert "too big" in body or "out of memory" in body
    assert time.monotonic() - started < 30
    assert _peak_rss_mb(proc.pid) < 600


def test_many_large_rows_are_refused_by_size(server: tuple[str, subprocess.Popen]) -> None:
    base, proc = server
    status, body = _sql(base, "with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000) "
                              "select i, randomblob(4000000) as b from n")
    assert status == 400, body[:300]
    assert "the query's rows are over 64 MB" in body
    assert _peak_rss_mb(proc.pid) < 600


@pytest.mark.parametrize("path", [
    "/-/databases.json", "/-/databases", "/nianbao/crawls.json?_shape=array", "/nianbao/crawls",
    "/nianbao/reports.json?_shape=array&_size=max", "/nianbao/fetches.csv?_size=max", "/nianbao/reports",
    "/nianbao.json?sql=select+*+from+pragma_database_list&_shape=array",
    "/nianbao.json?sql=select+jobdir+from+crawls&_shape=array",
])
def test_no_page_shows_this_machines_paths(server: tuple[str, subprocess.Popen], secret_dir: Path,
                                           path: str) -> None:
    status, body = _get(server[0] + path)
    assert status == 200, body[:500]
    assert str(secret_dir) not in body
    assert urllib.parse.quote(str(secret_dir), safe="") not in body
    assert str(Path(__file__).resolve().parents[2]) not in body  # the project (and its .venv)


def test_masked_values_still_say_what_they_are(server: tuple[str, subprocess.Popen]) -> None:
    base = server[0]
    databases = json.loads(_get(base + "/-/databases.json")[1])
    assert databases[0]["path"] == "…/nianbao.db"
    urls = [r["source_url"] for r in json.loads(_get(base + "/nianbao/reports.json?_shape=array&_size=max")[1])]
    assert "file:///…/hongze-2023.html" in urls
    assert json.loads(_sql(base, "select jobdir from crawls")[1]) == [{"jobdir": None}]


def test_other_pages_and_downloads_still_work(server: tuple[str, subprocess.Popen], built: Built) -> None:
    base = server[0]
    for path in ("/", "/nianbao", f"/nianbao/reports/{min(built.ids.values())}", "/nianbao/report_summary"):
        assert _get(base + path)[0] == 200, path
    sha = next(iter(built.shas.values()))
    with urllib.request.urlopen(f"{base}/-/raw/{sha}", timeout=30) as response:
        assert response.headers["Content-Disposition"].startswith("attachment")
    assert _sql(base, "select count(*) as n from reports")[0] == 200


def test_a_dump_carries_no_local_path(archive: Path, secret_dir: Path, tmp_path: Path) -> None:
    out = dump(archive, tmp_path / "releases", "t")
    needle = str(secret_dir).encode()
    for path in [out / "nianbao.db", *sorted((out / "csv").iterdir())]:
        assert needle not in path.read_bytes(), path.name
    with sqlite3.connect(out / "nianbao.db") as db:
        assert db.execute("SELECT jobdir FROM crawls").fetchall() == [(None,)]
        assert db.execute("SELECT count(*) FROM reports WHERE source_url = 'file:///…/hongze-2023.html'").fetchone()[0]


def test_the_text_database_download_is_a_masked_copy_too(server: tuple[str, subprocess.Popen], secret_dir: Path,
                                                          tmp_path: Path) -> None:
    with urllib.request.urlopen(server[0] + "/nianbao_text.db", timeout=120) as response:
        data = response.read()
    assert str(secret_dir).encode() not in data
    (tmp_path / "t.db").write_bytes(data)
    with sqlite3.connect(tmp_path / "t.db") as db:
        assert db.execute("SELECT count(*) FROM sections WHERE text LIKE '%file:///…/notes.txt%'").fetchone()[0] == 1
    databases = json.loads(_get(server[0] + "/-/databases.json")[1])
    assert [d["path"] for d in databases if d["name"] == "nianbao_text"] == ["…/nianbao_text.db"]


def test_the_database_download_is_a_masked_copy(server: tuple[str, subprocess.Popen], secret_dir: Path,
                                                tmp_path: Path) -> None:
    with urllib.request.urlopen(server[0] + "/nianbao.db", timeout=120) as response:
        data = response.read()
    assert str(secret_dir).encode() not in data
    (tmp_path / "d.db").write_bytes(data)
    with sqlite3.connect(tmp_path / "d.db") as db:
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] > 30
        assert db.execute("SELECT jobdir FROM crawls").fetchall() == [(None,)]
