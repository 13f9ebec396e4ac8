"""One archive per session, built through the real pipeline, and an in-process Datasette over it.

The Datasette instance is configured exactly as `nianbao serve` configures the server (metadata,
templates, plugins, static from datasette/ as nianbao.serve.CONFIG finds it, settings from
nianbao.serve.SETTINGS); the database is named `nianbao` after nianbao.db.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import yaml
from datasette.app import Datasette

from nianbao.serve import CONFIG, SETTINGS, served_files
from tests.conftest import CORPUS
from tests.datasette.build import Built, build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    corpus = CORPUS if (CORPUS / "labels").is_dir() else None
    return build(tmp_path_factory.mktemp("archive"), corpus)


def metadata() -> dict:
    with (CONFIG / "metadata.yml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def make_datasette(db_path: Path) -> Datasette:
    ds = Datasette(
        files=[],
        immutables=[str(p) for p in served_files(db_path)],  # numbers and text, as `nianbao serve`
        metadata=metadata(),
        template_dir=str(CONFIG / "templates"),
        plugins_dir=str(CONFIG / "plugins"),
        static_mounts=[("static", str(CONFIG / "static"))],
        settings=dict(SETTINGS),
    )
    asyncio.run(ds.invoke_startup())
    return ds


class Client:
    """Synchronous GETs against the in-process Datasette (asyncio.run per request)."""

    def __init__(self, ds: Datasette) -> None:
        self.ds = ds

    def get(self, path: str, **params: str) -> httpx.Response:
        return asyncio.run(self.ds.client.get(path, params=params or None))

    def json(self, path: str, **params: str) -> list[dict]:
        response = self.get(path, _shape="objects", **params)
        assert response.status_code == 200, response.text[:2000]
        return response.json()["rows"]


@pytest.fixture(scope="session")
def client(built: Built) -> Client:
    return Client(make_datasette(built.db_path))


@pytest.fixture(scope="session")
def pages_archive(tmp_path_factory: pytest.TempPathFactory):
    """The archive of planted cases for the agency, compare, export, feed and copy-paste pages."""
    from tests.datasette.pages_build import build as build_pages

    return build_pages(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="session")
def pages_client(pages_archive) -> Client:
    return Client(make_datasette(pages_archive.db_path))
