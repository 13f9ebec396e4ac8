"""Copy-paste measures, deadlines and trend charts as pure functions, on constructed pairs."""

from __future__ import annotations

import random

from lxml import etree

from archive.deadlines import days_late, deadline
from archive.flags import Text, load_config, sentences, tables_repeat, text_flags
from archive.trend import trend_svg
from tests.datasette.pages_build import prose

TABLES = load_config()["tables"]
TEXT = load_config()["text"]


def _cells(rng: random.Random, n: int = 30, zero: bool = False) -> dict[tuple, int]:
    return {("requests", f"row{i}", "total"): 0 if zero else rng.randint(1, 50) for i in range(n)}


def test_tables_that_repeat_last_year_exactly_are_flagged() -> None:
    rng = random.Random(1)
    last = _cells(rng)
    found = tables_repeat(dict(last), last, TABLES)
    assert found is not None
    assert found["measure"] == 1.0
    assert found["compared"] == 30


def test_tables_that_differ_in_one_cell_or_hold_only_zeros_are_not() -> None:
    rng = random.Random(2)
    last = _cells(rng)
    this = dict(last)
    this[("requests", "row3", "total")] += 1
    assert tables_repeat(this, last, TABLES) is None
    zeros = _cells(rng, zero=True)
    assert tables_repeat(dict(zeros), zeros, TABLES) is None
    few = dict(list(last.items())[:5])
    assert tables_repeat(dict(few), few, TABLES) is None  # too few cells to say anything
    blanks = {k: None for k in last}
    assert tables_repeat(blanks, dict(blanks), TABLES) is None  # blank is not a number that repeats


def _text(report_id: int, agency: int, year: int, body: list[str], names: list[str]) -> Text:
    return Text(report_id, agency, year, sentences("".join(body), names))


def test_text_copied_from_another_agency_with_the_names_swapped_is_flagged() -> None:
    rng = random.Random(3)
    body = prose(rng, 12)
    texts = [_text(1, 10, 2023, [f"甲县民政局{s}" for s in body], ["甲县民政局"]),
             _text(2, 20, 2023, [f"乙县教育局{s}" for s in body], ["乙县教育局"]),
             _text(3, 30, 2023, prose(rng, 12), ["丙县"])]
    flags = text_flags(texts, TEXT)
    assert [(f["report_id"], f["other_report_id"], f["kind"]) for f in flags] == [(2, 1, "text_repeats_other_agency")]
    assert flags[0]["measure"] >= TEXT["similarity"]


def test_last_years_text_with_new_numbers_is_flagged_but_not_a_version_of_itself() -> None:
    rng = random.Random(4)
    body = prose(rng, 12)
    texts = [_text(1, 10, 2022, [s.replace("。", "共3件。") for s in body], []),
             _text(2, 10, 2023, [s.replace("。", "共41件。") for s in body], []),
             _text(3, 10, 2023, body, [])]  # the same agency and year: another version, not a copy
    pairs = {(f["report_id"], f["other_report_id"], f["kind"]) for f in text_flags(texts, TEXT)}
    assert pairs == {(2, 1, "text_repeats_last_year"), (3, 1, "text_repeats_last_year")}


def test_boilerplate_and_a_shared_paragraph_are_not_copying() -> None:
    rng = random.Random(5)
    template = ["本报告根据《中华人民共和国政府信息公开条例》要求编制。",
                "本报告所列数据统计期限为2023年1月1日至12月31日。"]
    common = prose(rng, 6)  # sentences every agency prints: boilerplate by frequency
    texts = [_text(i, i, 2023, template + common + prose(rng, 10 if i < 3 else 0), []) for i in range(1, 6)]
    shared = prose(rng, 2)
    texts += [_text(6, 6, 2023, prose(rng, 12) + shared, []), _text(7, 7, 2023, shared + prose(rng, 12), [])]
    assert text_flags(texts, TEXT) == []


def test_deadlines_follow_the_regulations() -> None:
    assert deadline(2018, "department").due == "2019-03-31"  # 2008 Regulations: 31 March for everyone
    assert deadline(2019, "department").due == "2020-01-31"
    assert deadline(2023, "county_gov").due == "2024-03-31"
    township = deadline(2023, "township")
    assert township.due is None
    assert "乡镇" in township.rule
    assert deadline(2005, "county_gov") is None
    assert days_late("2024-04-02", "2024-03-31") == 2
    assert days_late("2024-03-01", "2024-03-31") == -30
    assert days_late(None, "2024-03-31") is None
    assert days_late("2024年3月", "2024-03-31") is None


def test_trend_chart_leaves_blank_years_as_gaps_not_zero() -> None:
    svg = etree.fromstring(str(trend_svg("新收申请 / new requests", [(2020, 5), (2021, None), (2022, 7), (2023, 9)],
                                         notes={2021: "no report"})))
    ns = {"s": "http://www.w3.org/2000/svg"}
    lines = svg.findall("s:polyline", ns)
    assert [len(line.get("points").split()) for line in lines] == [1, 2]  # the blank year breaks the line
    assert [c.findtext("s:title", namespaces=ns) for c in svg.findall("s:circle[@class='trend-blank']", ns)] == [
        "2021: no report"]
    points = {c.findtext("s:title", namespaces=ns) for c in svg.findall("s:circle[@class='trend-point']", ns)}
    assert points == {"2020: 5", "2022: 7", "2023: 9"}
    empty = etree.fromstring(str(trend_svg("x", [(2020, None)])))
    assert empty.findall("s:polyline", ns) == []
