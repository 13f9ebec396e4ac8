"""Write a benchmark corpus: random reports in every layout, each with a JSON sidecar of its record."""

from __future__ import annotations

import json
import random
from pathlib import Path

from synth.layouts import LAYOUTS, render
from synth.records import TEMPLATES, random_record


def corpus_item(i: int, seed: int) -> tuple[str, str, random.Random]:
    """Template, layout and private RNG of item i; all 27 template x layout pairs recur every 27 items."""
    layouts = list(LAYOUTS)
    template = TEMPLATES[(i + i // len(layouts)) % len(TEMPLATES)]
    return template, layouts[i % len(layouts)], random.Random(f"{seed}:{i}")


def write_corpus(out_dir: str | Path, n: int, seed: int) -> list[Path]:
    """Write n reports named NNNN_<template>_<layout>.<ext> plus NNNN_<template>_<layout>.json.

    The sidecar is the record (with "_layout", and "_planted_errors" when an error was planted).
    About a third of the reports print blanks and one in six breaks one identity on purpose.
    Returns the report paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        template, layout, rng = corpus_item(i, seed)
        blanks, broken = rng.random() < 0.35, rng.random() < 1 / 6
        record = random_record(rng, template, blanks=blanks, break_arithmetic=broken)
        data, ext = render(record, layout, rng)
        stem = f"{i:04d}_{template}_{layout}"
        (out / f"{stem}.{ext}").write_bytes(data)
        sidecar = {**record, "_layout": layout}
        (out / f"{stem}.json").write_text(json.dumps(sidecar, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(out / f"{stem}.{ext}")
    return paths
