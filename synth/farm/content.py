"""Report content: the synth record behind a planted report, its inline HTML and its attachment files.

Rendering is lazy and cached, keyed by everything that determines the bytes (site seed, document, content
version), so an edited report gets new bytes in the generation that edits it and every other file stays
byte-identical.
"""

from __future__ import annotations

import copy
import io
import random
import threading
from functools import lru_cache
from typing import Any, NamedTuple

from synth.document import document_blocks
from synth.farm.model import Attachment, Doc, Site
from synth.layouts import render
from synth.records import random_record
from synth.render_html import STYLES, body_html

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/kswps",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
}
RENDER_LAYOUTS = {"pdf": "pdf", "docx": "docx", "html": "html-gbk"}  # attachment bytes format -> synth layout


class Key(NamedTuple):
    """Everything a report's content depends on (hashable, so renderings can be cached)."""
    seed: str
    doc_id: int
    version: int
    template: str
    agency: str
    year: int
    blanks: bool
    errors: bool
    title: str
    published: str

    def rng(self, what: str) -> random.Random:
        return random.Random(f"{self.seed}|doc{self.doc_id}|v{self.version}|{what}")


def key(site: Site, doc: Doc, version: int) -> Key:
    assert doc.unit is not None
    assert doc.template is not None
    assert doc.year is not None
    return Key(site.seed, doc.id, version, doc.template, doc.unit.agency, doc.year, doc.blanks,
               doc.errors and version == 0, doc.title, doc.published.date().isoformat())


@lru_cache(maxsize=4096)
def _record(k: Key) -> dict[str, Any]:
    rng = random.Random(f"{k.seed}|doc{k.doc_id}|v{k.version}")
    record = random_record(rng, k.template, agency=k.agency, year=k.year, blanks=k.blanks, break_arithmetic=k.errors)
    record["title"] = k.title
    if record["published"] is not None:  # some reports print no date; the others print the page's date
        record["published"] = k.published
    return record


def report_record(site: Site, doc: Doc, version: int) -> dict[str, Any]:
    """The record a report prints in a content version (version 0 may carry planted errors). A copy."""
    return copy.deepcopy(_record(key(site, doc, version)))


def planted_errors(site: Site, doc: Doc, version: int) -> list[Any]:
    """What synth broke on purpose in this version (empty when nothing was planted)."""
    if not (doc.errors and version == 0):
        return []
    return copy.deepcopy(_record(key(site, doc, version)).get("_planted_errors", []))


@lru_cache(maxsize=2048)
def _inline(k: Key, style: str, repeat_title: bool) -> str:
    opts = STYLES[style]
    blocks = [b for b in document_blocks(_record(k), alt=opts.alt) if repeat_title or b[0] != "title"]
    return body_html(blocks, opts, k.rng("inline"))


def inline_html(site: Site, doc: Doc, version: int) -> str:
    """The report as an HTML fragment for the article body (characters, not bytes: the page encodes)."""
    return _inline(key(site, doc, version), doc.style, bool(site.options.get("repeat_title")))


@lru_cache(maxsize=512)
def _file(k: Key, fmt: str, page: int) -> bytes:
    if fmt == "png":
        return _png_page(_file(k, "pdf", 0), page)
    return render(_record(k), RENDER_LAYOUTS[fmt], k.rng(fmt))[0]


PDFIUM_LOCK = threading.Lock()


def attachment_bytes(site: Site, doc: Doc, att: Attachment, version: int) -> bytes:
    """The bytes of an attachment: a synth PDF or DOCX (also behind .doc/.wps names), an HTML table saved
    as .xls (GB18030, as Excel exports are), or a PNG of one PDF page."""
    return _file(key(site, doc, version), att.fmt, att.page)


def _png_page(pdf: bytes, page: int) -> bytes:
    """One page of the PDF as a PNG (a scanned-table report). Without a CJK system font the glyphs may be
    missing, which does not matter: nobody reads an image-only report without OCR."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # PDFium is not thread-safe and the farm answers from many threads
        doc = pdfium.PdfDocument(pdf)
        try:
            image = doc[min(page, len(doc) - 1)].render(scale=1.0).to_pil()
        finally:
            doc.close()
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return buf.getvalue()
