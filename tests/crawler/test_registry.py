"""The national registry: one row per county-level unit, hand-found entries win, division changes followed."""

from __future__ import annotations

from pathlib import Path

from crawler.registry import (
    REGISTRY_CSV,
    Unit,
    as_sources,
    build,
    crawl_sources,
    dumps,
    load_registry,
    write_registry,
)
from crawler.sources import REGISTRY, Source, load_sources


def test_committed_registry_is_current_and_has_every_unit() -> None:
    units = load_registry()
    assert len(units) == 2846
    assert [u.code for u in units] == sorted(u.code for u in units)
    assert {u.status for u in units} <= {"verified", "candidate", "unreachable", "blocked", "ambiguous",
                                         "none_found"}
    # regenerating from the same inputs changes nothing: the file is what the build writes
    assert dumps(build(units, load_sources(REGISTRY))) == REGISTRY_CSV.read_text(encoding="utf-8")


def test_hand_found_entries_win_over_generated_rows() -> None:
    units = {u.code: u for u in load_registry()}
    tongzi = units["520322"]
    assert tongzi.host == "www.gztongzi.gov.cn"
    assert tongzi.column_urls == "http://www.gztongzi.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    assert tongzi.status == "candidate"
    assert "hand-found" in tongzi.notes
    assert units["610827"].host == ""
    assert units["610827"].status == "candidate"


def test_a_hand_found_entry_under_an_old_code_lands_on_the_current_unit() -> None:
    old = Source(900, "320829", "洪泽县人民政府", "county_gov", "http://www.hongze.gov.cn/col/col1/", "", "", "no")
    units = {u.code: u for u in build([], [old])}
    assert "320829" not in units
    assert units["320813"].source_ids == "900"
    assert units["320813"].host == "www.hongze.gov.cn"
    assert units["320813"].former.startswith("320829 洪泽县")


def test_earlier_checks_survive_a_rebuild_and_follow_division_changes() -> None:
    checked = Unit("320829", "洪泽县", "江苏省", "淮安市", status="verified", host="www.hongze.gov.cn",
                   final_url="http://www.hongze.gov.cn/", title="淮安市洪泽区人民政府", checked="2026-11-01")
    blocked = Unit("610827", "米脂县", "陕西省", "榆林市", status="blocked", host="www.mizhi.gov.cn",
                   checked="2026-11-02", notes="412 瑞数")
    units = {u.code: u for u in build([checked, blocked], [])}
    assert units["320813"].status == "verified"
    assert (units["320813"].final_url, units["320813"].title) == ("http://www.hongze.gov.cn/", "淮安市洪泽区人民政府")
    assert units["610827"].status == "blocked"
    assert units["610827"].checked == "2026-11-02"
    assert len(units) == 2846


def test_verified_by_a_crawl_becomes_verified_with_its_date() -> None:
    source = Source(7, "610827", "米脂县", "county_gov", "http://www.mizhi.gov.cn/", "", "", "yes 2026-10-09")
    unit = {u.code: u for u in build([], [source])}["610827"]
    assert (unit.status, unit.checked, unit.final_url) == ("verified", "2026-10-09", "http://www.mizhi.gov.cn/")


def test_crawler_accepts_the_registry_and_starts_only_where_it_can(tmp_path: Path) -> None:
    units = [Unit("610827", "米脂县", "陕西省", "榆林市"),  # candidate only: not crawled
             Unit("520322", "桐梓县", "贵州省", "遵义市", column_urls="http://www.gztongzi.gov.cn/zwgk/zfxxgk/zfxxgknb/"),
             Unit("320813", "洪泽区", "江苏省", "淮安市", status="verified", final_url="http://www.hongze.gov.cn/",
                  checked="2026-11-01")]
    path = tmp_path / "registry.csv"
    write_registry(units, path)
    sources = load_sources(path)
    assert [(s.id, s.urls, s.verified) for s in sources] == [
        (320813, ["http://www.hongze.gov.cn/"], "yes 2026-11-01"),
        (520322, ["http://www.gztongzi.gov.cn/zwgk/zfxxgk/zfxxgknb/"], "no"),
    ]
    assert load_registry(path) == sorted(units, key=lambda u: u.code)
    assert as_sources([units[0]]) == []


def test_default_crawl_takes_hand_found_entries_and_known_units_once() -> None:
    hand = load_sources(REGISTRY)
    units = [Unit("320813", "洪泽区", "江苏省", "淮安市", status="verified", final_url="http://www.hongze.gov.cn/",
                  checked="2026-11-01"),
             Unit("520322", "桐梓县", "贵州省", "遵义市", column_urls=hand[1].urls[0]),  # hand-found already
             Unit("610827", "米脂县", "陕西省", "榆林市")]
    sources = crawl_sources(hand, units)
    assert sources[: len(hand)] == hand
    assert [s.id for s in sources[len(hand):]] == [320813]
    from crawler.spiders.reports import ReportsSpider

    spider = ReportsSpider()
    assert [s.id for s in spider.selected_sources()][: len(hand)] == [s.id for s in hand]
