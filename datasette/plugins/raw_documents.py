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
import os
import re
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

CONFIG = "nianbao"
DEFAULT_DB = "nianbao"
SHA256 = re.compile(r"[0-9a-f]{64}")
# format -> (Content-Type, file extension); anything else, HTML included, is application/octet-stream.
SAFE_TYPES = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "doc": ("application/msword", "doc"),
    "wps": ("application/vnd.ms-works", "wps"),
    "xls": ("application/vnd.ms-excel", "xls"),
    "txt": ("text/plain", "txt"),
    "md": ("text/plain", "md"),
    "html": ("application/octet-stream", "html"),
}


def raw_root(config: dict, db_path: str | None) -> Path | None:
    root = config.get("raw_root") or os.environ.get("NIANBAO_RAW_ROOT")
    if root:
        return Path(root)
    return Path(db_path).parent / "raw" if db_path else None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


async def serve_raw(datasette, request):
    sha = request.url_vars["sha256"]
    if not SHA256.fullmatch(sha):
        raise NotFound("not a sha256: 64 lowercase hex characters expected")
    config = datasette.plugin_config(CONFIG) or {}
    name = config.get("database", DEFAULT_DB)
    try:
        db = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database {name}") from None
    if not await datasette.permission_allowed(request.actor, "view-database", name, default=True):
        raise NotFound("document not found")
    row = (await db.execute("SELECT format FROM documents WHERE sha256 = :sha", {"sha": sha})).first()
    root = raw_root(config, db.path)
    if row is None or root is None:
        raise NotFound("document not found")
    data = await asyncio.to_thread(_read, root / sha[:2] / sha[2:4] / sha)
    if data is None:
        raise NotFound("document not in the raw store")
    if hashlib.sha256(data).hexdigest() != sha:
        return Response.text("stored document is corrupt (hash mismatch)", status=500)
    content_type, ext = SAFE_TYPES.get(row["format"], ("application/octet-stream", "bin"))
    return Response(data, content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{sha[:16]}.{ext}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "public, max-age=31536000, immutable",
    })


@hookimpl
def register_routes():
    return [(r"^/-/raw/(?P<sha256>[^/]+)$", serve_raw)]
