"""What a crawler meets when it guesses county portals from their names: the farm's discovery scenarios.

Besides its county sites, the farm answers a few hosts only for discovery (`nianbao sources discover` from
division codes alone). Each scenario is one more county-level unit, chosen from the divisions registry by the
farm's seed, whose candidate hosts (crawler.hostnames, in rank order) answer like this:

- redirect: the top candidate is an old domain that 301s to a lower-ranked one, the verified portal; its
  信息公开 platform sits on the province's shared cluster host (xxgk.<province>.gov.cn/<code>/), where the
  年报 column is.
- lookalike: the top candidate is the portal of a unit of the same name in another province (its SiteIDCode
  and title name that one); the second is the unit's own portal.
- ambiguous: a name several units share, and the page names nothing else (no site code, no province).
- parked: the top candidate is a parked domain; nothing else answers.
- offgov: the top candidate redirects to a non-government mirror; nothing else answers.
- blocked: the top candidate answers a 瑞数 412 challenge.
- none: nothing answers at all (no portal found).
The farm's own county sites are expected to verify at their host with their 年报 column (manifest "discovery").
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

from synth.farm.http import Resp

KINDS = ("redirect", "lookalike", "ambiguous", "parked", "offgov", "blocked", "none")
EXPECT = {"redirect": "verified", "lookalike": "verified", "ambiguous": "ambiguous", "parked": "none_found",
          "offgov": "none_found", "blocked": "blocked", "none": "unreachable"}
PARKED = ("<html><head><title>域名转让 This domain may be for sale</title></head><body><h1>{host}</h1>"
          "<p>该域名可转让。This domain may be for sale.</p></body></html>")
RS_CHALLENGE = ("<html><head><meta content=\"x\" r=\"m\"><script type=\"text/javascript\" r='m'>"
                "$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;$_ts.cd=\"qxfq\";</script></head>"
                "<body></body></html>")


@dataclass(frozen=True)
class Scenario:
    kind: str
    code: str
    name: str
    province: str
    hosts: tuple[str, ...]  # the unit's candidates, in rank order
    other_code: str = ""  # lookalike: the unit whose portal the top candidate is
    other_name: str = ""
    region: str = ""  # the unit's prefecture (its province for units without one), as its own portal names it

    @property
    def portal_host(self) -> str:
        return {"redirect": self.hosts[2], "lookalike": self.hosts[1]}.get(self.kind, "")

    @property
    def cluster_host(self) -> str:
        from archive.divisions import load_divisions
        from crawler.hostnames import phrase_reading, region_short

        province = load_divisions()[self.code].province_code
        return f"xxgk.{''.join(phrase_reading(region_short(province)))}.gov.cn"

    @property
    def column_url(self) -> str:
        if self.kind == "redirect":
            return f"http://{self.cluster_host}/{self.code}/zfxxgknb/"
        if self.kind == "lookalike":
            return f"http://{self.portal_host}/zwgk/zfxxgknb/"
        return ""


@lru_cache(maxsize=8)
def scenarios(seed: int, farm_codes: frozenset[str], farm_hosts: frozenset[str]) -> tuple[Scenario, ...]:
    """One unit per kind, chosen by the seed among units the farm does not host and whose candidate hosts are
    none of the farm's (a kind is left out when no unit is left, as in a national-scale farm)."""
    from archive.divisions import load_divisions
    from crawler.hostnames import candidates

    divisions = load_divisions()
    rng = random.Random(f"farm:{seed}:discovery")
    names: dict[str, list[str]] = {}
    for code, d in sorted(divisions.items()):
        names.setdefault(d.name, []).append(code)
    shared = [c for n in sorted(names) if len(names[n]) > 1 for c in names[n]]
    everyone = sorted(divisions)
    taken: set[str] = set(farm_codes)
    used_hosts: set[str] = set(farm_hosts)
    out: list[Scenario] = []
    for kind in KINDS:
        pool = list(shared if kind in ("lookalike", "ambiguous") else everyone)
        rng.shuffle(pool)
        for code in pool[:200]:
            hosts = tuple(candidates(code, 10)) if code not in taken else ()
            if len(hosts) < 3 or used_hosts & set(hosts):
                continue
            d = divisions[code]
            other = next((c for c in names[d.name] if c != code and divisions[c].province_code != d.province_code),
                         "")
            if kind == "lookalike" and not other:
                continue
            scenario = Scenario(kind, code, d.name, d.province, hosts, other,
                                divisions[other].province + divisions[other].name if other else "",
                                d.prefecture or d.province)
            if kind == "redirect" and scenario.cluster_host in used_hosts:
                continue
            taken.add(code)
            used_hosts.update(hosts)
            used_hosts.add(scenario.cluster_host)
            out.append(scenario)
            break
    return tuple(out)


