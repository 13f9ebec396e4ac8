"""Issue 13 §3: the archive's pages at 10k, 100k and 1M reports, against the real `nianbao serve`.

For each scaled archive (bench/scaled_archive.py) it starts `nianbao serve --archive DIR --watch 0` on a free
127.0.0.1 port (the same command line a user runs: prepare(), inspect data, `datasette serve -i`), then times
- every page linked from the home page (the links are read from the home page itself, so a new link is
  measured without editing this script), the map's data (what the cluster map's script fetches),
- the table search of sections on a phrase in every report (信息公开申请) and on one county's name,
- a report page and its agency's page,
- the `.db` download(s): time to first byte of the first request (it makes the public copy) and of a later
  one, and the transfer rate of a full download (a full transfer grows with the file, necessarily),
p50/p95 over --requests requests after one warm-up. It also records the database files' bytes per report and,
with --dump, the time and compressed size of `nianbao dump`. Results go to a JSON file per archive;
--table prints the comparison of several of them (ratios against the first, the baseline, same run).

Usage: python bench/million_bench.py --archive /work/scale/a10k --out /work/scale/a10k.json [--dump]
       python bench/million_bench.py --table /work/scale/a10k.json /work/scale/a100k.json ...
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from benchlib import free_port, immutable_value

ROOT = Path(__file__).resolve().parent.parent
PHRASE = "信息公开申请"  # in two sections of every synthetic report
MAP_QS = "_size=max&_labels=on&_extra=count&_extra=next_url&_shape=objects"  # what datasette-cluster-map asks
SKIP_LINK = re.compile(r"^/(static|-/static|-/static-plugins)/|\.(css|js|png|ico|atom|xml)(\?|$)|^/[^/?#]+\.db$")


def nianbao_bin() -> str:
    exe = Path(sys.executable).with_name("nianbao")
    return str(exe) if exe.exists() else "nianbao"


def start_server(archive: Path) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([nianbao_bin(), "serve", "--archive", str(archive), "--host", "127.0.0.1",
                             "--port", str(port), "--watch", "0"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(36000):
        if proc.poll() is not None:
            raise RuntimeError("nianbao serve exited")
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            return proc, base, time.perf_counter() - start
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nianbao serve did not start")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def fetch(url: str, timeout: float = 600) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def home_links(base: str) -> list[str]:
    """Every page of this server linked from the home page (assets, feeds and downloads left out)."""
    _, html = fetch(base + "/")
    links = []
    for href in re.findall(r'href="([^"]+)"', html.decode("utf-8")):
        href = href.replace("&amp;", "&")
        if href.startswith(base):
            href = href[len(base):]
        if not href.startswith("/") or href.startswith("//") or SKIP_LINK.search(href) or href == "/":
            continue
        if href not in links:
            links.append(href)
    return links


def downloads(base: str) -> list[str]:
    """The .db downloads of every database the server lists (its own /-/databases.json)."""
    _, body = fetch(base + "/-/databases.json")
    return [f"/{d['route'] if 'route' in d else d['name']}.db" for d in json.loads(body)
            if not d.get("is_memory") and d["name"] not in ("basemap",)]


def time_page(url: str, requests: int) -> dict:
    t0 = time.perf_counter()
    status, body = fetch(url)  # the first request (warms caches; a precomputed answer is already warm)
    first = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        status, body = fetch(url)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"status": status, "bytes": len(body), "first": first, "p50": statistics.median(times),
            "p95": times[max(0, int(len(times) * 0.95 + 0.5) - 1)], "max": times[-1]}


def time_download(url: str, limit_mb: int) -> dict:
    """Time to first byte, and MB/s over the first limit_mb MB (read and thrown away; a full transfer takes
    the file's size divided by that rate)."""
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=36000) as r:
        r.read(1)
        ttfb = time.perf_counter() - t0
        n = 1
        while n < limit_mb * 1_000_000 and (chunk := r.read(1 << 20)):
            n += len(chunk)
    total = time.perf_counter() - t0
    return {"ttfb_s": ttfb, "bytes_read": n, "total_s": total, "mb_per_s": n / 1e6 / max(total - ttfb, 1e-9)}


def county_term(archive: Path) -> str:
    """The county (division) name of report 1: a county search selects about N/2,800 reports."""
    return immutable_value(archive / "nianbao.db", "SELECT county FROM report_summary WHERE report_id = 1")


def report_count(archive: Path) -> int:
    return immutable_value(archive / "nianbao.db", "SELECT max(id) FROM reports")


