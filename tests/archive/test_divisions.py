"""The divisions registry (archive/data) and the agency-name resolver built on it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from archive import divisions, divisions_build
from archive.divisions import Resolution, division_of_code, load_divisions, resolve_agency, resolve_region

DATA = Path(divisions.__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
HONGZE, HAIYUAN = "320813", "640522"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- the data files


def test_all_2846_counties_with_coordinates() -> None:
    found = load_divisions()
    assert len(found) == 2846
    assert found["320812"].latlon_source == "cpca_prefecture_fallback"  # empty in the joined input
    assert all(len(code) == 6 and code.isdigit() for code in found)
    assert all(d.lon is not None and d.lat is not None for d in found.values())
    assert all(73 < d.lon < 136 and 3 < d.lat < 54 for d in found.values())  # inside China (GCJ-02)


def test_division_fields() -> None:
    hongze, haiyuan = load_divisions()[HONGZE], load_divisions()[HAIYUAN]
    assert (hongze.name, hongze.short_name, hongze.prefecture_code, hongze.prefecture) == ("洪泽区", "洪泽", "320800",
                                                                                          "淮安市")
    assert (haiyuan.short_name, haiyuan.province) == ("海原", "宁夏回族自治区")
    assert hongze.pinyin == "hong ze"
    assert load_divisions()["110105"].prefecture == ""  # 直辖市 districts have no prefecture
    assert load_divisions()["420528"].short_name == "长阳"  # 长阳土家族自治县: suffix and ethnic group dropped
    assert load_divisions()["140303"].short_name == "矿区"  # too short a stem: keep the name


def test_files_sorted_and_history_keys_unique() -> None:
    codes = [r["code"] for r in _rows("divisions.csv")]
    assert codes == sorted(codes)
    history = _rows("division_history.csv")
    keys = [(r["old_code"], r["old_name"]) for r in history]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))  # the database's primary key
    current = load_divisions()
    assert all(r["new_code"] in current for r in history if r["new_code"])
    assert (DATA / "townships.csv").stat().st_size < 3_000_000


def test_history_rows_for_real_changes() -> None:
    history = {(r["old_code"], r["old_name"]): r for r in _rows("division_history.csv")}
    hongze = history[("320829", "洪泽县")]  # 县 → 区 in 2016, new code
    assert (hongze["new_code"], hongze["change"], hongze["last_year"]) == (HONGZE, "renamed+recoded", "2015")
    xiangdu = history[("130502", "桥东区")]  # 邢台 桥东区 → 襄都区 in 2020, same code
    assert (xiangdu["new_code"], xiangdu["change"], xiangdu["last_year"]) == ("130502", "renamed", "2019")
    dafang = history[("522422", "大方县")]  # 毕节地区 → 毕节市 in 2011: same name, new code
    assert (dafang["new_code"], dafang["change"]) == ("520521", "recoded")
    chongwen = history[("110103", "崇文区")]
    assert (chongwen["new_code"], chongwen["change"]) == ("110101", "merged")
    zunyi = history[("520321", "遵义县")]  # → 播州区 with pieces to 红花岗区/汇川区: no single successor
    assert (zunyi["new_code"], zunyi["change"], zunyi["successors"]) == ("", "split", "520302;520303;520304")


@pytest.mark.skipif(not (SHARED / "datasets" / "admin-divisions").is_dir(), reason="../shared/datasets is absent")
def test_rebuild_reproduces_committed_files(tmp_path: Path) -> None:
    divisions_build.build(SHARED, tmp_path)
    for name in ("divisions.csv", "division_history.csv", "regions.csv", "townships.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


# ---------------------------------------------------------------- counties and their departments


@pytest.mark.parametrize(
    ("agency", "code", "level"),
    [
        ("洪泽区人民政府", HONGZE, "county_gov"),
        ("淮安市洪泽区人民政府", HONGZE, "county_gov"),
        ("江苏省淮安市洪泽区人民政府", HONGZE, "county_gov"),
        ("洪泽区人民政府办公室", HONGZE, "county_gov"),
        ("海原县", HAIYUAN, "county_gov"),
        ("海原县人民政府", HAIYUAN, "county_gov"),
        ("宁夏回族自治区中卫市海原县人民政府", HAIYUAN, "county_gov"),
        ("海原县财政局", HAIYUAN, "department"),
        ("洪泽区教育局", HONGZE, "department"),
        ("淮安市洪泽区卫生健康委员会", HONGZE, "department"),
        ("洪泽区人民政府金融工作办公室", HONGZE, "department"),
        ("洪泽区人民法院", HONGZE, "other"),
        ("中共洪泽区委", HONGZE, "other"),
    ],
)
def test_county_agencies(agency: str, code: str, level: str) -> None:
    found = resolve_agency(agency)
    assert found is not None
    assert (found.code, found.level) == (code, level)


@pytest.mark.parametrize(
    "title",
    [
        "2023年洪泽区人民政府政府信息公开工作年度报告",
        "洪泽区人民政府2023年度政府信息公开工作年度报告",
        "《淮安市洪泽区人民政府 2023 年政府信息公开工作年度报告》",
        "２０２３年洪泽区人民政府信息公开年报",
        "洪泽区人民政府2023年政府信息公开工作年度报告（全文）",
    ],
)
def test_title_noise_is_stripped(title: str) -> None:
    assert resolve_agency(title) == Resolution(HONGZE, "洪泽区", "county_gov", "exact-name")


def test_unique_name_ignores_a_contrary_hint() -> None:
    assert resolve_agency("海原县人民政府", hint_code=HONGZE).code == HAIYUAN


# ---------------------------------------------------------------- ambiguity: never guess


AMBIGUOUS = ["朝阳区人民政府", "鼓楼区人民政府", "城区人民政府", "龙田镇人民政府", "石桥镇人民政府", "城关镇人民政府"]


@pytest.mark.parametrize("agency", AMBIGUOUS)
def test_nationally_ambiguous_names_stay_unresolved(agency: str) -> None:
    assert resolve_agency(agency) is None


@pytest.mark.parametrize(
    ("agency", "hint", "code", "method"),
    [
        ("北京市朝阳区人民政府", None, "110105", "prefecture+name"),
        ("长春市朝阳区人民政府", None, "220104", "prefecture+name"),
        ("朝阳区人民政府", "220100", "220104", "hint"),  # a prefecture-level hint
        ("朝阳区教育局", "110101", "110105", "hint"),  # a county hint admits its own prefecture (here 北京)
        ("南京市鼓楼区人民政府", None, "320106", "prefecture+name"),
        ("晋城市城区人民政府", None, "140502", "prefecture+name"),
    ],
)
def test_ambiguous_district_resolved_by_prefix_or_hint(agency: str, hint: str | None, code: str, method: str) -> None:
    found = resolve_agency(agency, hint_code=hint)
    assert found is not None
    assert (found.code, found.method) == (code, method)


def test_hint_never_wider_than_itself() -> None:
    # one 石桥镇 in 江苏 (赣榆区), none in 淮安: a 洪泽区 hint must not reach across the province
    assert resolve_agency("石桥镇人民政府", hint_code=HONGZE) is None
    assert resolve_agency("石桥镇人民政府", hint_code="320700").code == "320707"


def test_prefix_that_contradicts_the_name_gives_none() -> None:
    assert resolve_agency("北京市洪泽区人民政府") is None


# ---------------------------------------------------------------- townships


@pytest.mark.parametrize(
    ("agency", "hint", "code"),
    [
        ("高良涧街道办事处", None, HONGZE),
        ("洪泽区高良涧街道办事处", None, HONGZE),
        ("福清市龙田镇人民政府", None, "350181"),
        ("福州市龙田镇人民政府", None, "350181"),
        ("龙田镇人民政府", "350181", "350181"),
        ("张家湾镇（富县）", None, "610628"),  # a bracketed county, as listings write it
    ],
)
def test_township_resolved_to_its_county(agency: str, hint: str | None, code: str) -> None:
    found = resolve_agency(agency, hint_code=hint)
    assert found is not None
    assert (found.code, found.level, found.method) == (code, "township", "township")


def test_township_missing_from_the_list_still_placed_by_its_county() -> None:
    found = resolve_agency("海原县城关镇人民政府")  # no 城关镇 in 海原 in the 2023 list
    assert (found.code, found.level) == (HAIYUAN, "township")


def test_township_of_a_city_without_counties() -> None:
    assert resolve_agency("东莞市虎门镇人民政府") is None
    assert resolve_region("东莞市虎门镇人民政府") == "441900"


# ---------------------------------------------------------------- history and short names


@pytest.mark.parametrize(
    ("agency", "hint", "code"),
    [
        ("洪泽县人民政府", None, HONGZE),  # 洪泽县 320829 → 洪泽区 320813 (2016)
        ("淮安市洪泽县教育局", None, HONGZE),
        ("邢台市桥东区人民政府", None, "130502"),  # renamed 襄都区 in 2020, same code
        ("济宁市市中区人民政府", None, "370811"),  # 市中区 370802 → 任城区 370811 (2013)
        ("巢湖市无为县人民政府", None, "340281"),  # 巢湖市 abolished 2011; 无为县 → 无为市 340281
        ("永年县人民政府", None, "130408"),  # split, but 永年区 carries it on
        ("遵义县人民政府", "520304", "520304"),  # split without a carrier: only a hint places it
        ("320829", None, HONGZE),
    ],
)
def test_renamed_and_recoded_counties_via_history(agency: str, hint: str | None, code: str) -> None:
    found = resolve_agency(agency, hint_code=hint)
    assert found is not None
    assert (found.code, found.method) == (code, "history")


def test_old_prefecture_name_still_narrows() -> None:
    # 毕节地区 (until 2011) is now 毕节市: 大方县 kept its name, so the current county matches by name
    assert resolve_agency("毕节地区大方县人民政府").code == "520521"
    assert resolve_agency("毕节地区大方县人民政府").method == "exact-name"


def test_split_without_carrier_needs_a_hint() -> None:
    assert resolve_agency("遵义县人民政府") is None


def test_name_renamed_away_competes_with_current_holder() -> None:
    # 桥东区 today is only 张家口's, but 邢台's (until 2020) and 石家庄's (until 2014) wrote reports too
    assert resolve_agency("桥东区人民政府") is None
    assert resolve_agency("张家口市桥东区人民政府").code == "130702"


def test_short_name_aliases() -> None:
    found = resolve_agency("河南县人民政府")  # 河南蒙古族自治县, not the province
    assert (found.code, found.method) == ("632324", "short-name")
    assert resolve_agency("东乡县人民政府") is None  # 江西's old 东乡县 or 甘肃's 东乡族自治县
    assert resolve_agency("临夏州东乡县人民政府").code == "622926"


def test_division_of_code_follows_history() -> None:
    assert division_of_code(HONGZE).name == "洪泽区"
    assert division_of_code("320829").code == HONGZE
    assert division_of_code("522422").code == "520521"
    assert division_of_code("320813000000").code == HONGZE
    assert division_of_code("520321") is None  # split: no single successor
    assert division_of_code("999999") is None


# ---------------------------------------------------------------- provinces and prefectures


@pytest.mark.parametrize(
    ("agency", "region"),
    [
        ("上海市人民政府办公厅", "310000"),
        ("淮安市人民政府", "320800"),
        ("江苏省淮安市人民政府", "320800"),
        ("淮安市教育局", "320800"),
        ("江苏省人民政府", "320000"),
        ("恩施州人民政府", "422800"),
        ("襄樊市人民政府", "420600"),  # renamed 襄阳市, same code
        ("毕节市人民政府", "520500"),  # today the prefecture, not the old county-level city
    ],
)
def test_region_level_agencies(agency: str, region: str) -> None:
    assert resolve_agency(agency) is None
    assert resolve_region(agency) == region


def test_region_of_a_county_agency_is_its_prefecture() -> None:
    assert resolve_region("洪泽区人民政府") == "320800"
    assert resolve_region("北京市朝阳区人民政府") == "110000"


@pytest.mark.parametrize("agency", ["", "   ", "某某单位", "政府信息公开工作年度报告"])
def test_unplaceable_strings(agency: str) -> None:
    assert resolve_agency(agency) is None
    assert resolve_region(agency) is None
