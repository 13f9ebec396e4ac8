"""What `/nianbao.db` sends (archive.public.public_file): the database itself when nothing in it needs masking
(no copy, no wait: a million-report archive is tens of GB), else the masked copy; the cheap SQL pre-test never
lets a local path through."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archive.db import open_db
from archive.public import needs_scrub, public_file, scrub_database


def _archive(root: Path, source_url: str) -> Path:
    db = open_db(root / "nianbao.db")
    db["documents"].insert({"sha256": "a" * 64, "size": 1, "format": "html", "content_type": "text/html",
                            "first_seen": "2026-01-01"})
    db["reports"].insert({"id": 1, "sha256": "a" * 64, "year": 2024, "agency": "某县人民政府", "status": "ok",
                          "source_url": source_url})
    db.conn.close()
    return root / "nianbao.db"


def test_a_clean_database_is_sent_as_it_is(tmp_path: Path) -> None:
    db_path = _archive(tmp_path, "http://www.example.gov.cn/a.html")
    assert not needs_scrub(db_path)
    assert public_file(db_path) == db_path
    assert (tmp_path / ".nianbao-public.json").is_file()
    assert not (tmp_path / ".nianbao-public.db").exists()


def test_local_paths_are_found_and_masked_in_the_copy(tmp_path: Path) -> None:
    for n, url in enumerate(("file://{}/in/hongze.html", "FILE%3A%2F%2F%2Fsecret%2Fa.pdf", "{}/raw/x.pdf")):
        root = tmp_path / f"a{n}"  # the archive's own directory is one of those masked
        root.mkdir()
        url = url.format(root)
        db_path = _archive(root, url)
        assert needs_scrub(db_path), url
        sent = public_file(db_path)
        assert sent == root / ".nianbao-public.db"
        with sqlite3.connect(sent) as conn:
            masked = conn.execute("SELECT source_url FROM reports").fetchone()[0]
        assert str(tmp_path) not in masked
        assert "secret" not in masked
        assert not needs_scrub(sent)
        scrub_database(sent)  # idempotent
        with sqlite3.connect(db_path) as conn:  # the archive itself keeps the truth
            assert conn.execute("SELECT source_url FROM reports").fetchone()[0] == url
