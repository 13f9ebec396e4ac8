"""A larger farm: every family × dialect × column structure × encoding combination it draws pages correctly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest

from synth.farm import Farm, FarmSpec
from tests.farm.client import Client
from tests.farm.listing import READERS


@pytest.fixture(scope="module")
def big() -> Iterator[Farm]:
    with Farm(FarmSpec.generate(11, n_counties=160)) as running:
        yield running


def test_every_combination_pages(big: Farm) -> None:
    picks: dict[tuple[str, ...], str] = {}
    for s in big.spec.county_sites():
        if s.waf is None and s.options["robots"] != "disallow_all":
            picks.setdefault((s.family, s.variant, s.structure, s.encoding), s.host)
    assert len(picks) >= 30
    manifest = big.manifest(planted_errors=False)
    family = {s["host"]: s["family"] for s in manifest["sites"]}
    columns: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in manifest["reports"]:
        if r["host"] in picks.values():
            columns[(r["host"], r["column_url"])].add(r["article_url"])
    client = Client(big.proxy_url)
    for (host, column_url), planted in columns.items():
        entries, _ = READERS[family[host]](client, column_url)
        assert planted <= {url for _, url in entries}, column_url
    assert not [r for r in big.requests if r.outside]
