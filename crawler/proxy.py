"""NIANBAO_PROXY: one HTTP proxy for every request of a crawl, as a Scrapy setting.

Scrapy's HttpProxyMiddleware takes proxies from the process environment only, which a Scrapyd job inherits
from the daemon (one proxy for every project and job). As a setting it travels with the job
(`-d setting=NIANBAO_PROXY=http://host:port`) and with `nianbao crawl --proxy`. Every request gets it,
robots.txt and retries included (they pass through the downloader middlewares too); HttpProxyMiddleware, later
in the chain, then applies `meta["proxy"]` (credentials included).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider


class SettingProxyMiddleware:
    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Any) -> SettingProxyMiddleware:
        return cls(crawler.settings.get("NIANBAO_PROXY") or "")

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.proxy:
            request.meta.setdefault("proxy", self.proxy)
