"""National-scale simulation: the distributed crawl over a farm of every county-level unit (2,850 portals plus
their department sites), with 1, 2 and 4 workers sharing one Redis frontier.

Each configuration crawls the same national farm (in its own process, per-host latency drawn per site) into a
fresh archive under a new run name, for a fixed window of wall time (the full national crawl takes far longer
than a benchmark should). Measured from the farm's own request log: requests/s in the window, hosts reached, and
the scaling ratio against one worker; from /proc: peak resident memory per worker. The projection for a real
national crawl divides the requests one report costs (measured) by real-world politeness (1–2 requests/s per
host, spread over the hosts).

Parsing (issue 13): crawl workers archive only (`nianbao crawl --archive-only`); each configuration runs the
same parse pool beside them, `--pool` `nianbao parse-worker` processes at nice 10 (what `nianbao crawl` gives
its own pool), so the crawl workers' scaling is measured apart from parsing, on the same machine. Reported:
the pool's CPU and the documents it parsed or left pending at the end of the window, and CPU-seconds per
request of the crawl workers (start-up included).

Usage: python bench/national_bench.py [--counties 2850] [--window 120] [--workers 1,2,4] [--latency-ms 150]
       [--pool 1]
Needs redis-server on PATH (Debian: apt-get install redis-server).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchlib import free_port  # noqa: E402

from crawler.sources import write_sources  # noqa: E402
from nianbao.demo import FARM_SETTINGS, child_env  # noqa: E402
from synth.farm.sources import farm_sources  # noqa: E402

REPORTS_PER_YEAR = 140_000  # county governments, departments and townships (issue 5)
YEARS = 20
DEFAULT_FARM_REQUESTS_PER_REPORT = 647 / 321  # bench/crawl_bench.py: first crawl of the default farm


def _env() -> dict[str, str]:
    return {**child_env(), "PYTHONPATH": str(ROOT)}


def _get_json(url: str) -> dict:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return json.loads(opener.open(url, timeout=300).read())


def start_farm(counties: int, latency_ms: int, tmp: Path) -> tuple[subprocess.Popen, int, dict]:
    manifest = tmp / "manifest.json"
    proc = subprocess.Popen([sys.executable, "-m", "synth.farm", "--seed", "7", "--port", "0", "--sites",
                             str(counties), "--reports-per-county", "1", "--latency-ms", str(latency_ms),
                             "--manifest", str(manifest)], stdout=subprocess.PIPE, env=_env(), text=True)
    port = int(proc.stdout.readline())
    return proc, port, json.loads(manifest.read_text(encoding="utf-8"))


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port",
                             str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                            stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc, f"redis://127.0.0.1:{port}/0"


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its reaped children) from /proc, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def run(workers: int, farm_port: int, redis_url: str, sources: Path, tmp: Path, window: float,
        farm_pid: int, pool: int) -> dict:
    proxy = f"http://127.0.0.1:{farm_port}"
    archive, name = tmp / f"archive-{workers}", f"national-{workers}-{time.time_ns()}"
    procs = [subprocess.Popen([sys.executable, "-m", "nianbao", "crawl", "--archive", str(archive), "--sources",
                               str(sources), "--proxy", proxy, "--redis", redis_url, "--run", name,
                               "--worker", f"w{i}", "--archive-only", *FARM_SETTINGS], env=_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(workers)]
    parsers = [subprocess.Popen([sys.executable, "-m", "nianbao", "parse-worker", "--archive", str(archive),
                                 "--nice", "10", "--worker", f"parse{i}"], env=_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for i in range(pool)]
    start = time.time()
    farm_cpu = cpu_seconds(farm_pid)
    time.sleep(window)
    memory = [rss_mb(p.pid) for p in procs]
    worker_cpu = sum(cpu_seconds(p.pid) for p in procs)
    pool_cpu = sum(cpu_seconds(p.pid) for p in parsers)
    farm_cpu = cpu_seconds(farm_pid) - farm_cpu
    for p in procs + parsers:
        p.send_signal(signal.SIGKILL)
        p.wait()
    log = [r for r in _get_json(f"{proxy}/__farm__/requests")["requests"] if start <= r["time"] <= start + window]
    warm = [r for r in log if r["time"] >= start + window * 0.25]  # after start-up (imports, seeding)
    return {"workers": workers, "requests": len(log), "rps": len(warm) / (window * 0.75),
            "hosts": len({r["host"] for r in log}), "bytes": sum(r["bytes"] for r in log),
            "peak_rss_mb": max(memory), **_count(archive), "cpu_s_per_request": worker_cpu / max(1, len(log)),
            "cpu_workers": worker_cpu / window, "cpu_farm": farm_cpu / window, "cpu_pool": pool_cpu / window}


def _count(archive: Path) -> dict[str, int]:
    """Documents archived (fetched OK), reports written by the pool, documents left waiting for it."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(sqlite3.connect(archive / "nianbao.db")) as db:
            return {"archived": db.execute("SELECT count(*) FROM fetches WHERE outcome = 'ok'").fetchone()[0],
                    "reports": db.execute("SELECT count(*) FROM reports").fetchone()[0],
                    "queued": db.execute("SELECT count(*) FROM parse_queue").fetchone()[0],
                    "pending": db.execute("SELECT count(*) FROM parse_queue WHERE state IN ('pending', 'parsing')")
                    .fetchone()[0]}
    except sqlite3.Error:
        return {"archived": 0, "reports": 0, "queued": 0, "pending": 0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=2850)
    ap.add_argument("--window", type=float, default=120)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--latency-ms", type=int, default=150)
    ap.add_argument("--pool", type=int, default=1, help="parse workers beside the crawl workers (nice 10)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-national-") as tmp_name:
        tmp = Path(tmp_name)
        farm, farm_port, manifest = start_farm(args.counties, args.latency_ms, tmp)
        redis, redis_url = start_redis(tmp)
        try:
            sources = tmp / "sources.csv"
            write_sources(farm_sources(manifest), sources)
            print(f"farm: {len(manifest['gov_hosts'])} hosts, {len(manifest['reports'])} reports, "
                  f"latency {args.latency_ms} ms per response")
            results = [run(int(n), farm_port, redis_url, sources, tmp, args.window, farm.pid, args.pool)
                       for n in args.workers.split(",")]
        finally:
            farm.terminate()
            redis.terminate()
    report(results, manifest, args)


