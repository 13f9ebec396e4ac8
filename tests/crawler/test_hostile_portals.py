"""Hostile portals (issue 12 §3), with real crawls (`nianbao crawl` in a subprocess) against local HTTP servers.

`localhost` stands in for a `*.gov.cn` name whose DNS record points at 127.0.0.1: it is an allowed host
(--allow-hosts localhost) that resolves to loopback without any network. Each server counts what it gets.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.sources import Source, write_sources
from tests.crawler.farmcrawl import env

pytestmark = pytest.mark.slow


class Portal:
    """A local web server: `routes` maps a path to (status, headers, body); every request is counted."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                portal.hits[self.path] += 1
                status, headers, body = portal.routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def total(self) -> int:
        return sum(self.hits.values())


@pytest.fixture
def portals() -> Iterator[tuple[Portal, Portal]]:
    pair = (Portal(), Portal())
    for p in pair:
        p.thread.start()
    yield pair
    for p in pair:
        p.server.shutdown()
        p.server.server_close()


def _refusals(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "archive" / "nianbao.db") as db:
        return [note for (note,) in db.execute("SELECT note FROM fetches WHERE outcome = 'refused'")]


def _crawl(tmp_path: Path, portal: Portal, *settings: str) -> str:
    sources = tmp_path / "sources.csv"
    write_sources([Source(1, "640522", "海原县", "county_gov", f"http://localhost:{portal.port}/")], sources)
    cmd = [sys.executable, "-m", "nianbao", "crawl", "--archive", str(tmp_path / "archive"), "--sources",
           str(sources), "--allow-hosts", "localhost", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
           "-s", "NIANBAO_RETRY_BASE_DELAY=0.1", "-s", f"NIANBAO_ALLOWED_PORTS=80,443,{portal.port}", *settings]
    out = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=180, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stderr


HOME = (200, {"Content-Type": "text/html; charset=utf-8"}, "<html><body><p>首页</p></body></html>".encode())


def test_a_name_resolving_to_loopback_is_never_contacted(tmp_path: Path, portals: tuple[Portal, Portal]) -> None:
    portal, _ = portals
    portal.routes["/"] = HOME
    _crawl(tmp_path, portal)
    assert portal.total == 0, portal.hits
    assert any("localhost resolves to 127.0.0.1, which is not a public address" in n for n in _refusals(tmp_path))


def test_farm_mode_reaches_loopback_only_when_set_explicitly(tmp_path: Path, portals: tuple[Portal, Portal]) -> None:
    portal, _ = portals
    portal.routes["/"] = HOME
    _crawl(tmp_path, portal, "-s", "NIANBAO_ALLOW_PRIVATE_ADDRESSES=True")
    assert portal.hits["/"] == 1, portal.hits


def test_a_redirect_to_a_port_that_is_not_a_web_port_is_refused(tmp_path: Path,
                                                                 portals: tuple[Portal, Portal]) -> None:
    portal, other = portals  # other.port is not in NIANBAO_ALLOWED_PORTS
    portal.routes["/"] = (302, {"Location": f"http://localhost:{other.port}/"}, b"")
    other.routes["/"] = HOME
    _crawl(tmp_path, portal, "-s", "NIANBAO_ALLOW_PRIVATE_ADDRESSES=True")
    assert portal.hits["/"] == 1
    assert other.total == 0, other.hits
    assert any(f"port {other.port} is not one of the web ports allowed" in n for n in _refusals(tmp_path))


def test_a_response_over_the_size_limit_is_not_retried(tmp_path: Path, portals: tuple[Portal, Portal]) -> None:
    portal, _ = portals
    portal.routes["/"] = (200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 5000)
    _crawl(tmp_path, portal, "-s", "NIANBAO_ALLOW_PRIVATE_ADDRESSES=True", "-s", "DOWNLOAD_MAXSIZE=1000")
    assert portal.hits["/"] == 1, portal.hits
