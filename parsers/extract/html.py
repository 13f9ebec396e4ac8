"""HTML → Document: text blocks and data tables (layout tables are unwrapped, not treated as data)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree

from parsers.extract.encoding import decode_html
from parsers.extract.grid import PlainRow, TableTooLarge, expand
from parsers.extract.html_flow import (
    FlowReader,
    count_rows,
    holds_delimiters,
    payload_rows,
    plain_row,
    row_cells,
    row_texts,
    stack_allows_xslt,
)
from parsers.extract.html_tree import parse_html_tree
from parsers.limits import MAX_TABLES, check_time, table_refusal
from parsers.models import Document, ExtractError, Paragraph, Table

BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "header",
    "footer", "blockquote", "pre", "dd", "dt", "title", "center", "ul", "ol", "dl", "form", "td", "th",
}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select", "button"}
META_NAMES = ("ArticleTitle", "PubDate", "ContentSource", "SiteIDCode", "ColumnName", "SiteName")
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_SIMPLE = re.compile(r"^[^\s\u00a0\u3000]*$")  # nothing to clean: no whitespace at all


_NOT_DIGIT = re.compile(r"\D")
_BREAKS = re.compile(r"[ \t\r\f\v\u00a0\u3000]*\n\s*")


def _clean(text: str) -> str:
    """Collapse runs of spaces, drop blank lines and the spaces around line breaks (regexes run in C).

    Line breaks first: the same result as collapsing spaces first (a run of spaces before a break goes either
    way; _BREAKS eats every whitespace after one), with far fewer runs left to collapse on a page's text."""
    return _WS.sub(" ", _BREAKS.sub("\n", text)).strip()


def _mark_line_breaks(root: etree._Element) -> None:
    """Make <br> and paragraph breaks visible to itertext() as newlines (done once per page)."""
    for node in root.iter("br", "p", "div"):
        node.tail = "\n" + (node.tail or "")


def _cell_text(cell: etree._Element) -> str:
    """Text of a cell with <br> and block children as line breaks, nested spans flattened."""
    # without child elements the text serialisation is the element's own text: skip the serialiser
    text = etree.tostring(cell, method="text", encoding=str, with_tail=False) if len(cell) else cell.text or ""
    if _SIMPLE.match(text):
        return text
    return _clean(text)


_ROWS = etree.XPath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
_COUNT_ROWS = etree.XPath("count(./tr|./thead/tr|./tbody/tr|./tfoot/tr)")


def _rows_of(trs: list[etree._Element]) -> list[list[tuple[str, int, int]]]:
    rows: list[list[tuple[str, int, int]]] = []
    for tr in trs:
        cells = []
        for td in tr.iterchildren("td", "th"):
            rowspan, colspan = td.get("rowspan"), td.get("colspan")
            cells.append((_cell_text(td), 1 if rowspan is None else _span(rowspan),  # a SpanCell's fields
                          1 if colspan is None else _span(colspan)))
        rows.append(cells)
    return rows


def _span(raw: str) -> int:
    """A rowspan/colspan attribute's number (its digits, at most 4 of them); 1 when it has none."""
    if raw.isdigit():
        return int(raw[:4])
    digits = _NOT_DIGIT.sub("", raw)[:4]
    return int(digits) if digits else 1


TABLE_MARK = "\ue000T{}\ue000"  # private-use characters: never in real text
_TABLE_MARK = re.compile("\ue000T(\\d+)\ue000")


LAYOUT_CELL_CHARS = 200  # a cell holding more text than this is an article in a layout table, not data


_DATA_TABLES = etree.XPath(
    f"//table[not(.//table)][not(.//td[string-length(normalize-space(.)) > {LAYOUT_CELL_CHARS}])]")


def _data_tables(root: etree._Element) -> list[etree._Element]:
    """Innermost tables, in document order: a table holding another table, or a whole article, is layout."""
    return _DATA_TABLES(root)


def _grid_within_limits(n_tables: int, count_rows: Callable[[], int], read_rows: Callable[[], list],
                        skipped: list[str]) -> Table | None:
    """The table's grid, or None (and why in `skipped`) when it is past a limit (parsers/limits.py). Rows are
    counted before any is read: no cell objects for a huge table."""
    n_rows = count_rows() if n_tables < MAX_TABLES else 0
    why = table_refusal(n_tables, n_rows, 0)
    if why is None:
        try:
            return expand(read_rows())
        except TableTooLarge as exc:
            why = f"a table was skipped: {exc}"
    skipped.append(why)
    return None


def _read_table(node: etree._Element, n_tables: int, skipped: list[str]) -> Table | None:
    return _grid_within_limits(n_tables, lambda: int(_COUNT_ROWS(node)), lambda: _rows_of(_ROWS(node)), skipped)


def _swap_tables_for_marks(root: etree._Element) -> tuple[list[Table], list[str]]:
    """Read each data table into a grid and leave a marker element in the text flow where it stood.

    Each table is swapped for one small element in place (constant time), never by appending to a
    neighbour's text: that made a page of many adjacent tables quadratic in their number.
    """
    tables: list[Table] = []
    skipped: list[str] = []
    for node in _data_tables(root):
        if node.getparent() is None:
            continue
        check_time()
        marker = etree.Element("span")
        table = _read_table(node, len(tables), skipped)
        if table is not None:
            marker.text = "\n" + TABLE_MARK.format(len(tables)) + "\n"
            tables.append(table)
        marker.tail = node.tail
        node.getparent().replace(node, marker)
    return tables, list(dict.fromkeys(skipped))