def report(results: list[dict], manifest: dict, args: argparse.Namespace) -> None:
    base = results[0]["rps"]
    cores = os.cpu_count() or 1
    print("\n| workers | requests in window | requests/s | × 1 worker | hosts reached | documents archived | "
          "reports parsed (pending) | crawl CPU-s per request | peak RSS per worker (MB) | "
          f"CPU: workers + pool + farm (of {cores} cores) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['workers']} | {r['requests']:,} | {r['rps']:.1f} | {r['rps'] / base:.2f}× | {r['hosts']:,} | "
              f"{r['archived']:,} | {r['reports']:,} ({r['pending']:,}) | {r['cpu_s_per_request']:.4f} | "
              f"{r['peak_rss_mb']:.0f} | {r['cpu_workers']:.2f} + {r['cpu_pool']:.2f} + {r['cpu_farm']:.2f} |")
    requests = sum(r["requests"] for r in results)
    # reports the pool had not parsed yet at the end of a window, at the rate of reports among parsed documents
    parsed = sum(r["queued"] - r["pending"] for r in results)
    reports = sum(r["reports"] for r in results) * (1 + sum(r["pending"] for r in results) / max(1, parsed))
    per_report = requests / reports if reports >= 50 else DEFAULT_FARM_REQUESTS_PER_REPORT
    pool_cpu = sum(r["cpu_pool"] * args.window for r in results)
    if parsed:
        print(f"\nparse pool: {pool_cpu / parsed:.3f} CPU-s per document parsed ({parsed:,} documents)")
    crawl_cpu = sum(r["cpu_workers"] * args.window for r in results)
    print(f"crawl workers: {crawl_cpu / requests:.4f} CPU-s per request (all windows, start-up included)")
    total = REPORTS_PER_YEAR * YEARS * per_report
    hosts = len(manifest["gov_hosts"])
    print(f"\nrequests per archived report: {per_report:.1f} "
          f"({'measured in these windows' if reports >= 50 else 'from the default-farm crawl'})")
    print(f"a national crawl of {REPORTS_PER_YEAR:,} reports/year × {YEARS} years: {total / 1e6:.1f} M requests, "
          f"{total / hosts:,.0f} per host over {hosts:,} hosts")
    for rate in (1, 2):
        print(f"  politeness-bound at {rate} request/s per host, every host in parallel: "
              f"{total / hosts / rate / 3600:.1f} h, needing {hosts * rate:,} requests/s in aggregate")
    per_worker = results[-1]["rps"] / results[-1]["workers"]
    for r in results:
        print(f"  at the measured {r['rps']:.1f} requests/s ({r['workers']} worker(s) on this 2-core machine): "
              f"{total / r['rps'] / 86400:.1f} days")
    print(f"  workers needed to reach the 1 request/s/host bound at {per_worker:.1f} requests/s per worker: "
          f"{hosts / per_worker:.0f}")

if __name__ == "__main__":
    main()
