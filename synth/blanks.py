"""Printed blanks: cells that a report leaves empty instead of writing 0 (stored as None).

Only zero cells become blank, and a total only when every part of it is blank too, so the identities
still hold when blanks are read as 0.
"""

from __future__ import annotations

import random
from typing import Any

from synth.identities import LEAVES_T4
from synth.labels import applicant_keys

Table = dict[str, dict[str, Any]]


def _maybe(rng: random.Random, cells: dict[str, Any], keys: list[str], p: float) -> None:
    for key in keys:
        if cells[key] == 0 and rng.random() < p:
            cells[key] = None


def _total_blank(rng: random.Random, total: Any, parts: list[Any], p: float) -> Any:
    """A zero total may be blank if all of its parts are."""
    return None if total == 0 and all(v is None for v in parts) and rng.random() < p else total


def blank_requests(rng: random.Random, table: Table, p: float) -> None:
    """Leaves first, then the 总计 row, then the 总计 column (each sees the blanks before it)."""
    results = [r for r in table if r not in ("new_requests", "carried_over", "total_processed",
                                             "carried_forward")]
    for row, cells in table.items():
        if row != "total_processed":
            _maybe(rng, cells, applicant_keys(), p)
    for col in applicant_keys():
        parts = [table[r][col] for r in results]
        table["total_processed"][col] = _total_blank(rng, table["total_processed"][col], parts, p)
    for cells in table.values():
        cells["total"] = _total_blank(rng, cells["total"], [cells[k] for k in applicant_keys()], p)


def blank_review(rng: random.Random, table: Table, p: float) -> None:
    for cells in table.values():
        _maybe(rng, cells, list(LEAVES_T4), p)
        cells["total"] = _total_blank(rng, cells["total"], [cells[k] for k in LEAVES_T4], p)


def blank_out(rng: random.Random, record: dict[str, Any]) -> None:
    """Blank some zero cells of all three tables, with one blank rate per report (reports are consistent)."""
    p = rng.uniform(0.3, 0.9)
    for cells in record["proactive"].values():
        _maybe(rng, cells, list(cells), p)
    blank_requests(rng, record["requests"], p)
    blank_review(rng, record["review_litigation"], p)
