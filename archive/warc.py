"""WARC records of every exchange, so the archive can be replayed and verified by standard tools.

HTTP fetches become `response` records (status line, headers, body) with a `request` record;
files ingested from disk become `resource` records. Files are appended per day and gzip-compressed
per record, which is what warcio and pywb expect.

Appends are safe against kills and full disks: under an exclusive lock the writer first checks that the
file ends on a complete gzip member (a writer killed mid-append leaves a partial one; its bytes are moved
to `<file>.partial-<offset>` and cut off), then writes, flushes and fsyncs; a failed write is cut back to
where it started. So every reader can read every file from start to end.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import zlib
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.errors import write_error

CHUNK = 1 << 16


def complete_end(path: Path, start: int = 0) -> int:
    """Offset just after the last complete gzip member, reading from `start` (a member boundary)."""
    good = pos = start
    member = zlib.decompressobj(31)
    with path.open("rb") as f:
        f.seek(start)
        for chunk in iter(lambda: f.read(CHUNK), b""):
            while chunk:
                try:
                    member.decompress(chunk, CHUNK * 64)
                    while member.unconsumed_tail and not member.eof:
                        member.decompress(member.unconsumed_tail, CHUNK * 64)
                except zlib.error:
                    return good
                if not member.eof:
                    pos += len(chunk)
                    break
                pos += len(chunk) - len(member.unused_data)
                good, chunk = pos, member.unused_data
                member = zlib.decompressobj(31)
    return good


class WarcLog:
    """The `warc/` directory of an archive: one gzip WARC file per UTC day."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._checked: dict[Path, int] = {}  # file → a length known to end on a complete member

    def _file(self, when: dt.datetime) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root / f"nianbao-{when:%Y%m%d}.warc.gz"

    def _hint(self, path: Path) -> Path:
        return path.with_name(f".{path.name}.checked")

    def _known_good(self, path: Path, size: int) -> int:
        """Where checking may start: this process's last check, or the length the last writer left in the hint."""
        known = self._checked.get(path)
        if known is None:
            try:
                known = int(self._hint(path).read_text())
            except (OSError, ValueError):
                known = 0
        return known if known <= size else 0

    def _good_end(self, path: Path, fd: int) -> int:
        """Length of the file once a partial last record (a writer killed mid-append) is cut off and kept aside."""
        size = os.fstat(fd).st_size
        start = self._known_good(path, size)
        end = complete_end(path, start) if start < size else size
        if end == start and start and end < size:
            end = complete_end(path, 0)  # the hint did not fall on a member boundary: check from the start
        if end < size:
            with path.open("rb") as src:
                src.seek(end)
                path.with_name(f"{path.name}.partial-{end}").write_bytes(src.read())
            os.ftruncate(fd, end)
        return end

    def _append(self, when: dt.datetime, records: list) -> tuple[str, int]:
        """Append records under an exclusive lock (several writers may share the directory); returns the file
        name and the offset of the first record. Raises ArchiveWriteError with the file as it was before."""
        name, offsets = self._append_groups(when, [records])
        return name, offsets[0]

    def _append_groups(self, when: dt.datetime, groups: list[list]) -> tuple[str, list[int]]:
        """Append several exchanges' records at once (one lock, one write, one fsync: a group commit); returns
        the file name and the offset of each group's first record."""
        buffer = BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        starts = []
        for records in groups:
            starts.append(buffer.tell())
            for record in records:
                writer.write_record(record)
        data = buffer.getvalue()
        path = self._file(when)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise write_error("WARC file", exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                offset = self._good_end(path, fd)
            except OSError as exc:
                raise write_error("WARC file", exc) from exc
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            except OSError as exc:
                os.ftruncate(fd, offset)
                raise write_error("WARC file", exc) from exc
            self._checked[path] = offset + len(data)
            try:
                self._hint(path).write_text(str(offset + len(data)))
            except OSError:
                self._hint(path).unlink(missing_ok=True)  # only a shortcut: without it the next writer reads more
        finally:
            os.close(fd)  # closing releases the lock
        return path.name, [offset + start for start in starts]

    def write_response(self, url: str, status: int, headers: dict[str, str], body: bytes,
                       when: dt.datetime, request_headers: dict[str, str] | None = None) -> tuple[str, int]:
        """Record one HTTP exchange; returns (warc file name, byte offset of the response record)."""
        return self._append(when, response_records(url, status, headers, body, when, request_headers))

    def write_records(self, when: dt.datetime, records: list) -> tuple[str, int]:
        """One exchange's records (response_records/resource_records); returns (file name, offset of the first)."""
        return self._append(when, records)

    def write_many(self, exchanges: list[tuple[dt.datetime, list]]) -> list[tuple[str, int]]:
        """Several exchanges (their time, their records: response_records/resource_records), appended with one
        fsync per day file; returns (file name, offset) of each exchange's first record, in order."""
        out: list[tuple[str, int]] = [("", 0)] * len(exchanges)
        days: dict[Path, list[int]] = {}
        for i, (when, _) in enumerate(exchanges):
            days.setdefault(self._file(when), []).append(i)
        for members in days.values():
            name, offsets = self._append_groups(exchanges[members[0]][0], [exchanges[i][1] for i in members])
            for i, offset in zip(members, offsets, strict=True):
                out[i] = (name, offset)
        return out

    def write_resource(self, uri: str, body: bytes, content_type: str, when: dt.datetime) -> tuple[str, int]:
        """Record a document that came from disk rather than HTTP."""
        return self._append(when, resource_records(uri, body, content_type, when))


def response_records(url: str, status: int, headers: dict[str, str], body: bytes, when: dt.datetime,
                     request_headers: dict[str, str] | None = None) -> list:
    """The response record of one HTTP exchange and its request record."""
    writer = WARCWriter(BytesIO(), gzip=True)
    http = StatusAndHeaders(f"{status} {_reason(status)}", list(headers.items()), protocol="HTTP/1.1")
    date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    response = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                         warc_headers_dict={"WARC-Date": date})
    req_http = StatusAndHeaders(f"GET {url} HTTP/1.1", list((request_headers or {}).items()), is_http_request=True)
    request = writer.create_warc_record(url, "request", http_headers=req_http, warc_headers_dict={"WARC-Date": date})
    return [response, request]


def resource_records(uri: str, body: bytes, content_type: str, when: dt.datetime) -> list:
    """The resource record of a document that came from disk rather than HTTP."""
    writer = WARCWriter(BytesIO(), gzip=True)
    return [writer.create_warc_record(uri, "resource", payload=BytesIO(body), warc_content_type=content_type,
                                      warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")})]


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
