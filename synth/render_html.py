"""HTML renderings of a record, in the styles seen on government portals."""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from typing import Any

from synth.document import Block, document_blocks
from synth.grid import FULLWIDTH, Cell, Grid, fmt_number, wrap_label
from synth.html_layout import layout_page

UTF8_META = '<meta charset="utf-8">'
GB_META = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
SPAN_CSS = "font-family:宋体;font-size:10.5pt"


@dataclass(frozen=True)
class HtmlStyle:
    encoding: str = "utf-8"
    meta: str = UTF8_META
    blank: str = ""              # how a blank cell is written
    spans: bool = False          # every text inside <p><span style=...>
    wrap_headers: bool = False   # <br/> inside narrow column headers
    unit_rate: float = 0.0       # share of numbers printed with their unit (5件, 123.5万元)
    fullwidth_rate: float = 0.0  # share of integers printed in full-width digits
    alt: bool = False            # the alternative span arrangement
    th: bool = False             # header cells as <th> inside <thead>
    layout: bool = False         # nested portal layout tables around the article


STYLES = {
    "plain": HtmlStyle(),
    "gbk": HtmlStyle(encoding="gb18030", meta=GB_META),
    "nbsp": HtmlStyle(blank="&nbsp;", spans=True, wrap_headers=True, unit_rate=0.35),
    "layout": HtmlStyle(layout=True),
    "rowspan_alt": HtmlStyle(alt=True, th=True, fullwidth_rate=0.3),
}


def _value_text(cell: Cell, style: HtmlStyle, rng: random.Random) -> str:
    """A number as printed: maybe with its unit, maybe in full-width digits."""
    text = fmt_number(cell.value)
    if text and cell.unit and rng.random() < style.unit_rate:
        text += cell.unit
    if isinstance(cell.value, int) and cell.value >= 0 and rng.random() < style.fullwidth_rate:
        text = text.translate(FULLWIDTH)
    return escape(text)


def _cell_inner(cell: Cell, style: HtmlStyle, rng: random.Random) -> str:
    if cell.kind == "value":
        inner = _value_text(cell, style, rng)
    elif style.wrap_headers and cell.wrap:
        inner = "<br/>".join(escape(line) for line in wrap_label(cell.text))
    else:
        inner = escape(cell.text)
    inner = inner or style.blank
    if style.spans:
        align = "center" if cell.kind != "label" else "left"
        return f'<p align="{align}"><span style="{SPAN_CSS}">{inner}</span></p>'
    return inner


def _cell_html(cell: Cell, style: HtmlStyle, rng: random.Random) -> str:
    tag = "th" if style.th and cell.kind in ("header", "note", "empty") else "td"
    attrs = "".join(f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
                    if n > 1)
    return f"<{tag}{attrs}>{_cell_inner(cell, style, rng)}</{tag}>"


def table_html(grid: Grid, style: HtmlStyle, rng: random.Random) -> str:
    """One data table; with `th`, its header rows go in <thead>."""
    rows = ["<tr>" + "".join(_cell_html(c, style, rng) for c in row) + "</tr>" for row in grid.rows]
    if style.th:
        body = (f"<thead>{''.join(rows[:grid.header_rows])}</thead>"
                f"<tbody>{''.join(rows[grid.header_rows:])}</tbody>")
    else:
        body = f"<tbody>{''.join(rows)}</tbody>"
    return f'<table border="1" cellspacing="0" cellpadding="3" align="center">{body}</table>'


def _text_html(kind: str, text: str, style: HtmlStyle) -> str:
    """Title, date, heading or paragraph as one element."""
    text = escape(text)
    if style.spans:
        css = {"title": "text-align:center;font-weight:bold", "date": "text-align:center",
               "heading": "font-weight:bold"}.get(kind, "text-indent:2em")
        return f'<p style="{css}"><span style="{SPAN_CSS}">{text}</span></p>'
    return {"title": f"<h1>{text}</h1>", "date": f'<p class="date">{text}</p>',
            "heading": f"<p><strong>{text}</strong></p>"}.get(kind, f"<p>{text}</p>")


def body_html(blocks: list[Block], style: HtmlStyle, rng: random.Random) -> str:
    return "\n".join(table_html(b, style, rng) if kind == "table" else _text_html(kind, b, style)
                     for kind, b in blocks)


def render_html(record: dict[str, Any], style: str, rng: random.Random) -> bytes:
    """A whole HTML page in one of STYLES; bytes in the style's encoding."""
    opts = STYLES[style]
    blocks = document_blocks(record, alt=opts.alt)
    if opts.layout:
        page = layout_page(record, blocks, lambda b: body_html(b, opts, rng), rng)
    else:
        page = (f"<html>\n<head>\n{opts.meta}\n<title>{escape(record['title'])}</title>\n</head>\n"
                f"<body>\n{body_html(blocks, opts, rng)}\n</body>\n</html>\n")
    return page.encode(opts.encoding)
