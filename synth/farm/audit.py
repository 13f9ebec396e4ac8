"""Compare an archive built by crawling the farm with the farm's ground truth (pure: manifests + rows in).

Used by the end-to-end tests, the demo's closing summary, the crawl benchmark and `nianbao audit`. A planted
report counts as found when exactly one current report row came from its article page or one of its
attachments, with the planted year, agency (as printed), agency level and county code. The audit knows
versions: after a generation change an edited report's older rows (`is_current = 0`) are its earlier versions,
not duplicates, and a report the farm removed is expected in the archive with `removed_at` set.
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
    edited: list[str] = field(default_factory=list)           # found, with earlier versions kept
    removed: list[str] = field(default_factory=list)          # removed by the farm, marked removed_at
    not_marked_removed: list[str] = field(default_factory=list)  # removed by the farm, still without removed_at
    reachable: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.wrong or self.extra or self.unreachable_archived
                    or self.not_marked_removed)

    def summary(self) -> str:
        return (f"{len(self.found)} of {self.reachable} reachable planted reports found once with the right year, "
                f"agency and county; missing {len(self.missing)}, duplicated {len(self.duplicated)}, "
                f"wrong {len(self.wrong)}, unexpected {len(self.extra)}; edited (new version) {len(self.edited)}, "
                f"removed as expected {len(self.removed)}, removed but not marked {len(self.not_marked_removed)}")


def report_rows(db: sqlite3.Connection) -> list[dict[str, Any]]:
    cur = db.execute("SELECT r.id, r.source_url, r.year, r.division_code, r.agency, a.level, r.status, r.is_current, "
                     "r.version, r.removed_at FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def audit(manifest: dict[str, Any], rows: list[dict[str, Any]], earlier: list[dict[str, Any]] = ()) -> Audit:
    """`earlier`: the manifests of earlier generations (the attachments of reports removed since)."""
    by_url: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_url[row["source_url"]].append(row)
    out, claimed = Audit(), set()
    for planted in manifest["reports"]:
        every = [row for url in _urls(planted) for row in by_url.get(url, [])]
        claimed.update(row["id"] for row in every)
        got = [row for row in every if row.get("is_current") != 0]  # NULL: a report that has no versions
        if not planted["reachable"]:
            if every:
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
            if len(every) > len(got):
                out.edited.append(planted["id"])
    for planted in removed_since(manifest, earlier):
        got = [row for url in _urls(planted) for row in by_url.get(url, [])]
        claimed.update(row["id"] for row in got)
        if got:
            (out.removed if all(row.get("removed_at") for row in got) else out.not_marked_removed).append(planted["id"])
    out.extra = [row["source_url"] for row in rows if row["id"] not in claimed]
    return out


def removed_since(manifest: dict[str, Any], earlier: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reports the farm removed up to the manifest's generation, as earlier manifests planted them."""
    known = {p["id"]: p for m in earlier for p in m["reports"]}
    changes = manifest.get("changes", {})
    gone = [c for g in range(1, manifest.get("generation", 0) + 1) for c in changes.get(str(g), {}).get("removed", [])]
    return [known.get(c["id"], {"id": c["id"], "article_url": c["article_url"], "attachment_urls": []}) for c in gone]


def _urls(planted: dict[str, Any]) -> list[str]:
    return [planted["article_url"], *planted["attachment_urls"]]


def _identity(row: dict[str, Any]) -> tuple:
    return row["year"], row["division_code"], row["agency"], row["level"]
