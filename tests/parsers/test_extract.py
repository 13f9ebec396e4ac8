"""Extractors: grids with merged cells expanded, layout tables unwrapped, text tables split, metadata."""

from __future__ import annotations

from parsers.extract.html import extract_html
from parsers.extract.text import extract_text
from parsers.metadata import read_metadata
from parsers.models import Paragraph, Table
from parsers.rows import view_row


def test_rowspan_and_colspan_expand_with_origins() -> None:
    html = (
        b"<table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr>"
        b"<tr><td>c<br/>d</td><td><span><b>e</b></span></td></tr></table>"
    )
    (table,) = extract_html(html).tables
    assert table.grid == [["A", "B", "B"], ["A", "c\nd", "e"]]
    assert table.origin[1][0] == (0, 0)
    assert table.origin[0][2] == (0, 1)


def test_layout_tables_are_unwrapped_and_data_tables_kept() -> None:
    html = (
        "<table><tr><td>导航 首页</td></tr><tr><td><p>正文标题</p>"
        "<table><tr><td>规章</td><td>1</td></tr></table><p>尾注</p></td></tr></table>"
    ).encode()
    doc = extract_html(html)
    assert len(doc.tables) == 1
    assert doc.tables[0].grid == [["规章", "1"]]
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["导航 首页", "正文标题", "尾注"]


def test_hostile_rowspan_is_clamped() -> None:
    html = b"<table><tr><td rowspan=65534>x</td><td>1</td></tr><tr><td>2</td></tr></table>"
    (table,) = extract_html(html).tables
    assert len(table.grid) == 2


def test_row_view_separates_labels_values_and_context() -> None:
    html = (
        "<table><tr><td rowspan=2>三、本年度办理结果</td><td>（一）予以公开</td><td>5</td><td>&nbsp;</td></tr>"
        "<tr><td>（二）部分公开</td><td>1</td><td>2</td></tr></table>"
    ).encode()
    (table,) = extract_html(html).tables
    row = view_row(table, 1)
    assert row.label == "（二）部分公开"
    assert [v.text for v in row.values] == ["1", "2"]
    assert row.context == ("三、本年度办理结果",)
    assert [v.text for v in view_row(table, 0).values] == ["5", ""]


def test_text_tables_tab_and_pipe() -> None:
    text = "标题\n\n规章\t0\t1\t\n行政许可\t3\n\n| a | b |\n|---|---|\n| 1 | 2 |\n结束".encode()
    doc = extract_text(text)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert tables[0].grid == [["规章", "0", "1", ""], ["行政许可", "3", "", ""]]
    assert tables[1].grid == [["a", "b"], ["1", "2"]]


def test_metadata_title_split_over_two_lines_and_year_disagreement() -> None:
    text = "洪泽区人民政府\n2023 年政府信息公开工作年度报告\n本报告所列数据统计期限为2022年1月1日至2022年12月31日。"
    meta = read_metadata(extract_text(text.encode()))
    assert meta.title == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert meta.agency == "洪泽区人民政府"
    assert meta.year == 2023
    assert any("2022" in w for w in meta.warnings)


def test_published_from_meta_tag() -> None:
    html = (
        '<html><head><meta name="PubDate" content="2024-01-20 09:30"></head>'
        "<body><p>某局2023年政府信息公开工作年度报告</p></body></html>"
    ).encode()
    meta = read_metadata(extract_html(html))
    assert meta.published == "2024-01-20"
