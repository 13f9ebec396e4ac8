"""Archive benchmarks: ingest throughput, database bytes per report, Datasette latency at 10k and 100k reports.

- Ingest: documents/s through `nianbao ingest` (store + WARC + parse + write) as a ratio to parse() alone
  on the same documents in the same run (the archive's overhead).
- Scale: a database of N synthetic reports (values, checks, sections, summary rows cloned from a pool of
  parsed synthetic reports) for N = 10k and 100k; bytes per report; p50/p95 latency of a Datasette facet
  page, a canned query and two full-text searches against a real `datasette serve -i` on 127.0.0.1: a phrase
  in every report (信息公开申请, two sections per report: its cost is proportional to the matches, which grow
  with the archive) and one county's agency name (about N/2,800 reports: the cost of the index lookups).
  Target: the 100k figures within 3× of the 10k ones (cost grows with indexes, not table scans).

Usage: python bench/archive_bench.py [--sizes 10000,100000] [--requests 40] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
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

from archive.db import open_db  # noqa: E402
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


def _rows(report_id: int, record: dict, year: int, agency: str) -> tuple[list, list, list]:
    values = [(report_id, c["table"], c["row"], c["col"], c["value"], c["raw"], c["grid_table"], c["grid_row"],
               c["grid_col"], c["page"]) for c in record["cells"]]
    checks = [(report_id, c["id"], c["scope"], int(c["ok"]), c["lhs"], c["rhs"], c["detail"])
              for c in record["checks"]]
    sections = [(report_id, s["no"], s["heading"], _retarget(s["text"], record, year, agency))
                for s in record["sections"]]
    return values, checks, sections


def _retarget(text: str, record: dict, year: int, agency: str) -> str:
    """The pool report's text as the clone's agency would print it (its own name and year)."""
    if record.get("agency"):
        text = text.replace(record["agency"], agency)
    return text.replace(f"{record['year']}年", f"{year}年") if record.get("year") else text


def build_scaled(path: Path, n: int, pool: list, seed: int) -> None:
    """N reports cloned from the parsed pool, spread over real divisions and years, with bulk inserts."""
    from archive.figures import key_figures

    db = open_db(path)
    divisions = [r for r in db.execute("SELECT code, name, province, prefecture FROM divisions")]
    db.close()
    conn = sqlite3.connect(path)
    rng = random.Random(seed)
    batch: dict[str, list] = {k: [] for k in ("documents", "reports", "values", "checks", "sections", "summary")}
    for i in range(1, n + 1):
        _, _, record = pool[i % len(pool)]
        code, county, province, prefecture = rng.choice(divisions)
        year = 2019 + i % 7
        sha = f"{i:064x}"
        batch["documents"].append((sha, 1000, "html", "text/html", "2026-01-01T00:00:00Z"))
        agency = county + "人民政府"
        batch["reports"].append((i, sha, code, year, _retarget(record["title"], record, year, agency), agency,
                                 record["template"], "ok"))
        values, checks, sections = _rows(i, record, year, agency)
        batch["values"] += values
        batch["checks"] += checks
        batch["sections"] += sections
        fig = key_figures(record)
        batch["summary"].append((i, agency, "county_gov", code, county, province, prefecture, year,
                                 record["template"], "ok", f"{year + 1}-03-{rng.randint(1, 28):02d}", 1,
                                 fig["new_requests"], fig["total_processed"], fig["granted"], fig["denied"],
                                 fig["grant_rate"], fig["refusal_rate"], fig["failing_checks"]))
        if i % 5000 == 0 or i == n:
            _flush(conn, batch)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def _flush(conn: sqlite3.Connection, batch: dict[str, list]) -> None:
    conn.executemany("INSERT INTO documents VALUES (?,?,?,?,?)", batch["documents"])
    conn.executemany("INSERT INTO reports (id, sha256, division_code, year, title, agency, template, status, "
                     "is_current, version) VALUES (?,?,?,?,?,?,?,?,1,1)", batch["reports"])
    conn.executemany("INSERT INTO report_values VALUES (?,?,?,?,?,?,?,?,?,?)", batch["values"])
    conn.executemany("INSERT INTO checks VALUES (?,?,?,?,?,?,?)", batch["checks"])
    conn.executemany("INSERT INTO sections (report_id, no, heading, text) VALUES (?,?,?,?)", batch["sections"])
    conn.executemany("INSERT INTO report_summary (report_id, agency, agency_level, division_code, county, province, "
                     "prefecture, year, template, status, published, is_current, new_requests, total_processed, "
                     "granted, denied, grant_rate, refusal_rate, failing_checks) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch["summary"])
    conn.commit()
    for rows in batch.values():
        rows.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    try:
        return conn.execute("SELECT agency FROM report_summary WHERE report_id = 1").fetchone()[0]
    finally:
        conn.close()


def _matches(db: Path) -> list[int]:
    """How many sections each search finds: what a full-text search's cost is proportional to."""
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    try:
        return [conn.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH ?",
                             ['"' + term + '"']).fetchone()[0] for term in ("信息公开申请", _county_term(db))]
    finally:
        conn.close()


def latency(db: Path, requests: int) -> dict[str, dict[str, float]]:
    port = _free_port()
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
                path.parent.mkdir(parents=True, exist_ok=True)
                build_scaled(path, n, pool, args.seed)
            size = path.stat().st_size
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
