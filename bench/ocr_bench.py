"""OCR of scanned reports: cell accuracy, review flags, pages/s and peak memory, RapidOCR against Tesseract.

Generated reports are rendered to PDF, scanned (synth.scan: rotation up to ±0.8°, noise, JPEG q75) at
each dpi, wrapped in an image-only PDF and parsed. A cell is right when its parsed value equals the
generated one; a wrong cell is caught when the record flags it for review (low OCR confidence or a
failing identity) or its row was not found (the record says so). Each engine runs in its own process
so peak RSS is its own. Baseline: `pdftotext` has nothing to read here, so the ratio reported is
RapidOCR's pages/s over Tesseract's on the same pages.

    .venv/bin/python bench/ocr_bench.py --reports 3 --dpi 150 200 300
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("proactive", "requests", "review_litigation")


def _cells(record: dict) -> dict[tuple[str, str, str], object]:
    return {(t, r, c): v for t in TABLES for r, cols in record[t].items() for c, v in cols.items()}


def score(want: dict, got: dict) -> dict:
    """Right cells, wrong cells, and wrong cells the record does not flag (the number that must be 0)."""
    expected, parsed = _cells(want), _cells(got)
    flagged = {(c["table"], c["row"], c["col"]) for c in got["cells"] if c.get("review")}
    missing_rows = any("rows not found" in w or "not found" in w for w in got["warnings"])
    wrong = [k for k in expected if parsed.get(k, "missing") != expected[k]]
    unflagged = [k for k in wrong if k not in flagged and not (k not in parsed and missing_rows)]
    return {"cells": len(expected), "right": len(expected) - len(wrong), "wrong": len(wrong),
            "unflagged": len(unflagged), "flagged": len(flagged)}


def _cpu() -> float:
    """CPU seconds of this process and its children (Tesseract runs as a child): the figure that does not
    depend on how loaded the machine is."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_engine(engine: str, reports: int, dpis: list[int]) -> dict:
    """Child process: parse every scan with one engine; returns totals and peak RSS."""
    import synth
    from parsers import parse
    from parsers.extract import ocr
    from synth.scan import images_to_pdf, scan_pages

    if engine == "tesseract":
        ocr.engine.cache_clear()
        ocr.engine = lambda: ocr.TesseractEngine()  # the same pipeline, the other recogniser
    out: dict[str, dict] = {}
    for dpi in dpis:
        totals = {"cells": 0, "right": 0, "wrong": 0, "unflagged": 0, "flagged": 0, "pages": 0, "seconds": 0.0,
                  "cpu_seconds": 0.0}
        for seed in range(reports):
            rng = random.Random(seed)
            record = synth.random_record(rng, synth.TEMPLATES[seed % len(synth.TEMPLATES)], blanks=seed % 2 == 0,
                                         break_arithmetic=seed % 3 == 2)
            pdf, _ = synth.render(record, "pdf", rng)
            pages = scan_pages(pdf, random.Random(seed), dpi=dpi)
            scanned = images_to_pdf(pages, dpi)
            start, cpu = time.perf_counter(), _cpu()
            parsed = parse(scanned, "scan.pdf")
            totals["seconds"] += time.perf_counter() - start
            totals["cpu_seconds"] += _cpu() - cpu
            totals["pages"] += len(pages)
            for k, v in score(record, parsed).items():
                totals[k] += v
        out[str(dpi)] = totals
    return {"engine": engine, "by_dpi": out, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=2)
    ap.add_argument("--dpi", type=int, nargs="+", default=[200])
    ap.add_argument("--engines", nargs="+", default=["rapidocr", "tesseract"])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_engine(args.child, args.reports, args.dpi)))
        return
    results = {}
    for engine in args.engines:
        cmd = [sys.executable, __file__, "--child", engine, "--reports", str(args.reports),
               "--dpi", *map(str, args.dpi)]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
        results[engine] = json.loads(done.stdout.strip().splitlines()[-1])
    print("| engine | dpi | pages | cells right | wrong | wrong and not flagged | pages/s | CPU s/page | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for engine, res in results.items():
        for dpi, t in res["by_dpi"].items():
            print(f"| {engine} | {dpi} | {t['pages']} | {t['right'] / t['cells']:.2%} | {t['wrong']} | "
                  f"{t['unflagged']} | {t['pages'] / t['seconds']:.3f} | {t['cpu_seconds'] / t['pages']:.1f} | "
                  f"{res['peak_rss_mb']} |")
    if {"rapidocr", "tesseract"} <= results.keys():
        for dpi in results["rapidocr"]["by_dpi"]:
            r, t = results["rapidocr"]["by_dpi"][dpi], results["tesseract"]["by_dpi"][dpi]
            print(f"\ndpi {dpi}: RapidOCR pages/s ÷ Tesseract pages/s = "
                  f"{(r['pages'] / r['seconds']) / (t['pages'] / t['seconds']):.2f}; CPU per page RapidOCR ÷ "
                  f"Tesseract = {(r['cpu_seconds'] / r['pages']) / (t['cpu_seconds'] / t['pages']):.2f}")


if __name__ == "__main__":
    main()
