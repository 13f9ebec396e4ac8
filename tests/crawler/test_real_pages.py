# ruff: noqa: E501
"""The family readers on real portal pages (../shared/portal-pages, read in place) and on the pagination
variants real portals use (countPage + document.write, Hanweb record ranges, 尾页 links, TRS 动静结合).

Real pages are read "as a server sends them": the JSP wrapper a repository author added and the links a
browser's document.write left in the saved copy are removed first, since a crawler never sees those.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from crawler.antibot import challenge_of
from crawler.article import read_article
from crawler.families import FAMILIES, detect
from crawler.families.base import anchors
from crawler.families.pagers import MAX_LIST_PAGES, count_page, through_last, trs_dynamic
from crawler.titles import is_navigation, is_report_column, is_report_title
from tests.conftest import SHARED

PAGES = SHARED / "portal-pages"
HANDAN_LIST_URL = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"
DINGXI_PROXY = ("http://zwgk.dingxi.gov.cn/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=110&path=/"
                "&columnid=12377&unitid=38486&permissiontype=0")
# Where each real page was served from (its README), for link resolution.
PAGE_URLS = {
    "trs/handan-hdzfxxgk-list.jsp": HANDAN_LIST_URL,
    "trs/handan-hdzfxxgk-article.jsp": "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html",
    "trs/handan-hdzfxxgk-index.jsp": "http://hdzfxxgk.hd.gov.cn/",
    "trs/handan-hdzfxxgk-gkzn.jsp": "http://hdzfxxgk.hd.gov.cn/zfxxgkzn/",
    "trs/shanxi-gov-article.html": "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml",
    "hanweb/zj-fgw-article.html": "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
    "hanweb/dingxi-zwgk-dataproxy-col12377.xml": DINGXI_PROXY,
    "antibot/cnipa-wcjs-rs412.html": "https://wcjs.sbj.cnipa.gov.cn/sgtmi",
    "antibot/nmpa-datasearch-rs6-shell.html": "https://www.nmpa.gov.cn/datasearch/",
}


def server_copy(text: str) -> str:
    """The page as its server sent it: no JSP comment/directive/include, no injected allow-copy script, and no
    anchors after a pager script (what the browser's document.write produced when the page was saved)."""
    text = re.sub(r"<%--.*?--%>|<%@.*?%>|<jsp:include[^>]*/>", "", text, flags=re.S)
    text = re.sub(r'<script id="allow-copy_script">.*?</script>', "", text, flags=re.S)
    return re.sub(r"(var countPage.*?</script>)[^\n]*?(?=\s*</div>)", r"\1", text, flags=re.S)


def real(name: str) -> str:
    path = PAGES / name
    if not path.exists():
        pytest.skip(f"../shared/portal-pages/{name} is not present")
    return path.read_text(encoding="utf-8")


def test_every_real_page_is_listed_here() -> None:
    if not PAGES.is_dir():
        pytest.skip("../shared/portal-pages is not present")
    files = {str(p.relative_to(PAGES)) for p in PAGES.rglob("*") if p.is_file() and p.name != "README.md"}
    assert files
    assert files == set(PAGE_URLS)


def test_handan_list_as_served_gives_all_56_pages() -> None:
    saved = real("trs/handan-hdzfxxgk-list.jsp")
    body = server_copy(saved)
    assert "index_55.html" in saved
    assert "index_55.html" not in body  # the browser-written pager is gone: only the script is left
    family = detect(HANDAN_LIST_URL, body)
    assert family.name == "trs"
    pages = [p.url for p in family.pages(HANDAN_LIST_URL, body)]
    further = [u for u in pages if u != HANDAN_LIST_URL]
    assert len(further) == 55
    assert further[0] == "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_1.html"
    assert further[-1] == "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_55.html"
    links = {link.url: link for link in family.links(HANDAN_LIST_URL, body)}
    row = links["http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html"]
    assert row.text.startswith("邯郸市教育局关于印发")
    assert not is_report_title(row.text)  # a notice in the list, not a report


def test_handan_saved_copy_with_browser_links_gives_the_same_pages() -> None:
    saved = real("trs/handan-hdzfxxgk-list.jsp")
    served = {p.url for p in detect(HANDAN_LIST_URL, server_copy(saved)).pages(HANDAN_LIST_URL, server_copy(saved))}
    assert {p.url for p in detect(HANDAN_LIST_URL, saved).pages(HANDAN_LIST_URL, saved)} == served


def test_handan_platform_home_is_navigated_not_mistaken() -> None:
    body = server_copy(real("trs/handan-hdzfxxgk-index.jsp"))
    url = PAGE_URLS["trs/handan-hdzfxxgk-index.jsp"]
    assert detect(url, body).name == "trs"
    links = FAMILIES["trs"].links(url, body)
    by_text = {link.text: link.url for link in links}
    assert is_navigation("政府信息公开")
    assert by_text["政府信息公开"] == "http://hdzfxxgk.hd.gov.cn/"
    # the website's own annual statistics column is neither a 年报 column nor a report
    assert not is_report_column("政府网站年度工作报表")
    assert not is_report_title("政府网站年度工作报表")
    assert [link for link in links if is_report_title(link.text) or is_report_column(link.text)] == []
    assert FAMILIES["trs"].pages(url, body) == []  # a hub, no pager


@pytest.mark.parametrize(("name", "family", "site_id"), [
    ("trs/handan-hdzfxxgk-article.jsp", "trs", "1304000009"),
    ("trs/handan-hdzfxxgk-gkzn.jsp", "trs", "1304000009"),
    ("trs/shanxi-gov-article.html", "trs", "1400000045"),
    ("hanweb/zj-fgw-article.html", "hanweb", None),
])
def test_real_articles_are_read(name: str, family: str, site_id: str | None) -> None:
    url = PAGE_URLS[name]
    body = server_copy(real(name))
    assert detect(url, body).name == family
    meta, files = read_article(body, url)
    assert meta.get("SiteIDCode") == site_id if site_id else not meta.get("SiteIDCode")
    assert meta.get("SiteName")
    assert not [f for f in files if urlsplit(f).hostname and not urlsplit(f).hostname.endswith(".gov.cn")]


def test_handan_article_info_block() -> None:
    meta, _ = read_article(server_copy(real("trs/handan-hdzfxxgk-article.jsp")),
                           PAGE_URLS["trs/handan-hdzfxxgk-article.jsp"])
    assert meta["ArticleTitle"].startswith("邯郸市教育局关于印发")
    assert meta["PubDate"] == "2020年08月02日"
    assert "000014348/2020-35147" in " ".join(meta.values())


def test_shanxi_article_pager_is_its_own_single_page() -> None:
    url = PAGE_URLS["trs/shanxi-gov-article.html"]
    pages = [p.url for p in FAMILIES["trs"].pages(url, real("trs/shanxi-gov-article.html"))]
    assert pages == ["http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml"]


def test_dingxi_dataproxy_answer_without_totals() -> None:
    body = real("hanweb/dingxi-zwgk-dataproxy-col12377.xml")
    links, pages = FAMILIES["hanweb"].parse_feed(DINGXI_PROXY, body, "xml")
    assert len(links) == 45
    assert all(not link.text.endswith("...") for link in links)  # full titles from title=, not the cut text
    assert "http://zwgk.dingxi.gov.cn/art/2021/11/4/art_12480_1461862.html" in {link.url for link in links}
    assert not [link.text for link in links if is_report_title(link.text)]  # 网站年度工作报表 is not a 年报
    assert [dict(parse_qsl(urlsplit(p.url).query))["page"] for p in pages] == ["2"]  # records came: ask on
    assert FAMILIES["hanweb"].parse_feed(DINGXI_PROXY.replace("page=1", "page=2"),
                                         "<datastore><recordset></recordset></datastore>", "xml") == ([], [])


def test_antibot_pages_are_challenges_not_lists() -> None:
    for name in ("antibot/cnipa-wcjs-rs412.html", "antibot/nmpa-datasearch-rs6-shell.html"):
        body = real(name)
        assert challenge_of(412, body.encode()) is not None
        assert not [link for link in anchors(body, PAGE_URLS[name]) if is_report_title(link.text)]


# ---------------------------------------------------------------- variants not among the saved pages

HANWEB_COLUMN = """<html><body><div id="4567890"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15&appid=1&webid=3&path=/&columnid=1229114055&unitid=4567890&permissiontype=0"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/2024/1/23/art_1229114055_88348.html" title="龙游县人民政府办公室2023年政府信息公开工作年度报告">龙游县…</a><span>2024-01-23</span></li>]]></record></recordset>
</datastore></script>
<script>$('#4567890').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:15, groupSize:3, totalRecord:200});</script>
</div></body></html>"""


def test_hanweb_record_ranges_up_to_totalrecord() -> None:
    url = "https://www.longyou.gov.cn/col/col1229114055/index.html"
    family = detect(url, HANWEB_COLUMN)
    assert family.name == "hanweb"
    assert [link.text for link in family.links(url, HANWEB_COLUMN) if is_report_title(link.text)]
    ranges = [dict(parse_qsl(urlsplit(p.url).query)) for p in family.pages(url, HANWEB_COLUMN)]
    assert [(r["startrecord"], r["endrecord"], r["perpage"]) for r in ranges] == [
        ("46", "90", "15"), ("91", "135", "15"), ("136", "180", "15"), ("181", "225", "15")]
    assert {r["columnid"] for r in ranges} == {"1229114055"}


def test_hanweb_feed_with_totalrecord_and_without() -> None:
    feed = "https://www.longyou.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15&columnid=7"
    record = '<record><![CDATA[<li><a href="/art/2024/1/2/art_7_1.html" title="x">x</a></li>]]></record>'
    body = f"<datastore><totalrecord>100</totalrecord><recordset>{record}</recordset></datastore>"
    _, pages = FAMILIES["hanweb"].parse_feed(feed, body, "xml")
    assert [dict(parse_qsl(urlsplit(p.url).query))["startrecord"] for p in pages] == ["1", "46", "91"]
    _, pages = FAMILIES["hanweb"].parse_feed(feed, f"<datastore><recordset>{record}</recordset></datastore>", "xml")
    assert [dict(parse_qsl(urlsplit(p.url).query))["startrecord"] for p in pages] == ["46"]
    assert FAMILIES["hanweb"].parse_feed(feed, "<datastore><recordset></recordset></datastore>", "xml") == ([], [])


@pytest.mark.parametrize(("next_href", "last_href", "expected"), [
    ("list_2.shtml", "list_12.shtml", [f"list_{n}.shtml" for n in range(2, 13)]),
    ("?page=2", "?page=5", [f"?page={n}" for n in range(2, 6)]),
    ("zfxxgknb/37.htm", "zfxxgknb/1.htm", [f"zfxxgknb/{n}.htm" for n in range(37, 0, -1)]),  # VSB counts down
])
def test_last_page_links_give_every_page(next_href: str, last_href: str, expected: list[str]) -> None:
    base = "http://www.tsqs.gov.cn/xxgk/"
    body = (f'<div id="page_div" class="page"><a href="index.html">首页</a><a href="{next_href}">下一页</a>'
            f'<a href="{last_href}">尾页</a></div>')
    pages = [p.url for p in FAMILIES["generic"].pages(base + "index.html", body)]
    assert pages == [urljoin(base + "index.html", e) for e in expected]


def test_last_page_bound() -> None:
    links = anchors('<a href="list_2.html">下一页</a><a href="list_99999.html">尾页</a>', "http://x.gov.cn/")
    assert len(through_last("http://x.gov.cn/", links)) == MAX_LIST_PAGES
    body = "<script>var countPage=99999; document.write(\"<a href=\\\"index.html\\\">首页</a>\");</script>"
    assert len(count_page("http://x.gov.cn/a/", body)) == MAX_LIST_PAGES


TRS_DYNAMIC = """<div class="list"><ul><li><a href="./202401/t20240130_311260.html" title="洪洞县2023年政府信息公开工作年度报告">…</a></li></ul>
<div id="page_div"></div>
<script>
var pageConfig = {
  maxStaticIndex: 2,
  recordCount: 130,
  pageSize: 20,
  prefix: "index",
  suffix: "shtml",
  classsql: "chnlid=9608",
  channelid: "224587",
  searchUrl: "/was5/web/search?channelid=224587"
};
</script></div>"""


def test_trs_dynamic_column_reads_static_pages_then_the_search() -> None:
    url = "http://www.hongtong.gov.cn/zfxxgk/xxgkzl/zfxxgknb/index.shtml"
    family = detect(url, TRS_DYNAMIC)
    assert family.name == "trs"
    pages = [p.url for p in family.pages(url, TRS_DYNAMIC)]
    assert pages[:3] == [url, url.replace("index.shtml", "index_1.shtml"), url.replace("index.shtml", "index_2.shtml")]
    searches = [dict(parse_qsl(urlsplit(u).query)) for u in pages[3:]]
    assert [s["page"] for s in searches] == ["4", "5", "6", "7"]  # 130 records at 20 a page: 7 pages
    assert {(s["searchword"], s["channelid"], s["perpage"]) for s in searches} == {("chnlid=9608", "224587", "20")}
    assert all(urlsplit(u).path == "/was5/web/search" for u in pages[3:])
    assert trs_dynamic(url, TRS_DYNAMIC.replace("classsql", "other")) == []
