"""The farm as an HTTP forward proxy on 127.0.0.1: requests for farm hosts are answered by the simulated sites,
requests for any other host get 502 and are logged as outside the farm. Nothing ever leaves the machine.

Point a client's http proxy at it (Scrapy: meta["proxy"] or http_proxy) and use real-looking URLs:
    GET http://www.example.gov.cn/col/col123/index.html HTTP/1.1      (absolute form, as proxies receive)
Origin-form requests with a Host header work too. Plain HTTP only: CONNECT answers 501.

Direct requests to the proxy's own address reach the control endpoints:
    GET  /__farm__/manifest[?generation=N]   ground truth (JSON)
    GET  /__farm__/requests                  the request log (JSON)
    GET  /__farm__/generation                {"generation": g}
    POST /__farm__/generation                body "1" (or ?g=1): switch generation
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from synth.farm.http import Req, Resp
from synth.farm.manifest import build_manifest
from synth.farm.site import SiteApp
from synth.farm.spec import FarmSpec

CONTROL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
OUTSIDE_BODY = b"502 Bad Gateway: outside the farm (the portal farm only serves its own hosts)\n"


@dataclass(frozen=True)
class RequestRecord:
    """One request as the farm saw it."""
    time: float
    method: str
    url: str
    host: str
    path: str
    status: int
    conditional: bool      # carried If-None-Match or If-Modified-Since
    bytes: int             # body bytes sent (after gzip)
    outside: bool          # host not in the farm (answered 502)
    generation: int
    referer: str
    user_agent: str


class Farm:
    """A running (or runnable) portal farm. Thread-safe; use as a context manager to serve in the background.

        with Farm(seed=1) as farm:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": farm.proxy_url}))
            opener.open("http://" + farm.manifest()["sites"][0]["host"] + "/").read()
    """

    def __init__(self, spec: FarmSpec | None = None, *, seed: int = 1, n_counties: int = 6, port: int = 0,
                 bind: str = "127.0.0.1", **generate: Any) -> None:
        self.spec = spec or FarmSpec.generate(seed, n_counties, **generate)
        self.generation = 0
        self.port = port
        self.bind = bind
        self._apps: dict[str, SiteApp] = {}
        self._log: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----

    def start(self) -> Farm:
        """Listen on bind:port (port 0 picks a free one) and serve from a background thread."""
        handler = type("FarmHandler", (_Handler,), {"farm": self})
        self._server = _Server((self.bind, self.port), handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"farm:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self) -> None:
        """Run in the foreground (the CLI)."""
        if self._server is None:
            self.start()
        assert self._thread is not None
        self._thread.join()

    def __enter__(self) -> Farm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def proxy_url(self) -> str:
        return f"http://{self.bind}:{self.port}"

    # ---- state ----

    def set_generation(self, generation: int) -> None:
        """Switch what every site serves: generation 0 is the first crawl, 1 the state some months later."""
        if not 0 <= generation < self.spec.generations:
            raise ValueError(f"generation must be in 0..{self.spec.generations - 1}")
        self.generation = generation

    def manifest(self, generation: int | None = None, planted_errors: bool = True) -> dict[str, Any]:
        """Ground truth for a generation (default: the current one); see synth.farm.manifest.
        planted_errors=False makes a national-scale manifest fast (no per-report identity lists)."""
        return build_manifest(self.spec, self.generation if generation is None else generation, planted_errors)

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    @property
    def hosts(self) -> list[str]:
        return self.spec.hosts

    def app(self, host: str) -> SiteApp | None:
        site = self.spec.sites.get(host)
        if site is None:
            return None
        got = self._apps.get(host)
        if got is None:
            with self._lock:
                got = self._apps.setdefault(host, SiteApp(self.spec, site))
        return got

    # ---- answering ----

    def handle(self, method: str, url: str, headers: dict[str, str] | None = None, body: bytes = b"") -> Resp:
        """Answer one request for an absolute http URL, in process (the HTTP server calls this too).
        Logs it; does not sleep (the caller applies resp.delay)."""
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        app = self.app(host)
        decoy = None
        gen = self.generation
        if method.upper() == "CONNECT":
            resp = Resp(status=501, body=b"501 Not Implemented: the farm is plain HTTP only\n", ctype="text/plain",
                        cacheable=False, headers=[("Content-Type", "text/plain")])
        elif app is None and (decoy := self.discovery_answer(host, parts.path or "/")) is not None:
            resp = decoy  # a host only discovery meets (synth/farm/discovery.py)
        elif app is None:
            resp = Resp(status=502, body=OUTSIDE_BODY, ctype="text/plain", cacheable=False,
                        headers=[("Content-Type", "text/plain")])
        else:
            req = Req(method=method.upper(), host=host, path=parts.path or "/",
                      query=dict(parse_qsl(parts.query, keep_blank_values=True)), headers=headers, body=body,
                      raw_query=parts.query)
            resp = app.respond(req, gen)
            resp.delay += app.site.latency_ms / 1000
        size = 0 if method.upper() == "HEAD" else len(resp.body)
        record = RequestRecord(time=time.time(), method=method.upper(), url=url, host=host, path=parts.path or "/",
                               status=resp.status, conditional=bool(headers.get("if-none-match")
                                                                     or headers.get("if-modified-since")),
                               bytes=size, outside=(app is None and decoy is None) or method.upper() == "CONNECT",
                               generation=gen,
                               referer=headers.get("referer", ""),
                               user_agent=headers.get("user-agent", ""))
        with self._lock:
            self._log.append(record)
        return resp

    def discovery_answer(self, host: str, path: str) -> Resp | None:
        from synth.farm.discovery import answer

        return answer(self.spec.seed, self.spec.county_codes, frozenset(self.spec.sites), host, path)

    def control(self, method: str, path: str, query: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """The /__farm__/ endpoints (requests addressed to the proxy itself)."""
        params = dict(parse_qsl(query))
        if path == "/__farm__/manifest":
            gen = int(params["generation"]) if "generation" in params else None
            return 200, self.manifest(gen)
        if path == "/__farm__/requests":
            return 200, {"requests": [asdict(r) for r in self.requests]}
        if path == "/__farm__/generation":
            if method == "POST":
                raw = params.get("g") or body.decode().strip() or "0"
                value = json.loads(raw)
                self.set_generation(int(value["generation"] if isinstance(value, dict) else value))
            return 200, {"generation": self.generation}
        return 404, {"error": "unknown control endpoint", "endpoints": ["/__farm__/manifest", "/__farm__/requests",
                                                                       "/__farm__/generation"]}


class _Server(ThreadingHTTPServer):
    """A listen backlog like a real web server's: with Python's default of 5, a crawler opening a few dozen
    connections at once had SYNs dropped and retried a second later (TcpExtListenOverflows), which the
    crawl's figures then counted as portal latency."""

    request_queue_size = 1024
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A crawler killed mid-response (benchmarks end their windows with SIGKILL) is no farm error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; every answer carries Content-Length."""

    protocol_version = "HTTP/1.1"
    farm: Farm

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the farm keeps its own log."""

    def do_CONNECT(self) -> None:
        resp = self.farm.handle("CONNECT", f"http://{self.path.rsplit(':', 1)[0]}/")
        assert isinstance(resp.body, bytes)
        self._send(resp.status, resp.headers, resp.body)

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = self.path
        if target.startswith(("http://", "https://")):
            url = target
        else:
            host = self.headers.get("Host", "")
            if host.rsplit(":", 1)[0].lower() in CONTROL_HOSTS and target.startswith("/__farm__/"):
                path, _, query = target.partition("?")
                status, payload = self.farm.control(self.command, path, query, body)
                data = json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode("utf-8")
                self._send(status, [("Content-Type", "application/json; charset=utf-8")], data)
                return
            url = f"http://{host}{target}"
        headers = {k: v for k, v in self.headers.items()}
        resp = self.farm.handle(self.command, url, headers, body)
        if resp.delay > 0:
            time.sleep(resp.delay)
        assert isinstance(resp.body, bytes)
        self._send(resp.status, resp.headers, resp.body)

    do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_GET

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response_only(status)
        self.send_header("Date", self.date_time_string())
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(body)
        self.wfile.flush()
