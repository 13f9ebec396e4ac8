"""`nianbao sources coverage`: what the archive holds per province and per unit, against the registry.

Reads the archive's `coverage` view (archive/registry_table.py) after refreshing its `registry` table from
crawler/registry.csv, so the figures always reflect the registry as it is on disk.
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from archive import registry_table
from archive.db import open_db

UNIT_COLUMNS = ("division_code", "county", "province", "host_status", "host", "column_found", "reports",
                "reports_by_year", "finding", "last_checked")
PROVINCE_SQL = """
SELECT province, count(*) AS units,
  sum(host_status = 'verified') AS verified, sum(host_status = 'blocked') AS blocked,
  sum(host_status IN ('unreachable', 'none_found', 'ambiguous')) AS not_found,
  sum(column_found) AS columns_found, sum(finding = 'archived') AS with_reports,
  sum(finding = 'not_published') AS not_published, sum(finding = 'nothing_found_yet') AS nothing_found_yet,
  sum(reports) AS reports, max(last_checked) AS last_checked
FROM coverage {where} GROUP BY province ORDER BY min(division_code)
"""


def open_archive(archive_dir: str | Path, refresh: bool = True) -> Database:
    """The archive database, its registry table refreshed from the CSV (unless refresh is False)."""
    path = Path(archive_dir) / "nianbao.db"
    if not path.exists():
        raise SystemExit(f"no archive at {path}: run `nianbao ingest`, `nianbao crawl` or `nianbao demo` first")
    db = open_db(path)
    if refresh:
        registry_table.refresh(db)
    return db


def _where(province: str | None) -> tuple[str, dict]:
    if not province:
        return "", {}
    return "WHERE (province = :p OR division_code LIKE :prefix)", {"p": province, "prefix": province + "%"}


def by_province(db: Database, province: str | None = None) -> list[dict]:
    where, params = _where(province)
    return list(db.query(PROVINCE_SQL.format(where=where), params))


def by_unit(db: Database, province: str | None = None) -> list[dict]:
    where, params = _where(province)
    sql = f"SELECT {', '.join(UNIT_COLUMNS)} FROM coverage {where} ORDER BY division_code"
    return list(db.query(sql, params))


def as_tsv(rows: list[dict]) -> str:
    if not rows:
        return ""
    header = list(rows[0])
    lines = ["\t".join(header)]
    lines += ["\t".join("" if r[c] is None else str(r[c]) for c in header) for r in rows]
    return "\n".join(lines)
