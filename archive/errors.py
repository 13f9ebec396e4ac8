"""What a write into the archive can fail with, in words a person can act on."""

from __future__ import annotations

import errno
import sqlite3

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class ArchiveWriteError(RuntimeError):
    """A store of the archive could not be written; nothing already archived was changed."""


def write_error(where: str, exc: BaseException) -> ArchiveWriteError:
    """The error to raise when writing `where` (raw store, WARC file, database) failed with `exc`."""
    if is_full(exc):
        return ArchiveWriteError(f"disk full while writing the {where}: nothing already archived was damaged; "
                                 "free some space and run the same command again (it resumes where it stopped)")
    return ArchiveWriteError(f"could not write the {where}: {exc}")


def is_full(exc: BaseException) -> bool:
    """No space left (or file-size limit reached), whichever store said so."""
    if isinstance(exc, OSError):
        return exc.errno in FULL
    return isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc)
