"""nianbao parsers: raw annual-report bytes → the canonical parsed record.

`parse()` is the one public entry point. It never raises for bad input: a document that cannot be
read comes back with a status (unparseable, image_only, not_a_report, error) and a plain message.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from parsers.extract import extract
from parsers.files import Unreadable, display_name, read_document
from parsers.limits import MAX_FILE_BYTES, deadline, too_large
from parsers.models import ExtractError
from parsers.record import build_record
from parsers.sniff import sniff

PARSER_VERSION = "0.1.0"
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


def parse(data: bytes, source: str = "", content_type: str | None = None) -> dict:
    """Parse one document's bytes into the record of ../shared/spec/parse-output.md."""
    fmt = sniff(data, source)
    record = _shell(source, data, fmt)
    try:
        if len(data) > MAX_FILE_BYTES:
            raise too_large(len(data))
        with deadline():
            doc = extract(data, fmt, content_type)
            record.update(build_record(doc))
    except ExtractError as exc:
        record.update(_failed(exc.status, exc.message))
    except MemoryError:
        record.update(_failed("error", "the document is too large to parse in memory"))
    except Exception as exc:  # one broken document must never stop a batch
        record.update(_failed("error", f"internal parser error ({type(exc).__name__}): {exc}"[:500]))
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


def parse_file(path: str | Path) -> dict:
    """parse() of a regular file's bytes; the source is the path as printable UTF-8 (files.display_name)."""
    try:
        data = read_document(path)
    except Unreadable as exc:
        return skipped(path, str(exc))
    return parse(data, source=display_name(path))
