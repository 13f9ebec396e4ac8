"""Key figures of one parsed record, for the one-row-per-report summary (pure)."""

from __future__ import annotations

Number = int | float | None
GROUP_PREFIXES = {"denied": "denied_", "unavailable": "unavailable_", "not_processed": "np_"}


def _total(record: dict, row: str) -> Number:
    return record.get("requests", {}).get(row, {}).get("total")


def _group_total(record: dict, prefix: str) -> Number:
    values = [cols.get("total") for row, cols in record.get("requests", {}).items() if row.startswith(prefix)]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _rate(part: Number, whole: Number) -> float | None:
    if part is None or not whole:
        return None
    return round(part / whole, 4)


def _sum(*values: Number) -> Number:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


# 2014–2018 statistics-table rows that mean the same as a summary column (收到申请数 = 新收 …).
STATISTICS_FIGURES = {"new_requests": "requests_received", "reviews": "reviews", "lawsuits": "lawsuits"}


def _statistics_figures(record: dict) -> dict[str, Number]:
    stats = record.get("statistics") or {}
    return {name: stats.get(row, {}).get("count") for name, row in STATISTICS_FIGURES.items()}


def key_figures(record: dict) -> dict[str, Number | str]:
    """Totals as printed (never recomputed from parts), group sums, grant and refusal rates; for a
    2014–2018 statistics table, the figures it shares with the later tables. Never prose figures."""
    if record.get("statistics") and not record.get("requests"):
        figures: dict[str, Number | str] = dict.fromkeys(("carried_over", "total_processed", "granted",
                                                    "partially_granted", "carried_forward", "denied",
                                                    "unavailable", "not_processed", "grant_rate",
                                                    "refusal_rate"))
        figures.update(_statistics_figures(record))
        figures.update(check_figures(record))
        return figures
    rl = record.get("review_litigation", {})
    figures: dict[str, Number | str] = {
        row: _total(record, row)
        for row in ("new_requests", "carried_over", "total_processed", "granted", "partially_granted",
                    "carried_forward")
    }
    figures.update({name: _group_total(record, prefix) for name, prefix in GROUP_PREFIXES.items()})
    processed = figures["total_processed"]
    figures["grant_rate"] = _rate(_sum(figures["granted"], figures["partially_granted"]), processed)
    figures["refusal_rate"] = _rate(figures["denied"], processed)
    figures["reviews"] = rl.get("review", {}).get("total")
    figures["lawsuits"] = _sum(rl.get("lit_direct", {}).get("total"), rl.get("lit_after_review", {}).get("total"))
    figures.update(check_figures(record))
    return figures


def check_figures(record: dict) -> dict:
    """Failing checks and the three-way result: a report whose tables were not read passes nothing, and neither
    does one whose every cell is blank (a blank template's identities hold as 0 = 0: nothing was checked)."""
    if not any(c.get("value") is not None for c in record.get("cells", [])):
        return {"failing_checks": None, "check_result": "no tables"}
    failing = sum(1 for c in record.get("checks", []) if not c["ok"])
    return {"failing_checks": failing, "check_result": "fail" if failing else "pass"}
