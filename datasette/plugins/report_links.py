"""Report ids in query results link to the report page.

Canned and custom query pages render plain values; a column named in `plugins: nianbao:
report_link_columns` (report_id by default) holding an integer becomes a link to /<db>/reports/<id>.
Table pages already link report_id through its foreign key.
"""

from __future__ import annotations

from markupsafe import Markup

from datasette import hookimpl

CONFIG = "nianbao"
DEFAULT_DB = "nianbao"
DEFAULT_COLUMNS = ("report_id",)


@hookimpl
def render_cell(value, column, table, database, datasette):
    config = datasette.plugin_config(CONFIG) or {}
    if table is not None or database != config.get("database", DEFAULT_DB):
        return None
    if column not in config.get("report_link_columns", DEFAULT_COLUMNS) or type(value) is not int:
        return None
    href = datasette.urls.row(database, "reports", str(value))
    return Markup('<a href="{}">{}</a>').format(href, value)
