"""Which counties' 年报 columns a crawl read, and the report years they listed.

"No report in the archive" is not "not published": a county whose column was never crawled has no reports
here either. The publication ledger counts a county-year as checked only when a crawl read the county's
column after that year's deadline, and late/missing is computed for checked county-years only.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archive.db import write_transaction


def coverage_rows(crawl_id: int | None, columns_seen: dict[int, dict[str, Any]]) -> list[dict]:
    """One row per source whose column listed reports in this crawl (pure)."""
    rows = []
    for source_id, seen in sorted(columns_seen.items()):
        years = sorted(seen.get("years") or ())
        rows.append({"crawl_id": crawl_id, "source_id": source_id, "division_code": seen.get("division_code"),
                     "column_url": seen.get("url"), "checked_at": seen.get("checked_at"),
                     "first_year": years[0] if years else None, "last_year": years[-1] if years else None})
    return rows


def record_coverage(db: Database, crawl_id: int | None, columns_seen: dict[int, dict[str, Any]]) -> int:
    rows = coverage_rows(crawl_id, columns_seen)
    if rows:
        with write_transaction(db):
            db["columns_crawled"].upsert_all(rows, pk=("crawl_id", "source_id"))
    return len(rows)
