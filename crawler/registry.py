"""The national registry (crawler/registry.csv): one row per county-level unit, whether a portal is known or not.

Generated from the divisions registry (archive/data/divisions.csv, 2,846 current units) and merged with what
is already known: the hand-found entries of crawler/sources.csv (`nianbao sources add`) win over anything
generated, and hosts checked before keep their status and evidence. One row per unit, sorted by code, so the
file diffs line by line.

A row's status:
  verified     the host answered and names the unit (final_url, title, checked hold the evidence)
  candidate    not checked yet: a hand-found host, or only the hosts `nianbao sources candidates` derives
  unreachable  no candidate answered
  blocked      a WAF challenge answered (412/521/WZWSREL…): a portal exists but would not let us in
  ambiguous    hosts answered but none (or several) named this unit for sure
  none_found   every candidate was tried and none is this unit's portal
Division changes: a row whose code is no longer current (a county merged, renamed or made a district) is
moved onto the current code (archive.divisions.division_of_code), keeping its evidence, and the old
names and codes are listed in `former`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from archive.divisions import REPORTS_FIRST_YEAR, division_of_code, load_divisions, load_history
from crawler.sources import Source

REGISTRY_CSV = Path(__file__).parent / "registry.csv"
STATUSES = ("verified", "candidate", "unreachable", "blocked", "ambiguous", "none_found")
CHECKED_STATUSES = frozenset(STATUSES) - {"candidate"}


@dataclass
class Unit:
    code: str
    name: str
    province: str
    prefecture: str
    status: str = "candidate"
    host: str = ""
    final_url: str = ""
    title: str = ""
    checked: str = ""
    column_urls: str = ""  # space-separated 年报 column URLs
    source_ids: str = ""  # space-separated ids of hand-found crawler/sources.csv rows for this unit
    former: str = ""  # "320829 洪泽县 2016; …"
    notes: str = ""

    @property
    def columns(self) -> list[str]:
        return self.column_urls.split()

    def start_urls(self) -> list[str]:
        """Where a crawl of this unit starts: its 年报 columns, then its verified homepage."""
        urls = list(self.columns)
        if self.status == "verified" and self.final_url and self.final_url not in urls:
            urls.append(self.final_url)
        return urls


FIELDS = [f.name for f in fields(Unit)]


def load_registry(path: str | Path = REGISTRY_CSV) -> list[Unit]:
    path = Path(path)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [Unit(**{k: row.get(k) or "" for k in FIELDS}) for row in csv.DictReader(f)]


def dumps(units: list[Unit]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for unit in sorted(units, key=lambda u: u.code):
        writer.writerow(asdict(unit))
    return buf.getvalue()


def write_registry(units: list[Unit], path: str | Path = REGISTRY_CSV) -> None:
    Path(path).write_text(dumps(units), encoding="utf-8")


def is_registry_file(path: str | Path) -> bool:
    """Whether a CSV is this registry (the crawler also accepts it in place of crawler/sources.csv)."""
    with Path(path).open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f), [])
    return "code" in header and "status" in header


# ---------------------------------------------------------------- building


@dataclass
class SubUnit:
    """A department or township a county's platform lists, with its own 年报 column(s) (registry-units.csv)."""

    parent_code: str
    agency: str
    level: str  # department or township
    status: str = "candidate"  # verified (its page answered), blocked, unreachable
    url: str = ""
    column_urls: str = ""
    checked: str = ""
    notes: str = ""

    @property
    def columns(self) -> list[str]:
        return self.column_urls.split()


SUB_FIELDS = [f.name for f in fields(SubUnit)]


def sub_units_path(registry_path: str | Path = REGISTRY_CSV) -> Path:
    """registry.csv → registry-units.csv beside it."""
    path = Path(registry_path)
    return path.with_name(path.stem + "-units.csv")


def load_sub_units(path: str | Path) -> list[SubUnit]:
    path = Path(path)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [SubUnit(**{k: row.get(k) or "" for k in SUB_FIELDS}) for row in csv.DictReader(f)]


def write_sub_units(rows: list[SubUnit], path: str | Path) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SUB_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: (r.parent_code, r.level, r.agency)):
        writer.writerow(asdict(row))
    Path(path).write_text(buf.getvalue(), encoding="utf-8")


def sub_unit_sources(rows: list[SubUnit]) -> list[Source]:
    """Sub-units the crawler starts from: their 年报 columns, else their page (a blocked one is recorded so)."""
    out = []
    for i, row in enumerate(sorted(rows, key=lambda r: (r.parent_code, r.level, r.agency))):
        urls = row.columns or ([row.url] if row.url else [])
        if urls:
            out.append(Source(10_000_000 + i, row.parent_code, row.agency, row.level, " ".join(urls), "",
                              f"registry sub-unit: {row.status}", "no"))
    return out


