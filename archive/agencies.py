"""Agencies: each distinct printed agency name once, resolved to its county (or region) when possible."""

from __future__ import annotations

from sqlite_utils import Database

from archive import divisions


def _resolve(db: Database, name: str, hint_code: str | None) -> dict:
    resolution = divisions.resolve_agency(name, hint_code)
    code = resolution.code if resolution else None
    if code and not db["divisions"].count_where("code = ?", [code]):
        code = None  # the registry in this database predates the code: keep the agency, unplaced
    return {
        "name": name,
        "division_code": code,
        "region_code": None if code else divisions.resolve_region(name),
        "level": resolution.level if resolution else "other",
        "resolved_by": resolution.method if resolution else None,
    }


def agency_row(db: Database, name: str | None, hint_code: str | None = None) -> dict | None:
    """The agencies row for a printed name, created on first sight (resolved with the hint, if any)."""
    if not name:
        return None
    found = list(db["agencies"].rows_where("name = ?", [name]))
    if found:
        return found[0]
    row = _resolve(db, name, hint_code)
    row["id"] = db["agencies"].insert(row).last_pk
    return row
