"""Random table 2 (主动公开) values: plausible magnitudes and the soft relations real reports keep."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from synth.labels import variant

Number = int | float
Row = dict[str, Any]


def _skewed(rng: random.Random, max_exp: float, zero: float = 0.15) -> int:
    """0 with probability `zero`, else log-uniform up to 10**max_exp (licences reach tens of thousands)."""
    return 0 if rng.random() < zero else int(10 ** rng.uniform(0, max_exp))


def _money(rng: random.Random, max_exp: float) -> Number:
    """An amount with 0–2 decimals; integer-valued amounts are ints, as a parser would read them."""
    value = round(10 ** rng.uniform(0, max_exp), rng.choice((0, 1, 2)))
    return int(value) if value == int(value) else value


def _procurement(rng: random.Random) -> Number:
    """No unit is printed in the template: some reports give 元 (251000), others 万元 with decimals."""
    return int(10 ** rng.uniform(4, 7)) // 100 * 100 if rng.random() < 0.6 else _money(rng, 3.5)


def _change(rng: random.Random, row: Row) -> int:
    """本年增/减: signed, never taking the item count below zero."""
    return rng.randint(-min(row["prev_year_items"], 20), 20) if rng.random() < 0.6 else 0


def _docs_count(rng: random.Random, row_key: str) -> int:
    """County governments rarely make 规章; normative documents are a handful a year."""
    return 0 if row_key == "regulations" and rng.random() < 0.8 else rng.randint(0, 25)


# Column key -> generator(rng, row_key, row so far). Columns are generated in printed order, so a
# column may depend on the ones to its left.
COLUMNS: dict[str, Callable[[random.Random, str, Row], Number]] = {
    "issued": lambda rng, key, row: _docs_count(rng, key),
    "repealed": lambda rng, key, row: rng.randint(0, 10) if row["issued"] or rng.random() < 0.3 else 0,
    "in_force": lambda rng, key, row: row["issued"] + rng.randint(0, 150),
    "newly_made": lambda rng, key, row: _docs_count(rng, key),
    "newly_published": lambda rng, key, row: rng.randint(0, row["newly_made"]),
    "total_published": lambda rng, key, row: row["newly_published"] + rng.randint(0, 400),
    "decisions": lambda rng, key, row: _skewed(rng, 4.6 if key == "admin_licensing" else 3.5),
    "prev_year_items": lambda rng, key, row: rng.randint(0, 300),
    "change": lambda rng, key, row: _change(rng, row),
    "fee_amount_wan_yuan": lambda rng, key, row: 0 if rng.random() < 0.15 else _money(rng, 4),
    "procurement_items": lambda rng, key, row: rng.randint(0, 40),
    "procurement_amount": lambda rng, key, row: _procurement(rng) if row["procurement_items"] else 0,
}


def proactive_table(rng: random.Random, variant_name: str) -> dict[str, Row]:
    """All rows of a table-2 variant, block by block."""
    table: dict[str, Row] = {}
    for block in variant(variant_name)["blocks"]:
        for row_def in block["rows"]:
            row: Row = {}
            for col in block["columns"]:
                row[col["key"]] = COLUMNS[col["key"]](rng, row_def["key"], row)
            table[row_def["key"]] = row
    return table
