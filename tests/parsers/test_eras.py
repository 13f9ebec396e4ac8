"""Reports of every era and the failures of issue 10, each on a document of the same shape written here.

Each test names the failure it covers; all of them failed before the era/status work (parsers/detect.py,
metadata.py, nonreport.py, readers/indicators.py, narrative.py) and pass after it.
"""

from __future__ import annotations

import json
import random

import synth
from parsers import parse
from synth.labels import request_rows
from synth.statistics import statistics_grid

PROSE_2013 = ("一、概述\n本报告由XX地方税务局编制，统计期限为2013年1月1日至2013年12月31日。\n"
              "二、主动公开政府信息情况\n全年主动公开政府信息1,234条。\n"
              "三、依申请公开政府信息情况\n全年共受理政府信息公开申请12件，其中同意公开9件，不予公开1件，申请信息不存在2件。\n"
              "四、政府信息公开的收费及减免情况\n全年未收取任何费用。\n"
              "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n全年因政府信息公开申请行政复议1件。\n")


def html(title_lines: list[str], body: str, tables: str = "") -> bytes:
    paras = "".join(f"<p>{line}</p>" for line in [*title_lines, *body.split("\n")] if line)
    return f"<html><head><meta charset='utf-8'></head><body>{paras}{tables}</body></html>".encode()


def tsv_table(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(r) for r in rows)


def texts(record: dict) -> dict:
    return {v["key"]: v["value"] for v in record["text_values"]}


# ---------------------------------------------------------------- titles and years


def test_title_without_zhengfu_is_a_report():
    """XX地方税务局2013年信息公开年度报告 (no 政府) was not_a_report."""
    record = parse(html(["XX地方税务局2013年信息公开年度报告"], PROSE_2013), "r.html")
    assert record["status"] == "ok", record["errors"]
    assert (record["agency"], record["year"], record["template"]) == ("XX地方税务局", 2013, "legacy")
    assert texts(record) == {"proactive_items": 1234, "requests_received": 12, "requests_granted": 9,
                             "requests_refused": 1, "requests_not_held": 2, "fees": 0, "reviews": 1}
    assert record["sources"] == {"text_values": "text"}
    assert record["cells"] == []  # text figures never become table cells


def test_title_over_two_lines():
    """2024年…政府信息公开工作 / 年度报告: title, agency and year were all null."""
    record = synth.random_record(random.Random(4), "gov2021", agency="某某县人民政府", year=2024)
    data = synth.render(record, "tsv", random.Random(4))[0].decode()
    split = data.replace(record["title"], "2024年某某县人民政府政府信息公开工作\n年度报告", 1).encode()
    parsed = parse(split, "r.txt")
    assert parsed["title"] == "2024年某某县人民政府政府信息公开工作年度报告"
    assert (parsed["agency"], parsed["year"], parsed["status"]) == ("某某县人民政府", 2024, "ok")


def test_agency_line_then_title_over_two_lines():
    record = parse(html(["某某县交通运输局", "2016年政府信息公开工作", "年度报告"], PROSE_2013), "r.html")
    assert (record["agency"], record["year"]) == ("某某县交通运输局", 2016)


def test_year_only_in_the_statistics_period():
    """统计周期为2024年1月1日至… was not read as the report's year."""
    record = synth.random_record(random.Random(5), "gov2021", agency="某某镇人民政府", year=2024)
    data = synth.render(record, "html-plain", random.Random(5))[0].decode()
    data = data.replace(record["title"], "某某镇人民政府政府信息公开工作年度报告")
    data = data.replace("本报告所列数据统计期限为2024年1月1日至2024年12月31日",
                        "本报告统计周期为2024年1月1日至12月31日")
    parsed = parse(data.encode(), "r.html")
    assert parsed["year"] == 2024
    assert parsed["agency"] == "某某镇人民政府"
    assert parsed["status"] == "ok"


# ---------------------------------------------------------------- eras


def stat_table_html(year: int, seed: int = 1) -> str:
    record = synth.random_record(random.Random(seed), "stat2014", year=year)
    grid = statistics_grid(record["statistics"])
    from synth.render_html import STYLES, table_html
    return table_html(grid, STYLES["plain"], random.Random(seed)), record


def test_statistics_table_before_2014_is_legacy():
    """A 2012 report holding a 政府信息公开情况统计表 was labelled stat2014 (its era is 2008–2013)."""
    table, record = stat_table_html(2012)
    data = html(["某某县人民政府2012年政府信息公开工作年度报告"], PROSE_2013 + "附件：政府信息公开情况统计表", table)
    parsed = parse(data, "r.html")
    assert parsed["template"] == "legacy"
    assert parsed["status"] == "ok"
    assert parsed["statistics"] == record["statistics"]  # the numbers are still read, as printed
    assert any("statistics table" in w and "legacy" in w for w in parsed["warnings"])


