"""PDF rendering with reportlab, like the WPS/Word exports counties publish: A4, ruled tables, table 3
split over two pages without a repeated header, page numbers "- N -".

The built-in CID font STSong-Light needs no font file, and pdfplumber extracts its text as Unicode.
"""

from __future__ import annotations

import io
import random
from functools import cache
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from synth.document import document_blocks
from synth.pdf_tables import FONT, BrokenTable, make_table

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=17, firstLineIndent=21, wordWrap="CJK",
                      spaceAfter=4)
STYLES = {
    "title": ParagraphStyle("title", parent=BODY, fontSize=16, leading=24, alignment=1, firstLineIndent=0,
                            spaceAfter=8),
    "date": ParagraphStyle("date", parent=BODY, alignment=1, firstLineIndent=0),
    "heading": ParagraphStyle("heading", parent=BODY, fontSize=12, leading=20, firstLineIndent=0,
                              spaceBefore=6),
    "para": BODY,
}


@cache
def register_font() -> None:
    """Register the CID font once per process."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")
    canvas.restoreState()


def _flowables(record: dict[str, Any], rng: random.Random) -> list[Flowable]:
    """Paragraphs and tables in reading order; table 3 is the one that breaks across pages."""
    out: list[Flowable] = []
    for kind, block in document_blocks(record):
        if kind != "table":
            out.append(Paragraph(block, STYLES[kind]))
        elif block.key == "requests":
            out.append(BrokenTable(block, tail=rng.randint(2, 12)))
        else:
            out += [make_table(block), Spacer(1, 6)]
    return out


def render_pdf(record: dict[str, Any], style: str, rng: random.Random) -> bytes:
    """style "pdf". invariant=1 keeps dates and ids fixed, so equal records give equal bytes."""
    register_font()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=60, bottomMargin=60,
                            title=record["title"], author=record["agency"], invariant=1)
    doc.build(_flowables(record, rng), onFirstPage=_page_number, onLaterPages=_page_number)
    return buf.getvalue()
