"""Plain text / markdown → Document. Tab- or pipe-separated lines are table rows (merged cells flattened)."""

from __future__ import annotations

import re

from parsers.extract.encoding import decode_text
from parsers.limits import check_time, table_refusal
from parsers.models import Document, ExtractError, Paragraph, Table

_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _split_row(line: str) -> list[str] | None:
    """Cells of a table line, or None when the line is prose."""
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return [c.strip() for c in inner.split("|")]
    return None


def _flush_table(rows: list[list[str]], blocks: list[Paragraph | Table], skipped: list[str], n_tables: int) -> int:
    """Close the table being read, unless it is past a limit of parsers/limits.py (then say why).
    Returns the number of tables read so far."""
    if not rows:
        return n_tables
    check_time()
    why = table_refusal(n_tables, len(rows), len(rows) * max(len(r) for r in rows))
    if why is None:
        blocks.append(Table.from_rows(list(rows)))
        n_tables += 1
    elif why not in skipped:
        skipped.append(why)
    rows.clear()
    return n_tables


def extract_text(data: bytes, content_type: str | None = None, fmt: str = "txt") -> Document:
    """Split text into paragraphs (blank-line separated) and tables (runs of table lines)."""
    text, encoding = decode_text(data, content_type)
    if not text.strip():
        raise ExtractError("unparseable", "the text file is empty")
    blocks: list[Paragraph | Table] = []
    rows: list[list[str]] = []
    para: list[str] = []
    skipped: list[str] = []
    n_tables = 0
    for raw in text.splitlines():
        line = raw.rstrip("\r\n")
        if _MD_RULE.match(line.strip()) and rows:
            continue
        cells = _split_row(line)
        if cells is not None and any(cells):
            _flush_para(para, blocks)
            rows.append(cells)
            continue
        n_tables = _flush_table(rows, blocks, skipped, n_tables)
        if line.strip():
            para.append(_MD_HEADING.sub("", line.strip()))
        else:
            _flush_para(para, blocks)
    _flush_para(para, blocks)
    _flush_table(rows, blocks, skipped, n_tables)
    for i, t in enumerate(b for b in blocks if isinstance(b, Table)):
        t.index = i
    return Document(blocks=blocks, format=fmt, meta={"encoding": encoding}, warnings=skipped)


def _flush_para(para: list[str], blocks: list[Paragraph | Table]) -> None:
    if para:
        blocks.append(Paragraph("\n".join(para)))
        para.clear()
