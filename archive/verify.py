"""`nianbao verify`: check a whole archive and, asked to, repair what the data at hand allows.

Checked: every raw file hashes to its name; every document row has its raw file; every report its document;
every WARC file reads from start to end (warcio); every archived fetch points at a WARC record of its URL
whose payload digest is that of the fetched bytes. Repairs: a corrupt raw file is moved to `raw-quarantine/`
and restored from a WARC record holding the same bytes when there is one; a broken WARC file is cut at its
last good record (the rest kept as `<file>.broken-<offset>`); a missing or wrong WARC record is written again
from good raw bytes and the fetch pointed at it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.db import write_transaction
from archive.directory import Archive
from archive.mime import content_type
from archive.save import save_document
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


def check(archive: Archive) -> Findings:
    """Everything wrong with the archive, in the order raw store, database, WARC files, fetches."""
    found = Findings()
    _check_raw(archive, found)
    for path in sorted(archive.warc.root.glob("*.warc.gz")):
        _read_warc(path, found)
    _check_fetches(archive, found)
    return found


def repair(archive: Archive) -> tuple[list[str], Findings]:
    """Fix what can be fixed from the data at hand; returns what was done and what is still wrong."""
    done: list[str] = []
    found = check(archive)
    done += _repair_raw(archive, found)
    done += _cut_broken_warcs(archive, found)
    found = check(archive)
    done += _rewrite_warc_records(archive, found)
    done += _restore_document_rows(archive, found)
    return done, check(archive)


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
