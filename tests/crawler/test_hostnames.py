"""Candidate portal hosts from division names: offline, data-driven, and with a measured recall."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.divisions import load_divisions
from crawler import hostnames
from crawler.host_recall import recall, shared_cases, site_host
from nianbao.cli import cli
from tests.conftest import SHARED

# The shapes the issue names, each a real county portal: (code, host).
ISSUE_EXAMPLES = [
    ("610827", "mizhi.gov.cn"),  # 米脂县: {full}
    ("150926", "cyqq.gov.cn"),  # 察哈尔右翼前旗: abbreviated name's initials + q for 旗
    ("230883", "hljfy.gov.cn"),  # 抚远市: province abbreviation + initials
    ("130724", "zjkgy.gov.cn"),  # 沽源县: prefecture initials + initials
    ("230128", "hrbtonghe.gov.cn"),  # 通河县: prefecture abbreviation (Harbin) + full
    ("110101", "bjdch.gov.cn"),  # 东城区: bj + initials keeping ch
    ("420583", "zgzhijiang.gov.cn"),  # 枝江市: zg + full (芷江 also wants zhijiang)
    ("469026", "changjiang.hainan.gov.cn"),  # 昌江黎族自治县: subdomain of the province
    ("420528", "changyang.gov.cn"),  # 长阳土家族自治县: place name only, 长 read chang
    ("371481", "laoling.gov.cn"),  # 乐陵市: override table
    ("410783", "changyuan.gov.cn"),  # 长垣市: override table
]


def _top(code: str, k: int = 10) -> set[str]:
    return {site_host("http://" + h + "/") for h in hostnames.candidates(code, k)}


@pytest.mark.parametrize(("code", "host"), ISSUE_EXAMPLES)
def test_issue_examples_are_in_the_top_ten(code: str, host: str) -> None:
    assert host in _top(code)


def test_overrides_correct_pypinyin() -> None:
    from pypinyin import lazy_pinyin

    assert lazy_pinyin("乐陵") == ["le", "ling"]  # what the override table is for
    assert hostnames.phrase_reading("乐陵") == ("lao", "ling")
    assert hostnames.phrase_reading("长阳") == ("chang", "yang")
    assert hostnames.phrase_reading("长子") == ("zhang", "zi")
    assert hostnames.candidates("371481")[0] == "www.laoling.gov.cn"


def test_most_common_pattern_comes_first_and_output_is_stable() -> None:
    assert hostnames.candidates("610827")[0] == "www.mizhi.gov.cn"
    assert hostnames.candidates("610827") == hostnames.candidates("610827")
    assert len(hostnames.candidates("610827")) > 10


def test_a_district_that_was_a_county_keeps_its_old_name_among_candidates() -> None:
    # 洪泽县 became 洪泽区 in 2016; the old code maps to the new unit and the host spelled with xian survives
    assert hostnames.former_names("320813") == ("洪泽县",)
    assert hostnames.candidates("320829") == hostnames.candidates("320813")
    assert "www.hongzexian.gov.cn" in hostnames.candidates("320813")


def test_patterns_are_data(monkeypatch: pytest.MonkeyPatch) -> None:
    real = hostnames.config()
    only = {**real, "patterns": [{"name": "x", "host": "www.{full}-test.gov.cn", "weight": 1.0}]}
    monkeypatch.setattr(hostnames, "config", lambda: only)
    hostnames.patterns.cache_clear()
    try:
        assert hostnames.candidates("610827", 1) == ["www.mizhi-test.gov.cn"]
    finally:
        monkeypatch.undo()
        hostnames.patterns.cache_clear()


def test_every_unit_gets_candidates() -> None:
    divisions = load_divisions()
    assert len(divisions) == 2846
    empty = [code for code in divisions if len(hostnames.candidates(code, 10)) < 10]
    assert empty == []


def test_cli_prints_one_line_per_code_from_args_and_stdin() -> None:
    result = CliRunner().invoke(cli, ["sources", "candidates", "610827", "-", "--limit", "3"], input="150926\n999999\n")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line]
    assert [line.split("\t")[0] for line in lines] == ["610827", "150926", "999999"]
    assert lines[0].split("\t")[1:] == hostnames.candidates("610827", 3)
    assert lines[2] == "999999"


def test_recall_on_the_hosts_shared_holds() -> None:
    if not (SHARED / "datasets" / "report-url-leads.tsv").exists():
        pytest.skip("../shared/datasets is not present")
    cases = shared_cases(Path(SHARED))
    assert len(cases) >= 15
    assert {"gztongzi.gov.cn", "wqx.gov.cn", "tsqs.gov.cn"} <= {c.host for c in cases}
    assert "sjz.gov.cn" not in {c.host for c in cases}  # a prefecture's portal is not a county host
    top10, misses = recall(cases, 10)
    top3, _ = recall(cases, 3)
    print(f"candidate recall on {len(cases)} shared county hosts: top-10 {top10:.1%}, top-3 {top3:.1%}; "
          f"misses: {[c.host for c in misses]}")
    assert top10 >= 0.95
