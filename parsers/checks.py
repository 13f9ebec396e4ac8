"""Arithmetic identities of the templates, evaluated on the printed numbers (never repaired).

Expressions come from tables.yaml, e.g. "new_requests + carried_over == total_processed + carried_forward"
evaluated per column, or "total == upheld + corrected + other + pending" per group. Blanks count as 0
and the check's detail says which cells were blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from parsers.readers.base import per_variant
from parsers.templates import Identity, Variant

Table = dict[str, dict[str, int | float | None]]
_SUM = re.compile(r"^sum\(group:(\w+)\)$")


@dataclass(frozen=True)
class Term:
    names: tuple[str, ...]  # one key, or every row key of a group for sum(group:…)


def _terms(side: str, variant: Variant) -> list[Term]:
    out = []
    for part in side.split("+"):
        part = part.strip()
        m = _SUM.match(part)
        if m:
            out.append(Term(tuple(r.key for r in variant.rows if r.group == m.group(1))))
        else:
            out.append(Term((part,)))
    return out


_NO_ROW: dict[str, int | float | None] = {}


def _side(table: Table, per: str, scope: str, terms: list[Term], blanks: list[str]) -> int | float:
    """The sum of one side's printed values (a blank or missing cell adds 0 and is named in `blanks`).
    Per-column identities name rows; per-row and per-group identities name columns."""
    total: int | float = 0
    by_column = per == "column"
    row = _NO_ROW if by_column else table.get(scope, _NO_ROW)
    for term in terms:
        for name in term.names:
            value = table.get(name, _NO_ROW).get(scope) if by_column else row.get(name)
            if value is None:
                blanks.append(name)
            else:
                total += value
    return total


def _scopes(identity: Identity, table: Table, variant: Variant) -> list[str]:
    if identity.per == "column":
        return [c.key for c in variant.columns]
    return list(table)


def _sides(expr: str, variant: Variant) -> tuple[list[Term], list[Term]]:
    """Both sides of an identity as terms (parsed once per variant and identity, not once per report)."""
    lhs_text, rhs_text = (s.strip() for s in expr.split("=="))
    return _terms(lhs_text, variant), _terms(rhs_text, variant)


def check_identity(identity: Identity, table: Table, variant: Variant) -> list[dict]:
    lhs_terms, rhs_terms = per_variant(f"identity:{identity.expr}", variant, partial(_sides, identity.expr))
    if identity.skip_if_absent and any(n not in table for t in lhs_terms + rhs_terms for n in t.names):
        return []  # an implied identity over rows this report did not print: nothing to check
    results = []
    for scope in _scopes(identity, table, variant):
        blanks: list[str] = []
        lhs = _side(table, identity.per, scope, lhs_terms, blanks)
        rhs = _side(table, identity.per, scope, rhs_terms, blanks)
        detail = identity.expr
        if blanks:
            detail += f" (blank or missing read as 0: {', '.join(sorted(set(blanks)))})"
        ok = abs(lhs - rhs) < 1e-9
        results.append({"id": identity.id, "scope": scope, "ok": ok, "lhs": lhs, "rhs": rhs, "detail": detail})
    return results


def run_checks(table: Table, variant: Variant) -> list[dict]:
    """Every identity of the variant, one result per column, row or group."""
    return [r for identity in variant.identities for r in check_identity(identity, table, variant)]
