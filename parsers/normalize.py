"""Find the standard tables in a document: try every variant of each table, keep the best match."""

from __future__ import annotations

from parsers.models import Document
from parsers.readers import TableRead, read_table
from parsers.readers.base import per_variant
from parsers.rows import RowView, iter_rows
from parsers.templates import variants


def _complete(read: TableRead | None) -> bool:
    return read is not None and not read.warnings and not missing_rows(read)


def read_tables(doc: Document) -> dict[str, TableRead]:
    """section → the best-scoring variant's reading, for the sections found in the document.

    A variant that reads completely (every row, no warnings) ends the search for its section:
    no other variant can fit better, and most reports follow the first-listed (current) format.
    """
    rows: list[RowView] = list(iter_rows(doc))
    best: dict[str, TableRead] = {}
    for variant in variants().values():
        if _complete(best.get(variant.section)):
            continue
        read = read_table(rows, variant)
        if not read.found:
            continue
        current = best.get(read.section)
        if current is None or read.score > current.score:
            best[read.section] = read
    return best


def values_of(read: TableRead) -> dict[str, dict[str, int | float | None]]:
    """The record's nested table: row → column → value, in template order."""
    variant = variants()[read.variant]
    out: dict[str, dict[str, int | float | None]] = {}
    for row_key, col_keys in _layout(variant):
        if row_key in read.cells:
            cells = read.cells[row_key]
            out[row_key] = {c: cells[c].value if c in cells else None for c in col_keys}
    return out


def _layout(variant) -> list[tuple[str, list[str]]]:
    return per_variant("layout", variant, _template_layout)


def _template_layout(variant) -> list[tuple[str, list[str]]]:
    """(row key, its column keys) in template order."""
    if variant.kind == "blocks":
        return [(r.key, [c.key for c in b.columns]) for b in variant.blocks for r in b.rows]
    if variant.kind == "grouped":
        return [(g, [c.key for c in variant.columns]) for g in variant.groups]
    return [(r.key, [c.key for c in variant.columns]) for r in variant.rows]


def missing_rows(read: TableRead) -> list[str]:
    return [row for row, _ in _layout(variants()[read.variant]) if row not in read.printed]
