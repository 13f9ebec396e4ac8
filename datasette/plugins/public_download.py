"""`/<database>.db`: the database download, as a copy with this machine's paths masked.

Datasette sends the database file itself; the archive's file keeps the truth (`file:///home/…` source URLs,
`crawls.jobdir`), which must not be published. This route (plugin routes come before Datasette's own)
sends a copy made with `VACUUM INTO` and masked by archive.public.scrub_database — the same as a
`nianbao dump` release — written once beside the database and remade when the database changes; a database
with nothing to mask is sent as it is (archive.public.public_file; `nianbao serve` prepares either before
the server starts, so the first download of a million-report archive starts at once).
Datasette's checks are kept: view permissions, the allow_download setting, immutable databases only.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, Forbidden, NotFound, asgi_send_file

from archive.public import public_file

CHUNK = 1 << 20  # bytes per read: Datasette's 4 KB reads held a download to 25–50 MB/s on this machine


class FileDownload(AsgiFileDownload):
    """Datasette's file download, read in 1 MB chunks (a million-report database is several GB)."""

    async def asgi_send(self, send):
        return await asgi_send_file(send, self.filepath, filename=self.filename, content_type=self.content_type,
                                    chunk_size=CHUNK, headers=self.headers)


def public_copy(db_path: Path) -> Path:
    """What a download of db_path sends: the file itself if it holds no local path, else its masked copy."""
    return public_file(db_path)


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
    return FileDownload(str(path), filename=f"{Path(db.path).name}", content_type="application/octet-stream",
                            headers={"Transfer-Encoding": "chunked"})


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^\/\.]+)\.db$", download)]
