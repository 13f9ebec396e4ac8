"""`/-/export/<report id>.csv|.json`: one report as a tidy table, every cell with its canonical keys, Chinese
and English labels, the value (blank stays blank), the text as printed, and its page and grid position."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from archive.export import cell_rows, to_csv, to_json
from nianbao.site_access import archive_database


async def serve_export(datasette, request):
    _, db = await archive_database(datasette, request, "report not found")
    report_id = int(request.url_vars["id"])
    found = (await db.execute("SELECT r.*, d.format AS doc_format FROM reports r "
                              "LEFT JOIN documents d ON d.sha256 = r.sha256 WHERE r.id = :id", {"id": report_id})).rows
    if not found:
        raise NotFound("report not found")
    report = dict(found[0])
    values = [dict(r) for r in (await db.execute("SELECT * FROM report_values WHERE report_id = :id",
                                                 {"id": report_id})).rows]
    rows = cell_rows(report, values, report["doc_format"] or report["format"])
    filename = f"nianbao-report-{report_id}"
    if request.url_vars["fmt"] == "csv":
        return Response(to_csv(rows), content_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{filename}.csv"', "X-Content-Type-Options": "nosniff"})
    checks = [dict(r) for r in (await db.execute("SELECT * FROM checks WHERE report_id = :id ORDER BY check_id, scope",
                                                 {"id": report_id})).rows]
    return Response(to_json(report, rows, checks), content_type="application/json; charset=utf-8",
                    headers={"X-Content-Type-Options": "nosniff"})


@hookimpl
def register_routes():
    return [(r"^/-/export/(?P<id>\d{1,12})\.(?P<fmt>csv|json)$", serve_export)]
