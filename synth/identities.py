"""The arithmetic identities of tables 3 and 4, recomputed from a record (blanks read as 0).

Used to build consistent records, to find out exactly which identities a planted error breaks, and by
tests; the ids and scopes are those of the parsed record's `checks`.
"""

from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

from synth.labels import (
    applicant_columns,
    applicant_keys,
    narrative_yaml,
    results_rows,
    tables_yaml,
    template_variants,
)
from synth.statistics import statistics_checks

LEAVES_T4 = ("upheld", "corrected", "other", "pending")


def _n(value: Any) -> float:
    """A printed blank (None) counts as 0."""
    return 0 if value is None else value


def _check(cid: str, scope: str, lhs: float, rhs: float, detail: str) -> dict[str, Any]:
    return {"id": cid, "scope": scope, "ok": lhs == rhs, "lhs": lhs, "rhs": rhs,
            "detail": detail + " (blanks as 0)"}


def table3_checks(requests: dict[str, dict[str, Any]], variant_name: str) -> list[dict[str, Any]]:
    """T3.flow and T3.results per column, then T3.rowsum per row."""
    out = []
    results = results_rows(variant_name)
    for col in (c["key"] for c in applicant_columns()):
        def cell(row: str, col: str = col) -> float:
            return _n(requests[row][col])
        out.append(_check("T3.flow", col, cell("new_requests") + cell("carried_over"),
                          cell("total_processed") + cell("carried_forward"),
                          "new_requests + carried_over == total_processed + carried_forward"))
        out.append(_check("T3.results", col, cell("total_processed"), sum(cell(r) for r in results),
                          "total_processed == sum of the result rows"))
    for row, values in requests.items():
        out.append(_check("T3.rowsum", row, _n(values["total"]), sum(_n(values[c]) for c in applicant_keys()),
                          "total == sum of the six applicant columns"))
    return out


def table4_checks(review: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """T4.sum per group."""
    groups = [g["key"] for g in tables_yaml()["review_litigation"]["groups"]]
    return [_check("T4.sum", g, _n(review[g]["total"]), sum(_n(review[g][k]) for k in LEAVES_T4),
                   "total == upheld + corrected + other + pending") for g in groups]


def _printed_sum(record: dict[str, Any], paths: list[str]) -> float | None:
    """Sum of the printed cells named by table.row.col paths (rows may be globs); None when all are blank."""
    cells = []
    for path in paths:
        table, row, col = path.split(".")
        cells += [cols[col] for name, cols in record[table].items() if fnmatch(name, row)]
    printed = [v for v in cells if v is not None]
    return sum(printed) if printed else None


def text_checks(record: dict[str, Any]) -> list[dict[str, Any]]:
    """X.text: each figure the prose states against the table (any accepted base may match)."""
    rules = narrative_yaml()
    if record["template"] not in rules["compare_templates"]:
        return []
    out = []
    for key, value in record.get("text_values", {}).items():
        sums = [s for alt in rules["compare"].get(key, []) if (s := _printed_sum(record, alt)) is not None]
        if sums:
            out.append(_check("X.text", key, value, value if value in sums else sums[0], "text figure == table"))
    return out


def check_record(record: dict[str, Any]) -> list[dict[str, Any]]:
    """All identity checks of a record, in a fixed order."""
    if record["template"] in ("stat2014", "legacy"):
        return statistics_checks(record["statistics"]) if record.get("statistics") else []
    req_variant = template_variants(record["template"])["requests"]
    return (table3_checks(record["requests"], req_variant) + table4_checks(record["review_litigation"])
            + text_checks(record))


def failing(record: dict[str, Any]) -> list[dict[str, str]]:
    """The identities a record breaks, as {"id", "scope"} pairs."""
    return [{"id": c["id"], "scope": c["scope"]} for c in check_record(record) if not c["ok"]]
