"""The queue between queue-mode workers and `nianbao archive-writer` carries data, not code: JSON with base64
bodies, size-capped and checked field by field. A pickle pushed by anyone who can write to that Redis is
rejected with a message and never executed. A message leaves Redis only once written: a writer killed with
SIGKILL in the middle of writing loses nothing."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from crawler.distributed import run_keys
from crawler.items import FetchedDocument
from crawler.queue_codec import MAX_MESSAGE_BYTES, RejectedMessage, decode, encode
from tests.crawler.farmcrawl import env, query
from tests.crawler.redis_server import redis_server


class Boom:
    """Unpickling this runs `touch <marker>`: what a hostile payload would do to a pickle reader."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        import os

        return os.system, (f"touch {self.marker}",)


def _item(**change: object) -> FetchedDocument:
    return FetchedDocument(**{"url": "http://www.example.gov.cn/2024.html", "final_url": "http://www.example.gov.cn/2024.html",
                              "http_status": 200, "headers": {"Content-Type": "text/html"},
                              "body": "<html><body>年报</body></html>".encode(), "fetched_at": "2026-01-02T03:04:05Z",
                              "kind": "list", "meta": {"PubDate": "2025-01-20"}, **change})


def test_items_and_robots_round_trip() -> None:
    item = _item(attachments=["http://www.example.gov.cn/a.pdf"], title_year=2024)
    got = decode(encode({"item": asdict(item), "crawl_id": 3, "worker": "w1"}))
    assert got == {"item": item, "crawl_id": 3, "worker": "w1"}
    robots = {"www.example.gov.cn": {"status": 200, "text": "User-agent: *\nDisallow: /x\n"}}
    assert decode(encode({"robots": robots, "crawl_id": None, "worker": "w1"})) == {
        "robots": robots, "crawl_id": None, "requests": 0, "sources": []}
    sources = [{"id": 1, "division_code": "320813", "agency": "洪泽区人民政府", "level": "county_gov",
                "start_urls": "http://www.hongze.gov.cn/"}]
    got = decode(encode({"robots": {}, "crawl_id": 2, "requests": 7, "sources": sources}))
    assert (got["crawl_id"], got["requests"], got["sources"]) == (2, 7, sources)


@pytest.mark.parametrize(("message", "reason"), [
    (b"\x80\x04\x95", "not a JSON"),
    (json.dumps({"item": {}}).encode(), "not a nianbao-item/1"),
    (json.dumps({"format": "nianbao-item/1", "item": {"url": "x"}}).encode(), "missing"),
    (json.dumps({"format": "nianbao-item/1", "item": {**asdict(_item()), "body": "aGk=", "evil": 1}}).encode(),
     "unknown ['evil']"),
    (json.dumps({"format": "nianbao-item/1", "item": {**asdict(_item()), "body": "aGk=", "http_status": "200"}})
     .encode(), "http_status has the wrong type"),
    (json.dumps({"format": "nianbao-item/1", "item": {**asdict(_item()), "body": "not base64!"}}).encode(),
     "not base64"),
    (b" " * (MAX_MESSAGE_BYTES + 1), "over the"),
    (json.dumps({"format": "nianbao-item/1", "robots": {}, "sources": [{"id": 1, "evil": "x"}]}).encode(),
     "unknown or missing fields"),
    (json.dumps({"format": "nianbao-item/1", "robots": {}, "requests": "7"}).encode(), "requests is not int"),
])
def test_malformed_messages_are_rejected_with_a_reason(message: bytes, reason: str) -> None:
    with pytest.raises(RejectedMessage, match=reason.replace("[", r"\[").replace("]", r"\]")):
        decode(message)


def test_a_hostile_pickle_is_rejected_and_never_runs(tmp_path: Path) -> None:
    marker, archive = tmp_path / "pwned", tmp_path / "archive"
    pickle.loads(pickle.dumps(Boom(tmp_path / "control")))  # the payload does run when unpickled…
    assert (tmp_path / "control").exists()
    with redis_server(tmp_path) as redis_url:
        import redis

        server = redis.Redis.from_url(redis_url)
        keys = run_keys("hostile")
        server.rpush(keys["items"], pickle.dumps(Boom(marker)))
        server.rpush(keys["items"], encode({"item": asdict(_item()), "crawl_id": None, "worker": "w1"}))
        log = (tmp_path / "writer.log").open("w+")
        writer = subprocess.Popen([sys.executable, "-c", "from nianbao.cli import cli; cli()", "archive-writer",
                                   "--archive", str(archive), "--redis", redis_url, "--run", "hostile"],
                                  env=env(), stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 120
            while server.llen(keys["items"]) or not _fetches(archive):
                assert writer.poll() is None, (tmp_path / "writer.log").read_text()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        finally:
            writer.terminate()
            writer.wait(timeout=30)
    out = (tmp_path / "writer.log").read_text()
    assert "rejected a queue message: not a JSON queue message" in out
    assert not marker.exists()  # …but not in the archive writer
    assert _fetches(archive) == [("http://www.example.gov.cn/2024.html",)]  # the good message after it was written


KILL_IN_WRITE = """
import os, signal
import crawler.pipelines as target
def write(self, *args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
target.ArchivePipeline.write = write
from nianbao.cli import cli
cli()
"""


def _writer(archive: Path, redis_url: str, log: Path, script: str = "from nianbao.cli import cli; cli()",
            *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, "archive-writer", "--archive", str(archive),
                             "--redis", redis_url, "--run", "killed", *extra],
                            env=env(), stdout=log.open("w"), stderr=subprocess.STDOUT, text=True)


def test_a_writer_killed_mid_write_loses_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with redis_server(tmp_path) as redis_url:
        import redis

        server = redis.Redis.from_url(redis_url)
        keys = run_keys("killed")
        server.rpush(keys["items"], encode({"item": asdict(_item()), "crawl_id": None, "worker": "w1"}))
        doomed = _writer(archive, redis_url, tmp_path / "doomed.log", KILL_IN_WRITE)
        assert doomed.wait(timeout=120) == -9, (tmp_path / "doomed.log").read_text()
        assert _fetches(archive) == []
        assert server.llen(keys["items"]) == 0  # taken, not written: only the writing list holds it now
        writer = _writer(archive, redis_url, tmp_path / "writer.log")
        try:
            deadline = time.monotonic() + 120
            while not _fetches(archive) or server.llen(keys["items"] + ":writing"):  # written, then let go
                assert writer.poll() is None, (tmp_path / "writer.log").read_text()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        finally:
            writer.terminate()
            writer.wait(timeout=30)
    assert "took back the message a stopped writer had not finished" in (tmp_path / "writer.log").read_text()
    assert _fetches(archive) == [("http://www.example.gov.cn/2024.html",)]


def _fetches(archive: Path) -> list[tuple]:
    try:
        return query(archive, "SELECT url FROM fetches")
    except Exception:  # not created yet
        return []
