"""HTML → Document: text blocks and data tables (layout tables are unwrapped, not treated as data)."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from parsers.extract.encoding import decode_html
from parsers.extract.grid import SpanCell, expand
from parsers.models import Document, ExtractError, Paragraph, Table

BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "header",
    "footer", "blockquote", "pre", "dd", "dt", "title", "center", "ul", "ol", "dl", "form", "td", "th",
}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select", "button"}
MAX_TABLE_ROWS = 1000  # report tables have under 100 rows; a bigger one is a data dump, not a report table
META_NAMES = ("ArticleTitle", "PubDate", "ContentSource", "SiteIDCode", "ColumnName", "SiteName")
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def _clean(text: str) -> str:
    lines = (_WS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _cell_text(cell: etree._Element) -> str:
    """Text of a cell with <br> and block children as line breaks, nested spans flattened."""
    parts: list[str] = []
    for node in cell.iter():
        if node.tag in SKIP_TAGS or not isinstance(node.tag, str):
            continue
        if node.tag == "br" or (node is not cell and node.tag in ("p", "div")):
            parts.append("\n")
        if node.text and node.tag not in SKIP_TAGS:
            parts.append(node.text)
        if node is not cell and node.tail:
            parts.append(node.tail)
    return _clean("".join(parts))


def _is_data_table(table: etree._Element) -> bool:
    """A table holding another table is page layout, not data."""
    return not table.xpath(".//table")


def _rows_of(table: etree._Element) -> list[list[SpanCell]]:
    rows: list[list[SpanCell]] = []
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = [
            SpanCell(_cell_text(td), _int_attr(td, "rowspan"), _int_attr(td, "colspan"))
            for td in tr
            if td.tag in ("td", "th")
        ]
        rows.append(cells)
    return rows


def _int_attr(el: etree._Element, name: str) -> int:
    digits = re.sub(r"\D", "", el.get(name, "1") or "1")[:4]
    return int(digits) if digits else 1


class _Walker:
    """Walks the DOM once, emitting paragraphs at block boundaries and grids for data tables."""

    def __init__(self) -> None:
        self.blocks: list[Paragraph | Table] = []
        self.buf: list[str] = []
        self.skipped: list[int] = []  # row counts of oversized tables left out

    def flush(self) -> None:
        text = _clean("".join(self.buf))
        self.buf = []
        if text:
            self.blocks.append(Paragraph(text))

    def walk(self, root: etree._Element) -> list[Paragraph | Table]:
        skip_until: etree._Element | None = None
        for event, node in etree.iterwalk(root, events=("start", "end")):
            if not isinstance(node.tag, str):
                if event == "end" and skip_until is None and node.tail:
                    self.buf.append(node.tail)
                continue
            if skip_until is not None:
                if event == "end" and node is skip_until:
                    skip_until = None
                    if node.tail:
                        self.buf.append(node.tail)
                continue
            if event == "start":
                skip_until = self._start(node)
            else:
                self._end(node)
        self.flush()
        return self.blocks

    def _start(self, node: etree._Element) -> etree._Element | None:
        if node.tag in SKIP_TAGS:
            return node
        if node.tag == "table" and _is_data_table(node):
            self.flush()
            n_rows = int(node.xpath("count(./tr|./thead/tr|./tbody/tr|./tfoot/tr)"))
            if n_rows > MAX_TABLE_ROWS:
                self.skipped.append(n_rows)
            else:
                self.blocks.append(expand(_rows_of(node)))
            return node
        if node.tag in BLOCK_TAGS or node.tag == "br":
            self.flush() if node.tag != "br" else self.buf.append("\n")
        if node.text:
            self.buf.append(node.text)
        return None

    def _end(self, node: etree._Element) -> None:
        if node.tag in BLOCK_TAGS:
            self.flush()
        if node.tail:
            self.buf.append(node.tail)


def _meta(root: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for m in root.xpath("//meta[@name]"):
        name = m.get("name", "")
        for wanted in META_NAMES:
            if name.lower() == wanted.lower() and m.get("content"):
                meta[wanted] = m.get("content", "").strip()
    titles = root.xpath("//title/text()")
    if titles and titles[0].strip():
        meta["html_title"] = titles[0].strip()
    return meta


def extract_html(data: bytes, content_type: str | None = None) -> Document:
    """Parse HTML bytes; the encoding comes from BOM, meta charset, HTTP header or detection."""
    text, encoding = decode_html(data, content_type)
    if not text.strip():
        raise ExtractError("unparseable", "the HTML page is empty")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError("unparseable", f"the HTML could not be parsed: {exc}") from None
    meta = _meta(root)
    meta["encoding"] = encoding
    body = root.find("body")
    walker = _Walker()
    blocks = walker.walk(body if body is not None else root)
    for i, table in enumerate(b for b in blocks if isinstance(b, Table)):
        table.index = i
    warnings = [f"a table of {n:,} rows was skipped: report tables are far smaller" for n in walker.skipped]
    return Document(blocks=blocks, format="html", meta=meta, warnings=warnings)
