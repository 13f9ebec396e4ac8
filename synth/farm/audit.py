"""Compare an archive built by crawling the farm with the farm's ground truth (pure: manifest + rows in).

Used by the end-to-end tests, the demo's closing summary and the crawl benchmark. A planted report counts as
found when exactly one current report row came from its article page or one of its attachments, with the
planted year, agency (as printed), agency level and county code.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Audit:
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)            # found with another year, agency or county
    unreachable_archived: list[str] = field(default_factory=list)  # blocked/robots reports that got in anyway
    extra: list[str] = field(default_factory=list)            # report rows matching no planted report
    reachable: int = 0

    def summary(self) -> str:
        return (f"{len(self.found)} of {self.reachable} reachable planted reports found once with the right year, "
                f"agency and county; missing {len(self.missing)}, duplicated {len(self.duplicated)}, "
                f"wrong {len(self.wrong)}, unexpected {len(self.extra)}")


def report_rows(db: sqlite3.Connection) -> list[dict[str, Any]]:
    cur = db.execute("SELECT r.id, r.source_url, r.year, r.division_code, r.agency, a.level, r.status, r.is_current "
                     "FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def audit(manifest: dict[str, Any], rows: list[dict[str, Any]]) -> Audit:
    by_url: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_url[row["source_url"]].append(row)
    out, claimed = Audit(), set()
    for planted in manifest["reports"]:
        urls = [planted["article_url"], *planted["attachment_urls"]]
        got = [row for url in urls for row in by_url.get(url, [])]
        claimed.update(row["id"] for row in got)
        if not planted["reachable"]:
            if got:
                out.unreachable_archived.append(planted["id"])
            continue
        out.reachable += 1
        if not got:
            out.missing.append(planted["id"])
        elif len(got) > 1:
            out.duplicated.append(planted["id"])
        elif _identity(got[0]) != (planted["year"], planted["county_adcode"], planted["agency"], planted["level"]):
            out.wrong.append(f"{planted['id']}: got {_identity(got[0])}")
        else:
            out.found.append(planted["id"])
    out.extra = [row["source_url"] for row in rows if row["id"] not in claimed]
    return out


def _identity(row: dict[str, Any]) -> tuple:
    return row["year"], row["division_code"], row["agency"], row["level"]
