"""Property: parse(render(record)) == record, cell for cell, for every layout the generator knows.

The generator (synth/) draws internally consistent records (sometimes with printed blanks, sometimes
with one planted arithmetic error) and renders them as HTML in several portal styles, GBK HTML, DOCX
with merged cells, PDF with table 3 split across pages, and flattened tab/pipe text.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import synth
from parsers import parse

TABLES = ("proactive", "requests", "review_litigation")
EXAMPLES = {"pdf": 20, "docx": 25}  # the slower renderers; every other layout gets DEFAULT_EXAMPLES
DEFAULT_EXAMPLES = 40
ERA_EXAMPLES = {"pdf": 6, "docx": 8}  # 2008–2018 reports: every era × layout, fewer examples each
DEFAULT_ERA_EXAMPLES = 12


def _roundtrip(layout: str, seed: int, template: str, blanks: bool, broken: bool) -> tuple[dict, dict]:
    rng = random.Random(seed)
    record = synth.random_record(rng, template, blanks=blanks, break_arithmetic=broken)
    data, ext = synth.render(record, layout, rng)
    return record, parse(data, f"report.{ext}")


def _assert_same(record: dict, parsed: dict) -> None:
    assert parsed["status"] == "ok", (parsed["errors"], parsed["warnings"])
    for table in TABLES:
        assert parsed[table] == record[table], table
    assert {v["key"]: v["value"] for v in parsed["text_values"]} == record["text_values"]
    assert all(v["source_kind"] == "text" and v["raw"] in v["sentence"] for v in parsed["text_values"])
    for key in ("template", "title", "agency", "year", "published"):
        assert parsed[key] == record[key], key
    headings = [(s["no"], s["heading"]) for s in parsed["sections"]]
    assert headings == [(s["no"], s["heading"]) for s in record["sections"]]
    planted = {(f["id"], f["scope"]) for f in synth.failing(record)}
    assert {(c["id"], c["scope"]) for c in parsed["checks"] if not c["ok"]} == planted


@pytest.mark.parametrize("layout", sorted(synth.LAYOUTS))
def test_parse_inverts_render(layout: str) -> None:
    @settings(max_examples=EXAMPLES.get(layout, DEFAULT_EXAMPLES), deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(
        seed=st.integers(min_value=0, max_value=2**32 - 1),
        template=st.sampled_from(synth.TEMPLATES),
        blanks=st.booleans(),
        broken=st.booleans(),
    )
    def check(seed: int, template: str, blanks: bool, broken: bool) -> None:
        _assert_same(*_roundtrip(layout, seed, template, blanks, broken))

    check()


def _assert_same_era(record: dict, parsed: dict) -> None:
    """2008–2018: the statistics table (stat2014) and the figures stated in prose, nothing else."""
    assert parsed["status"] == "ok", (parsed["errors"], parsed["warnings"])
    for key in ("template", "title", "agency", "year", "published", "statistics", *TABLES):
        assert parsed[key] == record[key], key
    assert {v["key"]: v["value"] for v in parsed["text_values"]} == record["text_values"]
    planted = {(f["id"], f["scope"]) for f in synth.failing(record)}
    assert {(c["id"], c["scope"]) for c in parsed["checks"] if not c["ok"]} == planted
    expected_sources = {"text_values"} | ({"statistics"} if record["statistics"] else set())
    assert set(parsed["sources"]) == expected_sources


@pytest.mark.parametrize("template", synth.ERA_TEMPLATES)
@pytest.mark.parametrize("layout", sorted(synth.LAYOUTS))
def test_parse_inverts_render_for_every_era(layout: str, template: str) -> None:
    @settings(max_examples=ERA_EXAMPLES.get(layout, DEFAULT_ERA_EXAMPLES), deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(min_value=0, max_value=2**32 - 1), blanks=st.booleans(), broken=st.booleans())
    def check(seed: int, blanks: bool, broken: bool) -> None:
        _assert_same_era(*_roundtrip(layout, seed, template, blanks, broken))

    check()


def test_planted_errors_are_reported_not_repaired() -> None:
    record, parsed = _roundtrip("html-plain", 7, "gov2021", blanks=False, broken=True)
    planted = synth.failing(record)
    assert planted
    failing = [c for c in parsed["checks"] if not c["ok"]]
    assert {(c["id"], c["scope"]) for c in failing} == {(p["id"], p["scope"]) for p in planted}
    assert all(c["lhs"] != c["rhs"] for c in failing)
    assert parsed["requests"] == record["requests"]  # the wrong printed total is kept as printed