def test_statistics_table_in_its_era_is_stat2014():
    table, record = stat_table_html(2016, seed=2)
    data = html(["某某县人民政府2016年政府信息公开工作年度报告"], "一、概述\n见附表。", table)
    parsed = parse(data, "r.html")
    assert (parsed["template"], parsed["status"]) == ("stat2014", "ok")
    assert parsed["statistics"] == record["statistics"]
    units = {c["row"]: c["unit"] for c in parsed["cells"] if c["table"] == "statistics"}
    assert units["proactive_items"] == "条"
    assert units["fees"] == "万元"
    assert units["trainees"] == "人次"
    assert parsed["sources"] == {"statistics": "table"}
    assert {c["id"] for c in parsed["checks"]} == {"S.received", "S.closed", "S.answered", "S.refused",
                                                   "S.reviews", "S.lawsuits", "S.staff"}


def test_statistics_table_flattened_text_with_shifted_cells():
    """A text table: 其中： in its own cell, a unit that differs from the template, a broken identity."""
    rows = [["统计指标", "单位", "统计数"], ["三、依申请公开情况", "——", "——"], ["（一）收到申请数", "件", "12"],
            ["1．当面申请数", "件", "5"], ["2．传真申请数", "件", "0"], ["3．网络申请数", "件", "6"],
            ["4．信函申请数", "件", "0"], ["（二）申请办结数", "件", "12"], ["1．按时办结数", "件", "12"],
            ["2．延期办结数", "件", "0"], ["四、行政复议数量", "件", "1"], ["（一）维持具体行政行为数", "件", "1"],
            ["（二）被依法纠错数", "件", "0"], ["（三）其他情形数", "件", "0"], ["五、行政诉讼数量", "件", "0"],
            ["（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "0"], ["（二）被依法纠错数", "件", "0"],
            ["（三）其他情形数", "件", "0"], ["七、依申请公开信息收取的费用", "元", "300"],
            ["八、机构建设和保障经费情况", "——", "——"], ["（三）从事政府信息公开工作人员数", "人", "3"],
            ["其中：", "1．专职人员数（不包括政府公报及政府网站工作人员数）", "人", "1"], ["2．兼职人员数", "人", "2"]]
    text = "某某县统计局2015年政府信息公开工作年度报告\n\n" + tsv_table(rows) + "\n"
    parsed = parse(text.encode(), "r.txt")
    stats = parsed["statistics"]
    assert stats["requests_received"] == {"count": 12}
    assert stats["lit_corrected"] == {"count": 0}
    assert stats["review_corrected"] == {"count": 0}
    assert stats["staff_full_time"] == {"count": 1}
    failing = {c["id"] for c in parsed["checks"] if not c["ok"]}
    assert failing == {"S.received"}  # 5 + 0 + 6 + 0 = 11, printed 12: reported, not repaired
    assert any("fees: printed in 元, the template says 万元" in w for w in parsed["warnings"])
    assert parsed["status"] == "ok"


def test_2019_plus_report_without_tables_is_partial():
    """2020 and 2021 reports whose tables were flattened away were `ok`, template legacy."""
    for year, template in ((2020, "gov2019"), (2021, "gov2021")):
        body = (f"一、总体情况\n本报告所列数据统计期限为{year}年1月1日至{year}年12月31日。"
                "全年共收到政府信息公开申请30件。")
        parsed = parse(html([f"某某县人民政府{year}年政府信息公开工作年度报告"], body), "r.html")
        assert (parsed["status"], parsed["template"]) == ("partial", template)
        assert "should carry" in parsed["errors"][0]
        assert str(year) in parsed["errors"][0]
        assert texts(parsed) == {"requests_received": 30}


def test_2014_to_2018_report_without_its_table_is_partial():
    parsed = parse(html(["某某县人民政府2017年政府信息公开工作年度报告"], PROSE_2013), "r.html")
    assert (parsed["status"], parsed["template"]) == ("partial", "stat2014")
    assert texts(parsed)["proactive_items"] == 1234


def test_shortened_other_handling_labels():
    """逾期不补正 / 逾期不缴费 (shortened 2021 labels) were not recognised: the report was partial."""
    record = synth.random_record(random.Random(7), "gov2021")
    data = synth.render(record, "tsv", random.Random(7))[0].decode()
    full = {r["key"]: r["label_zh"] for r in request_rows("requests_2021")}
    data = data.replace(full["other_no_correction"], "1.逾期不补正").replace(full["other_fee_unpaid"], "2.逾期不缴费")
    parsed = parse(data.encode(), "r.txt")
    assert parsed["status"] == "ok", parsed["warnings"]
    assert parsed["requests"] == record["requests"]


# ---------------------------------------------------------------- not reports


def test_side_by_side_years_is_not_a_report():
    """A comparison of two years' figures was accepted as an ok report."""
    rows = "".join(f"<tr><td>{label}</td><td>{a}</td><td>{b}</td></tr>"
                   for label, a, b in (("本年新收政府信息公开申请数量", 30, 41), ("予以公开", 12, 20)))
    table = f"<table><tr><td>项目</td><td>2022年</td><td>2023年</td></tr>{rows}</table>"
    title = ["某某县政府信息公开工作年度报告主要数据", "2023年政府信息公开工作年度报告"]
    parsed = parse(html(title, "", table), "r.html")
    assert parsed["status"] == "not_a_report"
    assert "side by side" in parsed["errors"][0]
    titled = parse(html(["某某县2022年与2023年政府信息公开工作年度报告数据对比"], "见下表。"), "r.html")
    assert titled["status"] == "not_a_report"
    assert "comparison" in titled["errors"][0]


def test_other_documents_are_not_reports():
    cases = {
        "notice": (html(["关于做好2023年政府信息公开工作年度报告编制发布工作的通知"],
                        "各乡镇人民政府：现就有关事项通知如下。"), "r.html", "notice"),
        "budget": (html(["某某县财政局2023年部门决算公开说明"], "一、部门基本情况\n收入预算1234万元。"),
                   "r.html", "budget"),
        "json": (json.dumps({"title": "某某县2023年政府信息公开工作年度报告", "year": 2023},
                            ensure_ascii=False).encode(), "r.txt", "JSON"),
        "csv": ("agency,year,new_requests,granted\n某某县,2023,30,12\n某某镇,2023,2,1\n".encode(), "r.txt", "CSV"),
        "readme": ("# nianbao\n\n## Installation\n\n```sh\npip install nianbao\n```\n\n"
                   "解析政府信息公开工作年度报告。\n".encode(), "README.md", "README"),
    }
    for name, (data, source, reason) in cases.items():
        parsed = parse(data, source)
        assert parsed["status"] == "not_a_report", name
        assert reason in parsed["errors"][0], (name, parsed["errors"])


# ---------------------------------------------------------------- prose against the table


def test_prose_figure_disagreeing_with_the_table_is_a_failing_check():
    record = synth.random_record(random.Random(9), "gov2021", blanks=False)
    stated = record["text_values"]["requests_received"]
    data = synth.render(record, "html-plain", random.Random(9))[0].decode()
    data = data.replace(f"全年共收到政府信息公开申请{stated}件", f"全年共收到政府信息公开申请{stated + 7}件")
    parsed = parse(data.encode(), "r.html")
    check = next(c for c in parsed["checks"] if c["id"] == "X.text")
    assert (check["scope"], check["ok"], check["lhs"]) == ("requests_received", False, stated + 7)
    assert parsed["requests"] == record["requests"]  # the table stays as printed


def test_a_title_naming_its_year_wins_over_a_column_name():
    lines = ["政府信息公开工作年度报告", "某某县人民政府政府信息公开工作年度报告",
             "某某县人民政府2013年政府信息公开工作年度报告"]
    record = parse(html(lines, PROSE_2013), "r.html")
    assert (record["title"], record["agency"], record["year"]) == (lines[2], "某某县人民政府", 2013)


def test_statistics_groups_printed_as_row_spans():
    """Group labels in a cell spanning their rows: repeated labels (被依法纠错数) still land in their group."""
    def rows(group: str, items: list[tuple[str, str]]) -> str:
        first = (f'<tr><td rowspan="{len(items)}">{group}</td><td>{items[0][0]}</td><td>件</td>'
                 f"<td>{items[0][1]}</td></tr>")
        return first + "".join(f"<tr><td>{label}</td><td>件</td><td>{n}</td></tr>" for label, n in items[1:])
    review = [("数量", "3"), ("（一）维持具体行政行为数", "1"), ("（二）被依法纠错数", "2"), ("（三）其他情形数", "0")]
    lawsuit = [("数量", "1"), ("（一）维持具体行政行为或者驳回原告诉讼请求数", "0"), ("（二）被依法纠错数", "1"),
               ("（三）其他情形数", "0")]
    requests = [("（一）收到申请数", "7"), ("（二）申请办结数", "7"), ("1．按时办结数", "6"), ("2．延期办结数", "1")]
    table = ("<table><tr><td colspan='2'>统计指标</td><td>单位</td><td>统计数</td></tr>"
             + rows("三、依申请公开情况", requests) + rows("四、行政复议", review) + rows("五、行政诉讼", lawsuit)
             + "</table>")
    parsed = parse(html(["某某县环保局2017年政府信息公开工作年度报告"], "一、概述", table), "r.html")
    stats = {k: v["count"] for k, v in parsed["statistics"].items()}
    assert stats["review_corrected"] == 2
    assert stats["lit_corrected"] == 1
    assert stats["requests_received"] == 7
    assert stats["closed_extended"] == 1
    assert (parsed["template"], parsed["status"]) == ("stat2014", "ok")
    assert [c for c in parsed["checks"] if not c["ok"]] == []


def test_a_report_with_its_tables_may_compare_years_in_an_extra_table():
    record = synth.random_record(random.Random(12), "gov2021", year=2023)
    data = synth.render(record, "html-plain", random.Random(12))[0].decode()
    extra = ("<table><tr><td>指标</td><td>2022年</td><td>2023年</td></tr>"
             "<tr><td>主动公开政府信息</td><td>120</td><td>150</td></tr></table>")
    parsed = parse(data.replace("</body>", extra + "</body>").encode(), "r.html")
    assert parsed["status"] == "ok", parsed["errors"]
    assert parsed["requests"] == record["requests"]
