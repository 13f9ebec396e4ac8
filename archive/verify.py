"""`nianbao verify`: check a whole archive and, asked to, repair what the data at hand allows.

Checked: every raw file hashes to its name; every document row has its raw file; every report its document
and its text from its last parse (the text database, archive/textdb.py), and no text is of no report;
every WARC file reads from start to end (warcio); every archived fetch points at a WARC record of its URL
whose payload digest is that of the fetched bytes. Repairs: a corrupt raw file is moved to `raw-quarantine/`
and restored from a WARC record holding the same bytes when there is one; a broken WARC file is cut at its
last good record (the rest kept as `<file>.broken-<offset>`); a missing or wrong WARC record is written again
from good raw bytes and the fetch pointed at it; text of no report is deleted, and a report whose text is
from another parse than its numbers is parsed again (given a reparse function: `nianbao verify --repair`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.db import write_transaction
from archive.directory import Archive
from archive.mime import content_type
from archive.save import save_document
from archive.textdb import SCHEMA as TEXT
from parsers.sniff import sniff


@dataclass(frozen=True)
class Problem:
    kind: str  # raw_corrupt, raw_missing, report_without_document, warc_unreadable, warc_missing, warc_mismatch
    subject: str  # a sha256, a WARC file, a fetch
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}: {self.detail}"


@dataclass
class WarcRecord:
    rec_type: str
    uri: str
    digest: str  # WARC-Payload-Digest, sha1:BASE32


@dataclass
class Findings:
    problems: list[Problem] = field(default_factory=list)
    sha1: dict[str, str] = field(default_factory=dict)  # sha256 of each intact raw file → its sha1:BASE32
    records: dict[tuple[str, int], WarcRecord] = field(default_factory=dict)  # response and resource records
    broken_at: dict[str, int] = field(default_factory=dict)  # WARC file → offset where reading fails


def _digests(path: Path) -> tuple[str, str]:
    sha256, sha1 = hashlib.sha256(), hashlib.sha1()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha256.update(chunk)
            sha1.update(chunk)
    return sha256.hexdigest(), "sha1:" + base64.b32encode(sha1.digest()).decode("ascii")


def _check_raw(archive: Archive, found: Findings) -> None:
    for sha in archive.store:
        actual, sha1 = _digests(archive.store.path(sha))
        if actual == sha:
            found.sha1[sha] = sha1
        else:
            found.problems.append(Problem("raw_corrupt", sha, f"the stored bytes hash to {actual}"))
    for (sha,) in archive.db.execute("SELECT sha256 FROM documents ORDER BY sha256"):
        if not archive.store.has(sha):
            found.problems.append(Problem("raw_missing", sha, "document row without its raw file"))
    rows = archive.db.execute("SELECT r.id, r.sha256 FROM reports r LEFT JOIN documents d ON d.sha256 = r.sha256 "
                              "WHERE d.sha256 IS NULL ORDER BY r.id")
    for report_id, sha in rows:
        found.problems.append(Problem("report_without_document", f"report #{report_id}", f"no document {sha}"))


def _read_warc(path: Path, found: Findings) -> None:
    """Index every record of one file; note where reading fails."""
    offset = 0
    with path.open("rb") as f:
        records = ArchiveIterator(f)
        try:
            for record in records:
                offset = records.get_record_offset()
                if record.rec_type not in ("response", "resource"):
                    continue  # request records and the like hold no document
                found.records[(path.name, offset)] = WarcRecord(
                    record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or "",
                    record.rec_headers.get_header("WARC-Payload-Digest") or "")
        except Exception as exc:  # warcio and zlib raise many kinds for a damaged file
            end = _end_of_good_records(path)
            found.broken_at[path.name] = end
            found.problems.append(Problem("warc_unreadable", path.name, f"unreadable from byte {end} "
                                          f"({exc.__class__.__name__}); records after it are lost to readers"))


def _end_of_good_records(path: Path) -> int:
    from archive.warc import complete_end

    return complete_end(path, 0)


def _check_fetches(archive: Archive, found: Findings) -> None:
    rows = archive.db.execute("SELECT id, url, sha256, warc_file, warc_offset FROM fetches "
                              "WHERE outcome = 'ok' AND sha256 IS NOT NULL ORDER BY id")
    for fetch_id, url, sha, warc_file, offset in rows:
        record = found.records.get((warc_file, offset)) if warc_file else None
        subject = f"fetch #{fetch_id}"
        if record is None:
            where = f"{warc_file} @ {offset}" if warc_file else "no WARC record recorded"
            found.problems.append(Problem("warc_missing", subject, f"{url}: {where}"))
        elif record.uri != url or (sha in found.sha1 and record.digest != found.sha1[sha]):
            found.problems.append(Problem("warc_mismatch", subject, f"{url}: the record at {warc_file} @ {offset} "
                                          f"is {record.uri} with digest {record.digest}"))


def _check_text(archive: Archive, found: Findings) -> None:
    """The text database against the numbers (archive/textdb.py): each report's text is from its last parse
    (a kill between the two files' commits can leave it older, or missing), and no text is of no report."""
    rows = archive.db.execute(
        f"SELECT r.id, r.sha256, r.parsed_at, t.parsed_at FROM reports r LEFT JOIN {TEXT}.report_texts t "
        "ON t.report_id = r.id WHERE t.report_id IS NULL OR t.sha256 IS NOT r.sha256 "
        "OR t.parsed_at IS NOT r.parsed_at ORDER BY r.id")
    for report_id, sha, parsed_at, text_parsed_at in rows:
        seen = f"the parse of {text_parsed_at}" if text_parsed_at else "no text recorded"
        found.problems.append(Problem("text_stale", f"report #{report_id}", f"its numbers are from the parse of "
                                      f"{parsed_at}, its text from {seen}; document {sha}"))
    orphans = archive.db.execute(
        f"SELECT report_id FROM {TEXT}.report_texts WHERE report_id NOT IN (SELECT id FROM reports) UNION "
        f"SELECT report_id FROM {TEXT}.sections WHERE report_id NOT IN (SELECT id FROM reports) ORDER BY 1")
    for (report_id,) in orphans:
        found.problems.append(Problem("text_orphan", f"report #{report_id}", "text of a report the numbers "
                                      "database does not have (a write killed before its numbers were committed)"))


def check(archive: Archive) -> Findings:
    """Everything wrong with the archive, in the order raw store, database, text, WARC files, fetches."""
    found = Findings()
    _check_raw(archive, found)
    _check_text(archive, found)
    for path in sorted(archive.warc.root.glob("*.warc.gz")):
        _read_warc(path, found)
    _check_fetches(archive, found)
    return found


def repair(archive: Archive, reparse: Callable[[list[str]], None] | None = None) -> tuple[list[str], Findings]:
    """Fix what can be fixed from the data at hand; returns what was done and what is still wrong.

    reparse: parses the given documents again and saves them (nianbao.reparse), so a report whose text is not
    from its last parse gets numbers and text from one parse again."""
    done: list[str] = []
    found = check(archive)
    done += _repair_raw(archive, found)
    done += _cut_broken_warcs(archive, found)
    found = check(archive)
    done += _rewrite_warc_records(archive, found)
    done += _restore_document_rows(archive, found)
    done += _repair_text(archive, found, reparse)
    return done, check(archive)


def _repair_text(archive: Archive, found: Findings, reparse: Callable[[list[str]], None] | None) -> list[str]:
    done = []
    orphans = [int(p.subject.removeprefix("report #")) for p in found.problems if p.kind == "text_orphan"]
    if orphans:
        with write_transaction(archive.db) as db:
            for table in ("sections", "report_texts"):
                db.conn.executemany(f"DELETE FROM {TEXT}.{table} WHERE report_id = ?", [(i,) for i in orphans])
        done += [f"deleted the text of report #{i}, which the numbers database does not have" for i in orphans]
    stale = [p.detail.rsplit("document ", 1)[1] for p in found.problems if p.kind == "text_stale"]
    stale = [sha for sha in stale if sha in found.sha1]  # only documents whose raw bytes are good
    if stale and reparse is not None:
        reparse(stale)
        done += [f"parsed document {sha} again: its numbers and text are from one parse" for sha in stale]
    return done


def _payload_for(archive: Archive, found: Findings, sha: str) -> bytes | None:
    """The bytes with this sha256 from any WARC record that holds them, or None."""
    for name, offset in found.records:
        with (archive.warc.root / name).open("rb") as f:
            f.seek(offset)
            data = next(iter(ArchiveIterator(f))).raw_stream.read()
        if hashlib.sha256(data).hexdigest() == sha:
            return data
    return None


def _repair_raw(archive: Archive, found: Findings) -> list[str]:
    done = []
    quarantine = archive.root / "raw-quarantine"
    for problem in found.problems:
        if problem.kind not in ("raw_corrupt", "raw_missing"):
            continue
        sha = problem.subject
        if problem.kind == "raw_corrupt":
            quarantine.mkdir(exist_ok=True)
            shutil.move(archive.store.path(sha), quarantine / sha)
            done.append(f"moved corrupt raw file {sha} to raw-quarantine/")
        data = _payload_for(archive, found, sha)
        if data is not None:
            archive.store.put(data)
            done.append(f"restored raw file {sha} from its WARC record")
    return done


def _cut_broken_warcs(archive: Archive, found: Findings) -> list[str]:
    done = []
    for name, end in found.broken_at.items():
        path = archive.warc.root / name
        with path.open("r+b") as f:
            f.seek(end)
            path.with_name(f"{name}.broken-{end}").write_bytes(f.read())
            f.truncate(end)
        path.with_name(f".{name}.checked").unlink(missing_ok=True)
        done.append(f"cut {name} at byte {end}; the rest is kept in {name}.broken-{end}")
    return done


def _rewrite_warc_records(archive: Archive, found: Findings) -> list[str]:
    done = []
    ids = [int(p.subject.removeprefix("fetch #")) for p in found.problems
           if p.kind in ("warc_missing", "warc_mismatch")]
    for fetch_id in ids:
        fetch = archive.db["fetches"].get(fetch_id)
        if fetch["sha256"] not in found.sha1:
            continue  # no good bytes to write the record from
        data = archive.store.read(fetch["sha256"])
        when = dt.datetime.strptime(fetch["fetched_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        if fetch["http_status"] is None:
            fmt = sniff(data, fetch["url"])
            warc = archive.warc.write_resource(fetch["url"], data, content_type(fmt) or "application/octet-stream",
                                               when)
        else:
            headers = json.loads(fetch["headers"]) if fetch["headers"] else {}
            warc = archive.warc.write_response(fetch["url"], fetch["http_status"], headers, data, when)
        with write_transaction(archive.db) as db:
            db["fetches"].update(fetch_id, {"warc_file": warc[0], "warc_offset": warc[1]})
        done.append(f"wrote the WARC record of fetch #{fetch_id} again from its raw bytes ({warc[0]} @ {warc[1]})")
    return done


def _restore_document_rows(archive: Archive, found: Findings) -> list[str]:
    done = []
    for problem in found.problems:
        if problem.kind != "report_without_document":
            continue
        sha = problem.detail.removeprefix("no document ")
        if sha not in found.sha1:
            continue
        data = archive.store.read(sha)
        fmt = sniff(data, "")
        with write_transaction(archive.db) as db:
            save_document(db, sha, len(data), fmt, content_type(fmt), dt.datetime.now(dt.UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"))
        done.append(f"restored the document row of {problem.subject} from its raw bytes")
    return done
