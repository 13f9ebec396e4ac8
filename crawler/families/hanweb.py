"""大汉 Hanweb JCMS: list records inside <script type="text/xml"> CDATA, more pages from dataproxy.jsp.

dataproxy.jsp pages either by `page=N` or by record ranges `startrecord=S&endrecord=E&perpage=P` (one range is
a group of several UI pages). How many there are comes from <totalpage>/<totalrecord> in the XML or
`totalRecord` in the column page's script; when neither is given (定西's answers carry none), the next page
or range is asked for as long as the last one still held records.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from crawler.families.base import Family, Link, PageRequest, anchors
from crawler.families.pagers import MAX_LIST_PAGES

RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>")
TOTAL_RECORD = re.compile(r"(?:<totalrecord>\s*|\btotalRecord\b['\"]?\s*[:=]\s*['\"]?)(\d+)", re.I)
PERPAGE = re.compile(r"\bperpage\b['\"]?\s*[:=]\s*['\"]?(\d+)", re.I)
PROXY_IN_SCRIPT = re.compile(r"""["'](?P<url>[^"'\s]*?/module/web/jpage/dataproxy\.jsp\?[^"'\s<>]*)["']""")
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
RANGE_KEYS = ("startrecord", "endrecord", "perpage")


def _records(body: str, url: str) -> list[Link]:
    return [link for fragment in RECORD.findall(body) for link in anchors(fragment, url)]


def _with(proxy_url: str, **values: int) -> str:
    parts = urlsplit(proxy_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in values]
    return parts._replace(query=urlencode([*query, *[(k, str(v)) for k, v in values.items()]])).geturl()


def _with_page(proxy_url: str, page: int) -> str:
    return _with(proxy_url, page=page)


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def _total_records(body: str) -> int | None:
    m = TOTAL_RECORD.search(body)
    return int(m.group(1)) if m else None


def _ranges(proxy_url: str, total: int | None, records_here: int | None = None) -> list[str]:
    """The record ranges from this one on: all of them when the total is known, else the next one."""
    q = _query(proxy_url)
    start, end = int(q.get("startrecord", 1)), int(q.get("endrecord", 0))
    perpage = int(q.get("perpage", 0)) or max(end - start + 1, 1)
    size = max(end - start + 1, 1) if end else perpage * 3
    if total is None:
        if records_here == 0:
            return []
        starts = [start + size] if records_here is not None else [start]
    else:
        starts = list(range(start, total + 1, size))
    return [_with(proxy_url, startrecord=s, endrecord=s + size - 1, perpage=perpage) for s in starts[:MAX_LIST_PAGES]]


class HanwebFamily(Family):
    name = "hanweb"

    def matches(self, url: str, body: str) -> bool:
        return 'type="text/xml"' in body or DATAPROXY in body or ("/art/" in url and "/art_" in url)

    def links(self, url: str, body: str) -> list[Link]:
        return _records(body, url) + anchors(body, url)

    def pages(self, url: str, body: str) -> list[PageRequest]:
        m = NEXTGROUP.search(body)
        proxies = [link.url for link in anchors(m.group(1), url) if DATAPROXY in link.url] if m else []
        proxies += [urljoin(url, s.group("url").replace("&amp;", "&")) for s in PROXY_IN_SCRIPT.finditer(body)]
        if not proxies:
            return super().pages(url, body)
        proxy = proxies[0]
        if "startrecord" in _query(proxy):
            return [PageRequest(u, kind="xml") for u in _ranges(proxy, _total_records(body))]
        return [PageRequest(_with_page(proxy, 1), kind="xml")]

    def parse_feed(self, url: str, body: str, kind: str) -> tuple[list[Link], list[PageRequest]]:
        links = _records(body, url)
        query = _query(url)
        if "startrecord" in query:
            return links, [PageRequest(u, kind="xml") for u in _ranges(url, _total_records(body), len(links))]
        current = int(query.get("page", "1"))
        total_pages = _total_pages(body)
        if total_pages is not None:
            numbers = range(current + 1, total_pages + 1) if current == 1 else range(0)
        else:
            numbers = range(current + 1, current + 2) if links and current < MAX_LIST_PAGES else range(0)
        return links, [PageRequest(_with_page(url, p), kind="xml") for p in numbers]


def _total_pages(body: str) -> int | None:
    m = TOTAL_PAGE.search(body)
    if m:
        return min(int(m.group(1)), MAX_LIST_PAGES)
    total, per = _total_records(body), PERPAGE.search(body)
    return min(math.ceil(total / int(per.group(1))), MAX_LIST_PAGES) if total is not None and per else None


def dataproxy_url(column_url: str, params: dict[str, str]) -> str:
    return urljoin(column_url, DATAPROXY) + "?" + urlencode(params)
