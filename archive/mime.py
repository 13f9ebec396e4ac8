"""Content types of the document formats nianbao stores, from Python's `mimetypes`.

Python's built-in table (not the host's /etc/mime.types, which differs between machines: the same
archive must get the same types everywhere) knows html, pdf, txt, doc and xls; the Office Open XML,
WPS and markdown types it lacks are added here, once.
"""

from __future__ import annotations

import mimetypes

_TABLE = mimetypes.MimeTypes(filenames=())
for _type, _ext in (("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
                    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
                    ("application/vnd.ms-works", ".wps"), ("text/markdown", ".md"),
                    ("application/vnd.ms-excel", ".et"),  # WPS spreadsheets: XLS-compatible
                    ("application/vnd.oasis.opendocument.text", ".odt"),
                    ("application/vnd.oasis.opendocument.spreadsheet", ".ods")):
    _TABLE.add_type(_type, _ext)


def content_type(fmt: str) -> str | None:
    """The content type of a format name as parsers.sniff gives it (pdf, docx, md …), or None."""
    return _TABLE.guess_type(f"document.{fmt}", strict=False)[0]
