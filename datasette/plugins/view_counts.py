"""Unfiltered pages of the views over the compact tables are served without a row count.

`report_values` and `checks` are views (archive/compact.py) with as many rows as their tables: 200 million cells
at a million reports. A table's unfiltered count comes from the inspect file (nianbao.serve.prepare); a view's
would be a count(*) over every cell on every visit, cut off only by the time limit. So their unfiltered pages
get Datasette's `_nocount=1`: the first rows at once, no total. Any filter (?report_id=…, _where, _search)
keeps its count, as on a table.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

DATABASE = "nianbao"
VIEWS = {"report_values", "checks"}
FILTERS = ("_where", "_search", "_nocount")  # the underscore arguments that filter (or already say nocount)


def nocount_query(path: str, query_string: str) -> str | None:
    """The query string with `_nocount=1` for an unfiltered page of one of the views, else None."""
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[0] != DATABASE or parts[1].partition(".")[0] not in VIEWS:
        return None
    params = parse_qsl(query_string, keep_blank_values=True)
    if any(not k.startswith("_") or k.startswith(FILTERS) for k, _ in params):
        return None
    return urlencode([*params, ("_nocount", "1")])


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def no_view_counts(scope, receive, send):
            if scope["type"] == "http":
                query = nocount_query(scope.get("path", ""), scope.get("query_string", b"").decode("latin-1"))
                if query is not None:
                    scope = {**scope, "query_string": query.encode("latin-1")}
            await app(scope, receive, send)

        return no_view_counts

    return wrap
