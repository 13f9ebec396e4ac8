"""SQL views for people: the wide tables and the publication ledger (created by migrations)."""

from __future__ import annotations

APPLICANTS = ("natural_person", "org_commercial", "org_research", "org_social_welfare", "org_legal_services",
              "org_other", "total")
LEAVES = ("upheld", "corrected", "other", "pending", "total")
GROUPS = ("review", "lit_direct", "lit_after_review")


def _pivot(cols: tuple[str, ...]) -> str:
    return ",\n  ".join(f"max(CASE col_key WHEN '{c}' THEN value END) AS {c}" for c in cols)


REQUESTS_WIDE = f"""
SELECT report_id, row_key,
  {_pivot(APPLICANTS)}
FROM report_values WHERE table_key = 'requests'
GROUP BY report_id, row_key
"""

REVIEW_LITIGATION_WIDE = "SELECT report_id,\n  " + ",\n  ".join(
    f"max(CASE WHEN row_key = '{g}' AND col_key = '{leaf}' THEN value END) AS {g}_{leaf}"
    for g in GROUPS for leaf in LEAVES
) + "\nFROM report_values WHERE table_key = 'review_litigation'\nGROUP BY report_id"

# Deadlines (2019 条例 第四十九条): governments publish by 3月31日, their departments by 1月31日.
# checked_at: the last crawl that read the county's 年报 column after the deadline (archive/coverage.py), for
# years from the earliest the column listed (or the year just past, if it listed none); NULL = not checked,
# so "no report found" there means "not in the archive", not "not published".
PUBLICATION_LEDGER = """
WITH RECURSIVE years(y) AS (
  SELECT coalesce((SELECT min(year) FROM report_summary WHERE year >= 2008), 2019)
  UNION ALL SELECT y + 1 FROM years
  WHERE y < coalesce((SELECT max(year) FROM report_summary), 2019)
)
SELECT d.code AS division_code, d.name AS county, d.province, d.prefecture, years.y AS year,
  (SELECT count(*) FROM report_summary s
     WHERE s.division_code = d.code AND s.year = years.y AND s.agency_level = 'county_gov'
       AND s.is_current) AS reports_found,
  (SELECT min(s.published) FROM report_summary s
     WHERE s.division_code = d.code AND s.year = years.y AND s.agency_level = 'county_gov') AS first_published,
  printf('%d-03-31', years.y + 1) AS deadline,
  CASE
    WHEN (SELECT min(s.published) FROM report_summary s WHERE s.division_code = d.code AND s.year = years.y
            AND s.agency_level = 'county_gov') IS NULL THEN NULL
    WHEN (SELECT min(s.published) FROM report_summary s WHERE s.division_code = d.code AND s.year = years.y
            AND s.agency_level = 'county_gov') <= printf('%d-03-31', years.y + 1) THEN 1
    ELSE 0 END AS on_time,
  (SELECT max(c.checked_at) FROM columns_crawled c
     WHERE c.division_code = d.code AND c.checked_at > printf('%d-03-31T23:59:59Z', years.y + 1)
       AND years.y >= coalesce(c.first_year, CAST(substr(c.checked_at, 1, 4) AS INTEGER) - 1)) AS checked_at,
  (SELECT count(*) FROM report_summary s
     WHERE s.division_code = d.code AND s.year = years.y AND s.agency_level = 'department') AS department_reports,
  (SELECT count(*) FROM report_summary s
     WHERE s.division_code = d.code AND s.year = years.y AND s.agency_level = 'township') AS township_reports
FROM divisions d CROSS JOIN years
"""

VIEWS = {
    "requests_wide": REQUESTS_WIDE,
    "review_litigation_wide": REVIEW_LITIGATION_WIDE,
    "publication_ledger": PUBLICATION_LEDGER,
}
