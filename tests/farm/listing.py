"""Reading each family's 年报 lists, page by page: small reference readers for the spider writer.

Each `read_<family>(client, column_url)` returns every list entry of a column as (title, absolute URL), in
list order, following that family's pagination to the end. See docs/farm.md for the URL shapes.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html

from tests.farm.client import Client

Entry = tuple[str, str]
# Both createPageHTML signatures; the function definition (with _nPageCount…) does not match the digits.
CREATE_PAGE = re.compile(r"createPageHTML\(\s*(?:'(\w+)'\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['\"](\w+)['\"]\s*,"
                         r"\s*['\"](\w+)['\"]")
# The inline TRS pager (邯郸): var countPage=N with document.write, pages index.html, index_1.html … (0-based).
COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
DATASTORE = re.compile(r'<script type="text/xml">(.*?)</script>', re.S)
CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def decode(body: bytes, content_type: str) -> str:
    """Declared charset (HTTP header, then <meta>; default UTF-8). GBK and GB2312 are read as GB18030."""
    head = body[:2048].decode("ascii", "replace")
    m = re.search(r"charset=([\w-]+)", content_type or "", re.I) or re.search(r"charset=([\w-]+)", head, re.I)
    charset = m.group(1).lower() if m else "utf-8"
    return body.decode("gb18030" if charset in ("gbk", "gb2312", "gb18030") else charset)


def fetch_html(client: Client, url: str, **kw: object) -> str:
    reply = client.get(url, **kw)  # type: ignore[arg-type]
    assert reply.status == 200, (reply.status, url)
    return decode(reply.body, reply.headers.get("Content-Type", ""))


def anchors(html: str, base: str, xpath: str) -> list[Entry]:
    """(title, absolute href) of the anchors an XPath selects; the full title is in title= (texts are cut)."""
    doc = lxml.html.fromstring(html)
    return [((a.get("title") or a.text_content()).strip(), urljoin(base, a.get("href"))) for a in doc.xpath(xpath)]


# ---- TRS: static pages named by createPageHTML(...) ----

def trs_pages(html: str, column_url: str) -> list[str]:
    """All list page URLs of a TRS column, from its createPageHTML call (old 0-based or 海云 1-based form) or
    its inline countPage pager."""
    m = CREATE_PAGE.search(html)
    inline = COUNT_PAGE.search(html)
    if m is None and inline is not None:
        count = int(inline.group(1))
        return [urljoin(column_url, n) for n in ["index.html"] + [f"index_{i}.html" for i in range(1, count)]]
    if m is None:
        return [column_url]
    div, count, prefix, ext = m.group(1), int(m.group(2)), m.group(4), m.group(5)
    if div:  # 海云: index.shtml, index_2.shtml … index_N.shtml
        names = [f"{prefix}.{ext}"] + [f"{prefix}_{i}.{ext}" for i in range(2, count + 1)]
    else:    # old WCM: index.html, index_1.html … index_{N-1}.html
        names = [f"{prefix}.{ext}"] + [f"{prefix}_{i}.{ext}" for i in range(1, count)]
    return [urljoin(column_url, n) for n in names]


def read_trs(client: Client, column_url: str) -> tuple[list[Entry], int]:
    first = fetch_html(client, column_url)
    pages = trs_pages(first, column_url)
    entries: list[Entry] = []
    for i, url in enumerate(pages):
        html = first if i == 0 else fetch_html(client, url)
        entries += anchors(html, url, '//ul[@class="list-ul"]/li/a | //table[@class="tb-list"]//td[@class="mc"]/a')
    return entries, len(pages)


# ---- Hanweb: CDATA records in the column page, then dataproxy.jsp ----

def hanweb_records(xml: str, base: str) -> list[Entry]:
    out: list[Entry] = []
    for fragment in CDATA.findall(xml.split("<recordset>", 1)[-1]):
        out += anchors(f"<ul>{fragment}</ul>", base, "//li/a")
    return out


def read_hanweb(client: Client, column_url: str) -> tuple[list[Entry], int]:
    html = fetch_html(client, column_url)
    store = DATASTORE.search(html).group(1)  # type: ignore[union-attr]
    entries = hanweb_records(store, column_url)
    nextgroup = re.search(r'<nextgroup><!\[CDATA\[<a href="([^"]*)"', store)
    pages = 1
    if nextgroup:
        params = parse_qs(urlsplit(nextgroup.group(1)).query)
        proxy = urljoin(column_url, "/module/web/jpage/dataproxy.jsp")
        page = 2
        while True:
            form = {"col": "1", "appid": "1", "webid": params["webid"][0], "path": "/",
                    "columnid": params["columnid"][0], "sourceContentType": "1", "unitid": params["unitid"][0],
                    "permissiontype": "0", "page": str(page)}
            body = "&".join(f"{k}={v}" for k, v in form.items()).encode()
            reply = client.get(proxy, {"Referer": column_url, "X-Requested-With": "XMLHttpRequest"}, data=body)
            xml = reply.text()
            total = int(re.search(r"<totalpage>(\d+)</totalpage>", xml).group(1))  # type: ignore[union-attr]
            entries += hanweb_records(xml, column_url)
            pages += 1
            if page >= total:
                break
            page += 1
    return entries, pages


# ---- gkmlpt: column tree in window._CONFIG, lists from the JSON API ----

def gkmlpt_config(html: str) -> dict[str, object]:
    return json.loads(re.search(r"window\._CONFIG = (\{.*?\});</script>", html, re.S).group(1))  # type: ignore


def read_gkmlpt(client: Client, column_url: str) -> tuple[list[Entry], int]:
    """column_url is /gkmlpt/index#<columnId>: the SID comes from the app page, the rest from the API."""
    config = gkmlpt_config(fetch_html(client, column_url.split("#")[0]))
    column = urlsplit(column_url).fragment
    entries: list[Entry] = []
    page = 1
    while True:
        api = urljoin(column_url, f"/gkmlpt/api/all/{column}?page={page}&sid={config['SID']}")
        reply = client.get(api)
        if reply.status == 500:  # a flaky page: try again once, as a crawler's retry would
            reply = client.get(api)
        data = json.loads(reply.body)
        if not data["articles"]:
            break
        entries += [(a["title"], a["url"]) for a in data["articles"]]
        if len(entries) >= data["classify"]["post_count"]:
            break
        page += 1
    return entries, page


# ---- VSB and generic: follow the next-page link ----

def read_by_next_link(client: Client, column_url: str, items: str, next_text: str) -> tuple[list[Entry], int]:
    entries: list[Entry] = []
    url: str | None = column_url
    pages = 0
    while url:
        html = fetch_html(client, url)
        pages += 1
        entries += anchors(html, url, items)
        nxt = [href for text, href in anchors(html, url, f'//a[normalize-space(text())="{next_text}"]')]
        url = nxt[0] if nxt else None
    return entries, pages


def read_vsb(client: Client, column_url: str) -> tuple[list[Entry], int]:
    """Pages are <col>/<k>.htm numbered backwards; following 下页 avoids computing them."""
    return read_by_next_link(client, column_url, '//div[@class="list"]//li/a', "下页")


def read_generic(client: Client, column_url: str) -> tuple[list[Entry], int]:
    return read_by_next_link(client, column_url, '//td[@class="list-title"]/a', "下一页")


READERS = {"trs": read_trs, "hanweb": read_hanweb, "gkmlpt": read_gkmlpt, "vsb": read_vsb, "generic": read_generic}
