"""The parser's version: a hash of its code and templates, so any change to either is a new version.

Read through importlib.resources, so it works the same from a checkout, a wheel or a zipped egg (Scrapyd).
`reparse` and re-ingest compare it with the version stored on each report: a changed parser always reparses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable

RELEASE = "0.1"  # bumped by hand for notable changes; the hash after "+" changes on every edit


def _sources(node: Traversable, prefix: str = "") -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every .py file and every template .yaml under node."""
    for child in node.iterdir():
        path = prefix + child.name
        if child.is_dir():
            if child.name != "__pycache__":
                yield from _sources(child, path + "/")
        elif child.name.endswith(".py") or (child.name.endswith(".yaml") and prefix.startswith("templates/")):
            yield path, child.read_bytes()


def code_hash(root: Traversable | None = None) -> str:
    """sha256 over the parser package's code and templates, in path order (12 hex digits)."""
    digest = hashlib.sha256()
    for path, data in sorted(_sources(root or files("parsers"))):
        digest.update(path.encode() + b"\0" + data.replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:12]


def parser_version(root: Traversable | None = None) -> str:
    return f"{RELEASE}+{code_hash(root)}"
