"""`nianbao verify` finds what is wrong with an archive and `--repair` fixes what the archive's own data allows;
`reparse` reports a missing or corrupt raw file and goes on; re-ingesting the original bytes repairs it."""

from __future__ import annotations

import datetime as dt
import gzip
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database
from warcio.archiveiterator import ArchiveIterator

from archive.directory import Archive
from archive.rawstore import RawStore
from archive.warc import WarcLog
from nianbao.cli import cli
from tests.archive.faults import problems, report_folder


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = report_folder(tmp_path / "in", n=9)
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--archive", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert problems(tmp_path / "a") == []
    return tmp_path / "a"


def _verify(archive: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["verify", "--archive", str(archive), *args])
    return result.exit_code, result.output


def _two_documents(archive: Path) -> tuple[str, str]:
    shas = [r["sha256"] for r in Database(archive / "nianbao.db")["reports"].rows]
    assert len(shas) >= 2
    return shas[0], shas[1]


def _records_end_to_end(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in ArchiveIterator(f))


def test_a_whole_archive_verifies(archive: Path) -> None:
    code, out = _verify(archive)
    assert code == 0, out
    assert "archive OK: 9 raw files, 9 WARC records of documents" in out


def test_corrupt_and_missing_raw_files_reported_repaired_from_warc(archive: Path) -> None:
    store = RawStore(archive / "raw")
    corrupt, missing = _two_documents(archive)
    original = store.path(corrupt).read_bytes()
    store.path(corrupt).write_bytes(b"tampered")
    store.path(missing).unlink()
    code, out = _verify(archive)
    assert code == 1
    assert f"raw_corrupt: {corrupt}" in out
    assert f"raw_missing: {missing}" in out
    code, out = _verify(archive, "--repair")
    assert code == 0, out
    assert (archive / "raw-quarantine" / corrupt).read_bytes() == b"tampered"  # kept as evidence
    assert store.read(corrupt) == original
    assert store.is_intact(missing)


def test_reparse_reports_bad_raw_files_and_goes_on_then_reingest_repairs(archive: Path, tmp_path: Path) -> None:
    store = RawStore(archive / "raw")
    corrupt, missing = _two_documents(archive)
    store.path(corrupt).write_bytes(b"tampered")
    store.path(missing).unlink()
    result = CliRunner().invoke(cli, ["reparse", "--archive", str(archive)])
    assert result.exit_code == 1
    assert "corrupt raw file" in result.output
    assert "missing raw file" in result.output
    assert "'unchanged': 7" in result.output  # the other seven were reparsed
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "in"), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    assert store.is_intact(corrupt)
    assert store.is_intact(missing)
    assert problems(archive) == []


def test_missing_warc_record_is_written_again_from_raw_bytes(archive: Path) -> None:
    db = Database(archive / "nianbao.db")
    fetch = next(db["fetches"].rows)
    db["fetches"].update(fetch["id"], {"warc_file": None, "warc_offset": None})
    db.conn.commit()
    code, out = _verify(archive)
    assert code == 1
    assert f"warc_missing: fetch #{fetch['id']}" in out
    code, out = _verify(archive, "--repair")
    assert code == 0, out
    assert db["fetches"].get(fetch["id"])["warc_file"]


def test_broken_warc_middle_is_cut_and_lost_records_rewritten(archive: Path) -> None:
    """The issue's case: a truncated gzip member followed by new appends hides every later record from readers."""
    (path,) = (archive / "warc").glob("*.warc.gz")
    data = path.read_bytes()
    offsets = sorted(r["warc_offset"] for r in Database(archive / "nianbao.db")["fetches"].rows)
    cut = offsets[3] + 40  # inside the fourth record
    path.write_bytes(data[:cut] + data[offsets[4]:])
    (path.parent / f".{path.name}.checked").unlink(missing_ok=True)
    code, out = _verify(archive)
    assert code == 1
    assert "warc_unreadable" in out
    code, out = _verify(archive, "--repair")
    assert code == 0, out
    assert (path.parent / f"{path.name}.broken-{offsets[3]}").exists()
    assert _records_end_to_end(path) == 9
    assert problems(archive) == []


def test_partial_record_left_by_a_killed_writer_is_cut_before_the_next_append(tmp_path: Path) -> None:
    log, when = WarcLog(tmp_path), dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    log.write_resource("file:///a", b"a" * 5000, "text/plain", when)
    name, _ = log.write_resource("file:///b", b"b" * 5000, "text/plain", when)
    path = tmp_path / name
    whole = path.read_bytes()
    partial = gzip.compress(b"WARC/1.0\r\n" + random.Random(1).randbytes(4000))[:300]  # a writer killed mid-record
    path.write_bytes(whole + partial)
    name, offset = WarcLog(tmp_path).write_resource("file:///c", b"c" * 5000, "text/plain", when)
    assert offset == len(whole)
    assert _records_end_to_end(path) == 3
    assert (tmp_path / f"{name}.partial-{len(whole)}").stat().st_size == 300


