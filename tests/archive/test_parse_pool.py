"""The parse pool (nianbao/parsepool.py): documents queued by the crawler's write are parsed by worker
processes that may die at any point, without losing a document, parsing one twice, or retrying a poison one
forever."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from archive.directory import Archive
from archive.parsequeue import MAX_ATTEMPTS
from archive.save import now
from archive.writer import Arrival, write_document
from nianbao.parsepool import default_parse, run_worker, worker_name
from synth.layouts import render
from synth.records import TEMPLATES, random_record

FORK = multiprocessing.get_context("fork")


def _never(sha: str, fmt: str) -> dict | None:
    raise AssertionError("a deferred write must not parse")


def queue_report(archive: Archive, body: bytes, url: str) -> str:
    """What the crawler's pipeline does with --parse-workers: archive, queue, no parse."""
    hints = {"kind": "attachment", "content_type": None, "attachments": [], "meta": {}, "title_year": None}
    written = write_document(archive, Arrival(url=url, body=body, fetched_at=now(), fetch={"kind": "attachment"}),
                             _never, twins=True, defer=lambda sha, fmt: hints)
    assert written.report == "pending"
    return written.sha256


def report_bytes(i: int, layout: str = "html-plain", record: dict | None = None) -> bytes:
    rng = random.Random(f"pool:{i}")
    record = record or random_record(rng, TEMPLATES[i % len(TEMPLATES)])
    return render(record, layout, rng)[0]


@pytest.fixture
def queued(tmp_path: Path) -> tuple[Path, list[str]]:
    archive = Archive.open(tmp_path / "archive")
    shas = [queue_report(archive, report_bytes(i), f"http://www.county{i}.gov.cn/report.html") for i in range(6)]
    return tmp_path / "archive", shas


def states(archive_dir: Path) -> dict[str, tuple[str, int, str | None]]:
    rows = Archive.open(archive_dir).db.execute("SELECT sha256, state, attempts, status FROM parse_queue")
    return {sha: (state, attempts, status) for sha, state, attempts, status in rows}


def reports(archive_dir: Path) -> dict[str, str]:
    return dict(Archive.open(archive_dir).db.execute("SELECT sha256, status FROM reports").fetchall())


def test_deferred_write_parses_nothing_and_a_worker_parses_everything(queued: tuple[Path, list[str]]) -> None:
    archive_dir, shas = queued
    assert reports(archive_dir) == {}
    assert {s for s, (state, _, _) in states(archive_dir).items() if state == "pending"} == set(shas)
    stats = run_worker(str(archive_dir), "w1", until_idle=True, say=lambda _: None)
    assert stats.parsed == len(shas)
    assert set(reports(archive_dir)) == set(shas)
    assert all(state == "done" and attempts == 1 for state, attempts, _ in states(archive_dir).values())


def _hang_on(victim: str, started: str):
    def parse(body: bytes, hints: dict) -> dict | None:
        if hints["url"] == victim:
            Path(started).touch()
            time.sleep(600)
        return default_parse(body, hints)
    return parse


def test_worker_killed_mid_document_loses_nothing(queued: tuple[Path, list[str]], tmp_path: Path) -> None:
    archive_dir, shas = queued
    victim, started = "http://www.county2.gov.cn/report.html", tmp_path / "started"
    proc = FORK.Process(target=run_worker, args=(str(archive_dir), "doomed"),
                        kwargs={"parse": _hang_on(victim, str(started)), "lease": 1.0, "say": print})
    proc.start()
    deadline = time.monotonic() + 120
    while not started.exists():
        assert proc.is_alive(), "the worker died before reaching the document"
        assert time.monotonic() < deadline, "the worker never reached the document"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # mid-document: claimed, not written
    proc.join()
    sha = Archive.open(archive_dir).db.execute("SELECT sha256 FROM fetches WHERE url = ?", [victim]).fetchone()[0]
    assert states(archive_dir)[sha][0] == "parsing"
    assert sha not in reports(archive_dir)
    time.sleep(1.1)  # the dead worker's lease runs out
    run_worker(str(archive_dir), "survivor", until_idle=True, say=lambda _: None)
    assert set(reports(archive_dir)) == set(shas)
    assert reports(archive_dir)[sha] != "error"
    assert states(archive_dir)[sha] == ("done", 2, reports(archive_dir)[sha])


def _named_worker(archive_dir: str, parse) -> None:
    run_worker(archive_dir, worker_name("parse0"), parse=parse, say=print)  # host-<this child's pid>-parse0


