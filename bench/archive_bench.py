"""Archive benchmarks: ingest throughput, database bytes per report, Datasette latency at 10k and 100k reports.

- Ingest: documents/s through `nianbao ingest` (store + WARC + parse + write) as a ratio to parse() alone
  on the same documents in the same run (the archive's overhead).
- Scale: an archive of N synthetic reports cloned at SQL level (bench/scaled_archive.py) from the archive the
  ingest measure built with the real pipeline, for N = 10k and 100k; bytes per report (all database files);
  p50/p95 latency of a Datasette facet page, a canned query and two full-text searches against a real `datasette
  serve -i` on 127.0.0.1: a phrase in every report (信息公开申请, two sections per report: its cost is proportional to
  the matches, which grow with the archive) and one county's agency name (about N/2,800 reports: the cost of the
  index lookups).
  Target: the 100k figures within 3× of the 10k ones (cost grows with indexes, not table scans).

Usage: python bench/archive_bench.py [--sizes 10000,100000] [--requests 40] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from benchlib import free_port, immutable_value  # noqa: E402

from nianbao.serve import datasette_args, prepare  # noqa: E402

URLS = {
    "facet page": "/nianbao/report_summary?_facet=province&_facet=year&_facet=template&_size=50",
    "canned query": "/nianbao/{canned}?{params}",
    "full-text search, every report": "/nianbao/sections?_search=" + quote("信息公开申请") + "&_size=20",
    "full-text search, one county": "/nianbao/sections?_search={county}&_size=20",
    "search page (canned), every report": "/nianbao/search?q=" + quote("信息公开申请"),
}


def parsed_pool(n: int, seed: int) -> list[dict]:
    import synth
    from parsers import parse

    rng = random.Random(seed)
    layouts = [name for name in sorted(synth.LAYOUTS) if name.startswith("html")]
    pool = []
    for i in range(n):
        record = synth.random_record(rng, synth.TEMPLATES[i % 3], break_arithmetic=i % 7 == 0)
        data, ext = synth.render(record, layouts[i % len(layouts)], rng)
        pool.append((data, ext, parse(data, f"r.{ext}")))
    return pool


def bench_ingest(pool: list, tmp: Path) -> dict:
    from nianbao.pipeline import Archive, ingest_bytes
    from parsers import parse

    start = time.perf_counter()
    for data, ext, _ in pool:
        parse(data, f"r.{ext}")
    parse_s = time.perf_counter() - start
    archive = Archive.open(tmp / "ingest")
    start = time.perf_counter()
    for i, (data, ext, _) in enumerate(pool):
        ingest_bytes(archive, data, f"http://www.example.gov.cn/r{i}.{ext}", f"r{i}.{ext}")
    ingest_s = time.perf_counter() - start
    return {"docs": len(pool), "ingest_dps": len(pool) / ingest_s, "parse_dps": len(pool) / parse_s,
            "ratio": ingest_s / parse_s}


def build_scaled(seed_dir: Path, out_dir: Path, n: int, seed: int) -> None:
    """N reports cloned at SQL level from the ingested seed archive (bench/scaled_archive.py)."""
    from scaled_archive import build

    build(seed_dir, out_dir, n, seed, say=lambda _: None)


def _canned() -> tuple[str, str]:
    """The first canned query of metadata.yml, with placeholder values for its parameters."""
    import yaml

    meta = yaml.safe_load((ROOT / "datasette" / "metadata.yml").read_text(encoding="utf-8"))
    queries = meta["databases"]["nianbao"].get("queries", {})
    name = "failing_checks" if "failing_checks" in queries else next(iter(queries))
    params = (queries[name].get("params") or []) if isinstance(queries[name], dict) else []
    return name, "&".join(f"{p}=" for p in params)


def _county_term(db: Path) -> str:
    """The agency name of report 1 (a county government): the selective search term."""
    return immutable_value(db, "SELECT agency FROM report_summary WHERE report_id = 1")


def _matches(db: Path) -> list[int]:
    """How many sections each search finds: what a full-text search's cost is proportional to."""
    text = db.with_name(db.stem + "_text.db")  # the text database beside the numbers, when there is one
    conn = sqlite3.connect(f"file:{text if text.exists() else db}?immutable=1", uri=True)
    try:
        return [conn.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH ?",
                             ['"' + term + '"']).fetchone()[0] for term in ("信息公开申请", _county_term(db))]
    finally:
        conn.close()


def latency(db: Path, requests: int) -> dict[str, dict[str, float]]:
    port = free_port()
    server = subprocess.Popen(datasette_args(prepare(db), "127.0.0.1", port), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base)
        canned, params = _canned()
        county = quote(_county_term(db))
        out = {}
        for label, template in URLS.items():
            url = base + template.format(canned=canned, params=params, county=county)
            urllib.request.urlopen(url, timeout=120).read()  # warm caches
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                urllib.request.urlopen(url, timeout=120).read()
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            out[label] = {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}
        return out
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait(base: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("datasette did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--pool", type=int, default=60)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--keep", type=Path, help="build scaled databases here and reuse them on later runs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-archive-bench-") as tmp_name:
        tmp = Path(tmp_name)
        scaled_root = args.keep or tmp
        pool = parsed_pool(args.pool, args.seed)
        ingest = bench_ingest(pool, tmp)
        print(f"ingest: {ingest['ingest_dps']:.1f} docs/s vs parse alone {ingest['parse_dps']:.1f} docs/s "
              f"(ratio {ingest['ratio']:.2f}×, {ingest['docs']} documents)")
        results = {}
        for n in map(int, args.sizes.split(",")):
            path = scaled_root / f"scaled-{n}" / "nianbao.db"
            start = time.perf_counter()
            if not path.exists():
                build_scaled(tmp / "ingest", path.parent, n, args.seed)
            size = sum(p.stat().st_size for p in path.parent.glob("*.db"))
            results[n] = {"build_s": time.perf_counter() - start, "bytes_per_report": size / n,
                          "search_matches": _matches(path), "latency": latency(path, args.requests)}
            print(json.dumps({n: results[n]}, indent=1))
        sizes = sorted(results)
        print("\n| measure | " + " | ".join(f"{n:,} reports" for n in sizes) + " | ratio |")
        print("|---|" + "---|" * (len(sizes) + 1))
        print("| DB bytes per report | " + " | ".join(f"{results[n]['bytes_per_report']:,.0f}" for n in sizes)
              + f" | {results[sizes[-1]]['bytes_per_report'] / results[sizes[0]]['bytes_per_report']:.2f}× |")
        for i, label in enumerate(("every report", "one county")):
            vals = [results[n]["search_matches"][i] for n in sizes]
            print(f"| sections matching, {label} | " + " | ".join(f"{v:,}" for v in vals)
                  + f" | {vals[-1] / max(vals[0], 1):.2f}× |")
        for label in URLS:
            for q in ("p50", "p95"):
                vals = [results[n]["latency"][label][q] for n in sizes]
                cells = " | ".join(f"{v:.1f}" for v in vals)
                print(f"| {label} {q} (ms) | {cells} | {vals[-1] / vals[0]:.2f}× |")


if __name__ == "__main__":
    main()
