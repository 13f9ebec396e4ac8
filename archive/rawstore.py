"""Content-addressed store of raw documents: the bytes exactly as fetched, named by their sha256.

Writes are atomic (temp file in the same directory, fsync, rename), so a crash never leaves a half
file under a final name, and storing the same bytes twice is a no-op.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RawStore:
    """`root/ab/cd/<sha256>`: two directory levels keep any one directory small at national scale."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put(self, data: bytes) -> str:
        """Store bytes and return their sha256; existing content is never rewritten."""
        digest = sha256_of(data)
        final = self.path(digest)
        if final.exists():
            return digest
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def read(self, sha256: str) -> bytes:
        data = self.path(sha256).read_bytes()
        if sha256_of(data) != sha256:
            raise ValueError(f"stored document {sha256} is corrupt (hash mismatch)")
        return data

    def __iter__(self):
        """Every stored sha256 (temp files of interrupted writes are skipped)."""
        for path in sorted(self.root.glob("??/??/*")):
            if not path.name.startswith(".tmp-"):
                yield path.name
