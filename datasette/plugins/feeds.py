"""`/-/feeds/<new|late|failing|edits>.atom?province=…&agency=…`: Atom feeds of the archive (archive/feeds.py).
Pages link them with <link rel="alternate" type="application/atom+xml">."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

from archive.feeds import LIMIT, atom, feed_sql, select
from nianbao.site_access import archive_database


async def serve_feed(datasette, request):
    _, db = await archive_database(datasette, request)
    kind = request.url_vars["kind"]
    province = request.args.get("province", "")[:40]
    agency = request.args.get("agency", "")
    if agency and not (agency.isdigit() and len(agency) < 12):
        return Response.text("agency: an agency id (a number) expected", status=400)
    params = {"province": province, "agency": agency, "limit": LIMIT * (10 if kind == "late" else 1)}
    result = await db.execute(feed_sql(kind), params)
    rows = select(kind, [dict(r) for r in result.rows])
    filters = " · ".join(f for f in (province, f"agency #{agency}" if agency else "") if f)
    body = atom(kind, rows, datasette.absolute_url(request, request.full_path),
                lambda path: datasette.absolute_url(request, datasette.urls.path(path)), filters)
    return Response(body, content_type="application/atom+xml; charset=utf-8",
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=600"})


@hookimpl
def register_routes():
    return [(r"^/-/feeds/(?P<kind>new|late|failing|edits)\.atom$", serve_feed)]
