"""Report ids in query results link to the report page; agency ids and names link to the agency page.

Canned and custom query pages render plain values; a column named in `plugins: nianbao:
report_link_columns` (report_id by default) holding an integer becomes a link to /<db>/reports/<id>, one in
`agency_link_columns` a link to /<db>/agencies/<id>. A column in `agency_name_columns` (the printed agency name)
links to the agency page of its row's agency_id, on query and table pages alike. Table pages already link
report_id and agency_id through their foreign keys.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from datasette import hookimpl
from markupsafe import Markup

CONFIG = "nianbao"
DEFAULT_DB = "nianbao"
DEFAULT_COLUMNS = ("report_id",)


_CACHE: WeakKeyDictionary = WeakKeyDictionary()


def _config(datasette) -> dict:
    """The plugin settings, looked up once per metadata: render_cell runs for every cell of a page (13,000 on
    a 1,000-row query) and Datasette 0.65 merges the whole metadata again on each plugin_config() call."""
    local = getattr(datasette, "_metadata_local", None)
    cached = _CACHE.get(datasette)
    if cached is None or cached[0] is not local:
        cached = (local, datasette.plugin_config(CONFIG) or {})
        _CACHE[datasette] = cached
    return cached[1]


def _agency_id(row) -> int | None:
    try:
        value = row["agency_id"]
    except (KeyError, IndexError, TypeError):
        return None
    if isinstance(value, dict):  # table pages expand foreign keys to {"value": …, "label": …}
        value = value.get("value")
    return value if type(value) is int else None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    config = _config(datasette)
    if database != config.get("database", DEFAULT_DB):
        return None
    if column in config.get("agency_name_columns", ()) and isinstance(value, str) and value:
        agency_id = _agency_id(row)
        if agency_id is not None:
            href = datasette.urls.row(database, "agencies", str(agency_id))
            return Markup('<a href="{}">{}</a>').format(href, value)
        return None
    if table is not None or type(value) is not int:
        return None
    for columns, target in ((config.get("report_link_columns", DEFAULT_COLUMNS), "reports"),
                            (config.get("agency_link_columns", ()), "agencies")):
        if column in columns:
            href = datasette.urls.row(database, target, str(value))
            return Markup('<a href="{}">{}</a>').format(href, value)
    return None
