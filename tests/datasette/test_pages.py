"""The journalist pages: a number one click from its printed place, the agency's history, comparing, the tidy
export, Atom feeds, copy-paste flags, and table pages that show data first (in-process Datasette)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pypdfium2 as pdfium
from lxml import etree
from lxml import html as lxml_html
from sqlite_utils import Database

from tests.datasette import build as b
from tests.datasette import pages_build as p
from tests.datasette.build import Built
from tests.datasette.conftest import Client
from tests.datasette.pages_build import PagesArchive

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def _value_cells(page: str) -> list[lxml_html.HtmlElement]:
    return lxml_html.fromstring(page).xpath('//table[contains(@class, "report-table")]//td[@data-row]')


def _stored(db: Database, report_id: int) -> dict[tuple, dict]:
    return {(v["table_key"], v["row_key"], v["col_key"]): v
            for v in db["report_values"].rows_where("report_id = ?", [report_id])}


def _table_of(td: lxml_html.HtmlElement) -> str:
    cls = td.xpath("ancestor::table[1]")[0].get("class")
    return re.search(r"report-table-(\w+)", cls).group(1)


def test_every_cell_shows_its_printed_place_and_links_there(pages_client: Client, pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    checked = set()
    for key, ext in pages_archive.formats.items():
        report_id = pages_archive.ids[key]
        sha = db["reports"].get(report_id)["sha256"]
        stored = _stored(db, report_id)
        tds = [td for td in _value_cells(pages_client.get(f"/nianbao/reports/{report_id}").text)
               if (_table_of(td), td.get("data-row"), td.get("data-col")) in stored]
        assert len(tds) == len(stored), key
        for td in tds:
            cell = stored[(_table_of(td), td.get("data-row"), td.get("data-col"))]
            title = td.get("title")
            assert "as printed" in title, (key, cell)
            href = td.xpath("./a[@class='cell-link']/@href")[0]
            if ext == "pdf":
                assert f"page {cell['page']}" in title
                assert href == f"/-/original/{sha}#page={cell['page']}"
            else:
                t, r, c = cell["grid_table"], cell["grid_row"], cell["grid_col"]
                assert f"table {t + 1}, row {r + 1}, column {c + 1}" in title
                assert href == f"/-/original/{sha}?t={t}&r={r}&c={c}#t{t}r{r}"
        checked.add(ext)
    assert checked == {"html", "pdf", "md", "docx", "txt"}


def test_original_view_marks_the_row_the_number_came_from(pages_client: Client, pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    for key in [(p.HONGZE, 2022), (p.HAIYUAN_EDU, 2023), (p.QINGTIAN_HEALTH, 2023), (p.HONGZE_FIN, 2023)]:
        report_id = pages_archive.ids[key]
        sha = db["reports"].get(report_id)["sha256"]
        cell = _stored(db, report_id)[("requests", "new_requests", "total")]
        t, r, c = cell["grid_table"], cell["grid_row"], cell["grid_col"]
        response = pages_client.get(f"/-/original/{sha}", t=str(t), r=str(r), c=str(c))
        assert response.status_code == 200, key
        assert response.headers["x-content-type-options"] == "nosniff"
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "sandbox" in csp
        assert "script" not in csp
        tree = lxml_html.fromstring(response.text)
        rows = tree.xpath('//tr[@class="hit"]')
        assert [row.get("id") for row in rows] == [f"t{t}r{r}"], key
        marked = tree.xpath('//td[@class="hit-cell"]')
        assert len(marked) == 1
        assert marked[0].text_content().strip() == cell["raw"].strip(), key
        assert "本年新收" in rows[0].text_content()


def test_original_view_shows_scraped_html_as_text(client: Client, built: Built) -> None:
    sha = Database(built.db_path)["reports"].get(built.injection_id)["sha256"]
    response = client.get(f"/-/original/{sha}")
    assert response.status_code == 200
    assert "sandbox" in response.headers["content-security-policy"]
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text
    assert not lxml_html.fromstring(response.text).xpath("//img | //script | //*[@onerror]")


def test_pdf_opens_inline_at_the_page_of_each_number(pages_client: Client, pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    report_id = pages_archive.ids[(p.HAIYUAN, 2023)]
    sha = db["reports"].get(report_id)["sha256"]
    response = pages_client.get(f"/-/original/{sha}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert hashlib.sha256(response.content).hexdigest() == sha
    pages = len(pdfium.PdfDocument(response.content))
    used = {v["page"] for v in _stored(db, report_id).values()}
    assert used
    assert all(1 <= page <= pages for page in used)


def test_original_refuses_unknown_documents(pages_client: Client) -> None:
    for bad in ("0" * 64, "abc", "G" * 64):
        assert pages_client.get(f"/-/original/{bad}").status_code == 404


def test_agency_page_lists_every_report_against_its_deadline(pages_client: Client,
                                                              pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    agency_id = db["reports"].get(pages_archive.edited_id)["agency_id"]
    page = pages_client.get(f"/nianbao/agencies/{agency_id}")
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.text)
    rows = tree.xpath('//table[contains(@class, "agency-reports-table")]/tbody/tr')
    ids = [int(row.xpath("./td[1]/a/@href")[0].rsplit("/", 1)[1]) for row in rows]
    assert sorted(ids) == sorted(r["id"] for r in db["reports"].rows_where("agency_id = ?", [agency_id]))
    edited = rows[ids.index(pages_archive.edited_id)]
    cells = [td.text_content().strip() for td in edited.xpath("./td")]
    assert cells[2:5] == [p.EDIT_PUBLISHED, "2024-03-31", "逾期 81 天 / 81 days late"]
    first = rows[ids.index(pages_archive.ids[p.EDITED])]
    assert first.xpath("./td[5]")[0].text_content().strip() == "按期 / on time"
    dept_agency = db["reports"].get(pages_archive.ids[(p.HONGZE_FIN, 2023)])["agency_id"]
    dept = pages_client.get(f"/nianbao/agencies/{dept_agency}")
    assert "2024-01-31" in dept.text  # departments: 31 January since the 2019 Regulations


def test_agency_page_draws_trends_from_the_current_reports(pages_client: Client, pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    agency_id = db["reports"].get(pages_archive.edited_id)["agency_id"]
    tree = lxml_html.fromstring(pages_client.get(f"/nianbao/agencies/{agency_id}").text)
    charts = tree.xpath('//svg[@class="trend"]')
    assert len(charts) == 6
    points = {c.text_content() for c in charts[0].xpath('.//circle/title')}
    expected = {f"{s['year']}: {s['new_requests']:,}" for s in db["report_summary"].rows_where(
        "report_id IN (SELECT id FROM reports WHERE agency_id = ? AND is_current = 1)", [agency_id])}
    assert points == expected
    assert f"2023: {pages_archive.edited_record['requests']['new_requests']['total']:,}" in points


def test_agency_page_lists_the_edits_between_versions(pages_client: Client, pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    agency_id = db["reports"].get(pages_archive.edited_id)["agency_id"]
    tree = lxml_html.fromstring(pages_client.get(f"/nianbao/agencies/{agency_id}").text)
    shown = {tuple(td.text_content().strip() for td in tr.xpath("./td"))[1:]
             for tr in tree.xpath('//table[contains(@class, "edits-table")]/tbody/tr')}
    before = _stored(db, pages_archive.ids[p.EDITED])
    after = _stored(db, pages_archive.edited_id)
    changed = {(str(before[k]["value"]), str(after[k]["value"])) for k in before
               if before[k]["value"] != after[k]["value"]}
    assert len(changed) >= 3
    assert shown == changed


def test_compare_agencies_side_by_side_and_one_agency_over_years(pages_client: Client,
                                                                  pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    a = db["reports"].get(pages_archive.ids[(p.HONGZE, 2023)])
    c = db["reports"].get(pages_archive.ids[(p.HAIYUAN, 2023)])
    tree = lxml_html.fromstring(pages_client.get(
        f"/-/compare?agency={a['agency_id']}&agency={c['agency_id']}&year=2023").text)
    heads = tree.xpath('//table[@class="compare-table"]/thead/tr/th/a/@href')
    assert heads == [f"/nianbao/reports/{a['id']}", f"/nianbao/reports/{c['id']}"]
    row = next(tr for tr in tree.xpath('//table[@class="compare-table"]/tbody/tr')
               if "new requests" in tr.xpath("string(./th)"))
    summary = {s["report_id"]: s for s in db["report_summary"].rows}
    assert [td.text_content() for td in row.xpath("./td")] == [str(summary[a["id"]]["new_requests"]),
                                                                  str(summary[c["id"]]["new_requests"])]
    edited_agency = db["reports"].get(pages_archive.edited_id)["agency_id"]
    years = lxml_html.fromstring(pages_client.get(f"/-/compare?agency={edited_agency}").text)
    assert years.xpath('//table[@class="compare-table"]/thead/tr/th/a/@href') == [
        f"/nianbao/reports/{pages_archive.ids[(p.WUHOU, 2022)]}", f"/nianbao/reports/{pages_archive.edited_id}"]


def test_report_page_links_compare_export_agency_and_feeds(pages_client: Client,
                                                           pages_archive: PagesArchive) -> None:
    report_id = pages_archive.ids[(p.HONGZE, 2023)]
    tree = lxml_html.fromstring(pages_client.get(f"/nianbao/reports/{report_id}").text)
    links = tree.xpath('//nav[@class="report-tools"]//a/@href')
    assert f"/-/export/{report_id}.csv" in links
    assert f"/-/export/{report_id}.json" in links
    compare = [h for h in links if h.startswith("/-/compare")]
    assert len(compare) == 2
    for href in compare + [h for h in links if h.startswith("/nianbao/agencies/")]:
        page = pages_client.get(href)
        assert page.status_code == 200, href
        assert f"/nianbao/reports/{report_id}" in page.text, href
    for href in tree.xpath('//link[@rel="alternate" and @type="application/atom+xml"]/@href'):
        assert etree.fromstring(pages_client.get(href).content).tag == f"{ATOM}feed"


def test_export_csv_and_json_carry_every_cell_with_labels_and_provenance(pages_client: Client,
                                                                         pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    for key in [(p.HAIYUAN, 2023), (p.HONGZE, 2022)]:
        report_id = pages_archive.ids[key]
        stored = _stored(db, report_id)
        response = pages_client.get(f"/-/export/{report_id}.csv")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == len(stored)
        for row in rows:
            cell = stored[(row["table_key"], row["row_key"], row["col_key"])]
            assert row["value"] == ("" if cell["value"] is None else str(cell["value"]))
            assert row["raw"] == (cell["raw"] or "")
            assert row["page"] == ("" if cell["page"] is None else str(cell["page"]))
            assert row["original_at"].startswith("/-/original/")
        wanted = ("requests", "new_requests", "total")
        new = next(r for r in rows if (r["table_key"], r["row_key"], r["col_key"]) == wanted)
        assert (new["row_zh"], new["row_en"], new["col_zh"]) == (
            "一、本年新收政府信息公开申请数量", "new requests", "总计")
        data = json.loads(pages_client.get(f"/-/export/{report_id}.json").text)
        assert data["report"]["id"] == report_id
        assert data["report"]["source_url"].startswith("https://")
        assert {(c["table_key"], c["row_key"], c["col_key"]): c["value"] for c in data["cells"]} == {
            k: v["value"] for k, v in stored.items()}
        assert len(data["checks"]) == db["checks"].count_where("report_id = ?", [report_id])
    assert pages_client.get("/-/export/999999.csv").status_code == 404


def test_export_never_carries_a_local_path() -> None:
    from archive.export import web_url

    assert web_url("file:///home/someone/reports/a.pdf") is None
    assert web_url("https://www.example.gov.cn/a.pdf") == "https://www.example.gov.cn/a.pdf"


def _feed(client: Client, path: str) -> etree._Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{tag}") is not None, tag
    assert RFC3339.match(feed.findtext(f"{ATOM}updated"))
    for entry in feed.findall(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}title")
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://")
    return feed


def _entry_reports(feed: etree._Element) -> list[int]:
    return [int(e.find(f"{ATOM}link").get("href").rsplit("/", 1)[1]) for e in feed.findall(f"{ATOM}entry")]


def test_feeds_are_valid_atom_and_filter_by_province_and_agency(pages_client: Client,
                                                                 pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    assert len(_entry_reports(_feed(pages_client, "/-/feeds/new.atom"))) == db["reports"].count
    late = _entry_reports(_feed(pages_client, "/-/feeds/late.atom"))
    assert pages_archive.edited_id in late
    assert pages_archive.ids[p.EDITED] not in late
    assert _entry_reports(_feed(pages_client, "/-/feeds/edits.atom")) == [pages_archive.edited_id]
    sichuan = _entry_reports(_feed(pages_client, "/-/feeds/new.atom?province=四川省"))
    assert sichuan
    assert set(sichuan) == {r["id"] for r in db.query(
        "SELECT r.id FROM reports r JOIN divisions d ON d.code = r.division_code WHERE d.province = '四川省'")}
    agency_id = db["reports"].get(pages_archive.edited_id)["agency_id"]
    mine = _entry_reports(_feed(pages_client, f"/-/feeds/new.atom?agency={agency_id}"))
    assert sorted(mine) == sorted(r["id"] for r in db["reports"].rows_where("agency_id = ?", [agency_id]))
    assert _entry_reports(_feed(pages_client, "/-/feeds/new.atom?province=西藏自治区")) == []
    assert pages_client.get("/-/feeds/new.atom?agency=x").status_code == 400


def test_failing_feed_lists_reports_whose_arithmetic_fails(client: Client, built: Built) -> None:
    failing = _entry_reports(_feed(client, "/-/feeds/failing.atom"))
    assert built.ids[b.BROKEN] in failing
    assert set(failing) == {r["report_id"] for r in Database(built.db_path).query(
        "SELECT report_id FROM report_summary WHERE failing_checks > 0")}


def test_pages_link_the_feeds_that_follow_them(client: Client, built: Built) -> None:
    pages = {"/": "new", "/nianbao/failing_checks": "failing", "/nianbao/late_or_missing": "late",
             "/nianbao/report_summary": "new", f"/nianbao/reports/{built.ids[b.BROKEN]}": "new",
             "/nianbao/agencies/1": "new"}
    for path, kind in pages.items():
        tree = lxml_html.fromstring(client.get(path).text)
        hrefs = tree.xpath('//link[@rel="alternate" and @type="application/atom+xml"]/@href')
        assert any(h.startswith(f"/-/feeds/{kind}.atom") for h in hrefs), path
        for href in hrefs:
            _feed(client, href)
    tree = lxml_html.fromstring(client.get("/nianbao/failing_checks", province="浙江省", year="").text)
    assert tree.xpath('//link[@type="application/atom+xml"]/@href') == [
        "/-/feeds/failing.atom?province=%E6%B5%99%E6%B1%9F%E7%9C%81"]


def test_copy_paste_flags_find_exactly_the_planted_pairs(pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    ids = pages_archive.ids
    found = {(f["report_id"], f["other_report_id"], f["kind"]) for f in db["copy_flags"].rows}
    agency, year, before = p.TABLES_COPIED
    assert found == {
        (ids[(agency, year)], ids[(agency, before)], "tables_repeat_last_year"),
        (ids[p.TEXT_FROM_OTHER[0]], ids[p.TEXT_FROM_OTHER[1]], "text_repeats_other_agency"),
        (ids[p.TEXT_FROM_LAST_YEAR[0]], ids[p.TEXT_FROM_LAST_YEAR[1]], "text_repeats_last_year"),
    }


def test_copy_paste_flags_show_on_both_report_pages_and_in_the_query(pages_client: Client,
                                                                      pages_archive: PagesArchive) -> None:
    copier, original = (pages_archive.ids[k] for k in p.TEXT_FROM_OTHER)
    for here, there in ((copier, original), (original, copier)):
        tree = lxml_html.fromstring(pages_client.get(f"/nianbao/reports/{here}").text)
        notice = tree.xpath('//div[@id="copy-flags"]')
        assert notice, here
        assert tree.xpath('//div[@id="copy-flags"]//a/@href') == [f"/nianbao/reports/{there}"]
    clean = lxml_html.fromstring(pages_client.get(f"/nianbao/reports/{pages_archive.ids[(p.HAIYUAN, 2022)]}").text)
    assert not clean.xpath('//div[@id="copy-flags"]')
    rows = pages_client.json("/nianbao/copy_flags.json", kind="", province="", year="")
    assert len(rows) == 3
    page = pages_client.get("/nianbao/copy_flags", kind="text_repeats_other_agency", province="", year="")
    assert f'href="/nianbao/reports/{copier}"' in page.text
    assert f'href="/nianbao/reports/{original}"' in page.text


def test_table_pages_fold_the_column_descriptions(client: Client) -> None:
    for path in ("/nianbao/report_summary", "/nianbao/reports", "/nianbao/report_values"):
        tree = lxml_html.fromstring(client.get(path).text)
        details = tree.xpath('//details[@class="column-notes"]')
        assert len(details) == 1, path
        assert details[0].get("open") is None, path
        assert len(details[0].xpath(".//dt")) >= 10
        table = tree.xpath('//table[contains(@class, "rows-and-columns")]')[0]
        order = list(tree.iter())
        assert order.index(details[0]) < order.index(table), path  # the folded notes come before the rows
    css = client.get("/static/nianbao.css").text
    assert "dl.column-descriptions { display: none; }" in css
    assert re.search(r"td\.col-sha256[^{]*\{[^}]*text-overflow: ellipsis", css)


def test_compare_finds_agencies_by_name_to_add(pages_client: Client, pages_archive: PagesArchive) -> None:
    db = Database(pages_archive.db_path)
    tree = lxml_html.fromstring(pages_client.get("/-/compare", q="洪泽").text)
    offered = {int(v) for v in tree.xpath('//form[@class="compare-form"]//input[@name="agency"]/@value')}
    assert offered == {r["id"] for r in db.query("SELECT id FROM agencies WHERE name LIKE '%洪泽%'")}
    assert len(offered) == 2
    assert not tree.xpath('//table[@class="compare-table"]')  # nothing chosen yet: no table, a hint
    assert pages_client.get("/-/compare", q="%_").status_code == 200
