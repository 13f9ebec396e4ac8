"""The speed-ups of the HTML reading path (issue 13 §2) give exactly what the plain definitions give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from parsers.extract.grid import SpanCell, expand
from parsers.extract.html import _cell_text, _mark_line_breaks
from parsers.extract.html_tree import _lxml_parse, _mangled_tables

CELLS_IN_ROWS = ("count(//table/tr/*[self::td or self::th]"
                 "|//table/*[self::thead or self::tbody or self::tfoot]/tr/*[self::td or self::th])")


def _reference_expand(rows: list[list[SpanCell]]) -> tuple[list[list[str]], list[list[tuple[int, int]]]]:
    """Span expansion by its definition: one dict of grid positions, first writer wins."""
    filled: dict[tuple[int, int], tuple[str, tuple[int, int]]] = {}
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in filled:
                c += 1
            for dr in range(min(cell.rowspan, len(rows) - r)):
                for dc in range(cell.colspan):
                    filled.setdefault((r + dr, c + dc), (cell.text, (r, c)))
            c += cell.colspan
            width = max(width, c)
    grid = [[filled.get((r, c), ("", (r, c)))[0] for c in range(width)] for r in range(len(rows))]
    origin = [[filled.get((r, c), ("", (r, c)))[1] for c in range(width)] for r in range(len(rows))]
    return grid, origin


SPAN_CELL = st.builds(SpanCell, st.sampled_from(["a", "1", "", "其中"]), st.integers(1, 4), st.integers(1, 4))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(SPAN_CELL, max_size=6), max_size=8))
def test_expand_matches_the_dict_definition(rows: list[list[SpanCell]]) -> None:
    table = expand(rows)
    assert (table.grid, table.origin) == _reference_expand(rows)


def test_expand_takes_plain_tuples_like_span_cells() -> None:
    rows = [[("a", 2, 1), ("b", 1, 2)], [("c", 1, 1)]]
    spans = [[SpanCell(*cell) for cell in row] for row in rows]
    assert expand(rows).grid == expand(spans).grid == [["a", "b", "b"], ["a", "c", ""]]


MARKUP = [
    "<table><tr><td>1</td></tr></table>",
    "<table><form><td>1</td></form><tr><td>2</td></tr></table>",
    "<table><tbody><tr><th>x</th></tr></tbody></table>",
    "<table><thead><tr><td>a</td></tr></thead><tfoot><tr><td>b</td></tr></tfoot></table>",
    "<div><tr><td>1</td></tr></div>",
    "<td>x</td><p>y</p>",
    "<table><tr><td><table><tr><td>n</td></tr></table></td></tr></table>",
    "<table><tr><td>1</td></tr><div><td>2</td></div></table>",
    "<ul><li><th>h</th></li></ul>",
    "<p>no table</p>",
]


def test_cells_outside_rows_as_the_xpath_counts_them() -> None:
    verdicts = []
    for html in MARKUP:
        root = _lxml_parse(f"<html><body>{html}</body></html>")
        expected = root.xpath("count(//td|//th)") > root.xpath(CELLS_IN_ROWS)
        assert _mangled_tables(root) == expected, html
        verdicts.append(expected)
    assert set(verdicts) == {True, False}  # both answers were exercised


def test_cell_text_without_children_is_its_serialisation() -> None:
    root = _lxml_parse("<html><body><table><tr><td>a&amp;b</td><td></td><td> x  y </td><td>1<br>2</td>"
                       "<td><span>s</span> t</td></tr></table></body></html>")
    _mark_line_breaks(root)
    cells = root.xpath("//td")
    serialised = [etree.tostring(td, method="text", encoding=str, with_tail=False) for td in cells]
    assert [_cell_text(td) for td in cells] == ["a&b", "", "x y", "1\n2", "s t"]
    assert serialised[:2] == ["a&b", ""]


def test_parse_leaves_garbage_collection_as_it_found_it() -> None:
    import gc

    from parsers import parse

    page = b"<html><body><p>2021\xe5\xb9\xb4</p><table><tr><td>1</td></tr></table></body></html>"
    assert gc.isenabled()
    parse(page, "a.html")
    parse(b"<html><body><td>\xff\xfe" + b"x" * 10, "b.html")  # broken markup takes the other paths
    assert gc.isenabled()
    gc.disable()
    try:
        parse(page, "a.html")
        assert not gc.isenabled()
    finally:
        gc.enable()
