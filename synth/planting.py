"""Planted arithmetic errors: one printed total made wrong, and every identity that this breaks."""

from __future__ import annotations

import random
from typing import Any

from synth.identities import failing
from synth.labels import applicant_columns


def _targets(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Printed totals that can be perturbed: table 4 totals, the （七）总计 row, the 总计 column."""
    out = [("review_litigation", g, "total") for g in record["review_litigation"]]
    out += [("requests", "total_processed", c["key"]) for c in applicant_columns()]
    out += [("requests", r, "total") for r in record["requests"] if r != "total_processed"]
    return out


def plant_error(rng: random.Random, record: dict[str, Any]) -> list[dict[str, str]]:
    """Perturb one total in place; return the failing identities, recomputed rather than guessed."""
    table, row, col = rng.choice(_targets(record))
    old = record[table][row][col] or 0
    delta = rng.choice((1, 1, 2, 3, 10))
    record[table][row][col] = old - delta if old > delta and rng.random() < 0.5 else old + delta
    return failing(record)
