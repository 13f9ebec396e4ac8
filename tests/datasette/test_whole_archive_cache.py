"""Whole-archive aggregates (maps, charts, per-agency canned queries) are computed at start-up and then answered
from memory, per Datasette instance and URL, for immutable databases only (plugins/whole_archive_cache.py)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from datasette.app import Datasette
from sqlite_utils import Database

from nianbao.serve import CONFIG, SETTINGS
from tests.datasette.build import Built
from tests.datasette.conftest import Client, make_datasette, metadata

ATTRIBUTE = "_nianbao_whole_archive_cache"
MAP = "/nianbao/county_map.json?_size=max&_labels=on&_extra=count&_extra=next_url&_shape=objects"


def _lifespan_start(ds: Datasette) -> list[str]:
    """What uvicorn does before it listens: the ASGI lifespan start-up, then (here) its shutdown."""
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[str] = []

    async def receive() -> dict:
        return messages.pop(0)

    async def send(message: dict) -> None:
        sent.append(message["type"])

    asyncio.run(ds.app()({"type": "lifespan"}, receive, send))
    return sent


def test_start_up_computes_the_listed_answers_and_they_stay_right(built: Built, tmp_path: Path) -> None:
    db_path = tmp_path / "nianbao.db"
    shutil.copy(built.db_path, db_path)
    ds = make_datasette(db_path)
    assert not getattr(ds, ATTRIBUTE, {})
    assert _lifespan_start(ds) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert ds.sql_time_limit_ms == SETTINGS["sql_time_limit_ms"]  # the longer limit was for start-up only
    cache = getattr(ds, ATTRIBUTE)
    assert any(key.startswith("/nianbao/refusal_rates?") for key in cache)  # a rendered page
    listed = metadata()["plugins"]["nianbao"]["precomputed_queries"]
    assert {"county_map", "refusal_rates", "carry_over_mismatches"} <= set(listed)
    assert any(key.startswith("/nianbao/county_map.json?") for key in cache)
    assert any(key.startswith("/nianbao.json?") and "sql=" in key for key in cache)  # dashboard charts
    client = Client(ds)
    # the parameters in another order are the same answer; it matches the database's own
    rows = client.get(MAP.replace("_size=max&", "") + "&_size=max").json()["rows"]
    expected = dict(Database(db_path).execute(
        "SELECT division_code, count(*) FROM report_summary WHERE division_code IS NOT NULL GROUP BY 1").fetchall())
    assert expected
    assert {r["division_code"]: r["reports"] for r in rows} == expected
    # an answer is per instance: another archive served in the same process is not answered from this one
    with Database(db_path) as db:
        db.execute("DELETE FROM report_summary WHERE division_code = ?", [next(iter(expected))])
        db.conn.commit()
    other = Client(make_datasette(db_path))
    assert len(other.get(MAP).json()["rows"]) == len(expected) - 1
    assert len(client.get(MAP).json()["rows"]) == len(expected)  # the first instance's archive version


def test_mutable_databases_are_never_answered_from_memory(built: Built, tmp_path: Path) -> None:
    db_path = tmp_path / "nianbao.db"
    shutil.copy(built.db_path, db_path)
    ds = Datasette(files=[str(db_path)], metadata=metadata(), template_dir=str(CONFIG / "templates"),
                   plugins_dir=str(CONFIG / "plugins"), settings=dict(SETTINGS))
    asyncio.run(ds.invoke_startup())
    _lifespan_start(ds)
    assert not getattr(ds, ATTRIBUTE, {})
    client = Client(ds)
    before = len(client.get(MAP).json()["rows"])
    with Database(db_path) as db:
        db.execute("DELETE FROM report_summary WHERE rowid = (SELECT min(rowid) FROM report_summary "
                   "WHERE division_code IS NOT NULL)")
        db.conn.commit()
    assert before > 0
    assert not getattr(ds, ATTRIBUTE, {})
    client.get(MAP)
    assert not getattr(ds, ATTRIBUTE, {})
