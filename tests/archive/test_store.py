"""Raw store and WARC log: content-addressed, atomic, readable by standard tools."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.errors import ArchiveWriteError
from archive.rawstore import RawStore, sha256_of
from archive.warc import WarcLog

WHEN = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.UTC)


def test_put_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    data = "某县2024年政府信息公开工作年度报告".encode()
    digest = store.put(data)
    assert digest == sha256_of(data)
    assert store.path(digest) == tmp_path / digest[:2] / digest[2:4] / digest
    mtime = store.path(digest).stat().st_mtime_ns
    assert store.put(data) == digest
    assert store.path(digest).stat().st_mtime_ns == mtime  # never rewritten
    assert store.read(digest) == data
    assert list(store) == [digest]


def test_interrupted_write_leaves_no_final_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = RawStore(tmp_path)

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("archive.rawstore.os.replace", crash)
    with pytest.raises(ArchiveWriteError, match="disk full"):
        store.put(b"half a report")
    assert not store.has(sha256_of(b"half a report"))
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # the temp file was removed too


def test_corruption_is_detected(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    digest = store.put(b"original")
    store.path(digest).write_bytes(b"tampered")
    with pytest.raises(ValueError, match="corrupt"):
        store.read(digest)


def test_warc_records_replay_with_warcio(tmp_path: Path) -> None:
    log = WarcLog(tmp_path)
    body = "<html><body>年报</body></html>".encode()
    name, offset = log.write_response("http://www.example.gov.cn/a.html", 200,
                                      {"Content-Type": "text/html; charset=utf-8", "ETag": '"abc"'}, body, WHEN)
    log.write_resource("file:///tmp/r.pdf", b"%PDF-1.4 fake", "application/pdf", WHEN)
    with (tmp_path / name).open("rb") as f:
        records = list(ArchiveIterator(f))
        assert [r.rec_type for r in records] == ["response", "request", "resource"]
    with (tmp_path / name).open("rb") as f:
        f.seek(offset)
        response = next(iter(ArchiveIterator(f)))
        assert response.http_headers.get_statuscode() == "200"
        assert response.http_headers.get_header("ETag") == '"abc"'
        assert response.content_stream().read() == body
        assert response.rec_headers.get_header("WARC-Target-URI") == "http://www.example.gov.cn/a.html"
