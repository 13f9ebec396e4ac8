"""Canned `search` query: several words, short words and agency/county names (issue 11) against the query it
replaced, on one synthetic in-memory archive (20,000 reports × 6 sections, 2,000 agencies), same run.

Usage: .venv/bin/python bench/search_terms_bench.py [BASELINE_REV]   (default 1b664ee, the single-term query)
Prints median ms over 5 runs per term and the ratio new / baseline.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from archive.db import open_db

ROOT = Path(__file__).resolve().parent.parent
TERMS = ("公开申请", "信息公开申请", "复议", "行政 复议", "海原县", "某12县人民政府 复议")


def _archive():
    db = open_db(None)
    rng = random.Random(1)
    chars = list("政府信息公开申请行政复议诉讼主动公开依申请办理结果不予公开县人民政府年度报告统计工作情况")
    codes = [r[0] for r in db.execute("SELECT code FROM divisions LIMIT 2000")]
    db["documents"].insert_all([{"sha256": f"{i:064x}"} for i in range(20000)])
    db["agencies"].insert_all([{"id": j + 1, "name": f"某{j}县人民政府", "identity": str(j), "division_code": codes[j]}
                               for j in range(2000)])
    db["reports"].insert_all([{"id": i + 1, "sha256": f"{i:064x}", "year": 2019 + i % 6,
                               "agency": f"某{i % 2000}县人民政府", "agency_id": i % 2000 + 1,
                               "division_code": codes[i % 2000], "status": "ok"}
                              for i in range(20000)])
    db["sections"].insert_all(({"report_id": i + 1, "no": n, "heading": f"{n}、标题",
                                "text": "".join(rng.choice(chars) for _ in range(300))}
                               for i in range(20000) for n in range(1, 7)), batch_size=5000)
    return db


def _sql(text: str) -> str:
    return yaml.safe_load(text)["databases"]["nianbao"]["queries"]["search"]["sql"]


def main() -> None:
    rev = sys.argv[1] if len(sys.argv) > 1 else "1b664ee"
    baseline = _sql(subprocess.run(["git", "show", f"{rev}:datasette/metadata.yml"], cwd=ROOT, check=True,
                                   capture_output=True, text=True).stdout)
    new = _sql((ROOT / "datasette" / "metadata.yml").read_text(encoding="utf-8"))
    db = _archive()

    def run(sql: str, q: str) -> tuple[float, int]:
        times, rows = [], []
        for _ in range(5):
            start = time.perf_counter()
            rows = db.execute(sql, {"q": q}).fetchall()
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000, len(rows)

    print("| term | baseline ms (rows) | new ms (rows) | ratio |\n|---|---|---|---|")
    for q in TERMS:
        (b_ms, b_rows), (n_ms, n_rows) = run(baseline, q), run(new, q)
        print(f"| {q} | {b_ms:.1f} ({b_rows}) | {n_ms:.1f} ({n_rows}) | {n_ms / max(b_ms, 0.05):.2f}× |")


if __name__ == "__main__":
    main()
