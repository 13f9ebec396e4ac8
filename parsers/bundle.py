"""Documents that hold documents (ZIP attachments): each member is parsed as its own report.

`parse()` of a ZIP gives the container's record (status `not_a_report`, the members listed);
`parse_members()` gives each member's bytes and record, the source being `archive.zip!/member.pdf`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from parsers.extract.archive_zip import MAX_DEPTH, zip_members
from parsers.models import ExtractError
from parsers.sniff import sniff

Parse = Callable[..., dict]


def _skipped(parse: Parse, source: str, problem: str) -> dict:
    record = parse(b"", source)
    record.update(status="unparseable", errors=[problem], format="unknown")
    return record


def parse_members(parse: Parse, data: bytes, source: str, depth: int = 0) -> list[tuple[bytes, dict]]:
    """(member bytes, record) for every member, nested zips flattened up to MAX_DEPTH levels."""
    out: list[tuple[bytes, dict]] = []
    for member in zip_members(data):
        where = f"{source}!/{member.name}"
        if member.data is None:
            out.append((b"", _skipped(parse, where, member.problem or "skipped")))
        elif sniff(member.data, member.name) != "zip":
            out.append((member.data, parse(member.data, source=where)))
        elif depth + 1 >= MAX_DEPTH:
            out.append((member.data, _skipped(parse, where, f"a zip nested more than {MAX_DEPTH} levels deep; "
                                                           "not opened")))
        else:
            try:
                out.extend(parse_members(parse, member.data, where, depth + 1))
            except ExtractError as exc:
                out.append((member.data, _skipped(parse, where, exc.message)))
    return out


def container_summary(data: bytes) -> tuple[str, list[dict]]:
    """The container's message and one line per member (name, format, size, problem), nothing parsed."""
    rows = [{"name": m.name, "format": sniff(m.data, m.name) if m.data is not None else None,
             "sha256": hashlib.sha256(m.data).hexdigest() if m.data is not None else None,
             "bytes": None if m.data is None else len(m.data), "problem": m.problem} for m in zip_members(data)]
    message = f"a zip archive of {len(rows)} file(s): each member is parsed as its own document"
    return message, rows


def point_elsewhere(record: dict, data: bytes, source: str, content_type: str | None = None) -> dict:
    """An HTML page with no tables whose report is an embedded PDF or a gallery of page images: name those
    as the record's `attachments` and say so in the status (a viewer page is not itself the report)."""
    from parsers.extract.embedded import elsewhere

    if any(record.get(t) for t in ("proactive", "requests", "review_litigation")):
        return record
    if record["status"] not in ("ok", "partial"):
        return record  # no report title: a page with a picture is not a report printed as images
    pdfs, images = elsewhere(data, source, content_type)
    if not pdfs and not images:
        return record
    record["attachments"] = pdfs + images
    if pdfs:
        note = f"the report's body is the embedded document {pdfs[0]}; its numbers are read from that file"
        status = "partial"
    else:
        note = f"the report is printed as {len(images)} image(s) on the page ({images[0]} …)"
        status = "image_only"
    record.update(status=status, errors=[*record["errors"], note])
    return record
