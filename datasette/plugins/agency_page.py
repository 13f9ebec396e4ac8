"""The agency page (`/<db>/agencies/<id>`): every year's report, key figures as trend charts, publication
dates against the legal deadline, and the edits between versions of a year's report.

Adds `agency` to the template context of the agencies row page (row-<db>-agencies.html); the assembly is
archive.history (pure). Every query takes bound parameters.
"""

from __future__ import annotations

from datasette import hookimpl

from archive.history import TREND_FIGURES, timeliness, trends, version_edits

CONFIG = "nianbao"
DEFAULT_DB = "nianbao"
AGENCY_SQL = """
SELECT a.*, d.name AS county, d.province, d.prefecture FROM agencies a
LEFT JOIN divisions d ON d.code = a.division_code WHERE a.id = :id
"""
REPORTS_SQL = """
SELECT r.id, r.year, r.version, r.is_current, r.status, r.published, r.first_seen, r.title, r.format, r.agency,
  s.new_requests, s.total_processed, s.granted, s.partially_granted, s.denied, s.refusal_rate, s.grant_rate,
  s.reviews, s.lawsuits, s.failing_checks
FROM reports r LEFT JOIN report_summary s ON s.report_id = r.id
WHERE r.agency_id = :id ORDER BY r.year DESC, r.version DESC, r.id DESC
"""


async def _rows(db, sql: str, params: dict) -> list[dict]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def _version_values(db, reports: list[dict]) -> dict[int, list[dict]]:
    years: dict[int, int] = {}
    for r in reports:
        if r["year"] is not None and r["status"] in ("ok", "partial"):
            years[r["year"]] = years.get(r["year"], 0) + 1
    ids = [r["id"] for r in reports if years.get(r["year"], 0) > 1]
    values: dict[int, list[dict]] = {}
    for report_id in ids:
        values[report_id] = await _rows(db, "SELECT table_key, row_key, col_key, value FROM report_values "
                                            "WHERE report_id = :id", {"id": report_id})
    return values


async def agency_context(datasette, db, agency_id: int) -> dict | None:
    found = await _rows(db, AGENCY_SQL, {"id": agency_id})
    if not found:
        return None
    agency = found[0]
    reports = await _rows(db, REPORTS_SQL, {"id": agency_id})
    for r in reports:
        r.update(timeliness(r, agency.get("level")))
        r["href"] = datasette.urls.row(db.name, "reports", str(r["id"]))
    names = sorted({r["agency"] for r in reports if r["agency"] and r["agency"] != agency["name"]})
    return {
        "row": agency,
        "reports": reports,
        "printed_names": names,
        "trends": trends(reports),
        "edits": version_edits(reports, await _version_values(db, reports)),
        "figures": TREND_FIGURES,
        "late": sum(1 for r in reports if r["late"]),
        "compare_href": datasette.urls.path(f"/-/compare?agency={agency_id}"),
        "feed_href": datasette.urls.path(f"/-/feeds/new.atom?agency={agency_id}"),
        "edits_feed_href": datasette.urls.path(f"/-/feeds/edits.atom?agency={agency_id}"),
        "division_href": (datasette.urls.row(db.name, "divisions", agency["division_code"])
                          if agency.get("division_code") else None),
    }


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    config = datasette.plugin_config(CONFIG) or {}
    if view_name != "row" or table != "agencies" or database != config.get("database", DEFAULT_DB):
        return {}

    async def inner() -> dict:
        pks = (request.url_vars or {}).get("pks", "")
        if not pks.isdigit():
            return {}
        agency = await agency_context(datasette, datasette.get_database(database), int(pks))
        return {"agency": agency} if agency else {}

    return inner
