"""One crawl at a time per archive: a file lock (flock) on `<archive>/crawl.lock`.

The weekly and the daily scheduled crawls fire together on some Mondays; two crawls writing one archive and one
JOBDIR at once lose reports. A crawl takes the lock exclusively; distributed workers in direct mode share it
(the workers of a run write together; which run they belong to is Redis's business), so they never run beside a
scheduled single-machine crawl; `nianbao archive-writer` takes it exclusively. The kernel drops the lock when the
process dies, even with SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

LOCK_NAME = "crawl.lock"


class ArchiveBusy(Exception):
    """Another crawl holds the archive."""


def _holder(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").strip() if path.exists() else ""
    return text or "unknown process"


@contextmanager
def archive_lock(archive_dir: str | Path, *, wait: bool = False, shared: bool = False,
                 say: Callable[[str], None] = print) -> Iterator[None]:
    """Hold the archive's crawl lock for the duration of the block; ArchiveBusy when taken and not `wait`."""
    path = Path(archive_dir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    handle: IO[str] = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise ArchiveBusy(f"archive {archive_dir} is in use by another crawl ({_holder(path)}); "
                                  "not starting a second one (use --wait to wait for it)") from None
            say(f"waiting for the other crawl of archive {archive_dir} to end ({_holder(path)}) …")
            fcntl.flock(handle, mode)
        if not shared:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}, since {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}: "
                         f"{' '.join(sys.argv)[:300]}\n")
            handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock
