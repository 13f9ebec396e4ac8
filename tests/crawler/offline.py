"""Drive the reports spider's own callbacks over farm pages answered in process (no sockets, no reactor).

Redirects are followed, challenge pages marked as the AntiBot middleware would, requests de-duplicated like
Scrapy's filter and robots.txt obeyed like RobotsTxtMiddleware. What is left out is the network: this is how
the per-family tests check discovery offline, page by page, against the farm's ground truth.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from scrapy import Request
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.test import get_crawler

from crawler.items import FetchedDocument
from crawler.middlewares import AntiBotMiddleware
from crawler.sources import Source
from crawler.spiders.reports import ReportsSpider
from crawler.urls import is_trusted_host
from synth.farm import Farm


def make_spider(**settings: Any) -> ReportsSpider:
    base = {"NIANBAO_MAX_NAV_DEPTH": 4, "NIANBAO_ALLOWED_HOST_SUFFIXES": [".gov.cn"]}
    crawler = get_crawler(ReportsSpider, {**base, **settings})
    return ReportsSpider.from_crawler(crawler)


class OfflineCrawl:
    def __init__(self, farm: Farm, spider: ReportsSpider | None = None) -> None:
        self.farm = farm
        self.spider = spider or make_spider()
        self.seen: set[tuple[str, str, bytes]] = set()
        self.robots: dict[str, RobotFileParser] = {}
        self.items: list[FetchedDocument] = []
        self.requested: list[str] = []
        self.attachments: set[str] = set()  # discovered attachment URLs (not fetched: discovery is the point)

    def run(self, sources: list[Source], limit: int = 5000) -> list[FetchedDocument]:
        queue: deque[Request] = deque(self.spider._page(u, s, depth=0, fresh=True) for s in sources for u in s.urls)
        while queue and len(self.requested) < limit:
            request = queue.popleft()
            key = (request.url, request.method, request.body)
            if key in self.seen and not request.dont_filter:
                continue
            self.seen.add(key)
            queue.extend(self._step(request))
        return self.items

    def _step(self, request: Request) -> list[Request]:
        out: list[Request] = []
        for result in self._results(request):
            if isinstance(result, Request):
                out.append(result)
            elif isinstance(result, FetchedDocument):
                self.items.append(result)
        return out

    def _results(self, request: Request) -> Any:
        if not is_trusted_host(request.url, (".gov.cn",)):
            return []
        if request.meta.get("kind") == "attachment":
            self.attachments.add(request.url)
            return []
        if not self._allowed(request.url):
            return []
        response = self._fetch(request)
        if response.status >= 400 and response.status not in (404, 410, 412, 521):
            return []
        AntiBotMiddleware().process_response(request, response)
        return list(request.callback(response, **request.cb_kwargs) or [])

    def _fetch(self, request: Request, hops: int = 0) -> Any:
        headers = {k.decode(): b", ".join(v).decode("latin-1") for k, v in request.headers.items()}
        self.requested.append(request.url)
        resp = self.farm.handle(request.method, request.url, headers, request.body or b"")
        body = resp.body if isinstance(resp.body, bytes) else resp.body.encode()
        location = dict(resp.headers).get("Location")
        if resp.status in (301, 302, 303, 307) and location and hops < 5 and "WZWSREL" not in location:
            return self._fetch(request.replace(url=urljoin(request.url, location)), hops + 1)
        h = Headers(resp.headers)
        if h.get(b"Content-Encoding") == b"gzip":
            import gzip

            body = gzip.decompress(body)
            del h[b"Content-Encoding"]
        cls = responsetypes.from_args(headers=h, url=request.url, body=body)
        return cls(url=request.url, status=resp.status, headers=h, body=body, request=request)

    def _allowed(self, url: str) -> bool:
        host = urlsplit(url).netloc
        if host not in self.robots:
            resp = self.farm.handle("GET", f"http://{host}/robots.txt", {})
            parser = RobotFileParser()
            body = resp.body if isinstance(resp.body, bytes) else resp.body.encode()
            parser.parse(body.decode("utf-8", "replace").splitlines() if resp.status == 200 else [])
            self.robots[host] = parser
        return self.robots[host].can_fetch("*", url)
