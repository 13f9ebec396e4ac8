"""Figures from sentences: precision first (a wrong number is worse than none), then recall.

The labelled snippets (data/narrative_snippets.yaml) are written in the phrasing of real reports, with
many negatives: percentages, years, dates, document numbers, changes on last year, cumulative and
approximate counts, ranges, other periods, other subjects. Figures are printed (pytest -s) and recorded
in docs/benchmarks.md.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

import synth
from parsers.narrative import text_values

SNIPPETS = Path(__file__).parent / "data" / "narrative_snippets.yaml"
MIN_PRECISION = 0.99


def score(cases: list[tuple[str, dict]]) -> tuple[int, int, int]:
    """True positives, false positives, false negatives over (text, expected figures) cases."""
    tp = fp = fn = 0
    for text, expected in cases:
        got = {v["key"]: v["value"] for v in text_values(text)[0]}
        tp += sum(1 for k, v in got.items() if expected.get(k) == v)
        fp += sum(1 for k, v in got.items() if expected.get(k) != v)
        fn += sum(1 for k, v in expected.items() if got.get(k) != v)
    return tp, fp, fn


def report(name: str, tp: int, fp: int, fn: int) -> tuple[float, float]:
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\n{name}: {tp} right, {fp} wrong, {fn} missed; precision {precision:.3f}, recall {recall:.3f}")
    return precision, recall


def test_labelled_snippets_precision_and_recall():
    snippets = yaml.safe_load(SNIPPETS.read_text(encoding="utf-8"))["snippets"]
    negatives = [s for s in snippets if not s["expect"]]
    assert len(snippets) >= 100
    assert len(negatives) >= 50
    precision, recall = report("labelled snippets", *score([(s["text"], s["expect"]) for s in snippets]))
    assert precision >= MIN_PRECISION
    assert recall >= 0.8


def test_generated_era_prose_precision_and_recall():
    records = [synth.random_record(random.Random(seed), "legacy") for seed in range(300)]
    cases = [("\n".join(s["text"] for s in r["sections"]), r["text_values"]) for r in records]
    assert sum(len(expected) for _, expected in cases) > 2000
    precision, recall = report("generated 2008–2013 prose", *score(cases))
    assert precision >= MIN_PRECISION
    assert recall >= 0.99


def test_each_value_keeps_its_sentence_and_unit():
    values, warnings = text_values("一、概述\n2012年，全年共受理政府信息公开申请123件，其中同意公开98件。"
                                   "收取费用0.5万元。")
    assert warnings == []
    by_key = {v["key"]: v for v in values}
    assert by_key["requests_received"]["sentence"] == "2012年,全年共受理政府信息公开申请123件,其中同意公开98件"
    assert by_key["requests_received"]["raw"] == "受理政府信息公开申请123件"
    assert (by_key["fees"]["value"], by_key["fees"]["unit"]) == (0.5, "万元")
    assert {v["source_kind"] for v in values} == {"text"}


def test_a_figure_stated_twice_differently_is_dropped():
    values, warnings = text_values("全年共受理政府信息公开申请12件。2012年共受理信息公开申请15件。"
                                   "全年主动公开政府信息40条。")
    assert [v["key"] for v in values] == ["proactive_items"]
    assert warnings == ["text: requests_received is stated as 12件, 15件; none of them is kept"]