def _mark_blocks(root: etree._Element) -> None:
    """Put a newline before and after every block element so the flat text keeps its paragraphs."""
    for node in root.iter(*BLOCK_TAGS):
        node.text = "\n" + (node.text or "")
        node.tail = "\n" + (node.tail or "")


def _blocks_from_text(text: str, tables: list[Table]) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    for i, part in enumerate(_TABLE_MARK.split(text)):
        if i % 2:
            blocks.append(tables[int(part)])
            continue
        blocks.extend(map(Paragraph, _clean(part).split("\n")))
    return blocks


def _flow_by_elements(root: etree._Element) -> tuple[list[Paragraph | Table], list[str]]:
    """Paragraphs and tables in reading order: tables swapped for markers, then one text serialisation."""
    tables, skipped = _swap_tables_for_marks(root)
    _mark_blocks(root)
    body = root.find("body")
    text = etree.tostring(body if body is not None else root, method="text", encoding=str)
    return _blocks_from_text(text, tables), skipped


_FLOW = FlowReader(frozenset(BLOCK_TAGS), LAYOUT_CELL_CHARS)


def _payload_table(payload: str, n_tables: int, skipped: list[str]) -> Table | None:
    """A table payload of html_flow as a grid (the same limits as an element table)."""
    return _grid_within_limits(n_tables, lambda: count_rows(payload), lambda: list(_payload_rows(payload)), skipped)


_ANY_SPACE = re.compile(r"[\s\u00a0\u3000]")


def _payload_rows(payload: str) -> Iterator[list[tuple[str, int, int]]]:
    """(cell text as _cell_text reads it, rowspan, colspan) per cell; a row without any whitespace in its
    texts or attributes needs no cleaning, so its cells skip the per-cell test."""
    for row in payload_rows(payload):
        spaced = _ANY_SPACE.search(row) is not None
        if plain_row(row):
            texts = row_texts(row)
            yield PlainRow([text if _SIMPLE.match(text) else _clean(text) for text in texts] if spaced else texts)
        elif spaced:
            yield [(text if _SIMPLE.match(text) else _clean(text), _span(rs) if rs else 1, _span(cs) if cs else 1)
                   for text, rs, cs in row_cells(row)]
        else:
            yield [(text, _span(rs) if rs else 1, _span(cs) if cs else 1) for text, rs, cs in row_cells(row)]


def _blocks_from_parts(parts: list[str]) -> tuple[list[Paragraph | Table], list[str]]:
    """html_flow's [text, payload, text, …] as blocks; a refused table leaves no break in the text."""
    tables: list[Table] = []
    skipped: list[str] = []
    texts: list[list[str]] = [[parts[0]]]
    for i in range(1, len(parts), 2):
        check_time()
        table = _payload_table(parts[i], len(tables), skipped)
        if table is None:
            texts[-1].append(parts[i + 1])
        else:
            tables.append(table)
            texts.append([parts[i + 1]])
    blocks: list[Paragraph | Table] = []
    for i, text in enumerate(texts):
        if i:
            blocks.append(tables[i - 1])
        blocks.extend(map(Paragraph, _clean("".join(text)).split("\n")))
    return blocks, list(dict.fromkeys(skipped))


def _flow(root: etree._Element, by_xslt: bool = True) -> tuple[list[Paragraph | Table], list[str]]:
    """Paragraphs and tables in reading order: one XSLT pass (html_flow) unless the page cannot take it."""
    etree.strip_elements(root, *SKIP_TAGS, with_tail=False)
    parts = _FLOW(root) if by_xslt else None
    if parts is None:
        return _flow_by_elements(root)
    return _blocks_from_parts(parts)


_TITLE_TEXTS = etree.XPath("text()")
_META_WANTED = {name.lower(): name for name in META_NAMES}


def _first_title_text(root: etree._Element) -> str | None:
    """The first text node of any <title> (what //title/text() lists first), found by lxml's C-level tag
    iteration: an XPath starting with // first collects every node of the page."""
    for title in root.iter("title"):
        texts = _TITLE_TEXTS(title) if len(title) else [title.text] if title.text else []
        if texts:
            return texts[0]
    return None


def _meta(root: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for m in root.iter("meta"):
        name = m.get("name")
        if name is None:
            continue
        wanted = _META_WANTED.get(name.lower())
        if wanted is not None and m.get("content"):
            meta[wanted] = m.get("content", "").strip()
    title = _first_title_text(root)
    if title and title.strip():
        meta["html_title"] = title.strip()
    return meta


def extract_html(data: bytes, content_type: str | None = None) -> Document:
    """Parse HTML bytes; the encoding comes from BOM, meta charset, HTTP header or detection."""
    text, encoding = decode_html(data, content_type)
    if not text.strip():
        raise ExtractError("unparseable", "the HTML page is empty")
    warnings: list[str] = []
    root = parse_html_tree(text, warnings)
    if root is None:
        raise ExtractError("unparseable", "the HTML page has no elements")
    _mark_line_breaks(root)
    meta = _meta(root)
    meta["encoding"] = encoding
    blocks, skipped = _flow(root, by_xslt=stack_allows_xslt() and not holds_delimiters(text, data, encoding))
    for i, table in enumerate(b for b in blocks if isinstance(b, Table)):
        table.index = i
    return Document(blocks=blocks, format="html", meta=meta, warnings=warnings + skipped)
