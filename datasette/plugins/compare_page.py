"""`/-/compare`: reports side by side — two or more agencies, or one agency across the years.

?agency=<id> (repeatable) takes each agency's current reports (of ?year= when given); ?report=<id> takes
reports as they are; ?division=<code>&year=<y> takes every agency of a county that year; ?q= offers agencies
by name to add. The assembly is
archive.compare (pure); every query takes bound parameters.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

from archive.compare import MAX_COLUMNS, columns, figure_rows
from nianbao.site_access import archive_database

REPORT_COLUMNS = """
SELECT r.id, r.agency_id, r.year, r.version, r.is_current, r.status, r.published, r.title,
  coalesce(a.name, r.agency) AS agency_name, a.level AS agency_level, a.division_code, d.name AS county, d.province,
  s.new_requests, s.carried_over, s.total_processed, s.granted, s.partially_granted, s.denied, s.unavailable,
  s.not_processed, s.carried_forward, s.grant_rate, s.refusal_rate, s.reviews, s.lawsuits, s.failing_checks
FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id LEFT JOIN divisions d ON d.code = a.division_code
LEFT JOIN report_summary s ON s.report_id = r.id
"""
CURRENT = "r.is_current = 1 AND r.status IN ('ok', 'partial')"


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 12][:MAX_COLUMNS]


async def _select(db, request) -> list[dict]:
    year = request.args.get("year", "")
    year_sql, params = ("", {}) if not year.isdigit() else (" AND r.year = :year", {"year": int(year)})
    found: list[dict] = []
    for report_id in _ints(request.args.getlist("report")):
        found += [dict(r) for r in (await db.execute(REPORT_COLUMNS + " WHERE r.id = :id", {"id": report_id})).rows]
    for agency_id in _ints(request.args.getlist("agency")):
        sql = REPORT_COLUMNS + f" WHERE r.agency_id = :agency AND {CURRENT}{year_sql} ORDER BY r.year"
        found += [dict(r) for r in (await db.execute(sql, {"agency": agency_id, **params})).rows]
    division = request.args.get("division", "")
    if division.isdigit() and year_sql:
        sql = (REPORT_COLUMNS + f" WHERE a.division_code = :division AND {CURRENT}{year_sql} "
               "ORDER BY a.level = 'county_gov' DESC, a.level, agency_name")
        found += [dict(r) for r in (await db.execute(sql, {"division": division, **params})).rows]
    seen: set[int] = set()
    return [r for r in found if not (r["id"] in seen or seen.add(r["id"]))]


async def _neighbours(db, cols: list[dict], query: str) -> list[dict]:
    """Agencies offered as checkboxes to add: those whose name contains ?q=, and the same counties' others."""
    codes = sorted({c["division_code"] for c in cols if c.get("division_code")})[:4]
    shown = {c["agency_id"] for c in cols}
    out = []
    if query:
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await db.execute("SELECT id, name, level FROM agencies WHERE name LIKE :like ESCAPE '\\' "
                                "ORDER BY length(name), name LIMIT 40", {"like": like})
        out += [dict(r) for r in rows.rows if r["id"] not in shown]
        shown |= {r["id"] for r in out}
    for code in codes:
        rows = await db.execute("SELECT id, name, level FROM agencies WHERE division_code = :code ORDER BY name "
                                "LIMIT 60", {"code": code})
        out += [dict(r) for r in rows.rows if r["id"] not in shown]
    return out


async def serve_compare(datasette, request):
    _, db = await archive_database(datasette, request)
    name = db.name
    cols = columns(await _select(db, request))
    values: dict[int, list[dict]] = {}
    for c in cols:
        c["href"] = datasette.urls.row(name, "reports", str(c["id"]))
        c["agency_href"] = datasette.urls.row(name, "agencies", str(c["agency_id"])) if c["agency_id"] else None
        values[c["id"]] = [dict(r) for r in (await db.execute(
            "SELECT table_key, row_key, col_key, value FROM report_values WHERE report_id = :id AND col_key = 'total'",
            {"id": c["id"]})).rows]
    query = request.args.get("q", "").strip()[:40]
    context = {"cols": cols, "rows": figure_rows(cols, values), "neighbours": await _neighbours(db, cols, query),
               "q": query,
               "agency_ids": sorted({c["agency_id"] for c in cols if c["agency_id"]}),
               "year": request.args.get("year", ""), "max_columns": MAX_COLUMNS}
    html = await datasette.render_template("nianbao_compare.html", context, request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/-/compare$", serve_compare)]
