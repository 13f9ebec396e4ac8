"""Archive size per report (issue 13 §3): bytes per report in the numbers database and in the text database.

Ingests N synthetic reports (synth: the HTML layouts and the three templates, one in seven with failing
arithmetic) through the real write path (`nianbao.pipeline.ingest_bytes`: store, WARC, parse, write) into one
archive, and an empty archive beside it; VACUUMs both and reads each table's and index's pages from SQLite's
dbstat virtual table (sqlite3_analyzer's source). Bytes per report are (archive − empty archive) / N, so the
fixed tables every archive carries (divisions, registry: ~2 MB) are not charged to reports.

Usage: python bench/archive_size.py [--reports 300] [--keep DIR]
       (from another checkout: python bench/archive_size.py --code ../main, the same synthetic reports)
"""

from __future__ import annotations

import argparse
import gzip
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

FILES = ("nianbao.db", "nianbao_text.db")


def build(root: Path, n: int, seed: int) -> None:
    import synth
    from archive.directory import Archive
    from nianbao.pipeline import ingest_bytes

    rng = random.Random(seed)
    layouts = [name for name in sorted(synth.LAYOUTS) if name.startswith("html")]
    archive = Archive.open(root)
    for i in range(n):
        record = synth.random_record(rng, synth.TEMPLATES[i % 3], break_arithmetic=i % 7 == 0)
        data, ext = synth.render(record, layouts[i % len(layouts)], rng)
        ingest_bytes(archive, data, f"https://example.gov.cn/gk/{i:05d}.{ext}", f"r.{ext}")
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive.db.close()


def sizes(path: Path) -> tuple[dict[str, int], int]:
    """Bytes per table or index (dbstat, after VACUUM) and the file's size; empty when there is no such file."""
    if not path.exists():
        return {}, 0
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    conn.close()
    return dict(rows), path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it")
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the checkout whose code writes the archive (default: this one)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    import archive

    tmp = Path(tempfile.mkdtemp(prefix="nianbao-size-"))
    root = args.keep or tmp / "full"
    build(tmp / "empty", 0, args.seed)
    started = time.perf_counter()
    build(root, args.reports, args.seed)
    seconds = time.perf_counter() - started
    reports = sqlite3.connect(root / "nianbao.db").execute("SELECT count(*) FROM reports").fetchone()[0]
    print(f"code: {Path(archive.__file__).parent.parent}; {reports} reports in {root}; "
          f"ingest {reports / seconds:.1f} reports/s")
    for name in FILES:
        (empty, empty_total), (full, total) = sizes(tmp / "empty" / name), sizes(root / name)
        if not total:
            continue
        packed = len(gzip.compress((root / name).read_bytes(), 6))
        print(f"\n{name}: {(total - empty_total) / reports / 1024:.2f} KB per report "
              f"(file {total:,} bytes, gzip {packed:,}; empty archive {empty_total:,})")
        print("| table or index | bytes per report |\n|---|---:|")
        grown = {obj: (size - empty.get(obj, 0)) / reports for obj, size in full.items()}
        for obj, size in sorted(grown.items(), key=lambda kv: -kv[1]):
            if size >= 20:
                print(f"| {obj} | {size:,.0f} |")


if __name__ == "__main__":
    main()
