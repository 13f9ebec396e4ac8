"""nianbao parsers: raw annual-report bytes → the canonical parsed record.

`parse()` is the one public entry point. It never raises for bad input: a document that cannot be
read comes back with a status (unparseable, image_only, not_a_report, error) and a plain message.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from parsers.bundle import container_summary, parse_members, point_elsewhere
from parsers.extract import extract
from parsers.files import Unreadable, display_name, read_document
from parsers.limits import MAX_FILE_BYTES, deadline, too_large
from parsers.models import ExtractError
from parsers.record import build_record
from parsers.sniff import sniff
from parsers.version import parser_version

PARSER_VERSION = parser_version()  # a hash of parsers/**/*.py and templates/*.yaml
# Formats read by lxml and our own code only (no third-party object graphs with cycles, e.g. pdfminer's).
GC_PAUSED_FORMATS = frozenset(("html", "txt", "md"))
EMPTY_TABLES = {"proactive": {}, "requests": {}, "review_litigation": {}, "statistics": {}}


def _shell(source: str, data: bytes, fmt: str) -> dict:
    return {
        "source": source, "sha256": hashlib.sha256(data).hexdigest(), "format": fmt,
        "parser_version": PARSER_VERSION,
    }


def _failed(status: str, message: str) -> dict:
    return {
        "status": status, "errors": [message], "warnings": [], "title": None, "agency": None, "year": None,
        "published": None, "template": "unknown", "sections": [], **EMPTY_TABLES, "text_values": [],
        "sources": {}, "checks": [], "cells": [],
    }


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while one document is parsed.

    A parse allocates tens of thousands of short-lived objects (cells, rows, provenance) that reference
    counting frees; the collector would otherwise walk them again and again (about a tenth of the time of a
    report body). Collection resumes, as it was, when the document is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _failures_recorded(record: dict, too_large: str) -> Iterator[None]:
    """A failing parse leaves its status and plain message in the record instead of raising: one broken
    document must never stop a batch."""
    try:
        yield
    except ExtractError as exc:
        record.update(_failed(exc.status, exc.message))
    except MemoryError:
        record.update(_failed("error", too_large))
    except Exception as exc:
        record.update(_failed("error", f"internal parser error ({type(exc).__name__}): {exc}"[:500]))


def parse(data: bytes, source: str = "", content_type: str | None = None) -> dict:
    """Parse one document's bytes into the record of ../shared/spec/parse-output.md."""
    fmt = sniff(data, source)
    record = _shell(source, data, fmt)
    with _failures_recorded(record, "the document is too large to parse in memory"):
        if len(data) > MAX_FILE_BYTES:
            raise too_large(len(data))
        if fmt == "zip":
            return _container(record, data, source)
        with deadline(), (_gc_paused() if fmt in GC_PAUSED_FORMATS else nullcontext()):
            doc = extract(data, fmt, content_type)
            record.update(build_record(doc))
            if "ocr_engine" in doc.meta:
                from parsers.extract.ocr import review_ocr

                review_ocr(record, doc)
        if fmt == "html":
            point_elsewhere(record, data, source, content_type)
    return record


def failed_record(sha256: str, fmt: str, source: str, message: str) -> dict:
    """The record of a document whose parsing never finished (it killed the parse worker): status error."""
    return {"source": source, "sha256": sha256, "format": fmt, "parser_version": PARSER_VERSION,
            **_failed("error", message)}


def skipped(path: str | Path, why: str) -> dict:
    """The record of a path that was not read (not a regular file, unreadable, over the size limit)."""
    record = _shell(display_name(path), b"", "unknown")
    record.update(_failed("error", f"skipped: {why}"))
    return record


def _container(record: dict, data: bytes, source: str) -> dict:
    message, members = container_summary(data)
    record.update(_failed("not_a_report", message))
    record["members"] = members
    return record


def zip_members(data: bytes, source: str) -> list[tuple[bytes, dict]]:
    """A ZIP's members parsed, (bytes, record) each; [] for a broken archive (its own record says why)."""
    try:
        return parse_members(parse, data, source)
    except ExtractError:
        return []


def parse_all(data: bytes, source: str = "", content_type: str | None = None) -> list[tuple[bytes, dict]]:
    """(bytes, record) per document: a ZIP's members one by one (never raises), anything else itself."""
    if sniff(data, source) != "zip":
        return [(data, parse(data, source, content_type))]
    try:
        return parse_members(parse, data, source)
    except ExtractError:
        return [(data, parse(data, source, content_type))]


def parse_file(path: str | Path) -> dict:
    """parse() of a regular file's bytes; the source is the path as printable UTF-8 (files.display_name)."""
    try:
        data = read_document(path)
    except Unreadable as exc:
        return skipped(path, str(exc))
    return parse(data, source=display_name(path))


def parse_pages(pages: list[bytes], source: str = "") -> dict:
    """A report printed as several page images (an article's gallery, a folder of scans): one OCR document,
    so a table continued on the next image is stitched back. sha256 is of the pages' bytes in order."""
    from parsers.extract.image_tables import load_gray
    from parsers.extract.ocr import ocr_document, review_ocr

    record = _shell(source, b"".join(pages), "image")
    with _failures_recorded(record, "the page images are too large to read in memory"):
        doc = ocr_document([load_gray(p) for p in pages], "image")
        record.update(build_record(doc))
        review_ocr(record, doc)
    return record


def parse_file_all(path: str | Path) -> list[dict]:
    """The file's record; for a ZIP, the container's record followed by each member's."""
    record = parse_file(path)
    if record["format"] != "zip" or record["status"] == "unparseable":
        return [record]
    return [record] + [r for _, r in parse_all(read_document(path), display_name(path))]
