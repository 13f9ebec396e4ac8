"""Proxy routing, encodings and the caching headers that make re-crawls cheap."""

from __future__ import annotations

import http.client
from typing import Any

from synth.farm import Farm
from tests.farm.client import Client
from tests.farm.conftest import county


def test_outside_host_gets_502_and_is_logged(client: Client, farm: Farm) -> None:
    reply = client.get("http://www.gov.cn/")
    assert reply.status == 502
    assert b"outside the farm" in reply.body
    last = farm.requests[-1]
    assert last.outside
    assert last.host == "www.gov.cn"
    assert last.status == 502


def test_origin_form_with_host_header_and_connect(farm: Farm, sites: dict[str, dict[str, Any]]) -> None:
    host = county(sites, family="trs")["host"]
    conn = http.client.HTTPConnection("127.0.0.1", farm.port, timeout=10)
    try:
        conn.request("GET", "/", headers={"Host": host})
        resp = conn.getresponse()
        assert resp.status == 200
        assert b"SiteIDCode" in resp.read()
        conn.request("HEAD", "/", headers={"Host": host})
        resp = conn.getresponse()
        assert resp.status == 200
        assert resp.read() == b""
        assert int(resp.getheader("Content-Length")) > 1000
        conn.request("CONNECT", f"{host}:443")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 501
        assert farm.requests[-1].method == "CONNECT"
        assert farm.requests[-1].outside
    finally:
        conn.close()


def test_gbk_pages_decode_as_gb18030_and_declare_gb2312(client: Client, sites: dict[str, dict[str, Any]]) -> None:
    meta = client.get(county(sites, encoding="gbk-meta")["home_url"])
    assert "charset" not in meta.headers["Content-Type"]
    text = meta.body.decode("gb18030")
    assert 'charset=gb2312"' in text
    assert "人民政府" in text
    header = client.get(county(sites, encoding="gbk-header")["home_url"])
    assert header.headers["Content-Type"] == "text/html; charset=GBK"
    text = header.body.decode("gb18030")
    assert "charset=" not in text.split("</head>")[0]
    assert "人民政府" in text
    utf8 = client.get(county(sites, encoding="utf-8")["home_url"])
    assert utf8.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert 'charset=UTF-8">' in utf8.body.decode("utf-8")


def test_conditional_requests_get_304(client: Client, farm: Farm, manifest: dict[str, Any]) -> None:
    report = next(r for r in manifest["reports"] if r["reachable"] and not r["slow"])
    for url in (report["article_url"], report["column_url"].split("#")[0]):
        first = client.get(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert first.status == 200
        assert etag
        assert modified
        assert client.get(url, {"If-None-Match": etag}).status == 304
        assert client.get(url, {"If-Modified-Since": modified}).status == 304
        assert client.get(url, {"If-None-Match": '"nope"'}).status == 200
    log = farm.requests
    not_modified = [r for r in log if r.status == 304]
    assert not_modified
    assert all(r.conditional and r.bytes == 0 for r in not_modified)


def test_gzip_when_asked(client: Client, sites: dict[str, dict[str, Any]]) -> None:
    url = county(sites, family="hanweb")["home_url"]
    plain = client.get(url)
    zipped = client.get(url, {"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.body) < len(plain.body)


def test_pages_have_realistic_chrome_and_metas(client: Client, manifest: dict[str, Any]) -> None:
    report = next(r for r in manifest["reports"] if r["form"] == "inline" and r["reachable"] and not r["slow"])
    reply = client.get(report["article_url"])
    from tests.farm.listing import decode
    html = decode(reply.body, reply.headers["Content-Type"])
    for name in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate"):
        assert f'name="{name}"' in html
    assert "索引号" in html
    assert "发布机构" in html
    assert "发文日期" in html
    assert f'content="{report["county_adcode"]}' in html   # SiteIDCode starts with the county code
    assert len(reply.body) > 8000
