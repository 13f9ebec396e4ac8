"""Guangdong 政府信息公开目录平台: column tree in window._CONFIG, lists from /gkmlpt/api/all/<col>?page=N."""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urljoin, urlsplit

from crawler.families.base import Family, Link, PageRequest
from crawler.titles import is_report_column

CONFIG = re.compile(r"window\._CONFIG\s*=\s*")
API_PAGE_SIZE = 100  # one API page covers five UI pages of 20


def _site_root(url: str) -> str:
    path = urlsplit(url).path
    i = path.find("/gkmlpt/")
    return urljoin(url, path[: i + len("/gkmlpt/")]) if i >= 0 else urljoin(url, "/gkmlpt/")


class GkmlptFamily(Family):
    name = "gkmlpt"

    def matches(self, url: str, body: str) -> bool:
        return "/gkmlpt/" in url or ("gkmlpt" in body[:50000] and "_CONFIG" in body)

    def pages(self, url: str, body: str) -> list[PageRequest]:
        config = _config(body)
        if not isinstance(config.get("TREE"), list):
            return super().pages(url, body)
        root = _site_root(url)
        query = f"&sid={config['SID']}" if config.get("SID") else ""
        return [PageRequest(f"{root}api/all/{n['id']}?page=1{query}", kind="json") for n in _report_columns(config)]

    def parse_feed(self, url: str, body: str, kind: str) -> tuple[list[Link], list[PageRequest]]:
        try:
            data = json.loads(body)
        except json.JSONDecodeError:
            return [], []
        articles = [a for a in data.get("articles", []) if a.get("url")]
        links = [Link(urljoin(url, a["url"]), a.get("title", ""), _date(a.get("date"))) for a in articles]
        pages: list[PageRequest] = []
        total = (data.get("classify") or {}).get("post_count") or 0
        size = len(data.get("articles", [])) or API_PAGE_SIZE
        if "page=1" in url and total > size:
            pages = [PageRequest(url.replace("page=1", f"page={p}"), kind="json")
                     for p in range(2, math.ceil(total / size) + 1)]
        return links, pages


def _config(body: str) -> dict:
    """window._CONFIG = {...}: the platform's column tree and site id, as the page's own script reads them."""
    m = CONFIG.search(body)
    if not m:
        return {}
    try:
        value, _ = json.JSONDecoder().raw_decode(body, m.end())
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _report_columns(config: dict) -> list[dict]:
    """The topmost 年报 columns of the tree: a parent's list already holds its sub-columns' posts."""
    out: list[dict] = []

    def visit(nodes: list) -> None:
        for node in nodes:
            if not isinstance(node, dict) or "id" not in node:
                continue
            if is_report_column(str(node.get("name", ""))):
                out.append(node)
            else:
                visit(node.get("children") or [])

    visit(config["TREE"])
    return out


def _date(value: object) -> str | None:
    if isinstance(value, int | float):
        import datetime as dt

        return dt.datetime.fromtimestamp(value, dt.UTC).strftime("%Y-%m-%d")
    return str(value)[:10] if value else None
