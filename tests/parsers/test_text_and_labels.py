"""Values and labels as printed in real reports."""

from __future__ import annotations

import pytest

from parsers.labels import LabelIndex
from parsers.templates import variants
from parsers.text import normalize_label, read_value


@pytest.mark.parametrize(
    ("raw", "value", "kind"),
    [
        ("251000元", 251000, "number"),
        ("１２", 12, "number"),
        ("1,234", 1234, "number"),
        ("7730.28", 7730.28, "number"),
        ("12.5万元", 12.5, "number"),
        ("30件", 30, "number"),
        ("-8", -8, "number"),
        (" 5 ", 5, "number"),
        ("\xa0", None, "blank"),
        ("", None, "blank"),
        ("-", None, "blank"),
        ("—", None, "blank"),
        ("——", None, "blank"),
        ("/", None, "blank"),
        ("无", None, "blank"),
        ("&nbsp;", None, "blank"),
        ("3.其他", None, "text"),
        ("自然人", None, "text"),
    ],
)
def test_read_value(raw: str, value: object, kind: str) -> None:
    got = read_value(raw)
    assert (got.value, got.kind) == (value, kind)
    assert type(got.value) is type(value)


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("（一）予以公开", "予以公开"),
        ("(一) 予以公开", "予以公开"),
        ("1．属于国家秘密", "属于国家秘密"),
        ("商業\n企業", "商业企业"),
        ("3.危及\u201c三安全一稳定\u201d", '危及"三安全一稳定"'),
    ],
)
def test_normalize_label(printed: str, canonical: str) -> None:
    assert normalize_label(printed) == canonical


REQUEST_ROWS = LabelIndex((p, r.key) for r in variants()["requests_2021"].rows for p in r.printed)


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("2.其他法律行政止公开", "denied_prohibited_by_law"),  # a real printed typo
        ("（二）部分公开（区分处理的，只计这一情 形，不计其他情形）", "partially_granted"),
        ("（二）部分公开", "partially_granted"),  # truncated
        ("5.要求行政机关确认或重 新出具\n已获取信息", "np_confirm_or_reissue"),
        ("合计", "total_processed"),
        ("（七）總計", "total_processed"),  # traditional characters
        ("一、本年新收政府信息公開申請數量", "new_requests"),
        ("3.其他", "other_misc"),
        ("规章", None),
        ("行政复议", None),
    ],
)
def test_row_label_matching(printed: str, key: str | None) -> None:
    assert REQUEST_ROWS.match(printed) == key
