"""Table searches that Datasette's own `?_search=` would answer wrongly go to the canned `search` query.

- sections (in nianbao_text, the text database): its FTS5 trigram index finds nothing for one or two
  characters (复议) and nothing for several words (行政 复议, read as one phrase) — with no hint; the canned
  query handles both (LIKE, AND of words).
- reports, report_summary: no full-text index, so `_search` was ignored and every row came back; the canned
  query also searches agency and county names.
A single word of three or more characters on sections stays with Datasette's own search (fast, faceted).
Any other page of a text table asked under the numbers database (/nianbao/sections…, the address before the text
had its own file) goes to the same page of the text database.
The .json/.csv forms are redirected to the query's same form.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from datasette import hookimpl

DATABASE = "nianbao"
TEXT_DATABASE = "nianbao_text"  # sections live in the text database beside the numbers (archive/textdb.py)
QUERY = "search"
NO_INDEX = {"reports", "report_summary"}
FTS_TABLES = {"sections"}
TEXT_TABLES = {"sections", "sections_fts"}  # moved to the text database: old links under /nianbao are redirected
TRIGRAM = 3


def target(path: str, query_string: str) -> str | None:
    """Where a table search should go instead, or None to let Datasette answer it."""
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] == DATABASE and parts[1].partition(".")[0] in TEXT_TABLES:
        return search_target(parts, query_string) or moved_target(parts, query_string)
    return search_target(parts, query_string)


def moved_target(parts: list[str], query_string: str) -> str:
    """A page of a text table asked under the numbers database: /nianbao/sections → /nianbao_text/sections."""
    return "/" + "/".join([TEXT_DATABASE, *parts[1:]]) + (f"?{query_string}" if query_string else "")


def search_target(parts: list[str], query_string: str) -> str | None:
    if len(parts) != 2 or parts[0] not in (DATABASE, TEXT_DATABASE):
        return None
    table, dot, ext = parts[1].partition(".")
    if table not in (NO_INDEX | FTS_TABLES if parts[0] == DATABASE else FTS_TABLES):
        return None
    params = parse_qs(query_string, keep_blank_values=True)
    term = " ".join(params.get("_search", [""])).strip()
    if not term:
        return None
    words = term.split()
    if table in FTS_TABLES and len(words) == 1 and len(words[0]) >= TRIGRAM:
        return None
    keep = {k: v for k, v in params.items() if k in ("_shape", "_size")}
    return f"/{DATABASE}/{QUERY}{dot}{ext}?" + urlencode({"q": term, **keep}, doseq=True)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def redirect_searches(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
                location = target(scope.get("path", ""), scope.get("query_string", b"").decode("latin-1"))
                if location:
                    await send({"type": "http.response.start", "status": 302,
                                "headers": [(b"location", location.encode("utf-8")),
                                            (b"content-type", b"text/plain; charset=utf-8")]})
                    await send({"type": "http.response.body", "body": b""})
                    return
            await app(scope, receive, send)

        return redirect_searches

    return wrap
