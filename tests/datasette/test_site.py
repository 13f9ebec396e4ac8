"""The site as a whole: every page answers, the metadata covers the schema, nothing loads from outside."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html
from sqlite_utils import Database

from nianbao.serve import datasette_args, inspect_path, prepare
from tests.datasette import build as b
from tests.datasette.build import Built, archive_db
from tests.datasette.conftest import Client, metadata

BANNER = "演示数据：本库内容为合成数据 / Demo data: synthetic reports"
HIDDEN = {"_sqlite_migrations"}
TEXT_HIDDEN = {"sections_fts", "sections_fts_data", "sections_fts_idx", "sections_fts_docsize", "sections_fts_config"}
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2}")
LOADED = "//script/@src | //link[@rel='stylesheet']/@href | //img/@src | //iframe/@src | //source/@src"


def bilingual(text: str | None) -> bool:
    return bool(text and CJK.search(text) and LATIN.search(text))


def test_home_page_names_the_archive_and_its_starting_points(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "年报库" in page.text
    for query in ("search", "failing_checks", "refusal_rates", "late_or_missing", "county_map"):
        assert f'href="/nianbao/{query}"' in page.text
    assert "CC BY 4.0" in page.text
    assert "Apache-2.0" in page.text
    assert ">basemap<" not in page.text  # the tiles database serves the map, it is not browsable
    assert BANNER not in page.text


def test_every_table_and_view_page_renders(client: Client, built: Built) -> None:
    db = Database(built.db_path)
    names = db.table_names() + db.view_names()
    assert {"reports", "report_values", "publication_ledger", "requests_wide"} <= set(names)
    for name in names:
        page = client.get(f"/nianbao/{name}")
        assert page.status_code == 200, (name, page.text[:500])
        assert "Error" not in page.text.split("<title>")[1].split("</title>")[0], name
    for name in ("reports", "report_summary", "publication_ledger", "checks"):
        assert client.json(f"/nianbao/{name}.json"), name


def test_facets_and_sorting_from_metadata(client: Client) -> None:
    page = client.get("/nianbao/report_summary")
    for facet in ("province", "prefecture", "year", "template", "status", "agency_level"):
        assert f'data-column="{facet}"' in page.text, facet
    rows = client.json("/nianbao/report_summary.json")
    years = [r["year"] for r in rows if r["year"] is not None]
    assert years == sorted(years, reverse=True)


@pytest.mark.parametrize(("database", "hidden"), [("nianbao", HIDDEN), ("nianbao_text", TEXT_HIDDEN)])
def test_metadata_describes_every_table_view_and_column_in_both_languages(built: Built, database: str,
                                                                          hidden: set[str]) -> None:
    db = Database(built.db_path.with_name(f"{database}.db"))
    tables = metadata()["databases"][database]["tables"]
    assert db.table_names()
    for name in db.table_names() + db.view_names():
        if name in hidden:
            assert tables[name]["hidden"] is True, name
            continue
        meta = tables.get(name)
        assert meta, f"{name}: no metadata"
        assert bilingual(meta["description"]), name
        columns = [c.name for c in (db[name].columns if name in db.table_names() else db.view(name).columns)]
        missing = [c for c in columns if not bilingual(meta.get("columns", {}).get(c))]
        assert not missing, f"{name}: columns without a Chinese/English description: {missing}"


@pytest.mark.parametrize(("database", "hidden"), [("nianbao", HIDDEN), ("nianbao_text", TEXT_HIDDEN)])
def test_hidden_tables_stay_out_of_the_database_page(client: Client, database: str, hidden: set[str]) -> None:
    tables = client.get(f"/{database}.json").json()["tables"]
    assert {t["name"] for t in tables if t["hidden"]} >= hidden
    page = client.get(f"/{database}")
    for name in hidden:
        assert f'href="/{database}/{name}"' not in page.text.split("hidden tables")[0]


def test_column_descriptions_show_on_table_pages(client: Client) -> None:
    page = client.get("/nianbao/report_summary")
    assert "本年新收申请数（件）/ new requests received this year" in page.text


def test_demo_banner_on_every_page_when_enabled(client: Client, built: Built, monkeypatch) -> None:
    report = built.ids[next(iter(built.ids))]
    paths = ["/", "/nianbao", "/nianbao/reports", f"/nianbao/reports/{report}", "/nianbao/search?q=信息公开",
             "/-/dashboards/overview", "/nianbao/no_such_table"]
    for path in paths:
        assert BANNER not in client.get(path).text, path
    monkeypatch.setenv("NIANBAO_DEMO", "1")
    for path in paths:
        assert BANNER in client.get(path).text, path


@pytest.mark.parametrize("path", ["/", "/nianbao", "/nianbao/county_map", "/-/dashboards/overview",
                                  "/nianbao/reports", "/nianbao/search?q=麒麟"])
def test_pages_load_nothing_from_other_hosts(client: Client, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    loaded = lxml_html.fromstring(page.text).xpath(LOADED)
    assert loaded, path
    assert not [url for url in loaded if re.match(r"(?:[a-z]+:)?//", url)], path
    assert not re.search(r"cdn\.jsdelivr|unpkg\.com|cdnjs", page.text), path


def test_map_uses_bundled_tiles_and_cluster_map(client: Client, built: Built) -> None:
    page = client.get("/nianbao/county_map")
    assert "datasette-cluster-map.js" in page.text
    assert '"/-/tiles/basemap/{z}/{x}/{y}.png"' in page.text
    assert "tile.openstreetmap.org" not in page.text
    tile = client.get("/-/tiles/basemap/4/13/6.png")  # China at zoom 4
    assert tile.status_code == 200
    assert tile.content.startswith(b"\x89PNG")
    leaflet = re.search(r"JAVASCRIPT_URL: '(/-/static-plugins/datasette-leaflet/[^']+\.js)'", page.text)
    assert leaflet
    assert client.get(leaflet.group(1)).status_code == 200


def test_dashboard_renders_and_every_chart_query_runs(client: Client) -> None:
    page = client.get("/-/dashboards/overview")
    assert page.status_code == 200
    assert "/-/static-plugins/datasette_dashboards/vega.min.js" in page.text
    charts = metadata()["plugins"]["datasette-dashboards"]["overview"]["charts"]
    for slug, chart in charts.items():
        sql = re.sub(r"\[\[.*?\]\]", "", chart["query"])  # optional filters left out, as with no filter set
        rows = client.json("/nianbao.json", sql=sql)
        assert rows, slug
        filtered = chart["query"].replace("[[", "").replace("]]", "")
        assert client.json("/nianbao.json", sql=filtered, province="江苏省", agency_level="county_gov") is not None


def test_get_smoke_with_the_serve_command_line(built: Built) -> None:
    """`nianbao serve --get` runs exactly this command line."""
    args = datasette_args(built.db_path, "127.0.0.1", 0, get_path="/nianbao/reports.json?_shape=array&_size=1")
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert '"sha256"' in result.stdout


def test_serve_writes_table_counts_for_datasette_and_turns_off_suggestions(built: Built, tmp_path: Path) -> None:
    """prepare() writes Datasette's inspect data (exact counts, size, sha256) beside the database; the command
    line passes it only while it matches the file, so counts never go stale."""
    db_path = tmp_path / "nianbao.db"
    src, dst = sqlite3.connect(built.db_path), sqlite3.connect(db_path)
    src.backup(dst)
    src.close()
    dst.close()
    prepare(db_path)
    data = json.loads(inspect_path(db_path).read_text(encoding="utf-8"))["nianbao"]
    db = Database(db_path)
    assert data["tables"]["report_summary"]["count"] == db["report_summary"].count > 0
    assert data["tables"]["check_results"]["count"] == db["checks"].count > 0  # the checks view's table
    assert data["size"] == db_path.stat().st_size
    args = datasette_args(db_path, "127.0.0.1", 0)
    assert args[args.index("--inspect-file") + 1] == str(inspect_path(db_path))
    assert args[args.index("suggest_facets") - 1:][:3] == ["--setting", "suggest_facets", "off"]
    page = datasette_args(db_path, "127.0.0.1", 0, get_path="/nianbao/report_summary.json?_size=1")
    result = subprocess.run(page, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["filtered_table_rows_count"] == db["report_summary"].count
    assert body["suggested_facets"] == []
    data["tables"]["report_summary"]["count"] = 123_456  # proof that the page reads the file, not count(*)
    inspect_path(db_path).write_text(json.dumps({"nianbao": data}), encoding="utf-8")
    result = subprocess.run(page, capture_output=True, text=True, timeout=60)
    assert json.loads(result.stdout)["filtered_table_rows_count"] == 123_456
    db.close()
    st = db_path.stat()
    os.utime(db_path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # the archive changed since
    assert "--inspect-file" not in datasette_args(db_path, "127.0.0.1", 0)
    prepare(db_path)
    assert "--inspect-file" in datasette_args(db_path, "127.0.0.1", 0)


@pytest.mark.parametrize(("path", "term", "goes_to"), [
    ("/nianbao/sections", "复议", "/nianbao/search?q=%E5%A4%8D%E8%AE%AE"),
    ("/nianbao/sections", "行政 复议", "/nianbao/search?q=%E8%A1%8C%E6%94%BF+%E5%A4%8D%E8%AE%AE"),
    ("/nianbao/reports", "海原县", "/nianbao/search?q=%E6%B5%B7%E5%8E%9F%E5%8E%BF"),
    ("/nianbao/report_summary.json", "海原县", "/nianbao/search.json?q=%E6%B5%B7%E5%8E%9F%E5%8E%BF"),
])
def test_table_searches_that_would_fail_go_to_the_search_query(client: Client, path: str, term: str,
                                                               goes_to: str) -> None:
    response = client.get(path, _search=term)
    assert response.status_code == 302
    assert response.headers["location"] == goes_to
    followed = client.get(goes_to.split("?")[0], q=term)
    assert followed.status_code == 200


def test_short_search_on_sections_finds_rows(client: Client, built: Built) -> None:
    """/nianbao/sections?_search=复议 gave 0 rows without a hint; the search it leads to finds them."""
    db = archive_db(built.db_path)
    expected = db.execute("SELECT count(*) FROM sections WHERE instr(text, '复议') OR instr(heading, '复议')"
                          ).fetchone()[0]
    assert expected > 0
    location = client.get("/nianbao/sections", _search="复议").headers["location"]
    rows = client.json(location.split("?")[0] + ".json", q="复议")
    assert len(rows) == min(expected, 500)
    native = client.get("/nianbao/sections", _search="信息公开申请")  # a single ≥3-character word stays native,
    assert native.status_code == 302  # on the sections table, now in the text database beside the numbers
    moved = native.headers["location"]
    assert moved.startswith("/nianbao_text/sections?")
    assert client.get(moved).status_code == 200
    assert client.get("/nianbao_text/sections", _search="复议").headers["location"] == location


def test_site_wide_search_box_on_every_page(client: Client, built: Built) -> None:
    for path in ("/", "/nianbao", "/nianbao/report_summary", f"/nianbao/reports/{built.ids[(b.HAIYUAN, 2021)]}"):
        html = client.get(path).text
        assert '<form class="nianbao-search" action="/nianbao/search"' in html, path
        assert 'name="q"' in html


def test_unfiltered_view_pages_of_the_compact_tables_do_not_count(client: Client, built: Built) -> None:
    """report_values and checks are views over every cell and check: their unfiltered pages skip the count(*)
    (a scan of every cell at a million reports); filtered ones still count their matches."""
    db = Database(built.db_path)
    for view in ("report_values", "checks"):
        page = client.get(f"/nianbao/{view}.json", _size="5")
        assert page.status_code == 200
        assert page.json()["filtered_table_rows_count"] is None
        assert len(page.json()["rows"]) == 5
        report_id = built.ids[(b.HAIYUAN, 2021)]
        filtered = client.get(f"/nianbao/{view}.json", report_id=str(report_id), _size="5").json()
        assert filtered["filtered_table_rows_count"] == db[view].count_where("report_id = ?", [report_id]) > 5
    assert client.get("/nianbao/report_values").status_code == 200
