"""Report ids in query results link to the report page.

Canned and custom query pages render plain values; a column named in `plugins: nianbao:
report_link_columns` (report_id by default) holding an integer becomes a link to /<db>/reports/<id>.
Table pages already link report_id through its foreign key.
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


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is not None or type(value) is not int:
        return None
    config = _config(datasette)
    if database != config.get("database", DEFAULT_DB) or column not in config.get("report_link_columns",
                                                                                  DEFAULT_COLUMNS):
        return None
    href = datasette.urls.row(database, "reports", str(value))
    return Markup('<a href="{}">{}</a>').format(href, value)