def test_claim_of_a_dead_local_worker_is_freed_without_waiting_for_its_lease(
        queued: tuple[Path, list[str]], tmp_path: Path) -> None:
    """A crawl killed with its pool: the next pool on this host takes the document at once (lease 600 s)."""
    archive_dir, shas = queued
    victim, started = "http://www.county1.gov.cn/report.html", tmp_path / "started"
    proc = FORK.Process(target=_named_worker, args=(str(archive_dir), _hang_on(victim, str(started))))
    proc.start()
    deadline = time.monotonic() + 120
    while not started.exists():
        assert proc.is_alive(), "the worker died before reaching the document"
        assert time.monotonic() < deadline, "the worker never reached the document"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    begun = time.monotonic()
    run_worker(str(archive_dir), "next-crawl", until_idle=True, say=lambda _: None)
    assert time.monotonic() - begun < 300  # not the 600 s lease
    assert set(reports(archive_dir)) == set(shas)


def _dies_on(poison: str):
    def parse(body: bytes, hints: dict) -> dict | None:
        if hints["url"] == poison:
            os._exit(9)  # what a segfault in a native library looks like from outside
        return default_parse(body, hints)
    return parse


def test_poison_document_is_recorded_once_not_retried_forever(queued: tuple[Path, list[str]]) -> None:
    archive_dir, shas = queued
    poison = "http://www.county4.gov.cn/report.html"
    deaths = 0
    for _ in range(MAX_ATTEMPTS + 3):
        proc = FORK.Process(target=run_worker, args=(str(archive_dir), f"w{deaths}"),
                            kwargs={"until_idle": True, "parse": _dies_on(poison), "lease": 0.0,
                                    "say": lambda _: None})
        proc.start()
        proc.join(300)
        if proc.exitcode == 0:
            break
        assert proc.exitcode == 9
        deaths += 1
    assert deaths == MAX_ATTEMPTS
    db = Archive.open(archive_dir).db
    sha = db.execute("SELECT sha256 FROM fetches WHERE url = ?", [poison]).fetchone()[0]
    assert states(archive_dir)[sha] == ("error", MAX_ATTEMPTS, "error")
    row = db.execute("SELECT id, status, errors FROM reports WHERE sha256 = ?", [sha]).fetchone()
    assert row[1] == "error"
    assert "crashed" in row[2]
    assert db.execute("SELECT count(*) FROM parse_runs WHERE report_id = ?", [row[0]]).fetchone()[0] == 1
    assert set(reports(archive_dir)) == set(shas)  # the others were parsed meanwhile
    assert all(reports(archive_dir)[s] != "error" for s in shas if s != sha)
    # and a later worker leaves it alone
    assert run_worker(str(archive_dir), "later", until_idle=True, say=lambda _: None).parsed == 0


def test_a_python_exception_in_the_parser_is_that_documents_error_at_once(queued: tuple[Path, list[str]]) -> None:
    archive_dir, shas = queued
    assert len(shas) == 6

    def broken(body: bytes, hints: dict) -> dict | None:
        raise RuntimeError("boom")

    run_worker(str(archive_dir), "w", until_idle=True, parse=broken, say=lambda _: None)
    assert set(states(archive_dir).values()) == {("error", 1, "error")}
    assert set(reports(archive_dir).values()) == {"error"}


def _logging_parse(log: str):
    def parse(body: bytes, hints: dict) -> dict | None:
        with open(log, "a") as f:
            f.write(f"{hints['url']} {os.getpid()}\n")
        return default_parse(body, hints)
    return parse


def test_two_workers_never_parse_the_same_document(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "archive")
    urls = [f"http://www.town{i}.gov.cn/r.html" for i in range(16)]
    for i, url in enumerate(urls):
        queue_report(archive, report_bytes(100 + i), url)
    log = tmp_path / "parsed.log"
    procs = [FORK.Process(target=run_worker, args=(str(tmp_path / "archive"), f"w{n}"),
                          kwargs={"until_idle": True, "parse": _logging_parse(str(log)), "poll": 0.05,
                                  "say": lambda _: None}) for n in range(2)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(300)
        assert proc.exitcode == 0
    parsed = [line.split()[0] for line in log.read_text().splitlines()]
    assert sorted(parsed) == sorted(urls)  # each exactly once
    assert archive.db.execute("SELECT count(*) FROM parse_runs").fetchone()[0] == len(urls)


def test_twins_are_found_at_the_parse_stage(tmp_path: Path) -> None:
    """An article page and its attachment with the same figures: one report, the other fetch says so."""
    archive = Archive.open(tmp_path / "archive")
    rng = random.Random("twins")
    record = random_record(rng, TEMPLATES[0])
    queue_report(archive, report_bytes(0, "html-plain", record), "http://www.a.gov.cn/art/1.html")
    queue_report(archive, report_bytes(0, "docx", record), "http://www.a.gov.cn/files/1.docx")
    run_worker(str(tmp_path / "archive"), "w", until_idle=True, say=lambda _: None)
    assert archive.db.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
    notes = [n for (n,) in archive.db.execute("SELECT note FROM fetches WHERE note IS NOT NULL")]
    (report_id,) = archive.db.execute("SELECT id FROM reports").fetchone()
    assert notes == [f"same report as #{report_id} (another rendering)"]
    assert "twin" in {status for _, _, status in states(tmp_path / "archive").values()}
