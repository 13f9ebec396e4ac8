"""Downloader middlewares: host policy, polite retries, conditional re-fetches, anti-bot detection."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object

from crawler.addresses import PrivateAddressError, address_literal, address_problem, port_problem
from crawler.antibot import challenge_of
from crawler.urls import host_of, is_trusted_host


class TrustedHostMiddleware:
    """Refuse, before any traffic, hosts outside NIANBAO_ALLOWED_HOST_SUFFIXES (default *.gov.cn), ports
    outside NIANBAO_ALLOWED_PORTS, and URLs naming a non-public address. Redirects pass here again."""

    def __init__(self, suffixes: tuple[str, ...], ports: tuple[int, ...], allow_private: bool) -> None:
        self.suffixes, self.ports, self.allow_private = suffixes, ports, allow_private

    @classmethod
    def from_crawler(cls, crawler: Any) -> TrustedHostMiddleware:
        s = crawler.settings
        return cls(tuple(s.getlist("NIANBAO_ALLOWED_HOST_SUFFIXES")),
                   tuple(int(p) for p in s.getlist("NIANBAO_ALLOWED_PORTS")),
                   s.getbool("NIANBAO_ALLOW_PRIVATE_ADDRESSES"))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not is_trusted_host(request.url, self.suffixes):
            raise IgnoreRequest(f"refused: {request.url} is not on an allowed host ({', '.join(self.suffixes)})")
        if problem := port_problem(request.url, self.ports):
            raise IgnoreRequest(f"refused: {request.url}: {problem}")
        if not self.allow_private and (problem := address_problem(request.url)):
            raise IgnoreRequest(f"refused: {request.url}: {problem}")


class PublicAddressMiddleware:
    """Resolve each request's host name through PublicAddressResolver before it goes out, and refuse it with
    a plain reason when the name points at a non-public address (IgnoreRequest: recorded, never retried).
    The resolver refuses again at connection time (a record may change between the two lookups); and a
    request sent through an HTTP proxy, which resolves names itself, is checked here at all only because
    of this middleware. Off with NIANBAO_ALLOW_PRIVATE_ADDRESSES (the local farm)."""

    def __init__(self, crawler: Any) -> None:
        self.allow_private = crawler.settings.getbool("NIANBAO_ALLOW_PRIVATE_ADDRESSES")

    @classmethod
    def from_crawler(cls, crawler: Any) -> PublicAddressMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.allow_private or address_literal(request.url):
            return
        from twisted.internet import reactor

        try:
            await maybe_deferred_to_future(reactor.resolve(host_of(request.url)))
        except PrivateAddressError as exc:
            raise IgnoreRequest(f"refused: {request.url}: {exc}") from None
        except Exception:
            return


class BackoffRetryMiddleware:
    """Retry transient failures after 1 s, 2 s, 4 s …, so a struggling server gets room to recover.

    Retried: the HTTP codes of NIANBAO_RETRY_HTTP_CODES and the exceptions of NIANBAO_RETRY_EXCEPTIONS
    (network failures). Never retried: what cannot succeed the next time — a body over DOWNLOAD_MAXSIZE
    (DownloadCancelledError), a refused request (IgnoreRequest), a download that took DOWNLOAD_TIMEOUT
    (a server that slow, or dripping bytes, is tried again on the next crawl, not three times now), a name
    resolving to a non-public address (crawler/addresses.py).
    Retry bookkeeping is Scrapy's own (get_retry_request: meta retry_times, stats, logging)."""

    def __init__(self, crawler: Any, times: int, base: float, codes: list[int], exceptions: tuple[type, ...]) -> None:
        self.crawler, self.times, self.base, self.codes, self.exceptions = crawler, times, base, set(codes), exceptions

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffRetryMiddleware:
        s = crawler.settings
        exceptions = tuple(load_object(e) if isinstance(e, str) else e for e in s.getlist("NIANBAO_RETRY_EXCEPTIONS"))
        return cls(crawler, s.getint("NIANBAO_RETRY_TIMES"), s.getfloat("NIANBAO_RETRY_BASE_DELAY"),
                   s.getlist("NIANBAO_RETRY_HTTP_CODES"), exceptions)

    async def _retry(self, request: Request, reason: str | Exception, spider: Spider | None) -> Request | None:
        tries = request.meta.get("retry_times", 0)
        retry = get_retry_request(request, spider=spider or self.crawler.spider, reason=reason,
                                  max_retry_times=self.times)
        if retry is not None:
            await asyncio.sleep(self.base * 2**tries)
        return retry

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None):
        if response.status in self.codes:
            return await self._retry(request, f"HTTP {response.status}", spider) or response
        return response

    async def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None):
        if not isinstance(exception, self.exceptions) or isinstance(exception.__cause__, PrivateAddressError):
            return None
        return await self._retry(request, exception, spider)


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
