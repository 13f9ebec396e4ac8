"""The one-pass XSLT reading of a page (parsers/extract/html_flow.py) gives exactly the blocks, tables and
warnings of the element-by-element reading it replaced, on random markup and on hostile pages."""

from __future__ import annotations

import copy
import importlib
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from parsers.extract.grid import PlainRow, SpanCell, expand
from parsers.extract.html_flow import holds_delimiters
from parsers.extract.html_tree import parse_html_tree
from parsers.models import Table

html = importlib.import_module("parsers.extract.html")  # the package's `extract` name is its function

TEXTS = ["", "1", "甲", " a  b ", "\u3000申请\u00a0", "12件", "\n", "x\ty", "长" * 210, "&amp;", "2 0"]
SPANS = ["", ' rowspan="2"', ' colspan="3"', ' rowspan="x"', ' colspan="0"', ' rowspan=" 2 "', ' colspan="1"']


def _node(depth: int) -> st.SearchStrategy[str]:
    text = st.sampled_from(TEXTS)
    if depth == 0:
        return text
    child = st.deferred(lambda: _node(depth - 1))
    cell = st.builds(lambda tag, span, body: f"<{tag}{span}>{''.join(body)}</{tag}>", st.sampled_from(["td", "th"]),
                     st.sampled_from(SPANS), st.lists(st.one_of(text, st.just("<br>"), child), max_size=3))
    row = st.builds(lambda cells: f"<tr>{''.join(cells)}</tr>", st.lists(cell, max_size=4))
    table = st.builds(lambda group, rows: f"<table>{group[0]}{''.join(rows)}{group[1]}</table>",
                      st.sampled_from([("", ""), ("<tbody>", "</tbody>"), ("<thead>", "</thead>")]),
                      st.lists(row, max_size=4))
    wrapper = st.builds(lambda tag, body: f"<{tag}>{''.join(body)}</{tag}>",
                        st.sampled_from(["p", "div", "span", "li", "b", "script", "pre", "h2"]),
                        st.lists(child, max_size=3))
    return st.one_of(text, st.just("<br>"), table, wrapper)


def _both_ways(page: str) -> tuple[tuple, tuple]:
    root = parse_html_tree(page, [])
    assert root is not None
    html._mark_line_breaks(root)
    other = copy.deepcopy(root)
    return _summary(html._flow(root, by_xslt=True)), _summary(html._flow(other, by_xslt=False))


def _summary(flow: tuple[list, list[str]]) -> tuple:
    blocks, skipped = flow
    return [(b.grid, b.origin) if isinstance(b, Table) else b.text for b in blocks], skipped


@settings(max_examples=250, deadline=None)
@given(st.lists(_node(3), max_size=5))
def test_xslt_flow_reads_random_markup_as_the_elements_do(body: list[str]) -> None:
    xslt, elements = _both_ways(f"<html><head><title>t</title></head><body>{''.join(body)}</body></html>")
    assert xslt == elements


HOSTILE = [
    "<html><body><p>a</p>" + "<table><tr><td>1</td></tr></table>" * 503 + "</body></html>",  # past MAX_TABLES
    "<html><body><table>" + "<tr><td>甲</td></tr>" * 1001 + "</table><p>后</p></body></html>",  # too many rows
    "<html><body><table>" + '<tr><td colspan="200">x</td></tr>' * 600 + "</table></body></html>",  # span bomb
    "<html><body><table><tr><td><table><tr><td>内</td></tr></table></td></tr></table></body></html>",
    "<html><body><table><tr><td>1<br></td><td><p>段</p>2</td></tr></table>尾</body></html>\n后",
    "<html><head><title>只有标题</title></head></html>",
    "<html><body><table></table><table><tr></tr></table><p>x</p></body></html>",
]


def test_xslt_flow_reads_hostile_pages_as_the_elements_do() -> None:
    for page in HOSTILE:
        xslt, elements = _both_ways(page)
        assert xslt == elements, page[:80]
    assert any(_both_ways(page)[0][1] for page in HOSTILE)  # some table was refused, and said so


def test_a_page_holding_a_delimiter_is_read_element_by_element() -> None:
    for page in ("<p>\ue012</p>", "<p>&#xE010;</p>", "<p>&#57344;</p>", "<p>\ue000T0\ue000</p>"):
        assert holds_delimiters(page)
        assert holds_delimiters(page, page.encode(), "utf-8")
    assert not holds_delimiters("<p>&#xE015; \ue001</p>", "<p>&#xE015; \ue001</p>".encode(), "utf-8")
    doc = html.extract_html("<html><body><p>a\ue011b</p><table><tr><td>1</td></tr></table></body></html>".encode())
    assert [b.text for b in doc.blocks if not isinstance(b, Table)] == ["a\ue011b", ""]
    assert [b.grid for b in doc.blocks if isinstance(b, Table)] == [[["1"]]]


SPAN_CELL = st.builds(SpanCell, st.sampled_from(["a", "1", ""]), st.integers(1, 3), st.integers(1, 3))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.lists(SPAN_CELL, max_size=4), st.lists(st.sampled_from(["p", "2", ""]), max_size=4)),
                max_size=6))
def test_plain_rows_expand_as_their_one_by_one_cells(rows: list[list]) -> None:
    plain = [PlainRow(r) if r and isinstance(r[0], str) else r for r in rows]
    cells = [[(t, 1, 1) for t in r] if isinstance(r, PlainRow) else r for r in plain]
    assert (expand(plain).grid, expand(plain).origin) == (expand(cells).grid, expand(cells).origin)


def test_xslt_output_is_text_not_markup() -> None:
    root = etree.fromstring("<html><body><p>a &lt;b&gt; &amp; c</p></body></html>", etree.HTMLParser())
    blocks, _ = html._flow(root, by_xslt=True)
    assert [b.text for b in blocks if b.text] == ["a <b> & c"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\r\n\f\v\u00a0\u3000\u2003\x1c\x85a甲", max_size=30))
def test_clean_breaks_first_equals_spaces_first(text: str) -> None:
    assert html._clean(text) == html._BREAKS.sub("\n", html._WS.sub(" ", text)).strip()


DEEP_IN_A_THREAD = """
import threading
from parsers import parse
page = ("<html><body>" + "<div>" * 2040 + "<p>x</p>" + "</div>" * 2040 + "</body></html>").encode()
out = [parse(page, "deep.html")["status"]]
threading.stack_size(512 * 1024)
thread = threading.Thread(target=lambda: out.append(parse(page, "deep.html")["status"]))
thread.start()
thread.join()
print(*out)
"""


def test_a_deep_page_parsed_in_a_small_stack_thread_does_not_crash() -> None:
    """libxslt's recursion overflowed a 1 MB thread stack on a 2,000-level page (a segfault, the whole worker
    gone): only a main thread takes the XSLT pass. Run in a child process, so a crash fails only this test."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", DEEP_IN_A_THREAD], cwd=root, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split() == ["not_a_report", "not_a_report"]
