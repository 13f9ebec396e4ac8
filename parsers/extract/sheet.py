"""Spreadsheets (XLS, XLSX, ODS, WPS ET) → Document, with python-calamine.

A statistics table published as a spreadsheet is a grid already: each sheet is cut into regions at
blank rows; a region's leading one-cell rows (the title, 发布日期, a heading) become paragraphs so the
metadata reader sees them, and the rest is a Table with merged ranges expanded like HTML spans.
Numbers come back as floats (5.0) and are printed as the sheet shows them (5).
"""

from __future__ import annotations

import datetime as dt
import io

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from parsers.extract.grid import SpanCell, expand
from parsers.models import Document, ExtractError, Paragraph, Table

MAX_SHEETS = 50
MAX_ROWS = 2000  # a report's statistics table has under 100 rows
MAX_COLS = 100
NAMES = {"xls": "XLS", "xlsx": "XLSX", "ods": "ODS", "et": "ET"}
Merge = tuple[tuple[int, int], tuple[int, int]]


def cell_text(value: object) -> str:
    """A cell as printed: whole floats without .0, dates as ISO, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _span_rows(rows: list[list[str]], merges: list[Merge]) -> list[list[SpanCell]]:
    """Rows of SpanCells: a merged range's top-left cell carries the span, covered cells are dropped."""
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (r1, c1) in merges:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    out: list[list[SpanCell]] = []
    for r, row in enumerate(rows):
        cells = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            cells.append(SpanCell(text, rs, cs))
        out.append(cells)
    return out


def _regions(table: Table) -> list[tuple[int, int]]:
    """[start, end) row ranges separated by rows with no text at all."""
    out, start = [], None
    for r, row in enumerate([*table.grid, []]):
        blank = not any(row)
        if blank and start is not None:
            out.append((start, r))
            start = None
        elif not blank and start is None:
            start = r
    return out


def _own_cells(table: Table, r: int) -> int:
    """Non-empty cells of grid row r that start there (a cell merged across the row counts once)."""
    return len({table.origin[r][c] for c, text in enumerate(table.grid[r]) if text})


def _blocks(table: Table) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    for start, end in _regions(table):
        r = start
        while r < end and _own_cells(table, r) == 1:
            blocks.append(Paragraph(next(t for t in table.grid[r] if t)))
            r += 1
        if r < end:
            origin = [[None if o is None else (o[0] - r, o[1]) for o in row] for row in table.origin[r:end]]
            blocks.append(Table(grid=table.grid[r:end], origin=origin))
    return blocks


def _sheet_blocks(wb: CalamineWorkbook, name: str, warnings: list[str]) -> list[Paragraph | Table]:
    sheet = wb.get_sheet_by_name(name)
    if sheet.total_height > MAX_ROWS or sheet.total_width > MAX_COLS:
        warnings.append(f"sheet {name!r} ({sheet.total_height}×{sheet.total_width}) skipped: "
                        "report tables are far smaller")
        return []
    values = sheet.to_python(skip_empty_area=False)
    rows = [[cell_text(v) for v in row] for row in values]
    merges = [((a[0], a[1]), (b[0], b[1])) for a, b in (sheet.merged_cell_ranges or [])]
    return _blocks(expand(_span_rows(rows, merges)))


def _open(data: bytes, fmt: str) -> CalamineWorkbook:
    name = NAMES.get(fmt, fmt.upper())
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise ExtractError("unparseable", f"the {name} spreadsheet is encrypted with a password") from None
    except (CalamineError, ValueError, OSError) as exc:
        raise ExtractError("unparseable", f"the {name} spreadsheet could not be opened (truncated or corrupt): "
                                          f"{str(exc)[:200]}") from None


def _read(wb: CalamineWorkbook, fmt: str) -> Document:
    warnings: list[str] = []
    names = wb.sheet_names
    if len(names) > MAX_SHEETS:
        warnings.append(f"only the first {MAX_SHEETS} of {len(names)} sheets were read")
    blocks: list[Paragraph | Table] = []
    try:
        for name in names[:MAX_SHEETS]:
            blocks.extend(_sheet_blocks(wb, name, warnings))
    except (CalamineError, ValueError) as exc:
        raise ExtractError("unparseable", f"a sheet could not be read (corrupt spreadsheet): {str(exc)[:200]}") \
            from None
    for n, t in enumerate(b for b in blocks if isinstance(b, Table)):
        t.index = n
    return Document(blocks=blocks, format=fmt, warnings=warnings, meta={"sheets": str(len(names))})


def extract_sheet(data: bytes, content_type: str | None = None, fmt: str = "xlsx") -> Document:
    """WPS ET files are usually BIFF like XLS; others go through LibreOffice to XLSX, and count only when
    that recovers a table (LibreOffice imports any damaged file as a sheet of text lines)."""
    try:
        return _read(_open(data, fmt), fmt)
    except ExtractError:
        if fmt != "et":
            raise
        from parsers.extract.office import convert

        doc = _read(_open(convert(data, "et", "xlsx"), "xlsx"), fmt)
        if not doc.tables:
            raise
        return doc
