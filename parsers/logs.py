"""PDF libraries' warnings (pdfminer's `Could not get FontBBox…`, hundreds per batch) are logged at debug.

They describe fonts the parser does not need, not problems of the report, so they stay out of the user's
terminal; `logging.basicConfig(level=logging.DEBUG)` (or a debug handler) still shows them.
"""

from __future__ import annotations

import logging

LIBRARIES = ("pdfminer", "pdfplumber", "pypdfium2")
RELAY = "parsers.libraries"


class DebugRelay(logging.Handler):
    """Re-log a library's record at debug under parsers.libraries (its own name kept in the message)."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger(RELAY).debug("%s: %s", record.name, record.getMessage())


def quiet_pdf_libraries() -> None:
    """Route the PDF libraries' log records to debug (idempotent)."""
    for name in LIBRARIES:
        logger = logging.getLogger(name)
        logger.propagate = False
        if not any(isinstance(h, DebugRelay) for h in logger.handlers):
            logger.addHandler(DebugRelay())