def fixed_pages(archive: Path) -> dict[str, str]:
    n = report_count(archive)
    mid = n // 2 + 1
    conn = sqlite3.connect(f"file:{archive / 'nianbao.db'}?immutable=1", uri=True)
    agency = conn.execute("SELECT agency_id FROM reports WHERE id = ?", [mid]).fetchone()[0]
    conn.close()
    county = quote(county_term(archive))
    text = "nianbao_text" if (archive / "nianbao_text.db").exists() else "nianbao"  # where sections live
    return {
        "table search, phrase in every report": f"/{text}/sections?_search={quote(PHRASE)}",
        "table search, one county": f"/{text}/sections?_search={county}",
        "report page": f"/nianbao/reports/{mid}",
        "agency page": f"/nianbao/agencies/{agency}",
        "map data (county_map.json)": f"/nianbao/county_map.json?{MAP_QS}",
        "map data (coverage_map.json)": f"/nianbao/coverage_map.json?{MAP_QS}",
    }


def chart_pages(links: list[str]) -> dict[str, str]:
    """The data each dashboard linked from the home page fetches from its browser script (one per chart and
    select filter), as datasette-dashboards builds it with no filter chosen."""
    import yaml
    from datasette_dashboards import replace_opts_in_query

    meta = yaml.safe_load((ROOT / "datasette" / "metadata.yml").read_text(encoding="utf-8"))
    boards = meta.get("plugins", {}).get("datasette-dashboards", {})
    out = {}
    for link in links:
        slug = link.rstrip("/").rsplit("/", 1)[-1] if link.startswith("/-/dashboards/") else None
        for kind in ("charts", "filters"):
            for name, item in (boards.get(slug, {}).get(kind) or {}).items() if slug else ():
                if item.get("query"):
                    sql = replace_opts_in_query(item["query"], {})
                    out[f"{link} {kind[:-1]} {name} data"] = f"/{item['db']}.json?sql={quote(sql)}&_shape=objects"
    return out


def precomputed(pages: dict[str, str]) -> dict[str, str]:
    """The pages answered from start-up (plugins/whole_archive_cache.py): canned queries and tables listed in
    metadata, the dashboards' data and the maps' data."""
    import yaml

    meta = yaml.safe_load((ROOT / "datasette" / "metadata.yml").read_text(encoding="utf-8"))
    names = set(meta.get("plugins", {}).get("nianbao", {}).get("precomputed_queries") or [])
    return {label: path for label, path in pages.items()
            if path.split("?")[0].rsplit("/", 1)[-1].removesuffix(".json") in names or "sql=" in path}


def time_uncached(base: str, path: str, requests: int) -> dict:
    """The same answer computed afresh: a parameter Datasette ignores makes each URL new to the cache."""
    times = []
    for i in range(requests):
        url = f"{base}{path}{'&' if '?' in path else '?'}_uncached={time.time_ns()}{i}"
        t0 = time.perf_counter()
        status, _ = fetch(url)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"status": status, "p50": statistics.median(times), "p95": times[-1] if len(times) < 20 else
            times[int(len(times) * 0.95 + 0.5) - 1]}


def measure_uncached(archive: Path, requests: int) -> dict:
    proc, base, _ = start_server(archive)
    try:
        links = home_links(base)
        pages = {link: link for link in links}
        pages.update(chart_pages(links))
        pages.update(fixed_pages(archive))
        out = {}
        for label, path in precomputed(pages).items():
            out[label] = {"path": path, **time_uncached(base, path, requests)}
            print(f"  {label} computed afresh: {out[label]['p95']:.0f} ms (max of {requests})", flush=True)
        return out
    finally:
        stop_server(proc)


def db_sizes(archive: Path, n: int) -> dict:
    return {p.name: {"bytes": p.stat().st_size, "bytes_per_report": p.stat().st_size / n}
            for p in sorted(archive.glob("*.db"))}


def run_dump(archive: Path, out: Path) -> dict:
    t0 = time.perf_counter()
    res = subprocess.run([nianbao_bin(), "dump", "--archive", str(archive), "--out", str(out)],
                         capture_output=True, text=True, check=True)
    release = Path(res.stdout.strip().splitlines()[-1])
    seconds = time.perf_counter() - t0
    gz = {p.name: p.stat().st_size for p in release.glob("*.gz")}
    total = sum(p.stat().st_size for p in release.rglob("*") if p.is_file())
    shutil.rmtree(release)
    return {"dump_s": seconds, "gz_bytes": gz, "release_bytes": total}


def measure(archive: Path, requests: int, dump: bool, build: dict | None, download_mb: int) -> dict:
    n = report_count(archive)
    result = {"reports": n, "files": db_sizes(archive, n), "build": build}
    proc, base, startup = start_server(archive)
    result["startup_s"] = startup
    try:
        links = home_links(base)
        pages = {link: link for link in links}
        pages.update(chart_pages(links))
        pages.update(fixed_pages(archive))
        result["pages"] = {}
        for label, path in pages.items():
            result["pages"][label] = {"path": path, **time_page(base + path, requests)}
            print(f"  {label}: {result['pages'][label]['p95']:.0f} ms p95", flush=True)
        result["downloads"] = {}
        for path in downloads(base):
            first = time_download(base + path, download_mb)
            again = time_download(base + path, download_mb)
            result["downloads"][path] = {"first": first, "again": again}
            print(f"  {path}: first byte {first['ttfb_s']:.2f} s, then {again['ttfb_s']:.2f} s, "
                  f"{again['mb_per_s']:.0f} MB/s", flush=True)
    finally:
        stop_server(proc)
    for public in archive.glob(".*-public.db"):
        public.unlink()  # the download's copy: not part of the archive's size
    if dump:
        result["dump"] = run_dump(archive, archive.parent / f"{archive.name}.dumps")
    return result


