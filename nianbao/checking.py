"""`nianbao verify`: print what archive.verify finds (and repairs), and the exit code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from archive.directory import Archive
from archive.verify import check, repair


def run_verify(archive_dir: str, fix: bool, say: Callable[[str], None] = print) -> int:
    """0 when the archive is whole (after repair, if asked), 1 when something is still wrong, 2 when no archive."""
    if not (Path(archive_dir) / "nianbao.db").is_file():
        say(f"no archive at {archive_dir} (nianbao.db is missing)")
        return 2
    archive = Archive.open(archive_dir)
    if fix:
        from nianbao.reparse import reparse_documents

        done, found = repair(archive, lambda shas: reparse_documents(archive, shas=shas))
        for line in done:
            say(f"repaired: {line}")
    else:
        found = check(archive)
    for problem in found.problems:
        say(str(problem))
    records = len(found.records)
    if not found.problems:
        say(f"archive OK: {len(found.sha1)} raw files, {records} WARC records of documents")
        return 0
    kinds = Counter(p.kind for p in found.problems)
    hint = "" if fix else "; `nianbao verify --repair` fixes what the archive's own data allows"
    say(f"{len(found.problems)} problem(s): {dict(kinds)}{hint}")
    return 1
