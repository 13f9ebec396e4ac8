"""Each planted trouble case answers as the manifest says."""

from __future__ import annotations

import time
from typing import Any
from urllib.robotparser import RobotFileParser

from synth.farm import Farm, solve_jsl, solve_wzws
from tests.farm.client import Client
from tests.farm.listing import READERS


def _host(url: str) -> str:
    return url.split("/")[2]


def test_not_found_and_server_errors(client: Client, manifest: dict[str, Any]) -> None:
    t = manifest["trouble"]
    assert t["not_found"]
    assert t["server_error"]
    for item in t["not_found"]:
        assert client.get(item["url"]).status == 404
    for item in t["server_error"]:
        assert client.get(item["url"]).status == 500


def test_flaky_page_fails_once(farm: Farm, manifest: dict[str, Any]) -> None:
    fresh = Farm(farm.spec)   # its own counters, in process
    url = manifest["trouble"]["flaky"][0]["url"]
    assert [fresh.handle("GET", url).status for _ in range(3)] == [500, 200, 200]


def test_slow_page(client: Client, manifest: dict[str, Any]) -> None:
    item = manifest["trouble"]["slow"][0]
    start = time.monotonic()
    assert client.get(item["url"]).status == 200
    assert time.monotonic() - start >= item["delay"] * 0.9


def test_redirect_loop_and_shell(client: Client, manifest: dict[str, Any]) -> None:
    loop = manifest["trouble"]["redirect_loop"][0]
    first = client.get(loop["url"], follow=False)
    assert first.status == 302
    assert first.headers["Location"] == loop["via"]
    second = client.get(loop["via"], follow=False)
    assert second.status == 302
    assert second.headers["Location"] == loop["url"]
    shell = manifest["trouble"]["shells"][0]
    page = client.get(shell["url"]).body.decode("gb18030")
    assert 'http-equiv="refresh"' in page
    assert "location.replace" in page
    assert shell["target"].split("/", 3)[3] in page


def test_robots_disallow_as_planted(client: Client, manifest: dict[str, Any]) -> None:
    blocked = manifest["trouble"]["robots_disallowed"]
    assert any(b["host"].split(".")[0] != "www" for b in blocked), "a department site blocks its 年报 column"
    for item in blocked:
        parser = RobotFileParser()
        parser.parse(client.get(f"http://{item['host']}/robots.txt").text().splitlines())
        assert not parser.can_fetch("*", f"http://{item['host']}{item['path']}/x.html")
    hidden = [r for r in manifest["reports"] if not r["robots_allowed"]]
    assert hidden
    assert not any(r["reachable"] for r in hidden)


def test_rs412_challenge(client: Client, manifest: dict[str, Any]) -> None:
    host = next(h for h, b in manifest["trouble"]["blocked"].items() if b["kind"] == "rs412")
    for path in ("/", "/robots.txt"):
        reply = client.get(f"http://{host}{path}")
        assert reply.status == 412
        assert "$_ts" in reply.text()
        assert "r='m'" in reply.text()
        assert "FSSBBIl1UgzbN7N80S=" in reply.headers["Set-Cookie"]


def test_jsl521_rounds(client: Client, manifest: dict[str, Any]) -> None:
    host = next(h for h, b in manifest["trouble"]["blocked"].items() if b["kind"] == "jsl521")
    url = f"http://{host}/"
    first = client.get(url)
    assert first.status == 521
    jar = {"__jsluid_h": first.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]}
    name, value = solve_jsl(first.text())
    jar[name] = value
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    second = client.get(url, cookie)
    assert second.status == 521
    assert "go({" in second.text()
    name, value = solve_jsl(second.text())
    jar[name] = value
    third = client.get(url, {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    assert third.status == 200
    assert b"SiteIDCode" in third.body


def test_wzws_redirect_challenge(client: Client, manifest: dict[str, Any]) -> None:
    host = next(h for h, b in manifest["trouble"]["blocked"].items() if b["kind"] == "wzws")
    first = client.get(f"http://{host}/index.htm", follow=False)
    assert first.status == 302
    assert "/WZWSREL" in first.headers["Location"]
    assert "wzwschallenge=" in first.headers["Location"]
    challenge_url = f"http://{host}{first.headers['Location']}"
    page = client.get(challenge_url, follow=False)
    assert page.status == 200
    assert "wzwschallengex" in page.text()
    name, value = solve_wzws(page.text())
    back = client.get(challenge_url, {"Cookie": f"{name}={value}"}, follow=False)
    assert back.status == 302
    assert back.headers["Location"] == "/index.htm"
    cid = back.headers["Set-Cookie"].split(";")[0]
    assert client.get(f"http://{host}/index.htm", {"Cookie": cid}).status == 200


def test_referer_checks(client: Client, manifest: dict[str, Any]) -> None:
    vsb = manifest["trouble"]["attachments_need_referer"][0]
    report = next(r for r in manifest["reports"] if r["host"] == vsb and r["attachment_urls"]
                  and "download.jsp" in r["attachment_urls"][0])
    url = report["attachment_urls"][0]
    refused = client.get(url)
    assert refused.status == 200
    assert b"alert(" in refused.body
    served = client.get(url, {"Referer": report["article_url"]})
    assert served.headers["Content-Type"] == "application/octet-stream"
    assert len(served.body) > 1000
    assert "attachment" in served.headers["Content-Disposition"]


def test_mirror_is_outside_gov(client: Client, manifest: dict[str, Any]) -> None:
    link = manifest["trouble"]["outside_links"][0]
    assert _host(link["url"]) in manifest["mirror_hosts"]
    assert not _host(link["url"]).endswith(".gov.cn")
    site = next(s for s in manifest["sites"] if s["host"] == _host(link["on"]))
    robots = RobotFileParser()
    robots.parse((site["robots"] or "").splitlines())
    assert robots.can_fetch("*", link["on"]), "a polite crawler must meet the mirror link"
    entries, _ = READERS[site["family"]](client, link["on"])
    assert link["url"] in {url for _, url in entries}
    assert client.get(link["url"]).status == 200   # it exists; a crawler must refuse it anyway
