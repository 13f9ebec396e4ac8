"""bench/scaled_archive.py: a scaled archive cloned at SQL level from a seed made by the real `ingest` keeps
every row consistent (ids, foreign keys, indexes, full-text index), names each clone's own agency and year in
its text, and gives every agency one report a year (issue 13 §3)."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
N = 150


def _module():
    spec = importlib.util.spec_from_file_location("scaled_archive", ROOT / "bench" / "scaled_archive.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    scale = _module()
    root = tmp_path_factory.mktemp("scaled")
    seed = scale.seed_archive(root / "seed", pool_size=6)
    scale.build(seed, root / "scaled", N, say=lambda _: None)
    return seed, root / "scaled"


def _db(path: Path) -> sqlite3.Connection:
    """The numbers database, with the text database beside it (if the schema has one) attached as `text`."""
    conn = sqlite3.connect(path / "nianbao.db")
    if (path / "nianbao_text.db").exists():
        conn.execute("ATTACH DATABASE ? AS text", [str(path / "nianbao_text.db")])
    return conn


def _files(path: Path) -> list[Path]:
    files = sorted(path.glob("*.db"))
    assert path / "nianbao.db" in files
    return files


def test_rows_ids_and_keys_are_consistent(scaled: tuple[Path, Path]) -> None:
    seed, out = scaled
    conn, seed_conn = _db(out), _db(seed)
    assert conn.execute("SELECT count(*), min(id), max(id), count(DISTINCT sha256) FROM reports").fetchone() == (
        N, 1, N, N)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == N
    for file in _files(out):
        with sqlite3.connect(file) as one:
            assert one.execute("PRAGMA foreign_key_check").fetchall() == [], file
            assert one.execute("PRAGMA integrity_check").fetchone()[0] == "ok", file
            indexes = "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name"
            with sqlite3.connect(seed / file.name) as seed_one:
                assert one.execute(indexes).fetchall() == seed_one.execute(indexes).fetchall(), file
    per_seed = dict(seed_conn.execute("SELECT report_id, count(*) FROM report_values GROUP BY 1"))
    assert len(per_seed) == 6
    assert conn.execute("SELECT count(*) FROM report_values").fetchone()[0] == sum(
        per_seed[(i - 1) % 6 + 1] for i in range(1, N + 1))
    conn.execute("INSERT INTO sections_fts(sections_fts) VALUES ('integrity-check')")


def test_each_clone_names_its_own_agency_and_year(scaled: tuple[Path, Path]) -> None:
    conn = _db(scaled[1])
    rows = conn.execute("SELECT r.id, r.agency, r.year, r.title, s.county, s.agency_id = r.agency_id "
                        "FROM reports r JOIN report_summary s ON s.report_id = r.id").fetchall()
    assert len(rows) == N
    for report_id, agency, year, title, county, same_agency in rows:
        assert same_agency
        assert agency.startswith(county)
        assert f"{agency}{year}年" in title, title
        text = "".join(t for (t,) in conn.execute("SELECT text FROM sections WHERE report_id = ?", [report_id]))
        assert agency in text
        assert f"{year}年" in text
    years = conn.execute("SELECT agency_id, count(*), count(DISTINCT year) FROM reports GROUP BY 1").fetchall()
    assert all(n == distinct <= 7 for _, n, distinct in years)


def test_a_county_search_finds_that_county_only(scaled: tuple[Path, Path]) -> None:
    conn = _db(scaled[1])
    county = conn.execute("SELECT county FROM report_summary WHERE report_id = 1").fetchone()[0]
    hits = {r for (r,) in conn.execute("SELECT DISTINCT s.report_id FROM sections_fts f JOIN sections s "
                                       "ON s.rowid = f.rowid WHERE sections_fts MATCH ?", [f'"{county}"'])}
    expected = {r for (r,) in conn.execute("SELECT report_id FROM report_summary WHERE county = ?", [county])}
    assert 1 in hits
    assert hits == expected
