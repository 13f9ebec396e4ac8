"""The national registry (crawler/registry.csv) as the archive's `registry` table, and the `coverage` view.

The CSV is the source of truth (diffable, edited by `nianbao sources` commands); the table is a copy made by
migration m030 and refreshed by `nianbao sources coverage`, so Datasette can join it with the reports.
"""

from __future__ import annotations

import csv
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from sqlite_utils import Database

# package data of the crawler package (importlib.resources: also from a wheel or an egg); no crawler code imported
REGISTRY_CSV = files("crawler").joinpath("registry.csv")
COLUMNS = {"code": str, "name": str, "province": str, "prefecture": str, "status": str, "host": str,
           "final_url": str, "title": str, "checked": str, "column_urls": str, "source_ids": str, "former": str,
           "notes": str}

# What is known per unit, most informative first. "not_published" needs a crawled 年报 column with no report
# in it; "nothing_found_yet" is a unit nobody has checked: the two must never be confused.
FINDINGS = {
    "archived": "reports archived / 已存档报告",
    "not_published": "年报 column crawled, no report in it / 年报栏目已抓取，无报告",
    "column_not_crawled": "年报 column found, not crawled yet / 已找到年报栏目，尚未抓取",
    "portal_only": "portal verified, 年报 column not found yet / 已核实门户，尚未找到年报栏目",
    "blocked": "portal blocked by a WAF / 门户被防火墙拦截",
    "unreachable": "no candidate host answered / 候选域名均无响应",
    "ambiguous": "hosts answered, none surely this unit's / 有响应但无法确认",
    "no_portal_found": "every candidate tried, no portal / 候选均非本县门户",
    "nothing_found_yet": "not checked yet / 尚未查找",
}

COVERAGE = """
SELECT d.code AS division_code, d.name AS county, d.province, d.prefecture,
  d.lat AS latitude, d.lon AS longitude,
  coalesce(r.status, 'candidate') AS host_status,
  r.host, r.final_url, r.title AS page_title, r.checked AS last_checked,
  CASE WHEN coalesce(r.column_urls, '') <> '' THEN 1 ELSE 0 END AS column_found,
  r.column_urls,
  coalesce(rep.reports, 0) AS reports, rep.first_year, rep.last_year, rep.reports_by_year,
  CASE
    WHEN rep.reports > 0 THEN 'archived'
    WHEN coalesce(r.column_urls, '') <> '' AND EXISTS (
      SELECT 1 FROM fetches f WHERE f.url = CASE WHEN instr(r.column_urls, ' ') > 0
        THEN substr(r.column_urls, 1, instr(r.column_urls, ' ') - 1) ELSE r.column_urls END)
      THEN 'not_published'
    WHEN coalesce(r.column_urls, '') <> '' THEN 'column_not_crawled'
    WHEN r.status = 'verified' THEN 'portal_only'
    WHEN r.status = 'blocked' THEN 'blocked'
    WHEN r.status = 'unreachable' THEN 'unreachable'
    WHEN r.status = 'ambiguous' THEN 'ambiguous'
    WHEN r.status = 'none_found' THEN 'no_portal_found'
    ELSE 'nothing_found_yet' END AS finding,
  r.former
FROM divisions d
LEFT JOIN registry r ON r.code = d.code
LEFT JOIN (
  SELECT division_code, sum(n) AS reports, min(year) AS first_year, max(year) AS last_year,
    group_concat(coalesce(year, '?') || ':' || n, ' ') AS reports_by_year
  FROM (SELECT division_code, year, count(*) AS n FROM report_summary WHERE is_current
        GROUP BY division_code, year ORDER BY division_code, year)
  GROUP BY division_code
) rep ON rep.division_code = d.code
"""


def create_table(db: Database) -> None:
    db["registry"].create(COLUMNS, pk="code")
    for col in ("status", "province"):
        db["registry"].create_index([col])


def refresh(db: Database, path: str | Path | Traversable = REGISTRY_CSV) -> int:
    """Replace the table's rows with the CSV's (blank cells NULL); 0 if there is no CSV."""
    path = Path(path) if isinstance(path, str) else path
    if not path.is_file():
        return 0
    with path.open(encoding="utf-8", newline="") as f:
        rows = [{k: (row.get(k) or None) for k in COLUMNS} for row in csv.DictReader(f)]
    with db.atomic():
        db.execute("DELETE FROM registry")
        db["registry"].insert_all(rows)
    return len(rows)
