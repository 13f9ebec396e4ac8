"""TRS WCM / 海云: static index_N pages announced by createPageHTML(...) in one of two signatures, by the inline
`var countPage` + document.write pager, or (动静结合) static pages then the WAS5 search (crawler/families/pagers)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from crawler.families.base import Family, PageRequest
from crawler.families.pagers import COUNT_PAGE, count_page, trs_dynamic

# old WCM: createPageHTML(pageCount, currentIndex0, "index", "html") → index.html, index_1.html …
OLD = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)")
# 海云: createPageHTML('page_div', pageCount, currentPage1, 'prefix', 'shtml', recordCount) → prefix.shtml, prefix_2 …
HAIYUN = re.compile(
    r"createPageHTML\(\s*[\"']\w+[\"']\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']"
)
ARTICLE = re.compile(r"/t\d{8}_\d+\.s?html")


class TrsFamily(Family):
    name = "trs"

    def matches(self, url: str, body: str) -> bool:
        return ("createPageHTML" in body or bool(COUNT_PAGE.search(body)) or "maxStaticIndex" in body
                or bool(ARTICLE.search(body[:200000])))

    def pages(self, url: str, body: str) -> list[PageRequest]:
        out: list[PageRequest] = []
        for count, _, prefix, ext in OLD.findall(body):
            names = [f"{prefix}.{ext}"] + [f"{prefix}_{i}.{ext}" for i in range(1, int(count))]
            out += [PageRequest(urljoin(url, n)) for n in names]
        for count, _, prefix, ext in HAIYUN.findall(body):
            names = [f"{prefix}.{ext}"] + [f"{prefix}_{i}.{ext}" for i in range(2, int(count) + 1)]
            out += [PageRequest(urljoin(url, n)) for n in names]
        out += [PageRequest(u) for u in count_page(url, body) + trs_dynamic(url, body)]
        return list(dict.fromkeys(out)) or super().pages(url, body)
