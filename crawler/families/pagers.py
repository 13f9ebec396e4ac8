"""List-page pagination variants real portals use, read from the page as a server sends it (no JavaScript run).

- TRS inline pager: `var countPage=56` and `document.write("<a href=\\"index"+"_"+…+"."+"html\\">…")`, pages
  index.html, index_1.html … index_55.html (0-based), as on 邯郸's 信息公开 platform; no createPageHTML call.
- "尾页" (last page) links: with a 下一页 link (or alone) they give the numbering, and every page in between is
  requested, not only the next one (VSB counts down: <col>/37.htm … <col>/1.htm).
- TRS 海云 "动静结合" columns: static pages only up to `maxStaticIndex`; the older items come only from the site's
  search (WAS5) with the column's `classsql` ("chnlid=…"), `recordCount` items in all.
Every variant is bounded by MAX_LIST_PAGES: a column claiming more pages is read up to there.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlencode, urljoin

from crawler.families.base import Link

MAX_LIST_PAGES = 500

COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")
# the first page the inline pager writes: href=\"index.html\" (escaped quotes inside document.write)
WRITTEN_FIRST = re.compile(r"""href=\\?["']([\w-]+)\.(s?html?)\\?["']""")
LAST_TEXT = re.compile(r"^\s*(?:尾页|末页|最后一页|最末页|last)\s*$", re.I)
NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后一页|>|›|»|next)\s*$", re.I)
NUMBER_AT_END = re.compile(r"^(?P<head>.*?)(?P<n>\d+)(?P<tail>(?:\.s?html?|\.jsp)?(?:[?#].*)?)$")
PAGE_QUERY = re.compile(r"(?P<head>[?&](?:page|pageNo|pageno|currpage|curPage|pageIndex|p)=)(?P<n>\d+)")

# TRS 动静结合 page settings, as `name: value` or `var name = value` in the page script.
SETTING = r"""\b{name}\b["']?\s*[:=]\s*["']?(?P<v>[^"',;}}\s]+)"""
CLASSSQL = re.compile(r"""\bclasssql\b["']?\s*[:=]\s*["'](?P<v>[^"']+)["']""", re.I)
SEARCH_URL = re.compile(r"""["']?(?P<v>(?:https?://[\w.-]+)?/was5/web/search[^"'\s<>]*)""")


def _setting(body: str, *names: str) -> str | None:
    for name in names:
        m = re.search(SETTING.format(name=name), body, re.I)
        if m:
            return m.group("v")
    return None


def _int_setting(body: str, *names: str) -> int | None:
    value = _setting(body, *names)
    return int(value) if value and value.isdigit() else None


def count_page(url: str, body: str) -> list[str]:
    """TRS inline pager: every page of the column, from `var countPage=N` and the file name it writes."""
    m = COUNT_PAGE.search(body)
    if not m:
        return []
    script = body[m.end(): m.end() + 6000]
    first = WRITTEN_FIRST.search(script)
    if "document.write" not in script or not first:
        return []  # a countPage used elsewhere (a go-to-page box), not the inline pager
    prefix, ext = first.groups()
    count = min(int(m.group(1)), MAX_LIST_PAGES)
    return [urljoin(url, f"{prefix}.{ext}")] + [urljoin(url, f"{prefix}_{i}.{ext}") for i in range(1, count)]


def _numbered(url: str) -> tuple[str, int, str] | None:
    """(head, number, tail) of a page URL numbered in its query (?page=7) or at the end of its path."""
    m = PAGE_QUERY.search(url)
    if m:
        return url[: m.start("n")], int(m.group("n")), url[m.end("n"):]
    m = NUMBER_AT_END.match(url)
    return (m.group("head"), int(m.group("n")), m.group("tail")) if m else None


def through_last(url: str, links: list[Link]) -> list[str]:
    """Every page between the next link and the 尾页 link (both numbered the same way), either direction."""
    lasts = [_numbered(link.url) for link in links if LAST_TEXT.match(link.text)]
    nexts = [_numbered(link.url) for link in links if NEXT_TEXT.match(link.text)]
    out: list[str] = []
    for last in filter(None, lasts):
        head, end, tail = last
        start = next((n for h, n, t in filter(None, nexts) if (h, t) == (head, tail)), None)
        if start is None:
            start = 1 if end > 1 else end
        step = 1 if end >= start else -1
        numbers = range(start, end + step, step)
        out += [f"{head}{n}{tail}" for n in list(numbers)[:MAX_LIST_PAGES]]
    return out


def trs_dynamic(url: str, body: str) -> list[str]:
    """TRS 动静结合: the static pages up to maxStaticIndex, then the column's older pages from the WAS5 search.

    The search is asked for the column's own items (`classsql`, e.g. chnlid=1234) page by page, `recordCount`
    items in all at the page size the page declares; its answers are HTML lists read like any other list page.
    """
    max_static = _int_setting(body, "maxStaticIndex", "maxStaticPage")
    classsql = CLASSSQL.search(body)
    if max_static is None or not classsql:
        return []
    records = _int_setting(body, "recordCount", "recordcount", "totalRecord")
    size = _int_setting(body, "pageSize", "pagesize", "perpage", "perPage") or 20
    prefix = _setting(body, "prefix", "pageName") or "index"
    ext = (_setting(body, "suffix", "pageExt", "ext") or "html").lstrip(".")
    pages = [urljoin(url, f"{prefix}.{ext}")] + [urljoin(url, f"{prefix}_{i}.{ext}")
                                                  for i in range(1, max_static + 1)]
    total_pages = min(math.ceil(records / size) if records else max_static + 1, MAX_LIST_PAGES)
    search = SEARCH_URL.search(body)
    endpoint = urljoin(url, search.group("v").split("?")[0]) if search else urljoin(url, "/was5/web/search")
    channel = _setting(body, "channelid", "channelId")
    for page in range(max_static + 2, total_pages + 1):  # static pages cover 1 … max_static + 1
        query = {"searchword": classsql.group("v"), "page": page, "perpage": size}
        if channel:
            query = {"channelid": channel, **query}
        pages.append(f"{endpoint}?{urlencode(query)}")
    return pages
