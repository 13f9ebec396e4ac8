"""Plain request/response values passed between the server, the site layer and the families."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl


@dataclass
class Req:
    method: str
    host: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]       # lower-case names
    body: bytes = b""
    raw_query: str = ""

    @property
    def url(self) -> str:
        return f"http://{self.host}{self.path}" + (f"?{self.raw_query}" if self.raw_query else "")

    @property
    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is the client's problem: treat it as no cookies
            return {}
        return {k: m.value for k, m in jar.items()}

    def params(self) -> dict[str, str]:
        """Query parameters plus, for form POSTs, the body's (jpage dataproxy accepts both)."""
        out = dict(self.query)
        if self.method == "POST" and self.body:
            out.update(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        return out


@dataclass
class Resp:
    status: int = 200
    body: bytes | str = b""
    ctype: str = "text/html"
    headers: list[tuple[str, str]] = field(default_factory=list)
    modified: dt.datetime | None = None   # natural Last-Modified (the site layer adjusts it per generation)
    delay: float = 0.0                    # seconds to wait before answering
    cacheable: bool = True                # ETag/Last-Modified/304 apply


Handler = Callable[[Req], Resp]


def not_found_page(host: str) -> str:
    """nginx's stock 404 body, which most portals answer with."""
    del host
    return ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1>"
            "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


def error_page(status: int) -> str:
    titles = {500: "500 Internal Server Error", 502: "502 Bad Gateway", 403: "403 Forbidden"}
    title = titles.get(status, str(status))
    return f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n" \
           f"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
