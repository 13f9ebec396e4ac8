"""`scrapy crawl discover`: from division codes alone to verified portal hosts and 年报 columns.

For each unit of the registry (or `codes` / `province`), try its candidate hosts (crawler/hostnames.py; a
hand-found host first) in rank order, one at a time, until one verifies (crawler/discover.py). From a verified
homepage follow the 信息公开 navigation (two levels, any *.gov.cn host: platforms often sit on xxgk.* or on a
provincial cluster) and record the 年报 column URLs. Each finished unit is written to the registry at once, so a
stopped discovery resumes where it was; a re-run skips units checked within `max_age` days.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.divisions import Division, load_divisions
from crawler.discover import Check, best_check, check_homepage, column_links, sub_units, unit_status
from crawler.hostnames import candidates
from crawler.registry import (
    REGISTRY_CSV,
    SubUnit,
    Unit,
    load_registry,
    load_sub_units,
    sub_units_path,
    write_registry,
    write_sub_units,
)

log = logging.getLogger(__name__)
PLATFORM_DEPTH = 2
PLATFORM_PAGES = 12  # per unit: enough for home → 政务公开 → 信息公开 → 年报 on real portals
SUB_UNITS = 80  # departments and townships looked at per county (a county has ~40-60 reporting units)


@dataclass
class UnitState:
    division: Division
    hosts: list[str]
    checks: list[Check] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    pending: int = 0
    visited: set[str] = field(default_factory=set)
    subunits: dict[str, SubUnit] = field(default_factory=dict)


class DiscoverSpider(scrapy.Spider):
    name = "discover"
    custom_settings: ClassVar[dict[str, Any]] = {
        "ITEM_PIPELINES": {},
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,  # one request per host at a time across the whole discovery
        "NIANBAO_HOST_CONCURRENCY": 1,
        "NIANBAO_RETRY_TIMES": 0,  # a candidate that does not answer is simply not the portal
        "DOWNLOAD_TIMEOUT": 20,
        "REDIRECT_MAX_TIMES": 5,
    }

    def __init__(self, codes: str | None = None, province: str | None = None, registry: str | None = None,
                 limit: int | str = 10, max_age: int | str = 30, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.registry_path = Path(registry) if registry else REGISTRY_CSV
        self.units = {u.code: u for u in load_registry(self.registry_path)}
        self.sub_units = load_sub_units(sub_units_path(self.registry_path))
        self.limit = int(limit)
        self.max_age = int(max_age)
        wanted = [c.strip() for c in (codes or "").replace(",", " ").split() if c.strip()]
        self.codes = self._select(wanted, province)
        self.states: dict[str, UnitState] = {}
        self.done = {"units": 0, "verified": 0, "blocked": 0}
        self.started = time.monotonic()

    def _select(self, wanted: list[str], province: str | None) -> list[str]:
        divisions = load_divisions()
        codes = wanted or sorted(self.units) or sorted(divisions)  # the registry's units (all of them, normally)
        if province:
            codes = [c for c in codes if c.startswith(province) or divisions[c].province == province]
        today = dt.date.today()
        fresh = []
        for code in codes:
            unit = self.units.get(code)
            if code not in divisions:
                continue
            if not wanted and unit and unit.status != "candidate" and unit.checked:
                age = (today - dt.date.fromisoformat(unit.checked[:10])).days
                if age < self.max_age:
                    continue  # checked recently: a re-run re-checks only what is stale
            fresh.append(code)
        return fresh

    def _hosts(self, division: Division) -> list[str]:
        unit = self.units.get(division.code)
        hand = [unit.host] if unit and unit.host and unit.source_ids else []
        return list(dict.fromkeys(hand + candidates(division.code, self.limit)))[: max(self.limit, len(hand))]

    async def start(self) -> Any:
        divisions = load_divisions()
        log.info("discovery: %d units to check", len(self.codes))
        for code in self.codes:
            state = UnitState(divisions[code], self._hosts(divisions[code]))
            self.states[code] = state
            if state.hosts:
                yield self._candidate(code, 0)
            else:
                self._finish(code)

    def _candidate(self, code: str, index: int) -> scrapy.Request:
        host = self.states[code].hosts[index]
        return scrapy.Request(f"http://{host}/", callback=self.parse_home, errback=self.home_failed,
                              dont_filter=True, cb_kwargs={"code": code, "index": index},
                              meta={"kind": "discover", "unconditional": True})

    # ---- candidates ----------------------------------------------------------------------------------------

    def parse_home(self, response: Response, code: str, index: int) -> Any:
        state = self.states[code]
        body = response.text if hasattr(response, "text") else ""
        check = check_homepage(state.division, state.hosts[index], response.status, response.url, body,
                               response.meta.get("blocked_by"))
        state.checks.append(check)
        if check.outcome == "verified":
            state.visited.add(response.url)
            yield from self._platform(code, response.url, body, depth=0)
            if state.pending == 0:
                self._finish(code)
            return
        yield from self._next(code, index)

    def home_failed(self, failure: Failure) -> Any:
        request = failure.request
        code, index = request.cb_kwargs["code"], request.cb_kwargs["index"]
        message = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:200]
        text = str(failure.value)
        # robots.txt forbids the homepage: a portal is there but closed to us; a redirect off *.gov.cn (a mirror,
        # a parked domain elsewhere) is refused before any traffic: not this unit's portal
        outcome = "blocked" if "robots.txt" in text else "lookalike" if text.startswith("refused") else "unreachable"
        message = text[:200] if outcome != "unreachable" else message
        state = self.states[code]
        state.checks.append(Check(state.hosts[index], outcome, request.url, note=message))
        yield from self._next(code, index)

    def _next(self, code: str, index: int) -> Any:
        if index + 1 < len(self.states[code].hosts):
            yield self._candidate(code, index + 1)
        else:
            self._finish(code)

    # ---- from the verified homepage to the 年报 column ------------------------------------------------------

    def _platform(self, code: str, url: str, body: str, depth: int) -> Any:
        state = self.states[code]
        columns, platform = column_links(url, body)
        yield from self._sub_units(code, url, body)
        new_columns = [c for c in columns if c not in state.columns]
        state.columns += new_columns
        for column in new_columns:  # the column page lists the county's departments and townships
            if column not in state.visited and len(state.visited) < PLATFORM_PAGES:
                state.visited.add(column)
                state.pending += 1
                yield scrapy.Request(column, callback=self.parse_platform, errback=self.platform_failed,
                                     dont_filter=True, cb_kwargs={"code": code, "depth": PLATFORM_DEPTH},
                                     meta={"kind": "discover", "unconditional": True})
        if state.columns or depth >= PLATFORM_DEPTH:
            return
        for link in platform:
            if link in state.visited or len(state.visited) >= PLATFORM_PAGES:
                continue
            state.visited.add(link)
            state.pending += 1
            # dont_filter: a request the filter dropped would never answer, and the unit would never finish;
            # `visited` keeps each unit from fetching a page twice
            yield scrapy.Request(link, callback=self.parse_platform, errback=self.platform_failed, dont_filter=True,
                                 cb_kwargs={"code": code, "depth": depth + 1},
                                 meta={"kind": "discover", "unconditional": True})

    def parse_platform(self, response: Response, code: str, depth: int) -> Any:
        state = self.states[code]
        state.pending -= 1
        if hasattr(response, "text") and not response.meta.get("blocked_by"):
            yield from self._platform(code, response.url, response.text, depth)
        if state.pending == 0:
            self._finish(code)

    def platform_failed(self, failure: Failure) -> None:
        code = failure.request.cb_kwargs["code"]
        self.states[code].pending -= 1
        if self.states[code].pending == 0:
            self._finish(code)

    # ---- departments and townships --------------------------------------------------------------------------

    def _sub_units(self, code: str, url: str, body: str) -> Any:
        state = self.states[code]
        for agency, level, link in sub_units(url, body, code):
            if agency in state.subunits or len(state.subunits) >= SUB_UNITS:
                continue
            state.subunits[agency] = SubUnit(code, agency, level, url=link)
            state.pending += 1
            yield scrapy.Request(link, callback=self.parse_sub_unit, errback=self.sub_unit_failed, dont_filter=True,
                                 cb_kwargs={"code": code, "agency": agency, "depth": 0},
                                 meta={"kind": "discover", "unconditional": True})

    def parse_sub_unit(self, response: Response, code: str, agency: str, depth: int) -> Any:
        state = self.states[code]
        state.pending -= 1
        row = state.subunits[agency]
        if response.meta.get("blocked_by"):
            row.status, row.notes = "blocked", response.meta["blocked_by"]
        elif hasattr(response, "text"):
            row.status = "verified" if row.status != "blocked" else row.status
            columns, platform = column_links(response.url, response.text)
            row.column_urls = " ".join(dict.fromkeys(row.columns + columns))
            if not columns and depth == 0:
                for link in platform[:3]:
                    state.pending += 1
                    yield scrapy.Request(link, callback=self.parse_sub_unit, errback=self.sub_unit_failed,
                                         dont_filter=True, cb_kwargs={"code": code, "agency": agency, "depth": 1},
                                         meta={"kind": "discover", "unconditional": True})
        if state.pending == 0:
            self._finish(code)

    def sub_unit_failed(self, failure: Failure) -> None:
        kwargs = failure.request.cb_kwargs
        state = self.states[kwargs["code"]]
        state.pending -= 1
        row = state.subunits[kwargs["agency"]]
        if kwargs["depth"] == 0:
            row.status, row.notes = "unreachable", f"{failure.type.__name__}: {failure.getErrorMessage()}"[:200]
        if state.pending == 0:
            self._finish(kwargs["code"])

    # ---- outcome -------------------------------------------------------------------------------------------

    def _finish(self, code: str) -> None:
        state = self.states.pop(code)
        status = unit_status(state.checks)
        best = best_check(state.checks)
        unit = self.units.get(code) or Unit(code, state.division.name, state.division.province,
                                            state.division.prefecture)
        tried = " ".join(f"{c.host}:{c.outcome}" for c in state.checks)
        unit = replace(unit, status=status, checked=dt.date.today().isoformat(),
                       host=_host_of(best) if best and status in ("verified", "blocked", "ambiguous") else unit.host,
                       final_url=best.final_url if best and status == "verified" else "",
                       title=best.title if best and status == "verified" else "",
                       column_urls=" ".join(dict.fromkeys(unit.columns + state.columns)),
                       notes=f"{best.note}; tried {tried}" if best else f"tried {tried}")
        self.units[code] = unit
        write_registry(list(self.units.values()), self.registry_path)
        today = dt.date.today().isoformat()
        found = [replace(row, checked=today) for row in state.subunits.values()]
        if found or any(r.parent_code == code for r in self.sub_units):  # this check replaces the last one's
            self.sub_units = [r for r in self.sub_units if r.parent_code != code] + found
            write_sub_units(self.sub_units, sub_units_path(self.registry_path))
        self.done["units"] += 1
        self.done["verified"] += status == "verified"
        self.done["blocked"] += status == "blocked"
        left = len(self.codes) - self.done["units"]
        rate = self.done["units"] / max(time.monotonic() - self.started, 1e-6)
        log.info("discovery: %d/%d units done, %d verified, %d blocked, ETA %.0f s — %s %s %s",
                 self.done["units"], len(self.codes), self.done["verified"], self.done["blocked"],
                 left / rate if rate else 0, code, status, urlsplit(unit.final_url).hostname or unit.host)


def _host_of(check: Check) -> str:
    """Where the portal is: the host a verified homepage ended on (an old domain redirects), else the candidate."""
    if check.outcome == "verified" and check.final_url:
        return urlsplit(check.final_url).hostname or check.host
    return check.host
