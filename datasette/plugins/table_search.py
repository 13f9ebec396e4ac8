"""The table search of report text (`/<db>/sections?_search=…`) answered from the full-text index with a cap.

Datasette 0.65 answers `?_search=` with `rowid IN (every match) ORDER BY <primary key>` and then counts every
match, so a phrase every report contains (信息公开申请) cost 7–10× more at 100k reports than at 10k, and would
cost 100× at a million (docs/benchmarks.md, "A million reports"). This plugin owns `_search` on the sections
table, in whichever attached database holds it (looked up by name, so the full text may live in a database of
its own): the page lists the newest-archived matches first, read straight from the FTS5 index in descending
rowid order with a LIMIT (no sort, no visit of the other matches), pages on with `_next=<rowid>` (keyset: the
next page is as cheap as the first), and counts at most COUNT_CAP + 1 matches ("more than 1,000"). The
`.json` form answers the same rows. Anything else (filters, `_sort`, facets beside `_search`) stays with
Datasette; one or two characters and several words are sent to the canned `search` query by search_redirect.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from datasette import hookimpl
from datasette.utils import escape_fts
from datasette.utils.asgi import Request, Response
from markupsafe import Markup, escape

TABLE = "sections"
ROUTE = r"^/-/table-search/(?P<database>[^/]+)/(?P<table>[^/.]+)(\.(?P<format>json))?$"
FTS = "sections_fts"
COUNT_CAP = 1000
DEFAULT_SIZE, MAX_SIZE = 50, 500
TRIGRAM = 3
OWN_PARAMS = {"_search", "_size", "_next", "_shape"}
OPEN, CLOSE = "\x02", "\x03"  # snippet markers: the text is escaped first, then they become <mark>
PAGE_SQL = f"""
SELECT f.rowid AS rowid, s.report_id, s.no, s.heading,
  snippet({FTS}, -1, char(2), char(3), '…', 24) AS snippet
FROM {FTS} f JOIN {TABLE} s ON s.rowid = f.rowid
WHERE {FTS} MATCH :q AND f.rowid < :before
ORDER BY f.rowid DESC LIMIT :size
"""
COUNT_SQL = f"SELECT count(*) FROM (SELECT 1 FROM {FTS} WHERE {FTS} MATCH :q LIMIT :cap)"


def owned(table: str, params: dict[str, list[str]]) -> bool:
    """True for a search this plugin answers: one word of ≥ 3 characters and nothing Datasette must filter."""
    term = " ".join(params.get("_search", [""])).strip()
    words = term.split()
    return (table == TABLE and len(words) == 1 and len(words[0]) >= TRIGRAM and set(params) <= OWN_PARAMS
            and (params.get("_shape", ["objects"])[-1] in ("objects", "array")))


def match_query(term: str) -> str:
    """The term as Datasette's own `_search` reads it (each word a quoted phrase)."""
    return escape_fts(term.strip())


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError):
        return default


async def holder(datasette, name: str):
    """The database `name` if it holds the sections table and its FTS index, else None."""
    try:
        db = datasette.get_database(name)
    except KeyError:
        return None
    return db if await db.table_exists(TABLE) and await db.table_exists(FTS) else None


async def reports_db_name(datasette) -> str | None:
    """The database holding `reports` (where a report's page lives), wherever the text is."""
    for name, db in datasette.databases.items():
        if not db.is_memory and await db.table_exists("reports"):
            return name
    return None


async def search(db, term: str, size: int, before: int | None) -> dict:
    q = match_query(term)
    rows = [dict(r) for r in (await db.execute(PAGE_SQL, {"q": q, "before": before or 2**62,
                                                          "size": size + 1})).rows]
    more = len(rows) > size
    rows = rows[:size]
    count = None
    if before is None:
        count = (await db.execute(COUNT_SQL, {"q": q, "cap": COUNT_CAP + 1})).rows[0][0]
    return {"rows": rows, "next": rows[-1]["rowid"] if more else None, "count": count,
            "count_capped": count is not None and count > COUNT_CAP}


def _highlight(snippet: str | None) -> Markup:
    return Markup(str(escape(snippet or "")).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


async def respond(datasette, request: Request, db, ext: str) -> Response:
    await datasette.ensure_permissions(request.actor, [("view-table", (db.name, TABLE)), ("view-database", db.name),
                                                       "view-instance"])
    params = parse_qs(request.query_string, keep_blank_values=True)
    term = params["_search"][-1].strip()
    size = _int(params.get("_size", [None])[-1], DEFAULT_SIZE, 1, MAX_SIZE)
    before = _int(params.get("_next", [None])[-1], None, 1, 2**62) if "_next" in params else None
    found = await search(db, term, size, before)
    path = datasette.urls.table(db.name, TABLE)
    next_url = (path + ("." + ext if ext else "") + "?" + urlencode({"_search": term, "_size": size,
                                                                    "_next": found["next"]})
                if found["next"] else None)
    if ext == "json":
        rows = [{k: v for k, v in r.items() if k != "snippet"} | {"snippet": (r["snippet"] or "").replace(
            OPEN, "[").replace(CLOSE, "]")} for r in found["rows"]]
        return Response.json({"rows": rows, "count": found["count"], "count_capped": found["count_capped"],
                              "count_cap": COUNT_CAP, "next": found["next"], "next_url": next_url})
    reports = await reports_db_name(datasette)
    for r in found["rows"]:
        r["snippet_html"] = _highlight(r["snippet"])
        r["href"] = datasette.urls.row(reports, "reports", str(r["report_id"])) if reports else None
    html = await datasette.render_template(
        ["nianbao_table_search.html"],
        {"term": term, "database": db.name, "table": TABLE, "table_url": path, "cap": COUNT_CAP, **found,
         "next_url": next_url, "json_url": path + ".json?" + urlencode({"_search": term, "_size": size})},
        request=request, view_name="table")
    return Response.html(html)


async def table_search_route(datasette, request: Request) -> Response:
    """The route the wrapper hands an owned search to (a route, so Datasette's middleware runs as for any page)."""
    db = await holder(datasette, request.url_vars["database"])
    if db is None or request.url_vars["table"] != TABLE or "_search" not in request.args:
        return Response.text("Not found", status=404)
    return await respond(datasette, request, db, request.url_vars.get("format") or "")


@hookimpl
def register_routes():
    return [(ROUTE, table_search_route)]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def table_search(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
                parts = scope.get("path", "").strip("/").split("/")
                params = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
                if len(parts) == 2 and "_search" in params:
                    table, _, ext = parts[1].partition(".")
                    if ext in ("", "json") and owned(table, params) and await holder(datasette, parts[0]):
                        path = f"/-/table-search/{parts[0]}/{table}" + (f".{ext}" if ext else "")
                        scope = dict(scope, path=path, raw_path=path.encode("utf-8"))
            await app(scope, receive, send)

        return table_search

    return wrap
