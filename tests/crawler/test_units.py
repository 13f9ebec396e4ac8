"""Pure crawler helpers: titles, hosts, anti-bot recognition, family list parsing, registry, schedule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.antibot import challenge_of
from crawler.article import read_article
from crawler.families import FAMILIES, detect
from crawler.schedule import MARK_BEGIN, cron_block, merge_crontab, systemd_units
from crawler.sources import Source, add_source, load_sources, problems
from crawler.titles import is_report_column, is_report_title, report_year
from crawler.urls import is_attachment, is_trusted_host

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.mark.parametrize(
    ("title", "ok", "year"),
    [
        ("海原县2025年政府信息公开工作年度报告", True, 2025),
        ("洪泽区人民政府 2023 年政府信息公开工作年度报告", True, 2023),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", True, 2019),
        ("XX镇2021年度政府信息公开年报", True, 2021),
        ("2023年政府网站工作年度报表", False, 2023),
        ("政府信息公开指南", False, None),
        ("关于做好2023年政府信息公开工作年度报告编制工作的通知", False, 2023),
        ("XX县2022年部门决算", False, 2022),
        ("政府信息公开工作年度报告", False, None),  # the 年报 column's own name links to a list
    ],
)
def test_report_titles(title: str, ok: bool, year: int | None) -> None:
    assert is_report_title(title) is ok
    assert report_year(title) == year


def test_column_link_texts() -> None:
    assert all(map(is_report_column, ["政府信息公开年报", "年度报告", "信息公开年报", "政府信息公开工作年度报告"]))
    assert not any(map(is_report_column, ["政府信息公开指南", "通知公告", "年度报告公示"]))


def test_hosts_and_attachments() -> None:
    assert is_trusted_host("http://www.hy.gov.cn/a.html")
    assert not is_trusted_host("http://www.haose21.com/a.html")
    assert not is_trusted_host("http://gov.cn.evil.com/")
    assert is_trusted_host("http://www.example.org/", (".example.org",))
    assert is_attachment("http://x.gov.cn/202401/P020240130123.pdf")
    assert is_attachment("http://x.gov.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&wbfileid=9")
    assert not is_attachment("http://x.gov.cn/art/2024/1/2/art_1_2.html")


def test_antibot_recognition_on_a_real_challenge_page() -> None:
    page = SHARED / "portal-pages" / "antibot" / "cnipa-wcjs-rs412.html"
    if not page.exists():
        pytest.skip("../shared/portal-pages absent")
    assert challenge_of(412, page.read_bytes()) is not None
    assert challenge_of(200, b"<html><body>ordinary</body></html>") is None
    assert challenge_of(302, b"", "http://x.gov.cn/?WZWSREL=L2EuaHRtbA==") is not None


def test_trs_both_createpagehtml_signatures() -> None:
    trs = FAMILIES["trs"]
    old = trs.pages("http://x.gov.cn/zfxxgknb/index.html", 'createPageHTML(3, 0, "index", "html");')
    assert [p.url for p in old] == ["http://x.gov.cn/zfxxgknb/index.html", "http://x.gov.cn/zfxxgknb/index_1.html",
                                    "http://x.gov.cn/zfxxgknb/index_2.html"]
    new = trs.pages("http://x.gov.cn/nb/fg.shtml", "createPageHTML('page_div',3, 1,'fg','shtml',35);")
    assert [p.url for p in new] == ["http://x.gov.cn/nb/fg.shtml", "http://x.gov.cn/nb/fg_2.shtml",
                                    "http://x.gov.cn/nb/fg_3.shtml"]


def test_hanweb_records_in_script_and_dataproxy_pages() -> None:
    body = ('<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?'
            'page=1&webid=3&columnid=77&unitid=9"></a>]]></nextgroup><recordset><record><![CDATA[<li><a href="/art/'
            '2024/1/23/art_77_1.html" title="某县2023年政府信息公开工作年度报告">某县…</a>'
            '<span>2024-01-23</span></li>]]></record></recordset></datastore></script>')
    family = detect("http://x.gov.cn/col/col77/index.html", body)
    assert family.name == "hanweb"
    links = family.links("http://x.gov.cn/col/col77/index.html", body)
    assert links[0].url == "http://x.gov.cn/art/2024/1/23/art_77_1.html"
    assert links[0].date == "2024-01-23"
    (page,) = family.pages("http://x.gov.cn/col/col77/index.html", body)
    assert page.kind == "xml"
    assert "columnid=77" in page.url
    feed = "<datastore><totalpage>3</totalpage><recordset></recordset></datastore>"
    _, more = family.parse_feed(page.url, feed, "xml")
    assert [p.url.rsplit("page=", 1)[1] for p in more] == ["2", "3"]


def test_gkmlpt_api_pages() -> None:
    gk = FAMILIES["gkmlpt"]
    articles = [{"id": i, "title": f"t{i}", "date": 1700000000, "url": f"/gkmlpt/content/1/{i}/post_{i}.html"}
                for i in range(10)]
    feed = json.dumps({"classify": {"id": 5, "name": "年报", "post_count": 25}, "articles": articles})
    links, pages = gk.parse_feed("http://x.gov.cn/s/gkmlpt/api/all/5?page=1&sid=7", feed, "json")
    assert len(links) == 10
    assert [p.url for p in pages] == ["http://x.gov.cn/s/gkmlpt/api/all/5?page=2&sid=7",
                                      "http://x.gov.cn/s/gkmlpt/api/all/5?page=3&sid=7"]


def test_article_meta_and_info_block() -> None:
    body = ('<html><head><meta name="ArticleTitle" content="某县2023年政府信息公开工作年度报告">'
            '<meta name="PubDate" content="2024-01-20 09:00"><meta name="SiteIDCode" content="6405220001"></head>'
            "<body><table><tr><td>索引号：</td><td>000014348/2024-00001</td><td>发布机构：</td><td>某县政府办</td></tr>"
            '</table><a href="./P020240120.pdf">附件</a></body></html>')
    meta, files = read_article(body, "http://x.gov.cn/nb/202401/t20240120_1.html")
    assert meta["ArticleTitle"].endswith("年度报告")
    assert meta["SiteIDCode"] == "6405220001"
    assert meta["索引号"] == "000014348/2024-00001"
    assert meta["发布机构"] == "某县政府办"
    assert files == ["http://x.gov.cn/nb/202401/P020240120.pdf"]


def test_registry_is_valid_and_adding_validates(tmp_path: Path) -> None:
    registry = load_sources()
    assert registry
    assert not [p for s in registry for p in problems(s)]
    assert all(s.verified == "no" for s in registry)
    with pytest.raises(ValueError, match="not on a"):
        add_source(registry, division_code="640522", agency="x", level="county_gov",
                   start_urls="http://www.haose21.com/", family="", notes="", verified="no")
    added = add_source(registry, division_code="640522", agency="海原县", level="county_gov",
                       start_urls="http://www.hy.gov.cn/", family="", notes="", verified="no")
    assert added.id == max(s.id for s in registry)
    assert problems(Source(1, "12", "x", "mayor", "ftp://a", "weird")) != []


def test_schedule_is_denser_around_deadlines_and_installs_idempotently() -> None:
    block = cron_block("/srv/nianbao", "nianbao crawl")
    assert "20-31 1 *" in block
    assert "20-31 3 *" in block
    crontab = "MAILTO=me\n0 1 * * * backup\n"
    once = merge_crontab(crontab, block)
    assert merge_crontab(once, block) == once
    assert once.count(MARK_BEGIN) == 1
    assert "0 1 * * * backup" in once
    timer = systemd_units("/srv/nianbao", "nianbao crawl")["nianbao-crawl.timer"]
    assert timer.count("OnCalendar=") == 5


def test_sources_confirmed_only_by_hosts_that_yielded_reports() -> None:
    from crawler.sources import Source, confirm

    rows = [Source(1, "320813", "洪泽区人民政府", "county_gov", "http://www.hongze.gov.cn/"),
            Source(2, "320812", "清江浦区人民政府", "county_gov", "http://www.qjp.gov.cn/ http://xxgk.qjp.gov.cn/"),
            Source(3, "320804", "淮阴区人民政府", "county_gov", "http://www.huaiyin.gov.cn/",
                   verified="yes 2025-04-01")]
    newly = confirm(rows, {"xxgk.qjp.gov.cn": "2026-11-29T09:00:00Z", "www.huaiyin.gov.cn": "2026-11-29T09:00:00Z"})
    assert [s.id for s in newly] == [2]
    assert [s.verified for s in rows] == ["no", "yes 2026-11-29", "yes 2025-04-01"]
