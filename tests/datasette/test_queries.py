"""Every canned query answers its question on the test archive, with bound parameters only."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlite_utils import Database

from tests.datasette import build as b
from tests.datasette.build import Built, archive_db
from tests.datasette.conftest import Client, metadata

QUERIES = metadata()["databases"]["nianbao"]["queries"]


def test_queries_are_described_in_both_languages_and_take_bound_parameters() -> None:
    assert {"search", "failing_checks", "refusal_rates", "request_changes", "late_or_missing",
            "carry_over_mismatches", "county_map"} <= set(QUERIES)
    for name, query in QUERIES.items():
        for key in ("title", "description"):
            assert re.search(r"[\u4e00-\u9fff]", query[key]), name
            assert re.search(r"[A-Za-z]{3}", query[key]), name
        named = set(re.findall(r"(?<!:):(\w+)", query["sql"]))
        assert named == set(query.get("params", [])), name
        assert not re.search(r"\{|%s|\$\w", query["sql"]), name  # nothing templated into the SQL


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_canned_query_page_renders(client: Client, name: str) -> None:
    page = client.get(f"/nianbao/{name}")
    assert page.status_code == 200, page.text[:1000]
    assert QUERIES[name]["title"].split(" / ")[0] in page.text
    assert 'class="message-error"' not in page.text
    for param in QUERIES[name].get("params", []):
        assert f'name="{param}"' in page.text


def _search(client: Client, q: str) -> list[dict]:
    return client.json("/nianbao/search.json", q=q)


@pytest.mark.parametrize(("word", "key", "method"), [
    (b.WORD_1, (b.HONGZE, 2022), "LIKE"),
    (b.WORD_2, (b.HAIYUAN, 2021), "LIKE"),
    (b.WORD_3, (b.QINGTIAN, 2024), "FTS5 trigram"),
    (b.WORD_3[:3], (b.QINGTIAN, 2024), "FTS5 trigram"),
])
def test_search_finds_one_two_and_three_character_words(client: Client, built: Built, word: str, key: tuple,
                                                        method: str) -> None:
    rows = _search(client, word)
    assert [(r["report_id"], r["method"]) for r in rows] == [(built.ids[key], method)]
    assert f"【{word}】" in rows[0]["excerpt"]
    assert rows[0]["heading"].startswith("五、")
    page = client.get("/nianbao/search", q=word)
    assert f'href="/nianbao/reports/{built.ids[key]}"' in page.text  # report ids link to the report page


def test_search_agrees_with_a_plain_scan_and_survives_odd_input(client: Client, built: Built) -> None:
    db = archive_db(built.db_path)
    for q in ("信息公开", "行政", "申请人", "年"):
        expected = db.execute("SELECT count(*) FROM sections WHERE instr(text, ?) OR instr(heading, ?)",
                              [q, q]).fetchone()[0]
        assert len(_search(client, q)) == min(expected, 500), q
    for odd in ("", '"', 'a"b OR', "%", "_", "\\", "NEAR(", "*"):
        assert isinstance(_search(client, odd), list), odd
    assert _search(client, "") == []


def test_search_takes_several_words_and_agency_or_county_names(client: Client, built: Built) -> None:
    db = archive_db(built.db_path)
    both = db.execute("SELECT count(*) FROM sections WHERE (instr(text, '行政') OR instr(heading, '行政')) "
                      "AND (instr(text, '复议') OR instr(heading, '复议'))").fetchone()[0]
    assert both > 0
    rows = _search(client, "行政 复议")
    assert len([r for r in rows if r["method"] == "LIKE"]) == min(both, 500)
    # a word of the county name and a word of the text: only that county's section
    rows = _search(client, f"青田县 {b.WORD_3}")
    assert [(r["report_id"], r["method"]) for r in rows] == [(built.ids[(b.QINGTIAN, 2024)], "name + LIKE")]
    rows = _search(client, f"海原县　{b.WORD_2}")  # full-width space
    assert [r["report_id"] for r in rows] == [built.ids[(b.HAIYUAN, 2021)]]
    # a name alone: one row per report of that agency
    named = {r["report_id"] for r in _search(client, "青田县卫生健康局") if r["method"] == "name"}
    assert named == {built.ids[(b.QINGTIAN_HEALTH, 2023)]}
    assert _search(client, "鹦鹉螺号 不存在的词语") == []


def test_failing_checks_lists_the_broken_report_with_both_sides(client: Client, built: Built) -> None:
    db = Database(built.db_path)
    rows = client.json("/nianbao/failing_checks.json")
    broken = built.ids[b.BROKEN]
    expected = {(r["check_id"], r["scope"], r["lhs"], r["rhs"]) for r in db["checks"].rows_where(
        "report_id = ? AND ok = 0", [broken])}
    assert expected
    got = {(r["check_id"], r["scope"], r["lhs"], r["rhs"]) for r in rows if r["report_id"] == broken}
    assert got == expected
    assert all(r["difference"] == r["lhs"] - r["rhs"] and r["lhs"] != r["rhs"] for r in rows)
    assert len(rows) == db["checks"].count_where("ok = 0")
    only = client.json("/nianbao/failing_checks.json", province="浙江省", year="2023")
    assert {r["report_id"] for r in only} == {broken}
    assert client.json("/nianbao/failing_checks.json", province="四川省") == []


def test_failing_checks_streams_from_indexes_without_sorting(client: Client, built: Built) -> None:
    """Newest year first straight from report_summary(year DESC, province, agency) and the partial index of
    failing checks: no sort of all failing checks, so the page stops at Datasette's row limit (m009). Only each
    report's own few failing checks are put in check_id order (the right part of the ORDER BY: check ids are
    integers in the compact check_results table, m060)."""
    sql = metadata()["databases"]["nianbao"]["queries"]["failing_checks"]["sql"]
    db = Database(built.db_path)
    for params in ({"province": "", "year": ""}, {"province": "浙江省", "year": "2023"}):
        plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
        assert plan.count("TEMP B-TREE") <= 1, plan
        assert "idx_report_summary_year_desc_province_agency" in plan, plan
        assert "idx_check_results_failing" in plan, plan
    rows = client.json("/nianbao/failing_checks.json")
    key = [(-r["year"], r["province"], r["agency"], r["report_id"], r["check_id"], r["scope"]) for r in rows]
    assert rows
    assert key == sorted(key)


def test_refusal_rates_rank_agencies_above_a_minimum(client: Client, built: Built) -> None:
    rows = client.json("/nianbao/refusal_rates.json", min_requests="0")
    rates = [r["refusal_rate"] for r in rows if r["refusal_rate"] is not None]
    assert rates == sorted(rates, reverse=True)
    assert [r["refusal_rate"] for r in rows[len(rates):]] == [None] * (len(rows) - len(rates))  # unknown last
    assert len({r["agency_id"] for r in rows}) == len(rows)
    db = Database(built.db_path)
    top = rows[0]
    handled, denied = db.execute(
        "SELECT sum(total_processed), sum(denied) FROM report_summary s WHERE s.agency_id = ? AND s.is_current = 1 "
        "AND s.total_processed > 0", [top["agency_id"]]).fetchone()
    assert (top["handled"], top["denied"]) == (handled, denied)
    assert top["refusal_rate"] == round(denied / handled, 4)
    floor = sorted(r["handled"] for r in rows)[len(rows) // 2]
    above = client.json("/nianbao/refusal_rates.json", min_requests=str(floor))
    assert all(r["handled"] >= floor for r in above)
    assert 0 < len(above) < len(rows)
    default = client.json("/nianbao/refusal_rates.json")
    assert all(r["handled"] >= 10 for r in default)


def test_unknown_refusal_rate_stays_unknown(client: Client, built: Built) -> None:
    """Every 不予公开 cell printed blank: the rate is blank (NULL), never 0.0, and says no report had the figure."""
    rows = client.json("/nianbao/refusal_rates.json", min_requests="0")
    row = next(r for r in rows if r["agency"] == b.UNKNOWN[0])
    assert (row["refusal_rate"], row["denied"], row["reports_with_denied"]) == (None, None, 0)
    assert row["handled"] > 0
    assert row["grant_rate"] is not None
    summary = client.json("/nianbao/report_summary.json", report_id__exact=str(built.ids[b.UNKNOWN]))[0]
    assert (summary["denied"], summary["refusal_rate"]) == (None, None)
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/nianbao/refusal_rates.csv", min_requests="0").text)))
    csv_row = next(r for r in csv_rows if r["agency"] == b.UNKNOWN[0])
    assert (csv_row["refusal_rate"], csv_row["denied"]) == ("", "")


def test_reports_without_tables_neither_pass_nor_fail(client: Client, built: Built) -> None:
    summary = client.json("/nianbao/report_summary.json", report_id__exact=str(built.ids[b.NO_TABLES]))[0]
    assert (summary["check_result"], summary["failing_checks"]) == ("no tables", None)
    chart = metadata()["plugins"]["datasette-dashboards"]["overview"]["charts"]["checks"]["query"]
    sql = re.sub(r"\[\[.*?\]\]", "", chart)
    rows = client.json("/nianbao.json", sql=sql)
    by_result = {(r["year"], r["result"]): r["reports"] for r in rows}
    assert by_result[(2024, "未读出表格 no tables read")] >= 1
    db = Database(built.db_path)
    passing = db.execute("SELECT count(*) FROM report_summary WHERE year = 2024 AND is_current = 1 "
                         "AND check_result = 'pass'").fetchone()[0]
    assert by_result[(2024, "通过 pass")] == passing
    assert built.ids[b.NO_TABLES] not in {r["report_id"] for r in client.json("/nianbao/failing_checks.json",
                                                                               province="", year="")}


def test_charts_and_queries_never_turn_unknown_into_zero() -> None:
    """No canned query, chart or view turns a blank figure into 0 (coalesce(sum(…), 0) and the like)."""
    from archive.views import VIEWS

    meta = metadata()
    sql = [q["sql"] for q in meta["databases"]["nianbao"]["queries"].values()]
    sql += [c["query"] for d in meta["plugins"]["datasette-dashboards"].values() for c in d["charts"].values()]
    sql += list(VIEWS.values())
    assert len(sql) > 10
    pattern = re.compile(r"coalesce\s*\(\s*(sum|s\.|total|denied|granted|value)", re.I)
    assert not [q for q in sql if pattern.search(q)]


def test_request_changes_pairs_consecutive_years_of_one_agency(client: Client, built: Built) -> None:
    rows = client.json("/nianbao/request_changes.json")
    assert rows
    changes = [abs(r["change"]) for r in rows]
    assert changes == sorted(changes, reverse=True)
    for r in rows:
        assert r["year_after"] == r["year_before"] + 1
        assert r["change"] == r["requests_after"] - r["requests_before"]
    agency_id = Database(built.db_path)["reports"].get(built.ids[b.HONGZE, 2021])["agency_id"]
    hongze = {(r["year_before"], r["requests_before"], r["requests_after"]) for r in rows
              if r["agency_id"] == agency_id}
    current = dict(Database(built.db_path).execute(
        "SELECT year, new_requests FROM report_summary WHERE agency_id = ? AND is_current = 1", [agency_id]).fetchall())
    assert set(current) == {2020, 2021, 2022, 2023, 2024}  # 洪泽区人民政府 (2020) and 淮安市洪泽区人民政府: one agency
    expected = {(y, current[y], current[y + 1]) for y in (2020, 2021, 2022, 2023)}
    assert hongze == expected
    assert all(r["province"] == "四川省" for r in client.json("/nianbao/request_changes.json", province="四川省"))


def test_late_or_missing_reports_per_county_and_year(client: Client, built: Built) -> None:
    rows = client.json("/nianbao/late_or_missing.json")
    by_key = {(r["county"], r["year"]): r for r in rows}
    late = by_key[("武侯区", 2023)]
    assert late["status"].startswith("逾期")
    assert (late["first_published"], late["deadline"], late["days_late"]) == (b.LATE[2], "2024-03-31", 40)
    assert by_key[("海原县", 2022)]["status"].startswith("未找到")
    assert by_key[("海原县", 2022)]["checked_at"] == b.CHECKED[1]
    assert late["report_id"] == built.ids[(b.WUHOU, 2023)]  # the row links to its report
    assert ("青田县", 2022) not in by_key  # on time
    # 武侯区 has no 2022 report, but no crawl read its column: not in the archive, not "not published"
    assert ("武侯区", 2022) not in by_key
    assert not [r for r in rows if r["status"].startswith("未找到") and r["division_code"] != b.CHECKED[0]]
    unchecked = {(r["county"], r["year"]): r for r in client.json("/nianbao/late_or_missing.json", unchecked="1")}
    assert unchecked[("武侯区", 2022)]["status"] == "存档中没有（栏目未抓取）/ not in archive (column not crawled)"
    assert unchecked[("武侯区", 2022)]["checked_at"] is None
    covered = {r[0] for r in Database(built.db_path).execute("SELECT division_code FROM report_summary")}
    assert {r["division_code"] for r in rows} <= covered  # only counties the archive has reports for
    ningxia = client.json("/nianbao/late_or_missing.json", province="宁夏回族自治区", year="2022")
    assert [(r["county"], r["year"]) for r in ningxia] == [("海原县", 2022)]


def test_carry_over_mismatches_compare_consecutive_years(client: Client, built: Built) -> None:
    rows = client.json("/nianbao/carry_over_mismatches.json")
    assert rows
    pairs = {(r["report_id"], r["next_report_id"]) for r in rows}
    matched = (built.ids[(b.MATCHED[0], b.MATCHED[1])], built.ids[(b.MATCHED[0], b.MATCHED[2])])
    assert matched not in pairs
    records = built.records
    for r in rows:
        assert r["next_year"] == r["year"] + 1
        assert r["carried_forward"] != r["carried_over_next_year"]
        key = next((k for k, v in built.ids.items() if v == r["report_id"]), None)
        if key and (key[0], key[1] + 1) in records:
            assert r["carried_forward"] == records[key]["requests"]["carried_forward"]["total"]
            assert r["carried_over_next_year"] == records[(key[0], key[1] + 1)]["requests"]["carried_over"]["total"]
    def total(key: tuple, row: str) -> object:
        return records[key]["requests"][row]["total"]

    db = Database(built.db_path)
    current = [k for k, v in built.ids.items() if db["reports"].get(v)["is_current"] == 1]
    same = {b.SPELLINGS[0][0]: b.HONGZE}.get  # one agency under two printed names
    expected = sum(1 for a in current for n in current
                   if (same(n[0], n[0]), n[1]) == (same(a[0], a[0]), a[1] + 1) and not a[0].startswith("synth")
                   and total(a, "carried_forward") != total(n, "carried_over"))
    ours = set(built.ids.values())
    assert len([r for r in rows if r["report_id"] in ours and r["next_report_id"] in ours]) == expected


def test_county_map_counts_reports_per_county(client: Client, built: Built) -> None:
    rows = client.json("/nianbao/county_map.json")
    db = Database(built.db_path)
    expected = dict(db.execute("SELECT division_code, count(*) FROM report_summary WHERE division_code IS NOT NULL "
                               "GROUP BY 1").fetchall())
    assert {r["division_code"]: r["reports"] for r in rows} == expected
    hongze = next(r for r in rows if r["county"] == "洪泽区")
    assert 32.5 < hongze["latitude"] < 34
    assert 118 < hongze["longitude"] < 120


def test_search_caps_fts_hits_before_joining(tmp_path: Path) -> None:
    """A phrase in every section: the FTS branch takes the 500 most recently archived hits straight from the
    index (rowid order, no sort of all matches), so the page costs the same at any archive size."""
    from archive.db import open_db

    db = open_db(tmp_path / "nianbao.db")
    db["documents"].insert({"sha256": "a" * 64, "size": 1, "format": "html", "content_type": "text/html",
                            "first_seen": "2026-01-01"})
    db["reports"].insert({"id": 1, "sha256": "a" * 64, "year": 2024, "agency": "某县人民政府", "status": "ok"})
    db.conn.executemany("INSERT INTO text.sections (report_id, no, heading, text) VALUES (1, ?, ?, ?)",
                        [(n, f"第{n}节", f"本年度共收到政府信息公开申请{n}件。") for n in range(1, 601)])
    sql = metadata()["databases"]["nianbao"]["queries"]["search"]["sql"]
    rows = db.execute(sql, {"q": "信息公开申请"}).fetchall()
    assert len(rows) == 500
    assert {r[3] for r in rows} == set(range(101, 601))  # the 500 newest sections
    assert all("【信息公开申请】" in r[5] and r[6] == "FTS5 trigram" for r in rows)
    plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, {"q": "信息公开申请"}).fetchall())
    assert "sections_fts VIRTUAL TABLE" in plan
    few = db.execute(sql, {"q": "申请"}).fetchall()  # two characters: the LIKE branch
    assert len(few) == 500
    assert {r[6] for r in few} == {"LIKE"}
