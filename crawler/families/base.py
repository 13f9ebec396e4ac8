"""What every family offers the spider: links on a page, and the URLs of the list's other pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import html as lxml_html

_DATE = re.compile(r"((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})")
NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后一页|>|›|»|next)\s*$", re.I)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    date: str | None = None


@dataclass(frozen=True)
class PageRequest:
    """A further list page; `method`/`body` for POST-paginated lists (Hanweb dataproxy)."""

    url: str
    method: str = "GET"
    body: str | None = None
    kind: str = "list"  # "list" (HTML), "xml" (Hanweb dataproxy), "json" (gkmlpt API)


def anchors(fragment: str, base_url: str) -> list[Link]:
    """Every <a href> of an HTML fragment with its text (title attribute preferred) and a nearby date."""
    if not fragment.strip():
        return []
    try:
        root = lxml_html.fromstring(fragment)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    links = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        text = (a.get("title") or a.text_content() or "").strip()
        parent = a.getparent()
        context = parent.text_content() if parent is not None else ""
        m = _DATE.search(context)
        date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None
        links.append(Link(urljoin(base_url, href), " ".join(text.split()), date))
    return links


class Family:
    name = "base"

    def matches(self, url: str, body: str) -> bool:
        return False

    def links(self, url: str, body: str) -> list[Link]:
        """Links to follow or archive on a page of this family (HTML anchors by default)."""
        return anchors(body, url)

    def pages(self, url: str, body: str) -> list[PageRequest]:
        """The list's other pages, announced by this page: the next one, and all up to a 尾页 link."""
        from crawler.families.pagers import through_last

        links = anchors(body, url)
        urls = [link.url for link in links if NEXT_TEXT.match(link.text)] + through_last(url, links)
        return [PageRequest(u) for u in dict.fromkeys(urls)]

    def parse_feed(self, url: str, body: str, kind: str) -> tuple[list[Link], list[PageRequest]]:
        """Links and further pages from a non-HTML list response (XML, JSON)."""
        return [], []