def former_names(code: str) -> str:
    """The unit's earlier codes and names since reports began, newest first (洪泽县 for 洪泽区)."""
    rows = [r for r in load_history()
            if r["new_code"] == code and r["last_year"] and int(r["last_year"]) >= REPORTS_FIRST_YEAR]
    rows.sort(key=lambda r: (-int(r["last_year"]), r["old_code"]))
    return "; ".join(f"{r['old_code']} {r['old_name']} {r['last_year']}" for r in rows)


def _fresh(code: str) -> Unit:
    division = load_divisions()[code]
    return Unit(code=code, name=division.name, province=division.province, prefecture=division.prefecture,
                former=former_names(code))


def _current_code(code: str) -> str | None:
    division = division_of_code(code)
    return division.code if division else None


def _merge_checked(into: Unit, old: Unit) -> Unit:
    """Keep what an earlier check found (status, evidence, columns) on the current row."""
    if into.status in CHECKED_STATUSES and into.checked >= old.checked:
        return into
    return replace(into, status=old.status, host=old.host, final_url=old.final_url, title=old.title,
                   checked=old.checked, column_urls=old.column_urls or into.column_urls, notes=old.notes)


def _hand_found(unit: Unit, sources: list[Source]) -> Unit:
    """Lay the hand-found entries over a row: their ids, their county portal host and 年报 columns."""
    if not sources:
        return unit
    ids = " ".join(str(s.id) for s in sorted(sources, key=lambda s: s.id))
    own = [s for s in sources if s.level == "county_gov"]
    if not own:
        return replace(unit, source_ids=ids)
    columns = [u for s in own for u in s.urls if urlsplit(u).path not in ("", "/")]
    homes = [u for s in own for u in s.urls]
    host = urlsplit(homes[0]).hostname or unit.host
    confirmed = sorted(s.verified.split()[1] for s in own if s.verified.startswith("yes ") and len(s.verified) > 4)
    out = replace(unit, source_ids=ids, host=host,
                  column_urls=" ".join(dict.fromkeys(columns + unit.columns)))
    if confirmed and out.status != "verified":
        out = replace(out, status="verified", checked=confirmed[0], final_url=homes[0],
                      notes="hand-found; a crawl archived a report from it")
    elif not confirmed and out.status not in CHECKED_STATUSES:
        out = replace(out, notes="hand-found, not checked yet")
    return out


def build(existing: list[Unit], sources: list[Source]) -> list[Unit]:
    """One row per current county-level unit: generated, then earlier checks, then hand-found entries."""
    rows = {code: _fresh(code) for code in sorted(load_divisions())}
    for old in sorted(existing, key=lambda u: (u.checked, u.code)):
        code = _current_code(old.code)
        if code in rows and old.status != "candidate":
            rows[code] = _merge_checked(rows[code], old)
        elif code in rows and old.column_urls:
            rows[code] = replace(rows[code], column_urls=" ".join(dict.fromkeys(rows[code].columns + old.columns)))
    by_code: dict[str, list[Source]] = {}
    for source in sources:
        code = _current_code(source.division_code)
        if code in rows:
            by_code.setdefault(code, []).append(source)
    for code, found in by_code.items():
        rows[code] = _hand_found(rows[code], found)
    return list(rows.values())


def as_sources(units: list[Unit]) -> list[Source]:
    """Registry rows the crawler can start from (those with 年报 columns or a verified host); ids are codes."""
    out = []
    for unit in units:
        urls = unit.start_urls()
        if urls:
            verified = f"yes {unit.checked}" if unit.status == "verified" else "no"
            out.append(Source(int(unit.code), unit.code, unit.name, "county_gov", " ".join(urls), "",
                              f"registry: {unit.status}", verified))
    return out


def counts(units: list[Unit]) -> dict[str, int]:
    """Rows per status, every status listed."""
    out = dict.fromkeys(STATUSES, 0)
    for unit in units:
        out[unit.status] = out.get(unit.status, 0) + 1
    return out


def crawl_sources(hand_found: list[Source], units: list[Unit] | None = None) -> list[Source]:
    """What a default crawl starts from: every hand-found entry, then every registry unit with a 年报 column or a
    verified host that no hand-found entry already starts from (the whole country, as far as it is known)."""
    covered = {u for s in hand_found for u in s.urls}
    known = as_sources(load_registry() if units is None else units)
    if units is None:
        known += sub_unit_sources(load_sub_units(sub_units_path()))
    return hand_found + [s for s in known if not set(s.urls) & covered]
