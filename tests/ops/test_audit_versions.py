"""`synth.farm.audit` knows versions (issue 14, section 3), checked on the small farm's real manifests: rows as
an archive holds them after a generation change (the edited report twice, the removed one with or without
`removed_at`)."""

from __future__ import annotations

from typing import Any

import pytest

from synth.farm import Farm
from synth.farm.audit import audit


@pytest.fixture(scope="module")
def manifests() -> tuple[dict[str, Any], dict[str, Any]]:
    farm = Farm(seed=1, n_counties=2, reports_per_county=4)  # not started: manifests only
    first = farm.manifest(generation=0)
    return first, farm.manifest(generation=1)


def _row(n: int, planted: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": n, "source_url": planted["article_url"], "year": planted["year"],
            "division_code": planted["county_adcode"], "agency": planted["agency"], "level": planted["level"],
            "status": "ok", "is_current": 1, "version": 1, "removed_at": None, **extra}


def _archive_after_gen1(first: dict, second: dict, removed_at: str | None) -> list[dict[str, Any]]:
    changes = second["changes"]["1"]
    edited = {c["id"] for c in changes["edited"]}
    removed = {c["id"] for c in changes["removed"]}
    rows: list[dict[str, Any]] = []
    for planted in first["reports"]:
        if not planted["reachable"]:
            continue
        if planted["id"] in edited:
            rows.append(_row(len(rows) + 1, planted, is_current=0))
            rows.append(_row(len(rows) + 1, planted, version=2))
        elif planted["id"] in removed:
            rows.append(_row(len(rows) + 1, planted, removed_at=removed_at))
        else:
            rows.append(_row(len(rows) + 1, planted))
    new = {c["id"] for c in changes["new"]}
    rows += [_row(len(rows) + 1 + i, p) for i, p in enumerate(r for r in second["reports"] if r["id"] in new)]
    return rows


def test_edited_is_a_version_and_removed_is_expected(manifests: tuple[dict, dict]) -> None:
    first, second = manifests
    result = audit(second, _archive_after_gen1(first, second, "2026-02-02T00:00:00Z"), [first])
    assert result.reachable > 5
    assert result.duplicated == []
    assert result.extra == []
    assert result.edited == [c["id"] for c in second["changes"]["1"]["edited"]]
    assert result.removed == [c["id"] for c in second["changes"]["1"]["removed"]]
    assert result.ok, result.summary()


def test_removal_not_marked_is_reported(manifests: tuple[dict, dict]) -> None:
    first, second = manifests
    result = audit(second, _archive_after_gen1(first, second, None), [first])
    assert result.not_marked_removed == [c["id"] for c in second["changes"]["1"]["removed"]]
    assert not result.ok
