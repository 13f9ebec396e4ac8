"""Crawl benchmark: throughput against the portal farm as a ratio to `scrapy bench` in the same run, and the
cost of re-crawling an unchanged farm (requests and bytes as a fraction of the first crawl; target < 10 %).

- `scrapy bench`: Scrapy's own local server and link-following spider, no parsing, for ~10 s: the ceiling
  of this machine for Scrapy itself.
- First crawl: `nianbao crawl` over the default farm (seed 1) through its proxy, with the farm-only settings
  of the demo (no politeness delay, 2 requests per host): discovery, archive, WARC and parsing included.
- Re-crawl: the same farm, same generation, into the same archive: conditional requests for every archived
  document (304 when unchanged); list pages are re-read (new reports appear there).

Usage: python bench/crawl_bench.py [--seed 1] [--counties 6]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.demo import FARM_SETTINGS, child_env  # noqa: E402
from synth.farm import Farm  # noqa: E402
from synth.farm.sources import farm_sources  # noqa: E402


def scrapy_bench() -> float:
    """Pages per second of `scrapy bench` (the last 'Crawled N pages' line over its elapsed time)."""
    out = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", "LOG_LEVEL=INFO", "-s",
                          "CLOSESPIDER_TIMEOUT=10"], capture_output=True, text=True, cwd=tempfile.gettempdir(),
                         env=_env(), timeout=300).stderr
    pages = int(re.findall(r"'response_received_count': (\d+)", out)[-1])
    elapsed = float(re.findall(r"'elapsed_time_seconds': ([\d.]+)", out)[-1])
    return pages / elapsed


def _env() -> dict[str, str]:
    return {**child_env(), "PYTHONPATH": str(ROOT)}


def crawl(farm: Farm, archive: Path, sources: Path) -> dict[str, float]:
    farm.clear_requests()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nianbao", "crawl", "--archive", str(archive), "--sources", str(sources),
                    "--proxy", farm.proxy_url, *FARM_SETTINGS], check=True, env=_env(), capture_output=True)
    wall = time.perf_counter() - start
    log = farm.requests
    return {"wall_s": wall, "requests": len(log), "bytes": sum(r.bytes for r in log),
            "conditional": sum(r.conditional for r in log), "not_modified": sum(r.status == 304 for r in log),
            "rps": len(log) / wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--counties", type=int, default=6)
    args = ap.parse_args()
    from crawler.sources import write_sources

    baseline = scrapy_bench()
    print(f"scrapy bench: {baseline:.1f} pages/s")
    with tempfile.TemporaryDirectory(prefix="nianbao-crawl-bench-") as tmp_name, \
            Farm(seed=args.seed, n_counties=args.counties) as farm:
        tmp = Path(tmp_name)
        sources = tmp / "sources.csv"
        write_sources(farm_sources(farm.manifest()), sources)
        first = crawl(farm, tmp / "archive", sources)
        again = crawl(farm, tmp / "archive", sources)
    print(f"first crawl: {first}")
    print(f"re-crawl:    {again}")
    print("\n| measure | value |\n|---|---|")
    print(f"| scrapy bench (pages/s) | {baseline:.1f} |")
    print(f"| first crawl: requests, wall s, requests/s | {first['requests']}, {first['wall_s']:.1f}, "
          f"{first['rps']:.1f} |")
    print(f"| first crawl throughput / scrapy bench | {first['rps'] / baseline:.3f}× |")
    print(f"| re-crawl: requests, conditional, 304s | {again['requests']}, {again['conditional']}, "
          f"{again['not_modified']} |")
    print(f"| re-crawl requests / first | {again['requests'] / first['requests']:.1%} |")
    print(f"| re-crawl bytes / first | {again['bytes'] / first['bytes']:.1%} ({again['bytes']:,} of "
          f"{first['bytes']:,}) |")


if __name__ == "__main__":
    main()
