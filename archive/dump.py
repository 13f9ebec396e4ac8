"""A dated, versioned release of the archive: the SQLite file, gzip, one CSV per table, SHA256SUMS, README.

CSV rows are sorted by primary key so that two releases can be diffed.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import shutil
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from archive.migrations import migrations
from archive.public import scrub_database

LICENCE = (
    "Data: the reports are public government information published under 《中华人民共和国政府信息公开条例》; "
    "the parsed tables and this database are released under CC BY 4.0 (credit: nianbao). Division "
    "coordinates derive from Vonng/adcode (CC BY 4.0); codes from yescallop/areacodes (CC0). "
    "Code: Apache-2.0."
)
SKIP = ("_fts", "sqlite_")


def _tables(db: Database) -> list[str]:
    return [t for t in db.table_names() if not any(s in t for s in SKIP)]


def _write_csv(db: Database, table: str, path: Path) -> int:
    pks = db[table].pks
    order = ", ".join(f"[{c}]" for c in pks) if pks != ["rowid"] else "rowid"
    cursor = db.execute(f"SELECT * FROM [{table}] ORDER BY {order}")
    columns = [d[0] for d in cursor.description]
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in cursor:
            writer.writerow(row)
            n += 1
    return n


def _schema(db: Database) -> str:
    lines = []
    for table in _tables(db):
        cols = ", ".join(f"{c.name} ({c.type})" for c in db[table].columns)
        lines.append(f"- `{table}` ({db[table].count} rows): {cols}")
    for view in db.view_names():
        lines.append(f"- view `{view}`")
    return "\n".join(lines)


def _readme(db: Database, release: str, counts: dict[str, int]) -> str:
    applied = ", ".join(m.name for m in migrations.applied(db))
    return f"""# nianbao archive release {release}

Parsed 政府信息公开工作年度报告 (government-information-disclosure annual reports) of Chinese
county-level governments, their departments and townships.

- `nianbao.db`: the SQLite database (open with Datasette or `sqlite3`); `nianbao.db.gz`: the same, gzipped.
- `csv/`: one CSV per table, rows sorted by primary key.
- `SHA256SUMS`: checksums of every file here (`sha256sum -c SHA256SUMS`).

Schema migrations applied: {applied}.

## Tables

{_schema(db)}

## Sources

Every report row links to its document (`documents.sha256`) and to where it was fetched (`fetches.url`,
with the WARC file and offset of the raw exchange). Numbers are as printed: blank cells are NULL, never 0;
arithmetic that does not add up is listed in `checks` (ok = 0), never repaired.

## Licence

{LICENCE}

Rows per table: {", ".join(f"{k} {v}" for k, v in counts.items())}.
"""


def dump(db_path: str | Path, out_root: str | Path, release: str | None = None) -> Path:
    """Write the release directory and return its path."""
    release = release or dt.date.today().isoformat()
    out = Path(out_root) / f"nianbao-{release}"
    if out.exists():
        shutil.rmtree(out)
    (out / "csv").mkdir(parents=True)
    src = sqlite3.connect(db_path)
    src.execute("VACUUM INTO ?", [str(out / "nianbao.db")])  # a consistent snapshot, even while crawling
    src.close()
    scrub_database(out / "nianbao.db", hide=[Path(db_path).resolve().parent])  # no local path in a release
    db = Database(out / "nianbao.db")
    counts = {t: _write_csv(db, t, out / "csv" / f"{t}.csv") for t in _tables(db)}
    (out / "README.md").write_text(_readme(db, release, counts), encoding="utf-8")
    db.close()
    with (out / "nianbao.db").open("rb") as f, (out / "nianbao.db.gz").open("wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as g:  # mtime 0: same bytes for the same data
        shutil.copyfileobj(f, g)
    _checksums(out)
    return out


def _checksums(out: Path) -> None:
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out).as_posix()}" for p in files]
    (out / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")
