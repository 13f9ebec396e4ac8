"""Archive size per report (issue 13 §3): bytes per report in the numbers database and in the text database.

Ingests N synthetic reports (synth, every HTML layout and the three templates, one in seven with failing
arithmetic) through the real write path (`nianbao.pipeline.ingest_bytes`: store, WARC, parse, write), then
reads each table's and index's pages from SQLite's dbstat virtual table (sqlite3_analyzer's source) after a
VACUUM. Prints a table of bytes per report per object, and the totals of each database file.

Usage: python bench/archive_size.py [--reports 300] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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
    """Bytes per table or index (dbstat: pages × page size, after VACUUM) and the file's size."""
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    conn.close()
    return dict(rows), path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="nianbao-size-"))
    build(root, args.reports, args.seed)
    reports = sqlite3.connect(root / "nianbao.db").execute("SELECT count(*) FROM reports").fetchone()[0]
    print(f"{reports} reports in {root}")
    for name in ("nianbao.db", "nianbao_text.db"):
        if not (root / name).exists():
            continue
        objects, total = sizes(root / name)
        print(f"\n{name}: {total / reports / 1024:.2f} KB per report ({total:,} bytes)")
        print("| table or index | bytes per report |\n|---|---:|")
        for obj, size in objects.items():
            if size / reports >= 50:
                print(f"| {obj} | {size / reports:,.0f} |")


if __name__ == "__main__":
    main()
