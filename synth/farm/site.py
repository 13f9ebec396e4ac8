"""One host's HTTP behaviour: WAF gate, robots.txt, planted trouble, the family's pages, and the caching
headers (ETag, Last-Modified, 304) that make re-crawls cheap.

Last-Modified follows content: a page keeps its date across generations while its bytes stay the same and
takes the generation's date when they change, so If-Modified-Since and If-None-Match agree.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import hashlib
import threading
from collections import Counter, OrderedDict
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from synth.farm import antibot
from synth.farm.families import FAMILIES
from synth.farm.families.base import SITE_BUILT
from synth.farm.http import Req, Resp, error_page, not_found_page
from synth.farm.model import Site, SiteContent
from synth.farm.view import SiteView

if TYPE_CHECKING:
    from synth.farm.spec import FarmSpec

SERVERS = {"trs": "nginx", "hanweb": "nginx/1.20.1", "gkmlpt": "nginx", "vsb": "VWebServer",
           "generic": "Microsoft-IIS/8.5", "mirror": "nginx/1.18.0"}
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml")
FINGERPRINTS = 20000   # remembered (request, generation) -> (hash, Last-Modified), for change dating
CHINA = dt.timedelta(hours=8)


def _query_key(query: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(parse_qsl(query, keep_blank_values=True)))


class SiteApp:
    """Answers requests for one farm host at any generation."""

    def __init__(self, spec: FarmSpec, site: Site) -> None:
        self.spec, self.site = spec, site
        self.family = FAMILIES[site.family]
        self._views: dict[int, SiteView] = {}
        self._fingerprints: OrderedDict[tuple[object, ...], tuple[str, dt.datetime]] = OrderedDict()
        self._flaky: Counter[int] = Counter()
        self._lock = threading.Lock()

    @property
    def content(self) -> SiteContent:
        return self.spec.content(self.site.host)

    def view(self, gen: int) -> SiteView:
        got = self._views.get(gen)
        if got is None:
            got = SiteView(self.spec, self.site, self.content, gen, self.family)
            with self._lock:
                got = self._views.setdefault(gen, got)
        return got

    # ---- answering ----

    def respond(self, req: Req, gen: int) -> Resp:
        """The full answer to a request, body encoded and headers set."""
        resp = antibot.gate(self.site, req) or self._trouble(req, gen) or self.render(req, gen)
        return self._finish(req, self._encode(resp), gen)

    def render(self, req: Req, gen: int) -> Resp:
        """The page itself (no WAF, no planted failures): what the site serves when all goes well."""
        view = self.view(gen)
        if req.path == "/robots.txt":
            text = self.content.robots
            return Resp(body=text, ctype="text/plain") if text is not None else \
                Resp(status=404, body=not_found_page(self.site.host), cacheable=False)
        handler = view.routes.get(req.path)
        if handler is not None:
            return handler(req)
        return self.family.fallback(view, req) or Resp(status=404, body=not_found_page(self.site.host),
                                                       cacheable=False)

    def _trouble(self, req: Req, gen: int) -> Resp | None:
        pages, roles = self.content.pages, self.site.roles
        loop = pages.get("loop")
        if loop and req.path in (loop, loop + "index.html"):
            other = loop + "index.html" if req.path == loop else loop
            return Resp(status=302, headers=[("Location", f"http://{self.site.host}{other}")], cacheable=False)
        if "shell" in roles and req.path == pages.get("shell"):
            target = pages["platform"]
            return Resp(body=f'<html><head><meta http-equiv="refresh" content="0;url={target}">'
                             f'<script type="text/javascript">location.replace("{escape(target)}");</script>'
                             f"</head><body></body></html>", cacheable=False)
        if "error_500" in roles and req.path == pages.get("ysqgk"):
            return Resp(status=500, body=error_page(500), cacheable=False)
        flaky = pages.get("flaky")
        if flaky and self._matches(req, flaky):
            with self._lock:
                self._flaky[gen] += 1
                if self._flaky[gen] == 1:
                    return Resp(status=500, body=error_page(500), cacheable=False)
        return None

    @staticmethod
    def _matches(req: Req, url: str) -> bool:
        parts = urlsplit(url)
        return req.path == parts.path and _query_key(req.raw_query) == _query_key(parts.query)

    # ---- encoding, caching headers ----

    def _encode(self, resp: Resp) -> Resp:
        """str bodies become bytes in the site's encoding; the Content-Type says so only where the site does."""
        if isinstance(resp.body, str):
            if self.site.encoding == "utf-8" or not resp.ctype.startswith("text/html"):
                resp.body = resp.body.encode("utf-8")
                charset = "UTF-8"
            else:
                resp.body = resp.body.encode("gb18030")
                charset = "GBK" if self.site.encoding == "gbk-header" else ""
            if "charset" not in resp.ctype and charset:
                resp.ctype = f"{resp.ctype}; charset={charset}"
        return resp

    def _fingerprint(self, req: Req, gen: int) -> tuple[str, dt.datetime] | None:
        """(content hash, Last-Modified) of a request's 200 answer at a generation."""
        key = (gen, req.method, req.path, req.raw_query, req.body)
        got = self._fingerprints.get(key)
        if got is not None:
            return got
        resp = self._encode(self.render(req, gen))
        if resp.status != 200 or not resp.cacheable:
            return None
        return self._remember(req, gen, resp)

    def _remember(self, req: Req, gen: int, resp: Resp) -> tuple[str, dt.datetime]:
        assert isinstance(resp.body, bytes)
        digest = hashlib.sha1(resp.body).hexdigest()
        if gen == 0:
            modified = resp.modified or SITE_BUILT
        else:
            prev = self._fingerprint(req, gen - 1)
            modified = prev[1] if prev is not None and prev[0] == digest else self.spec.generation_date(gen)
        got = (digest, modified)
        with self._lock:
            self._fingerprints[(gen, req.method, req.path, req.raw_query, req.body)] = got
            while len(self._fingerprints) > FINGERPRINTS:
                self._fingerprints.popitem(last=False)
        return got

    def _finish(self, req: Req, resp: Resp, gen: int) -> Resp:
        headers = [("Server", SERVERS[self.site.family])]
        if resp.status in (200, 404, 500, 412, 521) or resp.body:
            headers.append(("Content-Type", resp.ctype))
        if resp.status == 200 and resp.cacheable:
            digest, modified = self._remember(req, gen, resp)
            assert isinstance(resp.body, bytes)
            etag = f'"{digest[:8]}-{len(resp.body):x}"'
            last_modified = email.utils.format_datetime((modified - CHINA).replace(tzinfo=dt.UTC), usegmt=True)
            validators = [("Last-Modified", last_modified), ("ETag", etag)]
            if self._not_modified(req, etag, modified):
                return Resp(status=304, body=b"", headers=headers[:1] + validators, delay=resp.delay, cacheable=False)
            headers += [*validators, ("Accept-Ranges", "bytes")]
        assert isinstance(resp.body, bytes)
        if "gzip" in req.headers.get("accept-encoding", "") and resp.ctype.startswith(COMPRESSIBLE) \
                and len(resp.body) > 256:
            resp.body = gzip.compress(resp.body, mtime=0)
            headers = [(k, "W/" + v if k == "ETag" else v) for k, v in headers]
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        resp.headers = headers + resp.headers
        return resp

    @staticmethod
    def _not_modified(req: Req, etag: str, modified: dt.datetime) -> bool:
        inm = req.headers.get("if-none-match")
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return etag in tags or "*" in tags
        ims = req.headers.get("if-modified-since")
        if ims:
            try:
                since = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=dt.UTC)
            return (modified - CHINA).replace(tzinfo=dt.UTC) <= since
        return False
