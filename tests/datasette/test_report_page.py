"""The report page, the raw-document route, and scraped HTML shown as text everywhere."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html
from sqlite_utils import Database

from tests.conftest import CORPUS
from tests.datasette import build as b
from tests.datasette.build import Built, archive_db
from tests.datasette.conftest import Client

TABLES = ("proactive", "requests", "review_litigation")


def _cells(page_text: str) -> dict[tuple[str, str, str], lxml_html.HtmlElement]:
    """(table, row, col) -> the <td> the report page shows for that stored cell."""
    tree = lxml_html.fromstring(page_text)
    out = {}
    for table in TABLES:
        for td in tree.xpath(f'//table[contains(@class, "report-table-{table}")]//td[@data-row]'):
            out[(table, td.get("data-row"), td.get("data-col"))] = td
    return out


def _fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _assert_page_shows_stored_values(client: Client, db: Database, report_id: int) -> dict:
    page = client.get(f"/nianbao/reports/{report_id}")
    assert page.status_code == 200
    cells = _cells(page.text)
    values = list(db["report_values"].rows_where("report_id = ?", [report_id]))
    assert values
    for v in values:
        td = cells.get((v["table_key"], v["row_key"], v["col_key"]))
        assert td is not None, v
        assert td.text_content().strip() == _fmt(v["value"]), v
        assert ("cell-blank" in td.get("class")) == (v["value"] is None), v
    return cells


def test_report_page_shows_every_stored_number_in_its_printed_place(client: Client, built: Built) -> None:
    db = Database(built.db_path)
    for key in [(b.HONGZE, 2024), (b.HAIYUAN, 2019), (b.HAIYUAN, 2024), b.BROKEN, *sorted(b.BLANKS)]:
        _assert_page_shows_stored_values(client, db, built.ids[key])


def test_report_page_matches_the_synthetic_record(client: Client, built: Built) -> None:
    key = (b.HONGZE, 2024)
    record = built.records[key]
    page = client.get(f"/nianbao/reports/{built.ids[key]}")
    cells = _cells(page.text)
    for table in TABLES:
        for row, cols in record[table].items():
            for col, value in cols.items():
                assert cells[(table, row, col)].text_content().strip() == _fmt(value), (table, row, col)
    text = page.text
    for label in ("一、本年新收政府信息公开申请数量", "自然人", "法律服务机构", "（三）不予公开", "行政复议",
                  "未经复议直接起诉", "复议后起诉", "第二十条第（一）项", "结转下年度继续办理"):
        assert label in text, label
    assert record["title"] in text
    assert record["agency"] in text
    assert re.search(r"全部 \d+ 项算术校验通过", text)  # no failing checks on this one


def test_blank_cells_stay_blank_not_zero(client: Client, built: Built) -> None:
    db = Database(built.db_path)
    found = 0
    for key in b.BLANKS:
        report_id = built.ids[key]
        cells = _cells(client.get(f"/nianbao/reports/{report_id}").text)
        for v in db["report_values"].rows_where("report_id = ? AND value IS NULL", [report_id]):
            td = cells[(v["table_key"], v["row_key"], v["col_key"])]
            assert td.text_content().strip() == ""
            assert "cell-blank" in td.get("class")
            found += 1
    assert found > 0


def test_failing_checks_are_listed_and_their_cells_marked(client: Client, built: Built) -> None:
    db = Database(built.db_path)
    report_id = built.ids[b.BROKEN]
    page = client.get(f"/nianbao/reports/{report_id}")
    failing = list(db["checks"].rows_where("report_id = ? AND ok = 0", [report_id]))
    assert failing
    assert f"{len(failing)} 项算术校验未通过" in page.text
    tree = lxml_html.fromstring(page.text)
    listed = tree.xpath('//tr[@class="check-fail"]')
    assert len(listed) == len(failing)
    for row, check in zip(listed, sorted(failing, key=lambda c: (c["check_id"], c["scope"])), strict=True):
        tds = [td.text_content().strip() for td in row.xpath("./td")]
        assert tds[0] == check["check_id"]
        assert check["scope"] in tds[1]
        assert tds[3:] == [_fmt(check["lhs"]), _fmt(check["rhs"]), _fmt(check["lhs"] - check["rhs"])]
        assert tds[3] != tds[4]
    cells = _cells(page.text)
    for check in failing:
        scoped = [td for (table, row, col), td in cells.items()
                  if table == "requests" and check["scope"] in (row, col) and "cell-fail" in td.get("class")]
        assert scoped, check
        assert all(f"{check['check_id']}[{check['scope']}]" in td.get("title") for td in scoped)
    passing = _cells(client.get(f"/nianbao/reports/{built.ids[(b.HONGZE, 2024)]}").text)
    assert not [td for td in passing.values() if "cell-fail" in td.get("class")]


def test_report_page_links_the_archived_original_and_the_source(client: Client, built: Built) -> None:
    key = (b.WUHOU, 2021)
    page = client.get(f"/nianbao/reports/{built.ids[key]}")
    sha = built.shas[key]
    assert f'href="/-/raw/{sha}"' in page.text
    source = Database(built.db_path)["reports"].get(built.ids[key])["source_url"]
    assert f'href="{source}"' in page.text
    assert "成都市 · 武侯区" in page.text
    assert 'href="/nianbao/divisions/510107"' in page.text


def test_raw_route_serves_the_stored_bytes_as_a_download(client: Client, built: Built) -> None:
    for key, content_type in (((b.WUHOU, 2021), "application/pdf"), ((b.HONGZE, 2024), "application/octet-stream")):
        sha = built.shas[key]
        response = client.get(f"/-/raw/{sha}")
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == sha
        assert response.content == (built.root / "raw" / sha[:2] / sha[2:4] / sha).read_bytes()
        assert response.headers["content-type"] == content_type
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("bad", ["abc", "0" * 63, "0" * 65, "g" * 64, "A" * 64, "0" * 64, "..%2F..%2Fetc%2Fpasswd",
                                 "%2E%2E", "0" * 64 + "%00"])
def test_raw_route_refuses_anything_but_a_known_sha256(client: Client, bad: str) -> None:
    response = client.get(f"/-/raw/{bad}")
    if response.status_code == 302:  # Datasette first re-encodes %2F-style paths with tildes
        response = client.get(response.headers["location"])
    assert response.status_code == 404


def test_raw_root_comes_from_the_environment(client: Client, built: Built, tmp_path, monkeypatch) -> None:
    sha = built.shas[(b.HONGZE, 2021)]
    monkeypatch.setenv("NIANBAO_RAW_ROOT", str(tmp_path))
    assert client.get(f"/-/raw/{sha}").status_code == 404  # an empty store
    target = tmp_path / sha[:2] / sha[2:4] / sha
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not the document")
    assert client.get(f"/-/raw/{sha}").status_code == 500  # re-hashed before sending


def _injection_pages(built: Built) -> list[str]:
    rid = built.injection_id
    db = Database(built.db_path)
    agency_id = db["reports"].get(rid)["agency_id"]
    return [
        f"/nianbao/reports/{rid}",
        "/nianbao/reports",
        f"/nianbao/reports?id={rid}",
        "/nianbao/report_summary",
        f"/nianbao/report_summary/{rid}",
        "/nianbao/agencies",
        f"/nianbao/agencies/{agency_id}",
        f"/nianbao_text/sections?report_id={rid}",
        f"/nianbao_text/sections/{rid},1",
        f"/nianbao/report_values?report_id={rid}&raw__contains=script",
        "/nianbao/search?q=海原县审计局",
        "/nianbao/search?q=审计",
        "/nianbao/refusal_rates?min_requests=0",
        "/nianbao/report_summary?_facet=agency",
    ]


def test_scraped_html_is_shown_as_text_on_every_page(client: Client, built: Built) -> None:
    db = archive_db(built.db_path)
    report = db["reports"].get(built.injection_id)
    assert b.SCRIPT in report["title"]
    assert b.SCRIPT in report["agency"]
    assert db["sections"].count_where("report_id = ? AND text LIKE ?", [built.injection_id, f"%{b.IMG}%"])
    assert db["report_values"].count_where("report_id = ? AND raw = ?", [built.injection_id, b.SCRIPT])
    for path in _injection_pages(built):
        page = client.get(path)
        assert page.status_code == 200, path
        text = page.text
        assert "&lt;script&gt;" in text, path
        assert "<script>alert(1)" not in text, path
        assert "<script>document.title" not in text, path
        assert not re.search(r"<img ?src=x", text), path


def test_injection_report_page_shows_each_payload_as_text(client: Client, built: Built) -> None:
    page = client.get(f"/nianbao/reports/{built.injection_id}")
    tree = lxml_html.fromstring(page.text)
    assert b.SCRIPT in tree.xpath('string(//h1[@class="report-title"])')
    assert b.IMG in tree.xpath('string(//div[@class="section-text"][1])')
    raw_titles = [td.get("title") for td in tree.xpath("//td[@data-row]") if td.get("title")]
    assert any(b.SCRIPT in t for t in raw_titles)
    assert not tree.xpath("//body//script[contains(., 'alert(1)') or contains(., 'PWNED')]")
    assert not tree.xpath("//img[@onerror]")


def test_source_urls_that_are_not_http_stay_text(client: Client, built: Built) -> None:
    for path in _injection_pages(built)[:3]:
        text = client.get(path).text
        assert 'href="javascript:' not in text, path
        assert b.INJECTION_URL in text, path


def _label_values(record: dict) -> dict[tuple[str, str, str], object]:
    return {(t, row, col): v for t in TABLES for row, cols in record.get(t, {}).items() for col, v in cols.items()}


def test_real_reports_from_the_shared_corpus(client: Client, built: Built) -> None:
    if not built.corpus_ids:
        pytest.skip("../shared/corpus is not present")
    labelled = 0
    for name, report_id in built.corpus_ids.items():
        page = client.get(f"/nianbao/reports/{report_id}")
        assert page.status_code == 200, name
        label = CORPUS / "labels" / (name.rsplit(".", 1)[0] + ".json")
        if not label.exists():  # the corpus README: only the blank template has no labels
            assert "blank" in name, f"{name} has no labels"
            continue
        labelled += 1
        expected = json.loads(label.read_text(encoding="utf-8"))
        cells = _cells(page.text)
        values = _label_values(expected)
        assert values, f"{name}: the labels hold no table values"
        for key, value in values.items():
            assert key in cells, (name, key)
            assert cells[key].text_content().strip() == _fmt(value), (name, key)
        failing = {(c["id"], c["scope"]) for c in expected["failing_checks"]}
        tree = lxml_html.fromstring(page.text)
        shown = {(tr.xpath("string(./td[1])").strip(), tr.xpath("string(./td[2]/span)").strip())
                 for tr in tree.xpath('//tr[@class="check-fail"]')}
        assert shown == failing, name
    assert labelled > 0, "no corpus report has labels"


def test_report_page_links_the_agency_and_says_when_the_source_is_unknown(client: Client, built: Built) -> None:
    report_id = built.ids[(b.HAIYUAN, 2021)]
    agency_id = Database(built.db_path)["reports"].get(report_id)["agency_id"]
    html = client.get(f"/nianbao/reports/{report_id}").text
    assert f'<a href="/nianbao/agencies/{agency_id}">{b.HAIYUAN}</a>' in html
    if built.corpus_ids:  # files ingested without a sidecar: the source is unknown, never a local path
        corpus = client.get(f"/nianbao/reports/{next(iter(built.corpus_ids.values()))}").text
        assert "不明 / unknown" in corpus
        assert "file://" not in corpus


def test_the_numbers_served_alone_still_make_every_report_page(built: Built, tmp_path: Path) -> None:
    """A researcher's download of nianbao.db alone, served by Datasette: the report page has its tables and
    checks, and no text (the text database is not there); the text tables are simply absent."""
    from tests.datasette.conftest import make_datasette

    alone = tmp_path / "nianbao.db"
    shutil.copy(built.db_path, alone)
    client = Client(make_datasette(alone))
    report_id = built.ids[(b.HAIYUAN, 2021)]
    page = client.get(f"/nianbao/reports/{report_id}")
    assert page.status_code == 200
    assert "report-checks" in page.text
    assert 'class="report-text"' not in page.text
    with_text = Client(make_datasette(built.db_path)).get(f"/nianbao/reports/{report_id}")
    assert 'class="report-text"' in with_text.text
    assert client.get("/nianbao_text").status_code == 404