def test_verify_without_an_archive_says_so(tmp_path: Path) -> None:
    code, out = _verify(tmp_path / "nothing")
    assert code == 2
    assert "no archive" in out
    assert not (tmp_path / "nothing").exists()


def test_archive_package_imports_neither_crawler_nor_nianbao() -> None:
    root = Path(__file__).resolve().parents[2] / "archive"
    offenders = [p.name for p in root.glob("*.py")
                 if any(line.startswith(("from crawler", "import crawler", "from nianbao", "import nianbao"))
                        for line in p.read_text(encoding="utf-8").splitlines())]
    assert offenders == []
    assert Archive.__module__ == "archive.directory"


def test_rerun_ingest_writes_a_missing_warc_record_instead_of_deduplicating_it(archive: Path, tmp_path: Path) -> None:
    """A fetch row without its WARC record (what a kill left before the one write order) is completed on rerun."""
    db = Database(archive / "nianbao.db")
    fetch = next(db["fetches"].rows)
    db["fetches"].update(fetch["id"], {"warc_file": None, "warc_offset": None})
    db.conn.commit()
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "in"), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    assert db["fetches"].get(fetch["id"])["warc_file"]
    assert db["fetches"].count == 9  # completed, not a second fetch row
    assert problems(archive) == []


def _checkpointed(archive: Path) -> None:
    db = Archive.open(archive).db
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # both files: the text database is attached
    db.close()


def test_kill_between_the_two_files_commits_is_found_and_repaired(archive: Path, tmp_path: Path) -> None:
    """The numbers and the text are two files committed one after the other (archive/textdb.py). A kill between
    the commits is the state where one file has the write and the other does not; it is made here by putting
    back the other file as it was before one more ingest."""
    extra = report_folder(tmp_path / "more", n=2, seed=11)
    _checkpointed(archive)
    text_before = (archive / "nianbao_text.db").read_bytes()
    assert CliRunner().invoke(cli, ["ingest", str(extra), "--archive", str(archive)]).exit_code == 0
    _checkpointed(archive)
    new = [r["id"] for r in Database(archive / "nianbao.db").query("SELECT id FROM reports ORDER BY id DESC LIMIT 2")]
    sections_after = Database(archive / "nianbao_text.db").execute("SELECT count(*) FROM sections").fetchone()[0]
    (archive / "nianbao_text.db").write_bytes(text_before)  # the numbers committed, the text did not
    code, out = _verify(archive)
    assert code == 1
    assert all(f"text_stale: report #{i}" in out for i in new), out
    code, out = _verify(archive, "--repair")
    assert code == 0, out
    assert out.count("parsed document") == 2
    text = Database(archive / "nianbao_text.db")
    assert text.execute("SELECT count(*) FROM sections").fetchone()[0] == sections_after
    assert text.execute(f"SELECT count(*) FROM sections WHERE report_id IN ({new[0]}, {new[1]})").fetchone()[0] > 0


def test_text_of_no_report_is_found_and_deleted(archive: Path, tmp_path: Path) -> None:
    """The other order: the text committed and the numbers not (the numbers file put back as it was)."""
    extra = report_folder(tmp_path / "more", n=1, seed=12)
    _checkpointed(archive)
    numbers_before = (archive / "nianbao.db").read_bytes()
    assert CliRunner().invoke(cli, ["ingest", str(extra), "--archive", str(archive)]).exit_code == 0
    _checkpointed(archive)
    (archive / "nianbao.db").write_bytes(numbers_before)
    code, out = _verify(archive)
    assert code == 1
    assert "text_orphan: report #10" in out, out
    code, out = _verify(archive, "--repair")
    assert code == 0, out
    assert "deleted the text of report #10" in out, out
    hits = Database(archive / "nianbao_text.db").execute("SELECT count(*) FROM sections WHERE report_id = 10")
    assert hits.fetchone()[0] == 0


def test_a_rerun_of_ingest_completes_a_report_whose_text_was_not_committed(archive: Path, tmp_path: Path) -> None:
    """kill -9 between the numbers' commit and the text's (test_faults hits it at random): the same ingest
    again parses that document again, so the archive is whole without --repair."""
    extra = report_folder(tmp_path / "more", n=1, seed=13)
    _checkpointed(archive)
    text_before = (archive / "nianbao_text.db").read_bytes()
    assert CliRunner().invoke(cli, ["ingest", str(extra), "--archive", str(archive)]).exit_code == 0
    _checkpointed(archive)
    (archive / "nianbao_text.db").write_bytes(text_before)
    assert _verify(archive)[0] == 1
    result = CliRunner().invoke(cli, ["ingest", str(extra), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    code, out = _verify(archive)
    assert code == 0, out
