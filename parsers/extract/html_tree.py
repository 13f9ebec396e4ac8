"""HTML text → an lxml element tree, even for pages libxml2 alone would lose or mangle.

Three steps, each only when the one before fell short:

1. lxml's HTML parser (libxml2, fast) with `huge_tree`, so nesting up to 2048 levels is kept (256 without).
   Its error log is read: a nesting-depth error means everything below that depth was dropped.
2. Deeper than that, the layout tags that make such depth (div, span, font …) are taken out and the page
   parsed again: the text and the tables stay, only the wrappers go.
3. Table cells outside any row (a `<form>` between rows, `<td>` with no `<tr>`) are where lxml's parser
   and browsers disagree: lxml leaves the cells where no table reader looks. Such pages (up to
   limits.BROWSER_PARSE_MAX_BYTES) are parsed again by BeautifulSoup over html5lib, which builds the tree
   as browsers do (the HTML5 tree-construction rules), and the result is copied into an lxml tree.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag
from lxml import etree

from parsers.limits import BROWSER_PARSE_MAX_BYTES, MAX_HTML_DEPTH
from parsers.models import ExtractError

_BLOCK_WRAPPERS = "div|section|article|center|header|footer|main|nav|aside|blockquote|ul|ol|li|dl|dd|dt"
_INLINE_WRAPPERS = "span|font|b|i|u|s|em|strong|small|big|sub|sup|a|label|abbr|cite|code|tt|ins|del|mark|q"
_WRAPPER = re.compile(rf"</?(?:({_BLOCK_WRAPPERS})|(?:{_INLINE_WRAPPERS}))(?:\s[^>]*)?/?>", re.IGNORECASE)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ROW_GROUPS = frozenset(("thead", "tbody", "tfoot"))


class _TooDeep(Exception):
    pass


def _lxml_parse(text: str) -> etree._Element | None:
    """libxml2's parse; _TooDeep when its error log says nesting went past its limit."""
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = etree.fromstring(text, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractError("unparseable", f"the HTML could not be parsed: {exc}") from None
    if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
        raise _TooDeep
    return root


def _flatten(text: str) -> str:
    """The page without its wrapper tags: block wrappers become line breaks, inline ones vanish."""
    return _WRAPPER.sub(lambda m: "<br>" if m.group(1) else "", text)


def _mangled_tables(root: etree._Element) -> bool:
    """True when some table cells sit outside any row, where lxml's parser put them and no browser would.

    Cells in rows are those of table/tr or table/(thead|tbody|tfoot)/tr; one pass, stopping at the first other.
    """
    for cell in root.iter("td", "th"):
        tr = cell.getparent()
        if tr is None or tr.tag != "tr":
            return True
        parent = tr.getparent()
        if parent is None:
            return True
        if parent.tag == "table":
            continue
        if parent.tag not in _ROW_GROUPS or (grand := parent.getparent()) is None or grand.tag != "table":
            return True
    return False


def _append_text(parent: etree._Element, text: str) -> None:
    text = _NOT_XML.sub("", text)
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _new_child(parent: etree._Element, tag: Tag) -> etree._Element:
    try:
        child = etree.SubElement(parent, tag.name.lower())
    except ValueError:  # a name html5lib accepts and XML does not
        child = etree.SubElement(parent, "span")
    for name, value in tag.attrs.items():
        value = " ".join(value) if isinstance(value, list) else value
        try:
            child.set(name, _NOT_XML.sub("", value))
        except ValueError:
            continue
    return child


def _to_lxml(soup: BeautifulSoup) -> etree._Element:
    """Copy a BeautifulSoup tree into lxml, iteratively (no recursion, whatever the depth)."""
    top = soup.find("html")
    root = etree.Element("html")
    stack: list[tuple[Tag, etree._Element]] = [(top, root)] if isinstance(top, Tag) else []
    while stack:
        tag, element = stack.pop()
        pending: list[tuple[Tag, etree._Element]] = []
        for child in tag.children:
            if isinstance(child, Tag):
                pending.append((child, _new_child(element, child)))
            elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
                _append_text(element, str(child))
        stack.extend(reversed(pending))
    return root


def browser_tree(text: str) -> etree._Element:
    """The tree a browser builds (html5lib), as an lxml element."""
    return _to_lxml(BeautifulSoup(text, "html5lib"))


def parse_html_tree(text: str, warnings: list[str]) -> etree._Element | None:
    """The page's element tree (None when it has no elements); what had to be done goes to `warnings`."""
    try:
        root = _lxml_parse(text)
    except _TooDeep:
        text = _flatten(text)
        try:
            root = _lxml_parse(text)
        except _TooDeep:
            raise ExtractError("unparseable", f"the HTML nests elements deeper than {MAX_HTML_DEPTH:,} levels, "
                                              "even without its layout tags") from None
        warnings.append(f"the page nests elements deeper than {MAX_HTML_DEPTH:,} levels: it was read without its "
                        "layout tags (div, span, font …)")
    if root is not None and _mangled_tables(root):
        if len(text) <= BROWSER_PARSE_MAX_BYTES:
            warnings.append("table cells outside any row (broken markup): the page was read as a browser builds it")
            return browser_tree(text)
        warnings.append("table cells outside any row (broken markup) in a page too large to re-read: "
                        "those cells may be missing from their tables")
    return root
