"""Assemble the parsed-report record of ../shared/spec/parse-output.md from a Document."""

from __future__ import annotations

from parsers.checks import run_checks
from parsers.detect import detect_template
from parsers.metadata import read_metadata
from parsers.models import Document
from parsers.normalize import missing_rows, read_tables, values_of
from parsers.readers import TableRead
from parsers.sections import split_sections
from parsers.templates import variants

SECTIONS = ("proactive", "requests", "review_litigation")
STANDARD = ("gov2021", "gov2019", "mixed")


def _blank_warning(section: str, table: dict[str, dict]) -> str | None:
    blanks = [f"{r}.{c}" for r, cols in table.items() for c, v in cols.items() if v is None]
    if not blanks:
        return None
    sample = ", ".join(blanks[:5]) + (" …" if len(blanks) > 5 else "")
    return f"{section}: {len(blanks)} cells printed blank, stored as null (not 0): {sample}"


def _provenance(read: TableRead) -> list[dict]:
    return [
        {"table": read.section, "row": row, "col": col, "value": cell.value, "raw": cell.raw,
         "grid_table": cell.table, "grid_row": cell.row, "grid_col": cell.col, "page": cell.page}
        for row, cols in read.cells.items()
        for col, cell in cols.items()
    ]


def _status(template: str, reads: dict[str, TableRead], tables: dict[str, dict], meta_title: str | None,
            errors: list[str], warnings: list[str]) -> str:
    if reads and all(v is None for t in tables.values() for cols in t.values() for v in cols.values()):
        errors.append("every table cell is empty: this looks like a blank template, not a report")
        return "not_a_report"
    if not reads and meta_title is None:
        errors.append("no annual-report title and no standard tables found: this does not look like a report")
        return "not_a_report"
    if template in STANDARD:
        for section in SECTIONS:
            if section not in reads:
                warnings.append(f"table {section} not found")
            elif missing := missing_rows(reads[section]):
                warnings.append(f"{section}: rows not found: {', '.join(missing)}")
        incomplete = any(s not in reads or missing_rows(reads[s]) for s in SECTIONS)
        return "partial" if incomplete else "ok"
    return "ok" if meta_title else "partial"


def build_record(doc: Document) -> dict:
    """Everything after extraction: tables, template, metadata, sections, checks, status."""
    reads = read_tables(doc)
    tables = {section: values_of(read) for section, read in reads.items()}
    template = detect_template(reads, doc.text)
    meta = read_metadata(doc)
    warnings = list(doc.warnings) + meta.warnings
    for read in reads.values():
        warnings.extend(read.warnings)
        if (w := _blank_warning(read.section, tables[read.section])) is not None:
            warnings.append(w)
    checks = [c for read in reads.values() for c in run_checks(tables[read.section], variants()[read.variant])]
    errors: list[str] = []
    status = _status(template, reads, tables, meta.title, errors, warnings)
    return {
        "status": status, "errors": errors, "warnings": warnings,
        "title": meta.title, "agency": meta.agency, "year": meta.year, "published": meta.published,
        "template": template, "sections": split_sections(doc),
        **{section: tables.get(section, {}) for section in SECTIONS},
        "checks": checks,
        "cells": [p for read in reads.values() for p in _provenance(read)],
    }
