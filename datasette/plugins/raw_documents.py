"""`/-/raw/<sha256>`: the archived original of a document, as a download.

The bytes come from the archive's content-addressed store (`<raw root>/ab/cd/<sha256>`), only for a
sha256 that the `documents` table lists, re-hashed before they are sent. The raw root is, in order:
plugin config `nianbao: raw_root` in metadata, the NIANBAO_RAW_ROOT environment variable, or `raw/`
beside the database file. Nothing is ever served as HTML from this origin: always an attachment, with
nosniff and a sandboxing CSP.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from archive.mime import content_type
from archive.original import raw_root
from nianbao.site_access import archive_database

SHA256 = re.compile(r"[0-9a-f]{64}")
# Formats served with their own content type (archive.mime); txt and md as text/plain; anything else, HTML
# included, as application/octet-stream.
TYPED_FORMATS = ("pdf", "docx", "doc", "wps", "xls", "xlsx")
TEXT_FORMATS = ("txt", "md")
KNOWN_FORMATS = (*TYPED_FORMATS, *TEXT_FORMATS, "html")


def served_type(fmt: str) -> tuple[str, str]:
    """(Content-Type, file extension) a stored document is sent with."""
    ext = fmt if fmt in KNOWN_FORMATS else "bin"
    if fmt in TYPED_FORMATS:
        return content_type(fmt) or "application/octet-stream", ext
    return ("text/plain" if fmt in TEXT_FORMATS else "application/octet-stream"), ext


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


async def serve_raw(datasette, request):
    sha = request.url_vars["sha256"]
    if not SHA256.fullmatch(sha):
        raise NotFound("not a sha256: 64 lowercase hex characters expected")
    config, db = await archive_database(datasette, request, "document not found")
    row = (await db.execute("SELECT format FROM documents WHERE sha256 = :sha", {"sha": sha})).first()
    root = raw_root(config, db.path)
    if row is None or root is None:
        raise NotFound("document not found")
    data = await asyncio.to_thread(_read, root / sha[:2] / sha[2:4] / sha)
    if data is None:
        raise NotFound("document not in the raw store")
    if hashlib.sha256(data).hexdigest() != sha:
        return Response.text("stored document is corrupt (hash mismatch)", status=500)
    kind, ext = served_type(row["format"])
    return Response(data, content_type=kind, headers={
        "Content-Disposition": f'attachment; filename="{sha[:16]}.{ext}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "public, max-age=31536000, immutable",
    })


@hookimpl
def register_routes():
    return [(r"^/-/raw/(?P<sha256>[^/]+)$", serve_raw)]
