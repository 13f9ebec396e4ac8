"""The text flow of an HTML page and its data tables' cells in one C-level pass (an XSLT run by libxslt).

The flow is the page's text with a line break around every block element; each data table (an innermost
table without an article-sized cell) stands in it as one delimited payload: its rows in document order,
each cell's text (its XPath string value, the same as lxml's text serialisation) and its rowspan/colspan
attributes as printed. Python then only splits strings: no element proxy per cell, no tree rewriting,
no second serialisation. The payload delimiters are private-use characters; a page that holds any of
them is read the element-by-element way instead (parsers/extract/html.py), so no page text is misread.
"""

from __future__ import annotations

import re
import resource
import threading

from lxml import etree

# Private-use delimiters: table start, row start, field separator, cell end, table end.
TABLE, ROW, FIELD, CELL, END = "\ue010", "\ue011", "\ue012", "\ue013", "\ue014"
# What a page must not hold for this pass: the delimiters and html.py's own table marker (U+E000), literally
# or as character references (U+E000 is 57344, U+E010 … U+E014 are 57360 … 57364).
RESERVED_CHARS = ("\ue000", TABLE, ROW, FIELD, CELL, END)
RESERVED_REF = re.compile("&#(?:[xX]0*[eE]0(?:00|1[0-4])|0*57(?:344|36[0-4]))(?![0-9])")
RESERVED_REF_BYTES = re.compile(RESERVED_REF.pattern.encode("ascii"))
_PAYLOAD = re.compile(f"{TABLE}([^{END}]*){END}")


def _stylesheet(block_tags: frozenset[str], layout_cell_chars: int) -> etree.XSLT:
    blocks = "|".join(sorted(block_tags))
    data_table = f"table[not(.//table)][not(.//td[string-length(normalize-space(.)) > {layout_cell_chars}])]"
    cell = (f"<xsl:value-of select='.'/>&#x{ord(FIELD):X};<xsl:value-of select='@rowspan'/>&#x{ord(FIELD):X};"
            f"<xsl:value-of select='@colspan'/>&#x{ord(CELL):X};")
    rows = (f"<xsl:for-each select='tr|thead/tr|tbody/tr|tfoot/tr'>&#x{ord(ROW):X};"
            f"<xsl:for-each select='td|th'>{cell}</xsl:for-each></xsl:for-each>")
    source = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="/">
  <xsl:choose>
    <xsl:when test="*/body">
      <xsl:apply-templates select="*/body[1]"/>
      <xsl:value-of select="*/body[1]/following-sibling::node()[1][self::text()]"/>
    </xsl:when>
    <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
  </xsl:choose>
</xsl:template>
<xsl:template match="{blocks}"><xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="{data_table.replace('>', '&gt;')}">&#x{ord(TABLE):X};{rows}&#x{ord(END):X};</xsl:template>
</xsl:stylesheet>"""
    return etree.XSLT(etree.XML(source))


MIN_STACK_BYTES = 8 * 1024 * 1024  # libxslt recurses once per element level: up to 2,048 levels, ~1 KB of C stack each


def _main_stack_is_large() -> bool:
    soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    return soft == resource.RLIM_INFINITY or soft >= MIN_STACK_BYTES


MAIN_STACK_OK = _main_stack_is_large()


def stack_allows_xslt() -> bool:
    """Whether this thread's C stack surely holds libxslt's recursion over the deepest page lxml keeps.

    A thread's stack may be small (threading.stack_size, musl's 128 KB default): a 2,000-level page overflowed
    a 1 MB thread stack. Only a main thread with a stack of at least 8 MB takes the XSLT pass; other threads
    read pages element by element (the same result, more slowly)."""
    return MAIN_STACK_OK and threading.current_thread() is threading.main_thread()


class FlowReader:
    """One compiled stylesheet per (block tags, layout-cell limit): compiled once per process."""

    def __init__(self, block_tags: frozenset[str], layout_cell_chars: int) -> None:
        self._xslt = _stylesheet(block_tags, layout_cell_chars)

    def __call__(self, root: etree._Element) -> list[str] | None:
        """[text, table payload, text, table payload, …, text]; None when libxslt fails (the caller then
        reads the page element by element, as it does for a page whose source `holds_delimiters`)."""
        try:
            return _PAYLOAD.split(str(self._xslt(root)))
        except etree.XSLTError:
            return None


def holds_delimiters(source: str, data: bytes = b"", encoding: str = "") -> bool:
    """Whether the page's source text could put a delimiter into the flow.

    For a page decoded as UTF-8 the bytes are searched instead (a byte search is several times faster than a
    search of the decoded text): U+E000 … U+EFFF all start with byte EE in UTF-8, which no other character
    starts with (CJK text is E4 … E9); references are ASCII.
    """
    if data and encoding in ("utf-8", "utf-8-sig") and b"\xee" not in data:  # one byte: a memchr
        return RESERVED_REF_BYTES.search(data) is not None
    return any(ch in source for ch in RESERVED_CHARS) or RESERVED_REF.search(source) is not None


def count_rows(payload: str) -> int:
    return payload.count(ROW)


def payload_rows(payload: str) -> list[str]:
    """The rows of a table payload, each as its delimited string."""
    return payload.split(ROW)[1:]


_NO_SPANS = FIELD + FIELD + CELL  # a cell without rowspan and colspan attributes ends so


def plain_row(row: str) -> bool:
    """Whether no cell of the row has a rowspan or colspan attribute (two counts in C)."""
    return row.count(_NO_SPANS) == row.count(CELL)


def row_texts(row: str) -> list[str]:
    """The cell texts of a plain_row."""
    return [cell[:-2] for cell in row.split(CELL)[:-1]]


def row_cells(row: str) -> list[list[str]]:
    """[text, rowspan attribute, colspan attribute] per cell, as printed."""
    return [cell.split(FIELD) for cell in row.split(CELL)[:-1]]