def table(paths: list[Path]) -> str:
    runs = [json.loads(p.read_text()) for p in paths]
    base = runs[0]
    head = "| measure | " + " | ".join(f"{r['reports']:,} reports" for r in runs) + " | last ÷ first |"
    lines = [head, "|---|" + "---|" * (len(runs) + 1)]

    def row(label: str, vals: list[float], fmt: str = "{:,.0f}") -> None:
        ratio = f"{vals[-1] / vals[0]:.2f}×" if vals[0] else "–"
        lines.append(f"| {label} | " + " | ".join(fmt.format(v) for v in vals) + f" | {ratio} |")

    for name in base["files"]:
        row(f"{name} bytes per report", [r["files"].get(name, {}).get("bytes_per_report", 0) for r in runs])
    if all(r.get("build") for r in runs):
        row("build (s)", [r["build"]["build_s"] for r in runs])
    row("server start-up, inspect data and download check already made (s)", [r["startup_s"] for r in runs],
        "{:,.1f}")
    if all("startup_again_s" in r for r in runs):
        row("server start-up of a new archive version: inspect data, download check, aggregates (s)",
            [r["startup_again_s"] for r in runs], "{:,.1f}")
    for label in base["pages"]:
        vals = [r["pages"].get(label, {}).get("p95", 0) for r in runs]
        row(f"{label} p95 (ms)", vals, "{:,.0f}")
    for label in base.get("uncached", {}):  # answered from start-up: what each request would cost without it
        if all(label in r.get("uncached", {}) for r in runs):
            row(f"{label} computed afresh, max (ms)", [r["uncached"][label]["p95"] for r in runs], "{:,.0f}")
    for path in base["downloads"]:
        row(f"{path} first byte, first request (s)", [r["downloads"][path]["first"]["ttfb_s"] for r in runs],
            "{:,.2f}")
        row(f"{path} first byte, later request (s)", [r["downloads"][path]["again"]["ttfb_s"] for r in runs],
            "{:,.3f}")
        row(f"{path} transfer (MB/s)", [r["downloads"][path]["again"]["mb_per_s"] for r in runs])
    if all(r.get("dump") for r in runs):
        row("nianbao dump (s)", [r["dump"]["dump_s"] for r in runs], "{:,.1f}")
        row("dump .gz bytes per report", [sum(r["dump"]["gz_bytes"].values()) / r["reports"] for r in runs])
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--archive", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--dump", action="store_true", help="also time `nianbao dump` (and delete the release)")
    ap.add_argument("--download-mb", type=int, default=1000, help="MB of each .db download to read")
    ap.add_argument("--build-json", type=Path, help="the builder's timings, kept with the results")
    ap.add_argument("--pages", help="measure these home-page links again (comma-separated) into --out")
    ap.add_argument("--dump-only", action="store_true", help="add to --out the time and size of `nianbao dump`")
    ap.add_argument("--uncached", action="store_true",
                    help="add to --out the precomputed pages computed afresh (what start-up saves per request)")
    ap.add_argument("--table", type=Path, nargs="+", help="print the comparison table of these result files")
    args = ap.parse_args()
    if args.table:
        print(table(args.table))
        return
    if args.pages:
        result = json.loads(args.out.read_text())
        proc, base, result["startup_again_s"] = start_server(args.archive)
        try:
            for label in args.pages.split(","):
                if label.endswith(".db"):
                    first = time_download(base + label, args.download_mb)
                    again = time_download(base + label, args.download_mb)
                    result["downloads"][label] = {"first": first, "again": again}
                    print(f"  {label}: {again['mb_per_s']:.0f} MB/s (again)", flush=True)
                    continue
                result["pages"][label] = {"path": label, **time_page(base + label, args.requests)}
                print(f"  {label}: {result['pages'][label]['p95']:.0f} ms p95 (again)", flush=True)
        finally:
            stop_server(proc)
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        return
    if args.dump_only:
        result = json.loads(args.out.read_text())
        result["dump"] = run_dump(args.archive, args.archive.parent / f"{args.archive.name}.dumps")
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        return
    if args.uncached:
        result = json.loads(args.out.read_text())
        result["uncached"] = measure_uncached(args.archive, args.requests)
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        return
    build = json.loads(args.build_json.read_text()) if args.build_json else None
    result = measure(args.archive, args.requests, args.dump, build, args.download_mb)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(json.dumps({k: v for k, v in result.items() if k != "pages"}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
