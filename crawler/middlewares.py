"""Downloader middlewares: host policy, polite retries, conditional re-fetches, anti-bot detection."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.antibot import challenge_of
from crawler.urls import host_of, is_trusted_host


class TrustedHostMiddleware:
    """Refuse hosts outside NIANBAO_ALLOWED_HOST_SUFFIXES (default *.gov.cn) before any traffic."""

    def __init__(self, suffixes: tuple[str, ...]) -> None:
        self.suffixes = suffixes

    @classmethod
    def from_crawler(cls, crawler: Any) -> TrustedHostMiddleware:
        return cls(tuple(crawler.settings.getlist("NIANBAO_ALLOWED_HOST_SUFFIXES")))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not is_trusted_host(request.url, self.suffixes):
            raise IgnoreRequest(f"refused: {request.url} is not on an allowed host ({', '.join(self.suffixes)})")


class BackoffRetryMiddleware:
    """Retry transient failures after 1 s, 2 s, 4 s …, so a struggling server gets room to recover."""

    def __init__(self, times: int, base: float, codes: list[int]) -> None:
        self.times, self.base, self.codes = times, base, set(codes)

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffRetryMiddleware:
        s = crawler.settings
        return cls(s.getint("NIANBAO_RETRY_TIMES"), s.getfloat("NIANBAO_RETRY_BASE_DELAY"),
                   s.getlist("NIANBAO_RETRY_HTTP_CODES"))

    async def _retry(self, request: Request) -> Request | None:
        tries = request.meta.get("nianbao_retries", 0)
        if tries >= self.times:
            return None
        await asyncio.sleep(self.base * 2**tries)
        retry = request.replace(dont_filter=True)
        retry.meta["nianbao_retries"] = tries + 1
        return retry

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None):
        if response.status in self.codes:
            return await self._retry(request) or response
        return response

    async def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None):
        if isinstance(exception, IgnoreRequest):
            return None
        return await self._retry(request)


class ConditionalRequestMiddleware:
    """Send If-None-Match / If-Modified-Since for what an earlier crawl archived (the spider's validators)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler  # Scrapy ≥ 2.13 passes no spider to methods where it is optional

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalRequestMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        validators = getattr(spider or self.crawler.spider, "validators", {}).get(request.url)
        if not validators or request.meta.get("unconditional"):
            return
        if validators.get("etag"):
            request.headers.setdefault("If-None-Match", validators["etag"])
        if validators.get("last_modified"):
            request.headers.setdefault("If-Modified-Since", validators["last_modified"])


class AntiBotMiddleware:
    """Mark challenge pages (412 JS cookies, 521, WZWSREL …) so they are recorded as blocked, never parsed."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        location = response.headers.get(b"Location", b"").decode("latin-1")
        name = challenge_of(response.status, response.body, location)
        if name:
            request.meta["blocked_by"] = name
        return response


class RobotsRecorderMiddleware:
    """Keep each host's robots.txt as fetched (Scrapy's RobotsTxtMiddleware obeys it; this records it), for the
    archive's sites table: a journalist can see what a portal forbade and when it was read."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RobotsRecorderMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        spider = spider or self.crawler.spider
        if urlsplit(request.url).path == "/robots.txt" and spider is not None:
            text = response.text if response.status == 200 and hasattr(response, "text") else ""
            getattr(spider, "robots_seen", {})[host_of(request.url)] = {"status": response.status, "text": text}
        return response
