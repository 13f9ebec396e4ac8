"""The table search of sections (`?_search=`) against a real `nianbao serve` command line: newest matches first
straight from the FTS5 index with a LIMIT, a count capped at 1,000, keyset next pages, and the exact matches
for a selective term (issue 13 §3; plugins/table_search.py)."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.db import open_db
from archive.textdb import has_text, text_path
from nianbao.serve import CONFIG
from tests.datasette.served import served

PHRASE = "信息公开申请"
COUNTY = "彰武县审计局"
SECTIONS = 1_200  # more than the 1,000 the count stops at


def _plugin():
    spec = importlib.util.spec_from_file_location("nianbao_table_search", CONFIG / "plugins" / "table_search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("table-search")
    db = open_db(root / "nianbao.db")
    reports = SECTIONS // 4
    db["documents"].insert_all([{"sha256": f"{i:064x}", "size": 1, "format": "html", "content_type": "text/html",
                                 "first_seen": "2026-01-01"} for i in range(1, reports + 1)])
    db["reports"].insert_all([{"id": i, "sha256": f"{i:064x}", "year": 2019 + i % 7, "status": "ok",
                               "agency": COUNTY if i % 50 == 0 else "某县人民政府"} for i in range(1, reports + 1)])
    rows = [(1 + n // 4, 1 + n % 4, f"第{1 + n % 4}节",
             f"{COUNTY if (1 + n // 4) % 50 == 0 and n % 4 == 0 else '某县人民政府'}本年度共收到政府{PHRASE}{n}件。")
            for n in range(SECTIONS)]
    text = "text." if has_text(db) else ""  # the text database beside the numbers (archive/textdb.py)
    db.conn.executemany(f"INSERT INTO {text}sections (report_id, no, heading, text) VALUES (?, ?, ?, ?)", rows)
    db.conn.commit()
    db.conn.close()
    return root


@pytest.fixture(scope="module")
def base(archive: Path) -> Iterator[str]:
    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "nianbao", "serve", "--archive", str(archive), "--host", "127.0.0.1",
                "--port", str(port), "--watch", "0"]

    with served(command, timeout=60) as (url, _):
        yield url


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.read().decode("utf-8")


def _search(base: str, term: str, ext: str = ".json", **params: object) -> tuple[int, str]:
    """The search as the archive links it (under the numbers database: redirected to the database that holds
    the text, where the plugin answers it)."""
    return _get(f"{base}/nianbao/sections{ext}?" + urllib.parse.urlencode({"_search": term, **params}))


def test_phrase_in_every_section_is_capped_newest_first_and_pages_on(base: str, archive: Path) -> None:
    status, body = _search(base, PHRASE, _size=100)
    assert status == 200
    page = json.loads(body)
    assert page["count"] == 1_001
    assert page["count_capped"] is True
    rowids = [r["rowid"] for r in page["rows"]]
    assert rowids == list(range(SECTIONS, SECTIONS - 100, -1))  # the newest 100, in descending rowid order
    assert all(f"[{PHRASE}]" in r["snippet"] for r in page["rows"])
    following = json.loads(_get(base + page["next_url"])[1])
    assert [r["rowid"] for r in following["rows"]] == list(range(SECTIONS - 100, SECTIONS - 200, -1))
    assert following["count"] is None  # a next page does not count again
    status, html = _search(base, PHRASE, ext="", _size=5)
    assert status == 200
    assert "more than 1,000 matching sections" in html
    assert html.count(f"<mark>{PHRASE}</mark>") == 5


def test_selective_term_finds_exactly_the_sections_that_hold_it(base: str, archive: Path) -> None:
    conn = sqlite3.connect(text_path(archive / "nianbao.db") if (archive / "nianbao_text.db").exists()
                           else archive / "nianbao.db")
    expected = conn.execute("SELECT rowid, report_id, no FROM sections WHERE instr(text, ?) OR instr(heading, ?) "
                            "ORDER BY rowid DESC", [COUNTY, COUNTY]).fetchall()
    conn.close()
    assert len(expected) == SECTIONS // 4 // 50
    page = json.loads(_search(base, COUNTY)[1])
    assert [(r["rowid"], r["report_id"], r["no"]) for r in page["rows"]] == expected
    assert page["count"] == len(expected)
    assert page["count_capped"] is False
    assert page["next"] is None
    html = _search(base, COUNTY, ext="")[1]
    assert f'<a href="/nianbao/reports/{expected[0][1]}">' in html


def test_filtered_or_sorted_searches_stay_with_datasette(base: str) -> None:
    status, html = _search(base, PHRASE, ext="", report_id=5)
    assert status == 200
    assert "more than 1,000" not in html
    assert "4 rows" in html


def test_page_query_reads_the_index_in_rowid_order_without_sorting(archive: Path) -> None:
    plugin = _plugin()
    conn = sqlite3.connect(text_path(archive / "nianbao.db"))
    plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + plugin.PAGE_SQL,
                                                 {"q": plugin.match_query(PHRASE), "before": 2**62, "size": 10}))
    count_plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + plugin.COUNT_SQL,
                                                       {"q": plugin.match_query(PHRASE), "cap": 1001}))
    conn.close()
    assert "VIRTUAL TABLE" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    assert "INTEGER PRIMARY KEY" in plan, plan  # each hit's section row by rowid
    assert "VIRTUAL TABLE" in count_plan, count_plan
    assert "TEMP B-TREE" not in count_plan, count_plan
