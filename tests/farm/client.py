"""A tiny urllib client that reaches farm hosts through the farm's HTTP proxy (and nothing else)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes
    url: str

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """GET/POST through the farm. follow=False returns 3xx answers instead of following them."""

    def __init__(self, proxy_url: str) -> None:
        proxy = urllib.request.ProxyHandler({"http": proxy_url})
        self._follow = urllib.request.build_opener(proxy)
        self._stay = urllib.request.build_opener(proxy, _NoRedirect())

    def get(self, url: str, headers: dict[str, str] | None = None, *, data: bytes | None = None,
            method: str | None = None, follow: bool = True) -> Reply:
        assert url.startswith("http://"), "the farm is plain HTTP"
        req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
        opener = self._follow if follow else self._stay
        try:
            with opener.open(req, timeout=30) as resp:
                return Reply(resp.status, resp.headers, resp.read(), resp.url)
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.headers, err.read(), url)
