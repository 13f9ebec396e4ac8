"""Group commit (archive.writer.write_batch, crawler/groupcommit.py): the crawl writes what arrived meanwhile as
one batch (raw files, one WARC append, one transaction). Each member still goes raw → WARC → rows: a kill -9 at
any step of a batch leaves nothing that a rerun does not complete, and a member that fails costs the others
nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from archive.directory import Archive
from archive.verify import check
from archive.warc import WarcLog
from archive.writer import Arrival, Outcome, Queued, Written, write_batch
from crawler.groupcommit import GroupCommit
from tests.archive.test_parse_pool import report_bytes
from tests.crawler.farmcrawl import env

ROOT = Path(__file__).resolve().parents[2]
HINTS = {"kind": "attachment", "content_type": None, "attachments": [], "meta": {}, "title_year": None}


def _hints(sha: str, fmt: str) -> dict:
    return HINTS


def batch(n: int = 5) -> list[Queued | Outcome]:
    """n report documents (their parsing left to the pool) and one failed fetch, as a crawl would queue them."""
    docs: list[Queued | Outcome] = [
        Queued(Arrival(url=f"http://www.county{i}.gov.cn/nb/{i}.html", body=report_bytes(i), http_status=200,
                       headers={"Content-Type": "text/html"}, fetched_at="2026-11-30T12:00:00Z",
                       fetch={"kind": "attachment"}), _hints) for i in range(n)]
    docs.insert(2, Outcome({"url": "http://www.county9.gov.cn/gone.pdf", "fetched_at": "2026-11-30T12:00:00Z",
                            "outcome": "removed", "http_status": 404, "kind": "attachment"}))
    return docs


def fetched(archive: Archive) -> set[tuple[str, str]]:
    return {(url, outcome) for url, outcome in archive.db.execute("SELECT url, outcome FROM fetches")}


def test_a_batch_is_one_warc_append_and_one_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = Archive.open(tmp_path / "a")
    appends, commits = [], []
    real = WarcLog._append_groups
    monkeypatch.setattr(WarcLog, "_append_groups", lambda self, *a: appends.append(1) or real(self, *a))
    archive.db.conn.set_trace_callback(lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
    members = batch(5)
    results = write_batch(archive, members)
    archive.db.conn.set_trace_callback(None)
    assert [type(r) for r in results] == [Written] * 6
    assert [r.report for r in results] == ["pending", "pending", "none", "pending", "pending", "pending"]
    assert (len(appends), len(commits)) == (1, 1)
    assert len(fetched(archive)) == 6
    assert ("http://www.county9.gov.cn/gone.pdf", "removed") in fetched(archive)
    pending = archive.db.execute("SELECT count(*) FROM parse_queue WHERE state = 'pending'").fetchone()[0]
    assert pending == 5
    assert check(archive).problems == []  # every fetch points at its own WARC record, in order within the append


def test_a_member_that_fails_does_not_lose_the_others(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    members = batch(4)

    def broken_hints(sha: str, fmt: str) -> dict:
        raise ValueError("hints went wrong")

    first, third = members[0], members[3]
    assert isinstance(first, Queued)
    assert isinstance(third, Queued)
    members[0] = Queued(first.doc, broken_hints)
    unbindable = Arrival(url=third.doc.url, body=third.doc.body, fetched_at=third.doc.fetched_at,
                         http_status=200, fetch={"kind": "attachment", "note": object()})
    members[3] = Queued(unbindable, _hints)  # its fetch row cannot be written: its savepoint is rolled back
    results = write_batch(archive, members)
    assert isinstance(results[0], ValueError)
    assert isinstance(results[3], Exception)
    assert all(isinstance(r, Written) for i, r in enumerate(results) if i not in (0, 3))
    urls = {url for url, _ in fetched(archive)}
    assert urls == {m.doc.url if isinstance(m, Queued) else m.fetch["url"]
                    for i, m in enumerate(members) if i not in (0, 3)}
    docs = {sha for (sha,) in archive.db.execute("SELECT sha256 FROM documents")}
    assert docs == {r.sha256 for i, r in enumerate(results) if i in (1, 4)}  # no failed member left a document row
    assert check(archive).problems == []


KILL = """
import os, signal, sys
sys.path.insert(0, {root!r})
import archive.writer as writer
from archive.directory import Archive
from tests.archive.test_group_commit import batch
point = {point!r}
if point == "after_raw":
    real_put = writer._put_all
    def put(*a):
        out = real_put(*a)
        os.kill(os.getpid(), signal.SIGKILL)
    writer._put_all = put
elif point == "after_warc":
    from archive.warc import WarcLog
    real_append = WarcLog._append_groups
    def append(self, *a):
        real_append(self, *a)
        os.kill(os.getpid(), signal.SIGKILL)
    WarcLog._append_groups = append
elif point == "mid_transaction":
    real_rows, count = writer._batch_rows, [0]
    def rows(*a):
        count[0] += 1
        if count[0] == 4:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_rows(*a)
    writer._batch_rows = rows
writer.write_batch(Archive.open(sys.argv[1]), batch(5))
"""


@pytest.mark.parametrize("point", ["after_raw", "after_warc", "mid_transaction"])
def test_kill_9_at_each_step_of_a_batch_then_rerun_completes(tmp_path: Path, point: str) -> None:
    archive_dir = tmp_path / "a"
    proc = subprocess.run([sys.executable, "-c", KILL.format(root=str(ROOT), point=point), str(archive_dir)],
                          cwd=ROOT, env=env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr  # it really died there
    archive = Archive.open(archive_dir)
    assert fetched(archive) == set()  # nothing of the batch committed: no row points at anything yet
    assert check(archive).problems == []  # what was written (raw files, WARC records) reads back whole
    results = write_batch(archive, batch(5))  # the resumed crawl fetches and writes them again
    assert all(isinstance(r, Written) for r in results)
    assert len(fetched(archive)) == 6
    assert check(archive).problems == []


def test_group_commit_writes_what_arrived_meanwhile_as_one_batch_in_order() -> None:
    started, release, written = threading.Event(), threading.Event(), []

    def write(items: list[int]) -> list[BaseException | None]:
        written.append(list(items))
        started.set()
        release.wait(30)
        return [ValueError(f"item {i}") if i == 3 else None for i in items]

    fired: dict[int, object] = {}
    commit = GroupCommit(write, max_items=3, deliver=lambda fn, arg: fn(arg))
    deferreds = {0: commit.submit(0, 10)}
    assert started.wait(30)
    deferreds |= {i: commit.submit(i, 10) for i in range(1, 6)}  # queued while the first batch is written
    for i, d in deferreds.items():
        d.addCallbacks(lambda _, i=i: fired.__setitem__(i, "ok"), lambda f, i=i: fired.__setitem__(i, f.value))
    release.set()
    commit.stop(30)
    assert written == [[0], [1, 2, 3], [4, 5]]  # at most max_items, in arrival order
    assert commit.batches == [1, 3, 2]
    assert {i: v for i, v in fired.items() if v != "ok"} == {3: fired[3]}
    assert isinstance(fired[3], ValueError)
    assert len(fired) == 6


def test_a_batch_that_fails_whole_fails_every_member() -> None:
    def write(items: list[int]) -> list[BaseException | None]:
        raise OSError("disk full")

    failures: list[BaseException] = []
    commit = GroupCommit(write, deliver=lambda fn, arg: fn(arg))
    for i in range(3):
        commit.submit(i, 1).addErrback(lambda f: failures.append(f.value))
    commit.stop(30)
    assert len(failures) == 3
    assert all(isinstance(f, OSError) for f in failures)
