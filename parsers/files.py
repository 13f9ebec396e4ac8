"""Input paths → documents to read, and a reason for every path that is not one.

Only regular files are read (a FIFO would block forever, /dev/zero would never end), never more than
limits.MAX_FILE_BYTES of them, and a walk reports each path it passes over — broken or looping
symbolic links, FIFOs, sockets, devices, unreadable directories, hidden files when asked — instead of
dropping it silently. File names are shown as valid UTF-8 text with control characters escaped, so a
name that is not UTF-8 or holds a newline cannot break JSON or a one-line-per-file summary.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from parsers.limits import MAX_FILE_BYTES

_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFDIR: "a directory"}
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]} | {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


class Unreadable(Exception):
    """A path that is not read; str() says why, in a few plain words."""


@dataclass(frozen=True)
class Entry:
    """One path met on the way: `skip` is None for a file to read, else the reason it is not read."""

    path: Path
    skip: str | None = None


def display_name(path: str | os.PathLike[str]) -> str:
    """The path as printable UTF-8: undecodable bytes as \\xNN, control characters escaped."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace").translate(_CONTROL)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if exc.errno == errno.ENOENT:
        if exc.filename is not None and os.path.islink(exc.filename):
            return "a broken symbolic link (its target does not exist)"
        return "no such file or directory"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


def _kind_reason(mode: int) -> str | None:
    """None for a regular file, else what it is."""
    if stat.S_ISREG(mode):
        return None
    return "not a regular file: " + _KINDS.get(stat.S_IFMT(mode), "an unknown kind of file")


def read_document(path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most max_bytes; Unreadable otherwise (never blocks on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Unreadable(_os_reason(exc)) from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if (why := _kind_reason(info.st_mode)) is not None:
            raise Unreadable(why)
        if info.st_size > max_bytes:
            raise Unreadable(f"{info.st_size:,} bytes, over the limit of {max_bytes:,}")
        data = f.read(max_bytes + 1)  # a file growing while read is still cut at the limit
    if len(data) > max_bytes:
        raise Unreadable(f"over the limit of {max_bytes:,} bytes")
    return data


def _check(path: Path) -> str | None:
    """Why a path met in a walk is not a file to read (None when it is one)."""
    try:
        info = path.stat()  # follows links: a link to a report is a report
    except OSError as exc:
        return _os_reason(exc)
    if stat.S_ISDIR(info.st_mode):
        return "a symbolic link to a directory (not followed)" if path.is_symlink() else "a directory"
    return _kind_reason(info.st_mode)


def _walk_dir(top: Path, skip_hidden: bool) -> Iterator[Entry]:
    errors: list[OSError] = []
    for root, dirs, files in os.walk(top, onerror=errors.append):
        while errors:
            failed = errors.pop()
            yield Entry(Path(failed.filename or root), f"directory not readable: {_os_reason(failed)}")
        here = Path(root)
        if skip_hidden:
            for name in sorted(d for d in dirs if d.startswith(".")):
                yield Entry(here / name, "hidden directory (name starts with a dot)")
            dirs[:] = [d for d in dirs if not d.startswith(".")]
        dirs.sort()
        links = [d for d in dirs if (here / d).is_symlink()]  # os.walk lists them as dirs, never enters
        for name in sorted([*files, *links]):
            path = here / name
            if skip_hidden and name.startswith("."):
                yield Entry(path, "hidden file (name starts with a dot)")
                continue
            yield Entry(path, _check(path))
    while errors:
        failed = errors.pop()
        yield Entry(Path(failed.filename or top), f"directory not readable: {_os_reason(failed)}")


def walk(paths: Iterable[str | os.PathLike[str]], skip_hidden: bool = False) -> Iterator[Entry]:
    """Every file under the given paths (directories walked, links to directories not followed), in order,
    each with the reason it is skipped, if it is."""
    for arg in map(Path, paths):
        try:
            is_dir = stat.S_ISDIR(arg.stat().st_mode)
        except OSError:
            is_dir = False  # _check says why
        if is_dir:
            yield from _walk_dir(arg, skip_hidden)
        else:
            yield Entry(arg, _check(arg))
