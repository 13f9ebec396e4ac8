"""`/-/original/<sha256>`: an archived original opened at the place a number was printed.

A PDF is sent inline (link to it with `#page=N`); HTML, text, markdown and Word originals are re-laid as
escaped text and tables by archive.original with the row `?t=<table>&r=<row>[&c=<col>]` marked. Only a sha256
listed in `documents` is served, re-hashed first, with nosniff and the sandboxing CSP of /-/raw/ (a PDF: a CSP
without `sandbox`, in which Chromium's viewer cannot start; see archive.original.PDF_CSP).
"""

from __future__ import annotations

import asyncio
import re

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from archive.original import (
    HEADERS,
    MAX_VIEW_BYTES,
    PDF_CSP,
    VIEW_CSP,
    VIEWABLE,
    Mark,
    raw_root,
    render_view,
    stored_bytes,
)
from nianbao.site_access import archive_database

SHA256 = re.compile(r"[0-9a-f]{64}")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 7 else None


async def serve_original(datasette, request):
    sha = request.url_vars["sha256"]
    if not SHA256.fullmatch(sha):
        raise NotFound("not a sha256: 64 lowercase hex characters expected")
    config, db = await archive_database(datasette, request, "document not found")
    row = (await db.execute("SELECT d.format, d.size, (SELECT title FROM reports WHERE sha256 = d.sha256) AS title "
                            "FROM documents d WHERE d.sha256 = :sha", {"sha": sha})).first()
    root = raw_root(config, db.path)
    if row is None or root is None:
        raise NotFound("document not found")
    fmt = row["format"]
    if fmt != "pdf" and fmt not in VIEWABLE:
        raise NotFound(f"a {fmt} original cannot be shown in the browser: download it from /-/raw/{sha}")
    if fmt != "pdf" and (row["size"] or 0) > MAX_VIEW_BYTES:
        return Response.text("the original is too large to show as text: download it", status=413)
    data = await asyncio.to_thread(stored_bytes, root, sha)
    if data is None:
        raise NotFound("document not in the raw store (or corrupt)")
    if fmt == "pdf":
        return Response(data, content_type="application/pdf", headers={
            **HEADERS, "Content-Security-Policy": PDF_CSP,
            "Content-Disposition": f'inline; filename="{sha[:16]}.pdf"'})
    mark = Mark(_int(request.args.get("t")), _int(request.args.get("r")), _int(request.args.get("c")))
    page = await asyncio.to_thread(render_view, data, fmt, mark, row["title"] or sha[:16],
                                   datasette.urls.path(f"/-/raw/{sha}"))
    return Response.html(page, headers={**HEADERS, "Content-Security-Policy": VIEW_CSP})


@hookimpl
def register_routes():
    return [(r"^/-/original/(?P<sha256>[^/]+)$", serve_original)]
