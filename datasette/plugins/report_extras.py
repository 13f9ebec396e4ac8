"""What the report page offers beyond the report itself: copy-paste flags (both directions), links to compare
it, to export it, to its agency's history, and its feeds. Adds `report_extras` to the reports row page
(row-<db>-reports.html includes _report_extras.html); every query takes bound parameters."""

from __future__ import annotations

from datasette import hookimpl

CONFIG = "nianbao"
DEFAULT_DB = "nianbao"
KIND_LABELS = {
    "tables_repeat_last_year": "表格数字与本机关上年报告完全相同 / tables repeat last year's numbers exactly",
    "text_repeats_last_year": "正文大段重复本机关上年报告 / text repeats last year's report",
    "text_repeats_other_agency": "正文大段重复另一机关的报告 / text repeats another agency's report",
}
FLAGS_SQL = """
SELECT f.kind, f.measure, f.threshold, f.compared, f.detail,
  CASE WHEN f.report_id = :id THEN f.other_report_id ELSE f.report_id END AS pair_id,
  f.report_id = :id AS flagged_here, p.agency AS pair_agency, p.year AS pair_year
FROM copy_flags f JOIN reports p ON p.id = CASE WHEN f.report_id = :id THEN f.other_report_id ELSE f.report_id END
WHERE f.report_id = :id OR f.other_report_id = :id ORDER BY f.kind, f.measure DESC
"""


async def extras(datasette, db, report_id: int) -> dict | None:
    found = (await db.execute("SELECT id, agency_id, year, division_code FROM reports WHERE id = :id",
                              {"id": report_id})).rows
    if not found:
        return None
    report = dict(found[0])
    flags = []
    if await db.table_exists("copy_flags"):
        for row in (await db.execute(FLAGS_SQL, {"id": report_id})).rows:
            flag = dict(row)
            flag["label"] = KIND_LABELS.get(flag["kind"], flag["kind"])
            flag["href"] = datasette.urls.row(db.name, "reports", str(flag["pair_id"]))
            flags.append(flag)
    path = datasette.urls.path
    agency_id, year, division = report["agency_id"], report["year"], report["division_code"]
    out = {
        "flags": flags,
        "csv_href": path(f"/-/export/{report_id}.csv"),
        "json_href": path(f"/-/export/{report_id}.json"),
        "compare_years_href": path(f"/-/compare?agency={agency_id}") if agency_id else None,
        "compare_county_href": (path(f"/-/compare?division={division}&year={year}&report={report_id}")
                                if division and year else None),
        "agency_href": datasette.urls.row(db.name, "agencies", str(agency_id)) if agency_id else None,
        "feeds": [],
    }
    if agency_id:
        out["feeds"].append(("该机关的新报告 / new reports by this agency",
                             path(f"/-/feeds/new.atom?agency={agency_id}")))
        out["feeds"].append(("该机关报告的修改 / edits to this agency's reports",
                             path(f"/-/feeds/edits.atom?agency={agency_id}")))
    return out


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    config = datasette.plugin_config(CONFIG) or {}
    if view_name != "row" or table != "reports" or database != config.get("database", DEFAULT_DB):
        return {}

    async def inner() -> dict:
        pks = (request.url_vars or {}).get("pks", "")
        if not pks.isdigit():
            return {}
        found = await extras(datasette, datasette.get_database(database), int(pks))
        return {"report_extras": found} if found else {}

    return inner
