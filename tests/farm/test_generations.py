"""Generation 1: one report edited (same URL, new bytes and ETag), one removed (404, off its list), one added;
everything else answers 304 to a conditional re-crawl."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from synth.farm import Farm
from tests.farm.client import Client
from tests.farm.listing import READERS


@pytest.fixture(scope="module")
def farm1() -> Iterator[Farm]:
    with Farm(seed=1) as running:
        yield running


def _family(manifest: dict[str, Any], host: str) -> str:
    return next(s["family"] for s in manifest["sites"] if s["host"] == host)


def _listed(client: Client, manifest: dict[str, Any], report: dict[str, Any]) -> bool:
    entries, _ = READERS[_family(manifest, report["host"])](client, report["column_url"])
    return report["article_url"] in {url for _, url in entries}


def test_generation_one(farm1: Farm) -> None:
    client = Client(farm1.proxy_url)
    m0 = farm1.manifest()
    change = m0["changes"]["1"]
    assert [len(change[k]) for k in ("edited", "removed", "new")] == [1, 1, 1]
    by_id0 = {r["id"]: r for r in m0["reports"]}
    edited, removed = by_id0[change["edited"][0]["id"]], by_id0[change["removed"][0]["id"]]
    assert change["new"][0]["id"] not in by_id0
    crawl = {r["article_url"]: client.get(r["article_url"]) for r in m0["reports"] if r["reachable"] and not r["slow"]}
    assert all(reply.status == 200 for reply in crawl.values())
    assert _listed(client, m0, removed)
    assert client.get(change["new"][0]["article_url"]).status == 404

    farm1.set_generation(1)
    try:
        m1 = farm1.manifest()
        by_id1 = {r["id"]: r for r in m1["reports"]}
        new = by_id1[change["new"][0]["id"]]
        assert removed["id"] not in by_id1
        assert by_id1[edited["id"]]["version"] == 1
        farm1.clear_requests()
        statuses = {url: client.get(url, {"If-None-Match": reply.headers["ETag"]}).status
                    for url, reply in crawl.items()}
        assert statuses.pop(edited["article_url"]) == 200
        assert statuses.pop(removed["article_url"]) == 404
        assert set(statuses.values()) == {304}
        again = client.get(edited["article_url"])
        assert again.body != crawl[edited["article_url"]].body
        assert again.headers["ETag"] != crawl[edited["article_url"]].headers["ETag"]
        log = farm1.requests
        assert sum(r.bytes for r in log) < sum(len(r.body) for r in crawl.values()) / 10
        assert not _listed(client, m1, removed)
        assert _listed(client, m1, new)
        assert client.get(new["article_url"]).status == 200
        assert not new["errors_planted"] or new["planted_errors"]
    finally:
        farm1.set_generation(0)


def test_edit_fixes_planted_errors(farm1: Farm) -> None:
    edited = farm1.manifest()["changes"]["1"]["edited"][0]["id"]
    before = next(r for r in farm1.manifest(0)["reports"] if r["id"] == edited)
    after = next(r for r in farm1.manifest(1)["reports"] if r["id"] == edited)
    assert before["errors_planted"]
    assert not after["errors_planted"]
