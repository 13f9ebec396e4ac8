"""`/<database>.db`: the database download, as a copy with this machine's paths masked.

Datasette sends the database file itself; the archive's file keeps the truth (`file:///home/…` source URLs,
`crawls.jobdir`), which must not be published. This route (plugin routes come before Datasette's own)
sends a copy made with `VACUUM INTO` and masked by archive.public.scrub_database — the same as a
`nianbao dump` release — written once beside the database and remade when the database changes.
Datasette's checks are kept: view permissions, the allow_download setting, immutable databases only.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, Forbidden, NotFound

from archive.public import scrub_database

_LOCK = threading.Lock()


def public_copy(db_path: Path) -> Path:
    """The masked copy of db_path, made (under a lock) unless the one on disk is newer than the database."""
    target = db_path.with_name(f".{db_path.stem}-public.db")
    with _LOCK:
        if target.exists() and target.stat().st_mtime_ns > db_path.stat().st_mtime_ns:
            return target
        tmp = target.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        src = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
        try:
            src.execute("VACUUM INTO ?", [str(tmp)])
        finally:
            src.close()
        scrub_database(tmp)
        tmp.replace(target)
    return target


async def download(datasette, request):
    name = request.url_vars["database"]
    await datasette.ensure_permissions(request.actor, [("view-database-download", name), ("view-database", name),
                                                       "view-instance"])
    try:
        db = datasette.get_database(route=name)
    except KeyError:
        raise NotFound("Invalid database") from None
    if db.is_memory or not db.path:
        raise NotFound("Cannot download this database")
    if not datasette.setting("allow_download") or db.is_mutable:
        raise Forbidden("Database download is forbidden")
    path = await asyncio.to_thread(public_copy, Path(db.path))
    return AsgiFileDownload(str(path), filename=f"{Path(db.path).name}", content_type="application/octet-stream",
                            headers={"Transfer-Encoding": "chunked"})


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^\/\.]+)\.db$", download)]