def _home(title: str, site_id: str, platform: str) -> str:
    meta = f'<meta name="SiteIDCode" content="{site_id}">' if site_id else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>{meta}</head>'
            f'<body><div class="nav"><a href="/">首页</a><a href="{escape(platform, quote=True)}">政府信息公开</a>'
            f'<a href="/zwdt/">政务动态</a></div><p>{escape(title)}</p></body></html>')


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body>{body}</body></html>")


def answer(seed: int, farm_codes: frozenset[str], farm_hosts: frozenset[str], host: str, path: str) -> Resp | None:
    """The farm's answer for a discovery-only host, or None when no scenario uses it (then: 502)."""
    for s in scenarios(seed, farm_codes, farm_hosts):
        resp = _answer(s, host, path)
        if resp is not None:
            return resp
    return None


def _html(text: str, status: int = 200) -> Resp:
    return Resp(status=status, body=text.encode("utf-8"), ctype="text/html; charset=utf-8", cacheable=False,
                headers=[("Content-Type", "text/html; charset=utf-8")])


def _redirect(location: str) -> Resp:
    return Resp(status=301, body=b"", ctype="text/html", cacheable=False, headers=[("Location", location)])


def _answer(s: Scenario, host: str, path: str) -> Resp | None:
    top = s.hosts[0]
    if s.kind == "redirect":
        if host == top:
            return _redirect(f"http://{s.portal_host}{path}")
        if host == s.portal_host and path == "/":
            return _html(_home(f"{s.name}人民政府", s.code + "0001", f"http://{s.cluster_host}/{s.code}/"))
        if host == s.cluster_host and path == f"/{s.code}/":
            return _html(_page(f"{s.name}政府信息公开平台", f'<a href="/{s.code}/zfxxgknb/">政府信息公开年报</a>'))
        if host == s.cluster_host and path == f"/{s.code}/zfxxgknb/":
            return _html(_page("政府信息公开年报", "<ul></ul>"))
    elif s.kind == "lookalike":
        if host == top and path == "/":
            return _html(_home(f"{s.other_name}人民政府", s.other_code + "0001", "/zwgk/"))
        if host == s.portal_host and path == "/":
            return _html(_home(f"{s.region}{s.name}人民政府", "", "/zwgk/"))
        if host == s.portal_host and path == "/zwgk/":
            return _html(_page("政务公开", '<a href="/zwgk/zfxxgknb/">政府信息公开年报</a>'))
        if host == s.portal_host and path == "/zwgk/zfxxgknb/":
            return _html(_page("政府信息公开年报", "<ul></ul>"))
    elif host == top and path == "/":
        if s.kind == "ambiguous":
            return _html(_home(f"{s.name}人民政府", "", "/zwgk/"))
        if s.kind == "parked":
            return _html(PARKED.format(host=escape(host)))
        if s.kind == "offgov":
            return _redirect(f"http://www.{top.split('.')[1]}-gov-mirror.com/")
        if s.kind == "blocked":
            return _html(RS_CHALLENGE, status=412)
    return None


def expectations(seed: int, farm_codes: frozenset[str], farm_hosts: frozenset[str],
                 county_sites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What discovery from codes alone must find: every farm county at its host with its 年报 column, and each
    scenario classified (manifest key "discovery")."""
    out = [{"code": s["county"]["adcode"], "kind": "farm_site", "status": "verified", "host": s["host"],
            "column": s["nb_url"]} for s in county_sites]
    out += [{"code": s.code, "kind": s.kind, "status": EXPECT[s.kind], "host": s.portal_host,
             "column": s.column_url, "decoy": s.hosts[0]} for s in scenarios(seed, farm_codes, farm_hosts)]
    return sorted(out, key=lambda e: e["code"])
