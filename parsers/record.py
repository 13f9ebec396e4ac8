"""Assemble the parsed-report record of ../shared/spec/parse-output.md from a Document."""

from __future__ import annotations

from parsers.checks import run_checks
from parsers.detect import detect_template
from parsers.metadata import read_metadata
from parsers.models import Document
from parsers.narrative import prose_text, text_checks, text_values
from parsers.nonreport import not_a_report_reason
from parsers.normalize import missing_rows, read_tables, values_of
from parsers.readers import TableRead
from parsers.sections import split_sections
from parsers.templates import templates, variants

SECTIONS = ("proactive", "requests", "review_litigation")
TABLE_SECTIONS = (*SECTIONS, "statistics")
SECTION_NAMES = {"proactive": "主动公开 (table 2)", "requests": "依申请 (table 3)",
                 "review_litigation": "复议诉讼 (table 4)", "statistics": "政府信息公开情况统计表"}


def _blank_warning(section: str, table: dict[str, dict]) -> str | None:
    blanks = [f"{r}.{c}" for r, cols in table.items() for c, v in cols.items() if v is None]
    if not blanks:
        return None
    sample = ", ".join(blanks[:5]) + (" …" if len(blanks) > 5 else "")
    return f"{section}: {len(blanks)} cells printed blank, stored as null (not 0): {sample}"


def _provenance(read: TableRead) -> list[dict]:
    out = []
    for row, cols in read.cells.items():
        row_unit = read.units.get(row)
        for col, cell in cols.items():
            out.append({"table": read.section, "row": row, "col": col, "value": cell.value, "raw": cell.raw,
                        "unit": row_unit or cell.unit or None, "grid_table": cell.table,
                        "grid_row": cell.row, "grid_col": cell.col, "page": cell.page})
    return out


def _required_missing(template: str, reads: dict[str, TableRead], warnings: list[str]) -> list[str]:
    """The tables the template requires that were not read completely."""
    spec = templates().get(template)
    if spec is None:
        return []
    missing = []
    for section in spec.requires:
        if section not in reads:
            warnings.append(f"table {section} not found")
            missing.append(section)
        elif section != "statistics" and (rows := missing_rows(reads[section])):
            warnings.append(f"{section}: rows not found: {', '.join(rows)}")
            missing.append(section)
    return missing


def _status(template: str, year: int | None, reads: dict[str, TableRead], tables: dict[str, dict],
            title: str | None, errors: list[str], warnings: list[str]) -> str:
    if reads and all(v is None for t in tables.values() for cols in t.values() for v in cols.values()):
        errors.append("every table cell is empty: this looks like a blank template, not a report")
        return "not_a_report"
    if not reads and title is None:
        errors.append("no annual-report title and no standard tables found: this does not look like a report")
        return "not_a_report"
    if missing := _required_missing(template, reads, warnings):
        names = ", ".join(SECTION_NAMES[s] for s in missing)
        era = f"a {year} report" if year else "a report"
        errors.append(f"{era} of template {template} should carry {names}; not read (missing, flattened "
                      f"beyond recognition, or printed as images): only part of its figures are in this record")
        return "partial"
    if template == "unknown" and not title:
        return "partial"
    return "ok" if title or reads else "partial"


def _sources(tables: dict[str, dict], values: list[dict]) -> dict[str, str]:
    """Where each group of values came from: a table read from the document's grid, or its prose."""
    out = {section: "table" for section in TABLE_SECTIONS if tables.get(section)}
    if values:
        out["text_values"] = "text"
    return out


def build_record(doc: Document) -> dict:
    """Everything after extraction: tables, template, metadata, sections, text figures, checks, status."""
    reads = read_tables(doc)
    tables = {section: values_of(read) for section, read in reads.items()}
    meta = read_metadata(doc)
    template = detect_template(reads, doc.text, meta.year)
    warnings = list(doc.warnings) + meta.warnings
    if "statistics" in reads and template != "stat2014":
        warnings.append(f"a statistics table (政府信息公开情况统计表 layout) in a {meta.year or 'undated'} report: "
                        f"read as printed, but the report's template is {template}")
    for read in reads.values():
        warnings.extend(read.warnings)
        if (w := _blank_warning(read.section, tables[read.section])) is not None:
            warnings.append(w)
    values, text_warnings = text_values(prose_text(doc))
    warnings.extend(text_warnings)
    checks = [c for read in reads.values() for c in run_checks(tables[read.section], variants()[read.variant])]
    checks += text_checks(values, tables, template)
    errors: list[str] = []
    spec = templates().get(template)
    tables_read = bool(reads) and (spec is None or all(section in reads for section in spec.requires))
    reason = not_a_report_reason(doc, meta.title, tables_read)
    if reason is not None:
        errors.append(reason)
        status = "not_a_report"
    else:
        status = _status(template, meta.year, reads, tables, meta.title, errors, warnings)
    if status == "not_a_report":  # the prose of a non-report states no report's figures
        values, checks = [], [c for c in checks if c["id"] != "X.text"]
    return {
        "status": status, "errors": errors, "warnings": warnings,
        "title": meta.title, "agency": meta.agency, "year": meta.year, "published": meta.published,
        "template": template, "sections": split_sections(doc),
        **{section: tables.get(section, {}) for section in TABLE_SECTIONS},
        "text_values": values,
        "sources": _sources(tables, values),
        "checks": checks,
        "cells": [p for read in reads.values() for p in _provenance(read)],
    }
