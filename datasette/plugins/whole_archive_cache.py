"""Answers that read the whole archive are computed once per archive version, when the server starts.

The maps, the charts and the whole-archive canned queries (refusal rates per agency, year-over-year changes,
late reports, carry-over mismatches) aggregate every report: their cost grows with the archive, 10× from 100k
to a million reports (docs/benchmarks.md, "A million reports"), and no index makes a GROUP BY over every row
constant. The database is served immutable (`nianbao serve` restarts Datasette when the archive changes), so
the same URL always has the same answer for the life of the process: this plugin keeps the answer.

- What: GET pages and `.json` of the canned queries and tables listed in `plugins: nianbao:
  precomputed_queries` (a table page's facet counts read every row too), and
  the data requests of datasette-dashboards' charts and filters (the `/<db>.json?sql=…` URLs its script builds
  from metadata), on immutable databases only; one answer per URL (query parameters in any order), status 200
  without Set-Cookie, at most MAX_BODY bytes, at most MAX_TOTAL bytes in all (least recently used dropped).
- When: at the server's ASGI lifespan start-up (before uvicorn accepts connections) it asks for each listed
  query's page and JSON (with the map's and charts' own parameters), like the inspect data `nianbao serve`
  writes: start-up grows with the archive, the pages do not. A filtered variant (a province, a year) is
  computed on its first request; without a lifespan (an in-process client) every answer is computed then.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import OrderedDict
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

CONFIG = "nianbao"
MAX_BODY = 8 * 1024 * 1024
MAX_TOTAL = 128 * 1024 * 1024
WARM_TIME_LIMIT_MS = 120_000  # per query, at start-up only
MAP_QS = "_size=max&_labels=on&_extra=count&_extra=next_url&_shape=objects"  # datasette-cluster-map's request
OPTIONAL = re.compile(r"\[\[.*?\]\]", re.S)

ATTRIBUTE = "_nianbao_whole_archive_cache"  # one cache per Datasette instance (tests run several in a process)


def _cache_of(datasette) -> OrderedDict[str, tuple[list, bytes]]:
    cache = getattr(datasette, ATTRIBUTE, None)
    if cache is None:
        cache = OrderedDict()
        setattr(datasette, ATTRIBUTE, cache)
    return cache


def cache_key(path: str, query_string: str) -> str:
    """The URL with its parameters in one order, and what else a page's HTML depends on: the demo banner is
    read from the environment at render time (demo_banner.py), so a page is kept once per banner setting."""
    params = urlencode(sorted(p for p in parse_qsl(query_string, keep_blank_values=True) if p[0]))
    return f"{path}?{params}#demo={os.environ.get('NIANBAO_DEMO', '').strip().lower()}"


def _variants(query: str) -> set[str]:
    """The SQL texts datasette-dashboards sends for a query with [[ … :var … ]] blocks, for every choice of
    filled filters (each block kept or dropped)."""
    blocks = OPTIONAL.findall(query)
    out = set()
    for keep in itertools.product((False, True), repeat=len(blocks)):
        sql = query
        for block, kept in zip(blocks, keep, strict=True):
            sql = sql.replace(block, block[2:-2] if kept else "")
        out.add(sql)
    return out


def dashboard_queries(datasette) -> dict[str, set[str]]:
    """Database name → the SQL texts of every dashboard chart and select filter."""
    boards = datasette.plugin_config("datasette-dashboards") or {}
    out: dict[str, set[str]] = {}
    for board in boards.values():
        for kind in ("charts", "filters"):
            for item in (board.get(kind) or {}).values():
                if isinstance(item, dict) and item.get("db") and item.get("query"):
                    out.setdefault(item["db"], set()).update(_variants(item["query"]))
    return out


def _immutable(datasette, name: str) -> bool:
    db = datasette.databases.get(name)
    return db is not None and not db.is_memory and not db.is_mutable


def cacheable(datasette, path: str, query_string: str) -> bool:
    parts = path.strip("/").split("/")
    if len(parts) == 2:
        name, _, ext = parts[1].partition(".")
        queries = (datasette.plugin_config(CONFIG) or {}).get("precomputed_queries") or []
        return name in queries and ext in ("", "json") and _immutable(datasette, parts[0])
    if len(parts) == 1 and parts[0].endswith(".json"):
        db = parts[0][: -len(".json")]
        sql = dict(parse_qsl(query_string, keep_blank_values=True)).get("sql")
        return bool(sql) and sql in dashboard_queries(datasette).get(db, ()) and _immutable(datasette, db)
    return False


def _store(cache: OrderedDict, key: str, headers: list, body: bytes) -> None:
    cache[key] = (headers, body)
    cache.move_to_end(key)
    while sum(len(b) for _, b in cache.values()) > MAX_TOTAL:
        cache.popitem(last=False)


async def _send_cached(send, headers: list, body: bytes) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _warm_before_ready(datasette, send):
    """The server's lifespan start-up (uvicorn listens once it completes): compute the answers first. Not a
    `startup` hook: pages cannot be rendered inside one (Datasette is not started until every hook returns,
    and a request made from a hook starts the hooks again)."""
    async def send_when_warm(message):
        if message["type"] == "lifespan.startup.complete":
            await datasette.invoke_startup()
            await warm(datasette)
        await send(message)

    return send_when_warm


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def whole_archive_cache(scope, receive, send):
            if scope["type"] == "lifespan":
                return await app(scope, receive, _warm_before_ready(datasette, send))
            if not (scope["type"] == "http" and scope.get("method") == "GET"):
                return await app(scope, receive, send)
            path, qs = scope.get("path", ""), scope.get("query_string", b"").decode("latin-1")
            if not cacheable(datasette, path, qs):
                return await app(scope, receive, send)
            key, cache = cache_key(path, qs), _cache_of(datasette)
            if key in cache:
                cache.move_to_end(key)
                return await _send_cached(send, *cache[key])
            start: dict = {}
            chunks: list[bytes] = []

            async def capture(message):
                if message["type"] == "http.response.start":
                    start.update(message)
                elif message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))
                    if not message.get("more_body") and start.get("status") == 200:
                        body = b"".join(chunks)
                        names = {k.lower() for k, _ in start.get("headers", [])}
                        if b"set-cookie" not in names and len(body) <= MAX_BODY:
                            _store(cache, key, list(start.get("headers", [])), body)
                await send(message)

            await app(scope, receive, capture)

        return whole_archive_cache

    return wrap


async def warm_urls(datasette) -> list[str]:
    """What a visitor's first look at the home page's aggregate links asks for (the page, its JSON as the map
    script asks for it, each chart's data as the dashboards script asks for it)."""
    urls = []
    queries = (datasette.plugin_config(CONFIG) or {}).get("precomputed_queries") or []
    for db in [n for n in datasette.databases if _immutable(datasette, n)]:
        canned = datasette.metadata("queries", database=db) or {}
        for name in queries:
            if name in canned:
                urls += [f"/{db}/{name}", f"/{db}/{name}.json?{MAP_QS}", f"/{db}/{name}.json?_shape=objects"]
            elif await datasette.get_database(db).table_exists(name):  # a table's page (its facet counts)
                urls.append(f"/{db}/{name}")
    boards = datasette.plugin_config("datasette-dashboards") or {}
    for board in boards.values():
        for kind in ("charts", "filters"):
            for item in (board.get(kind) or {}).values():
                if isinstance(item, dict) and item.get("query") and _immutable(datasette, item.get("db", "")):
                    sql = OPTIONAL.sub("", item["query"])
                    urls.append(f"/{item['db']}.json?" + urlencode({"sql": sql, "_shape": "objects"}))
    return urls


async def warm(datasette) -> None:
    """Ask for every listed answer, with a longer SQL time limit: nobody else is served yet (the server listens
    once start-up completes), and a whole-archive query may need more than a visitor's 5 s at a million reports
    (request_changes took 5.3 s there). Visitors' queries keep the configured limit."""
    limit = datasette.sql_time_limit_ms
    datasette.sql_time_limit_ms = max(limit, WARM_TIME_LIMIT_MS)
    try:
        for url in await warm_urls(datasette):
            await datasette.client.get(url)
    finally:
        datasette.sql_time_limit_ms = limit
