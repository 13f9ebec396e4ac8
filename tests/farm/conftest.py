"""A running farm (seed 1, the default six counties) and a client that reaches it only through its proxy."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from synth.farm import Farm
from tests.farm.client import Client


@pytest.fixture(scope="session", autouse=True)
def _no_proxy_bypass() -> Iterator[None]:
    """urllib skips the proxy for hosts in no_proxy: clear it so farm hosts never resolve for real."""
    saved = {k: os.environ.pop(k) for k in ("no_proxy", "NO_PROXY") if k in os.environ}
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session")
def farm() -> Iterator[Farm]:
    with Farm(seed=1) as running:
        yield running


@pytest.fixture(scope="session")
def client(farm: Farm) -> Client:
    return Client(farm.proxy_url)


@pytest.fixture(scope="session")
def manifest(farm: Farm) -> dict[str, Any]:
    return farm.manifest()


@pytest.fixture(scope="session")
def sites(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["host"]: s for s in manifest["sites"]}


def county(sites: dict[str, dict[str, Any]], **want: str) -> dict[str, Any]:
    """The first county portal with the given attributes (family=…, encoding=…)."""
    return next(s for s in sites.values() if s["kind"] == "county" and all(s[k] == v for k, v in want.items()))
