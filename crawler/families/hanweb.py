"""大汉 Hanweb JCMS: list records inside <script type="text/xml"> CDATA, more pages from dataproxy.jsp."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from crawler.families.base import Family, Link, PageRequest, anchors

RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>")
TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
PERPAGE = re.compile(r"perpage\s*[=:]\s*['\"]?(\d+)")
DATAPROXY = "/module/web/jpage/dataproxy.jsp"


def _records(body: str, url: str) -> list[Link]:
    return [link for fragment in RECORD.findall(body) for link in anchors(fragment, url)]


def _with_page(proxy_url: str, page: int) -> str:
    parts = urlsplit(proxy_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return parts._replace(query=urlencode([*query, ("page", str(page))])).geturl()


class HanwebFamily(Family):
    name = "hanweb"

    def matches(self, url: str, body: str) -> bool:
        return 'type="text/xml"' in body or DATAPROXY in body or ("/art/" in url and "/art_" in url)

    def links(self, url: str, body: str) -> list[Link]:
        return _records(body, url) + anchors(body, url)

    def pages(self, url: str, body: str) -> list[PageRequest]:
        m = NEXTGROUP.search(body)
        if not m:
            return super().pages(url, body)
        proxies = [link.url for link in anchors(m.group(1), url) if DATAPROXY in link.url]
        if not proxies:
            return []
        return [PageRequest(_with_page(proxies[0], 1), kind="xml")]

    def parse_feed(self, url: str, body: str, kind: str) -> tuple[list[Link], list[PageRequest]]:
        links = _records(body, url)
        m = TOTAL_PAGE.search(body)
        pages: list[PageRequest] = []
        current = int(dict(parse_qsl(urlsplit(url).query)).get("page", "1"))
        if m and current == 1:
            pages = [PageRequest(_with_page(url, p), kind="xml") for p in range(2, int(m.group(1)) + 1)]
        return links, pages


def dataproxy_url(column_url: str, params: dict[str, str]) -> str:
    return urljoin(column_url, DATAPROXY) + "?" + urlencode(params)
