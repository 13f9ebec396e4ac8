"""Content-addressed store of raw documents: the bytes exactly as fetched, named by their sha256.

Writes are atomic (temp file in the same directory, fsync, rename), so a crash never leaves a half
file under a final name. Storing bytes that are already there checks the stored file's hash and
rewrites it when it is corrupt, so re-ingesting the original bytes repairs a damaged store.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from archive.errors import write_error


class CorruptDocument(ValueError):
    """A stored file whose bytes no longer hash to its name."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in chunks (stored documents can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class RawStore:
    """`root/ab/cd/<sha256>`: two directory levels keep any one directory small at national scale."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def is_intact(self, sha256: str) -> bool:
        """The file exists and its bytes hash to its name."""
        path = self.path(sha256)
        try:
            return path.is_file() and file_sha256(path) == sha256
        except OSError:
            return False

    def put(self, data: bytes) -> str:
        """Store bytes and return their sha256. An intact existing file is kept; a missing or corrupt one is
        (re)written. Raises ArchiveWriteError (disk full, …) with nothing left half-written."""
        digest = sha256_of(data)
        if self.is_intact(digest):
            return digest
        final = self.path(digest)
        tmp = None
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
        except OSError as exc:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            raise write_error("raw store", exc) from exc
        except BaseException:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def read(self, sha256: str) -> bytes:
        """The stored bytes; FileNotFoundError when missing, CorruptDocument when they do not match the hash."""
        data = self.path(sha256).read_bytes()
        if sha256_of(data) != sha256:
            raise CorruptDocument(f"stored document {sha256} is corrupt (hash mismatch)")
        return data

    def __iter__(self) -> Iterator[str]:
        """Every stored sha256 (temp files of interrupted writes are skipped)."""
        for path in sorted(self.root.glob("??/??/*")):
            if not path.name.startswith(".tmp-"):
                yield path.name
