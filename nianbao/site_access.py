"""The archive database as the site's own routes reach it (raw originals, original views, feeds, exports, compare).

Every such route needs the same three steps: the database the `nianbao` plugin config names, a visitor allowed
to view it, and a 404 (never a 500 or a hint of what exists) when either fails. One function does them.
"""

from __future__ import annotations

from typing import Any

from datasette.utils.asgi import NotFound

CONFIG = "nianbao"
DEFAULT_DB = "nianbao"


async def archive_database(datasette: Any, request: Any, not_found: str = "not found") -> tuple[dict, Any]:
    """(plugin config, Database) of the archive; NotFound(not_found) for a visitor who may not view it."""
    config = datasette.plugin_config(CONFIG) or {}
    name = config.get("database", DEFAULT_DB)
    if not await datasette.permission_allowed(request.actor, "view-database", name, default=True):
        raise NotFound(not_found)
    try:
        return config, datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database {name}") from None
