"""Crawl benchmark: throughput against the portal farm as a ratio to `scrapy bench` in the same run, and the
cost of re-crawling an unchanged farm (requests and bytes as a fraction of the first crawl; target < 10 %).

- `scrapy bench`: Scrapy's own local server and link-following spider, no parsing, for ~10 s: the ceiling
  of this machine for Scrapy itself.
- First crawl: `nianbao crawl` over the default farm (seed 1) through its proxy, with the farm-only settings
  of the demo (no politeness delay, 2 requests per host): discovery, archive, WARC and parsing included.
- Re-crawl: the same farm, same generation, into the same archive: conditional requests for every archived
  document (304 when unchanged); list pages are re-read (new reports appear there).

- Parse pool (issue 13): the first crawl with `--parse-workers N` (the crawl worker archives, N parse workers
  parse beside it) and with `--parse-workers 0` (parsed inside the crawl, as before), each into a fresh
  archive. Requests/s is the farm's request count over the crawl's own elapsed time (Scrapy's
  elapsed_time_seconds, as for `scrapy bench`); CPU seconds are the crawl process's own (pool apart), and
  `scrapy bench`'s own (its process, not its local server), each including interpreter start-up.
- The farm renders each document (PDF, DOCX, XLS …) the first time it is asked for, in this benchmark's own
  process: ~15 CPU-s that real portals spend on their own machines, and that `scrapy bench`'s trivial server
  does not. So a warm-up crawl (archiving only, into a scratch archive) renders them first; `--cold` skips it.
  The warm-up spends the farm's one planted 500 of its flaky page, so the measured crawls do not retry it.
- `--rounds R`: `scrapy bench` and the pooled first crawl are run R times, alternately (the machine is shared:
  each ratio pairs two neighbouring runs); every round is printed and the median ratio is reported.

Usage: python bench/crawl_bench.py [--seed 1] [--counties 6] [--parse-workers 2] [--rounds 3] [--cold]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.demo import FARM_SETTINGS, child_env  # noqa: E402
from synth.farm import Farm  # noqa: E402
from synth.farm.sources import farm_sources  # noqa: E402

CPU_AT_EXIT = ("import atexit, resource, sys; atexit.register(lambda: sys.stderr.write("
               "'BENCH_CPU %f\\n' % sum(resource.getrusage(resource.RUSAGE_SELF)[:2]))); "
               "from scrapy.cmdline import execute; execute()")


def scrapy_bench() -> dict[str, float]:
    """`scrapy bench`: pages/s (responses over its elapsed time) and pages per CPU-second of its own process."""
    out = subprocess.run([sys.executable, "-c", CPU_AT_EXIT, "bench", "-s", "LOG_LEVEL=INFO", "-s",
                          "CLOSESPIDER_TIMEOUT=10"], capture_output=True, text=True, cwd=tempfile.gettempdir(),
                         env=_env(), timeout=300).stderr
    pages = int(re.findall(r"'response_received_count': (\d+)", out)[-1])
    elapsed = float(re.findall(r"'elapsed_time_seconds': ([\d.]+)", out)[-1])
    cpu = float(re.findall(r"BENCH_CPU ([\d.]+)", out)[-1])
    return {"pages": pages, "rps": pages / elapsed, "cpu_s": cpu, "per_cpu_s": pages / cpu}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env() -> dict[str, str]:
    return {**child_env(), "PYTHONPATH": str(ROOT)}


def warm_up(farm: Farm, archive: Path, sources: Path) -> None:
    """Every document rendered once by the farm (archived, not parsed: nobody parses the scratch archive)."""
    subprocess.run([sys.executable, "-m", "nianbao", "crawl", "--archive", str(archive), "--sources", str(sources),
                    "--proxy", farm.proxy_url, *FARM_SETTINGS, "--archive-only"], check=False, env=_env(),
                   capture_output=True)


def crawl(farm: Farm, archive: Path, sources: Path, workers: int | None = None) -> dict[str, float]:
    farm.clear_requests()
    pool = ["--parse-workers", str(workers)] if workers is not None else []
    start, cpu_before = time.perf_counter(), _children_cpu()
    out = subprocess.run([sys.executable, "-m", "nianbao", "crawl", "--archive", str(archive), "--sources",
                          str(sources), "--proxy", farm.proxy_url, *FARM_SETTINGS, *pool], check=True, env=_env(),
                         capture_output=True, text=True).stdout
    wall, total_cpu = time.perf_counter() - start, _children_cpu() - cpu_before
    log = farm.requests
    found = re.search(r"drained ([\d.]+) s after the crawl's ([\d.]+) s; CPU s: crawl ([\d.]+), pool ([\d.]+)", out)
    drain, elapsed, crawl_cpu, pool_cpu = (float(g) for g in found.groups()) if found else (0.0, wall, total_cpu, 0.0)
    with closing(sqlite3.connect(archive / "nianbao.db")) as db:
        parsed = db.execute("SELECT count(*) FROM parse_queue").fetchone()[0] if found else None
    return {"wall_s": wall, "elapsed_s": elapsed, "drain_s": drain, "requests": len(log), "queued_total": parsed,
            "bytes": sum(r.bytes for r in log), "conditional": sum(r.conditional for r in log),
            "not_modified": sum(r.status == 304 for r in log), "rps": len(log) / elapsed,
            "crawl_cpu_s": crawl_cpu, "pool_cpu_s": pool_cpu, "per_cpu_s": len(log) / crawl_cpu}


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--counties", type=int, default=6)
    ap.add_argument("--parse-workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="no warm-up: the farm renders documents during the crawl")
    args = ap.parse_args()
    from crawler.sources import write_sources

    print(f"load average at start: {load()} ({os.cpu_count()} cores)")
    baselines, pooled = [], []
    with tempfile.TemporaryDirectory(prefix="nianbao-crawl-bench-") as tmp_name, \
            Farm(seed=args.seed, n_counties=args.counties) as farm:
        tmp = Path(tmp_name)
        sources = tmp / "sources.csv"
        write_sources(farm_sources(farm.manifest()), sources)
        if not args.cold:
            warm_up(farm, tmp / "warm-up", sources)
        for r in range(args.rounds):
            baselines.append(scrapy_bench())
            pooled.append(crawl(farm, tmp / f"archive{r}", sources, args.parse_workers))
            print(f"round {r + 1}: scrapy bench {baselines[-1]}\n         pool of {args.parse_workers}: {pooled[-1]} "
                  f"(load {load()})")
        again = crawl(farm, tmp / "archive0", sources, args.parse_workers)
        inline = crawl(farm, tmp / "inline", sources, 0)
    print(f"re-crawl:    {again}")
    print(f"first crawl, parsed inline: {inline}")
    print(f"load average at end: {load()}")
    report(args.parse_workers, baselines, pooled, again, inline)


def report(n: int, baselines: list[dict], pooled: list[dict], again: dict, inline: dict) -> None:
    rps = [run["rps"] / base["rps"] for base, run in zip(baselines, pooled, strict=True)]
    cpu = [run["per_cpu_s"] / base["per_cpu_s"] for base, run in zip(baselines, pooled, strict=True)]
    name = f"first crawl, {n} parse workers"
    print("\n| measure | value |\n|---|---|")
    bench_rounds = ", ".join("{rps:.0f} / {per_cpu_s:.0f}".format(**b) for b in baselines)
    print(f"| scrapy bench: pages/s / pages per CPU-second (each round) | {bench_rounds} |")
    crawl_rounds = "; ".join("{requests}, {elapsed_s:.1f} (+{drain_s:.1f}), {rps:.1f}".format(**r) for r in pooled)
    print(f"| {name}: requests, crawl s (+ drain s), requests/s (each round) | {crawl_rounds} |")
    print(f"| {name}: requests/s / scrapy bench (each round; median) | "
          f"{', '.join(f'{x:.2f}' for x in rps)}; **{statistics.median(rps):.2f}×** |")
    print(f"| {name}: requests per crawl CPU-s / scrapy bench's (each round; median) | "
          f"{', '.join(f'{x:.2f}' for x in cpu)}; **{statistics.median(cpu):.2f}×** |")
    print(f"| {name}: crawl CPU-s per request, pool CPU-s per document queued | "
          f"{statistics.median(r['crawl_cpu_s'] / r['requests'] for r in pooled):.4f}, "
          f"{statistics.median(r['pool_cpu_s'] / r['queued_total'] for r in pooled):.3f} |")
    base = statistics.median(b["rps"] for b in baselines)
    print(f"| first crawl, parsed inline: requests/s, / median scrapy bench | {inline['rps']:.1f}, "
          f"{inline['rps'] / base:.2f}× |")
    print(f"| first crawl, parsed inline: crawl CPU-s per request | {inline['crawl_cpu_s'] / inline['requests']:.4f} |")
    print(f"| re-crawl: requests, conditional, 304s; requests/s | {again['requests']}, {again['conditional']}, "
          f"{again['not_modified']}; {again['rps']:.1f} |")
    print(f"| re-crawl requests / first | {again['requests'] / pooled[0]['requests']:.1%} |")
    print(f"| re-crawl bytes / first | {again['bytes'] / pooled[0]['bytes']:.1%} ({again['bytes']:,} of "
          f"{pooled[0]['bytes']:,}) |")


if __name__ == "__main__":
    main()
