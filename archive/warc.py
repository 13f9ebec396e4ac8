"""WARC records of every exchange, so the archive can be replayed and verified by standard tools.

HTTP fetches become `response` records (status line, headers, body) with a `request` record;
files ingested from disk become `resource` records. Files are appended per day and gzip-compressed
per record, which is what warcio and pywb expect.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


class WarcLog:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _file(self, when: dt.datetime) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root / f"nianbao-{when:%Y%m%d}.warc.gz"

    def _append(self, when: dt.datetime, records: list) -> tuple[str, int]:
        """Append records under an exclusive lock (several crawl workers may share the directory)."""
        path = self._file(when)
        with open(path, "ab") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                offset = f.seek(0, 2)
                writer = WARCWriter(f, gzip=True)
                for record in records:
                    writer.write_record(record)
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return path.name, offset

    def write_response(self, url: str, status: int, headers: dict[str, str], body: bytes,
                       when: dt.datetime, request_headers: dict[str, str] | None = None) -> tuple[str, int]:
        """Record one HTTP exchange; returns (warc file name, byte offset of the response record)."""
        writer = WARCWriter(BytesIO(), gzip=True)
        http = StatusAndHeaders(f"{status} {_reason(status)}", list(headers.items()), protocol="HTTP/1.1")
        date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        response = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                             warc_headers_dict={"WARC-Date": date})
        req_http = StatusAndHeaders(f"GET {url} HTTP/1.1", list((request_headers or {}).items()), is_http_request=True)
        request = writer.create_warc_record(url, "request", http_headers=req_http,
                                            warc_headers_dict={"WARC-Date": date})
        return self._append(when, [response, request])

    def write_resource(self, uri: str, body: bytes, content_type: str, when: dt.datetime) -> tuple[str, int]:
        """Record a document that came from disk rather than HTTP."""
        writer = WARCWriter(BytesIO(), gzip=True)
        record = writer.create_warc_record(uri, "resource", payload=BytesIO(body),
                                           warc_content_type=content_type,
                                           warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")})
        return self._append(when, [record])


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
