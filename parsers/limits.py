"""Every limit on one input document, in one place (documented, with status and message, in docs/limits.md).

A report is a few MB, a few dozen pages, a handful of tables under 100 rows. Anything far beyond is
not a report, and reading it anyway would cost minutes and gigabytes: each limit below turns such an
input into a record status with a plain message (or, for parts of a document, a warning), so one
hostile file never stops or starves a batch.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from parsers.models import ExtractError

MB = 1024 * 1024

# Whole files (parse, ingest; the crawler's DOWNLOAD_MAXSIZE is the same figure).
MAX_FILE_BYTES = 64 * MB
# Wall-clock seconds per document, checked between pages, tables and stages (cooperative, so one long C
# call can overrun it by that call's length; the other limits bound how long any one call can take).
MAX_SECONDS = 60.0
MAX_CONVERT_SECONDS = 120  # one LibreOffice conversion (DOC/WPS → DOCX), a separate process that is killed

# HTML
MAX_HTML_DEPTH = 2048  # libxml2's nesting limit with XML_PARSE_HUGE (256 without): deeper is flattened first
BROWSER_PARSE_MAX_BYTES = 2 * MB  # html5lib re-parse of markup lxml mangles (pure Python: ~1 s per MB)
MAX_TABLES = 500  # per document; reports have 3 to 20
MAX_TABLE_ROWS = 1000  # report tables have under 100 rows; a bigger one is a data dump, not a report table
MAX_TABLE_CELLS = 100_000  # grid positions after rowspan/colspan expansion
MAX_SPAN = 200  # rowspan/colspan: a hostile rowspan=65534 must not allocate millions of positions

# PDF
MAX_PDF_PAGES = 400

# DOCX (a zip): sizes come from the zip directory, so a bomb is refused before anything is inflated
MAX_DOCX_UNCOMPRESSED = 100 * MB  # every part together (images included)
MAX_DOCX_XML_BYTES = 16 * MB  # word/document.xml, or any other XML part: a 100-page report's is ~3 MB
MAX_DOCX_RATIO = 100  # uncompressed / compressed of the whole package (text XML deflates ~10×, zeros ~1000×)

_deadline: ContextVar[float | None] = ContextVar("nianbao_parse_deadline", default=None)


@contextmanager
def deadline(seconds: float | None = None) -> Iterator[None]:
    """Give the parse running inside this block `seconds` (default MAX_SECONDS) of wall-clock time (check_time)."""
    token = _deadline.set(time.monotonic() + (MAX_SECONDS if seconds is None else seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check_time() -> None:
    """Raise ExtractError when the current document's time is up (called between units of work)."""
    end = _deadline.get()
    if end is not None and time.monotonic() > end:
        raise ExtractError("unparseable", f"parsing took longer than the limit of {MAX_SECONDS:g} s per document: "
                                          "stopped (reports parse in well under a second)")


def table_refusal(n_tables: int, n_rows: int, n_cells: int) -> str | None:
    """Why a table is not read (a warning for the document), or None when it is within the limits."""
    if n_tables >= MAX_TABLES:
        return f"tables after the first {MAX_TABLES:,} were not read: reports have far fewer"
    if n_rows > MAX_TABLE_ROWS:
        return f"a table of {n_rows:,} rows was skipped: report tables are far smaller"
    if n_cells > MAX_TABLE_CELLS:
        return f"a table was skipped: its cells span over {MAX_TABLE_CELLS:,} grid positions"
    return None


def too_large(size: int) -> ExtractError:
    return ExtractError("unparseable", f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}: "
                                       "reports are a few MB")
