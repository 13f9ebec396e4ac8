"""Agencies: one row per body (place code + level + role), every printed spelling kept as an alias.

洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024) are one agency: the resolver places both in 320813 and both
are its government, so year-over-year queries, "other reports by this agency" and the map see one history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlite_utils import Database

from archive import divisions

# A government's own rests (after the place name): the government itself, or its general office.
GOVERNMENT_RESTS = {"", "人民政府", "政府"}
OFFICE_RESTS = {"人民政府办公室", "政府办公室", "人民政府办", "政府办", "人民政府办公厅", "政府办公厅"}
# Spellings of a township's own government that name the same body (高良涧街道办事处 = 高良涧街道).
TOWNSHIP_GOVERNMENT = re.compile(r"(?:人民政府|政府|办事处|办)$")


@dataclass(frozen=True)
class Identity:
    key: str  # "<code>|<level>|<role>": the agency, whatever its printed spelling
    division_code: str | None
    region_code: str | None
    level: str
    role: str
    resolved_by: str | None


def role_of(name: str, level: str) -> str:
    """The agency's role in its place: 人民政府, 人民政府办公室, a department's name, a township's name."""
    rest = divisions.agency_role(name)
    if rest in GOVERNMENT_RESTS:
        return "人民政府"
    if rest in OFFICE_RESTS:
        return "人民政府办公室"
    if level == "township":
        return TOWNSHIP_GOVERNMENT.sub("", rest) or rest
    for prefix in ("人民政府", "政府"):
        if rest.startswith(prefix) and len(rest) > len(prefix):
            return rest[len(prefix):]
    return rest or divisions.clean_agency(name)


@lru_cache(maxsize=65536)
def identity(name: str, hint_code: str | None = None) -> Identity:
    """Who a printed agency name is (pure; the hint only chooses among places that fit the name equally)."""
    resolution = divisions.resolve_agency(name, hint_code)
    code = resolution.code if resolution else None
    region = None if code else divisions.resolve_region(name)
    level = resolution.level if resolution else "other"
    role = role_of(name, level)
    place = code or region
    key = f"{place}|{level}|{role}" if place else f"|{level}|{divisions.clean_agency(name) or name}"
    return Identity(key, code, region, level, role, resolution.method if resolution else None)


def _row(db: Database, name: str, found: Identity) -> dict:
    code = found.division_code
    if code and not db["divisions"].count_where("code = ?", [code]):
        code = None  # the registry in this database predates the code: keep the agency, unplaced
    return {"name": name, "identity": found.key, "role": found.role, "division_code": code,
            "region_code": found.region_code if found.region_code or code else divisions.resolve_region(name),
            "level": found.level, "resolved_by": found.resolved_by}


def agency_row(db: Database, name: str | None, hint_code: str | None = None) -> dict | None:
    """The agencies row for a printed name, created on first sight; the spelling is recorded as an alias."""
    if not name:
        return None
    found = identity(name, hint_code)
    rows = list(db["agencies"].rows_where("identity = ?", [found.key]))
    row = rows[0] if rows else None
    if row is None:
        row = _row(db, name, found)
        row["id"] = db["agencies"].insert(row).last_pk
    db["agency_names"].insert({"agency_id": row["id"], "name": name}, ignore=True)
    return row


def rekey(db: Database) -> int:
    """Merge agencies rows that name one body (an archive written when agencies were printed names).

    Reports move to the surviving row (the oldest); every spelling stays as an alias. Returns rows merged."""
    survivors: dict[str, int] = {}
    merged = 0
    for agency in list(db["agencies"].rows_where(order_by="id")):
        found = identity(agency["name"], agency["division_code"])
        db["agency_names"].insert({"agency_id": agency["id"], "name": agency["name"]}, ignore=True)
        keep = survivors.setdefault(found.key, agency["id"])
        if keep == agency["id"]:
            db["agencies"].update(agency["id"], {"identity": found.key, "role": found.role})
            continue
        merged += 1
        db.execute("UPDATE reports SET agency_id = ? WHERE agency_id = ?", [keep, agency["id"]])
        db.execute("UPDATE OR IGNORE agency_names SET agency_id = ? WHERE agency_id = ?", [keep, agency["id"]])
        db.execute("DELETE FROM agency_names WHERE agency_id = ?", [agency["id"]])
        db["agencies"].delete(agency["id"])
    return merged
