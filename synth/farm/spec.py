"""FarmSpec: which sites exist, what family/encoding/structure each has, and where trouble is planted.

Generating a spec is cheap even for 2,850 counties: it only decides per-site parameters. A site's columns,
documents and URLs are built on first use (`FarmSpec.content`) from the site's own seed, so any site can be
rebuilt alone and the same seed always gives the same farm.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from synth.farm.model import Site, SiteContent, Unit
from synth.farm.registry import DEPARTMENT_BY_SLUG, PROVINCE_ABBR, County, counties

FAMILIES = ("trs", "hanweb", "gkmlpt", "vsb", "generic")
MIRROR_HOST = "www.haose21.com"

# The default farm: one row per county, covering every family, dialect, encoding and column structure.
# (family, variant, encoding, structure, page size, reports, preferred province codes). Report counts are
# chosen so that every family pages at least once (year columns need more reports to fill two pages).
DEFAULT_PLAN: tuple[tuple[str, str, str, str, int, int, tuple[str, ...]], ...] = (
    ("trs", "hy", "utf-8", "by_unit", 10, 36, ("43", "52", "51")),
    ("hanweb", "jpage", "utf-8", "flat", 12, 40, ("33",)),
    ("gkmlpt", "api", "utf-8", "by_unit", 10, 34, ("44",)),
    ("vsb", "vsb", "gbk-meta", "by_year", 10, 72, ("62", "61")),
    ("generic", "query", "gbk-header", "year_unit", 10, 110, ("41", "13", "14")),
    ("trs", "wcm", "gbk-meta", "flat", 12, 38, ("11", "12", "21", "22")),
)
# Trouble and change roles of the default farm, by county index (wrapped when there are fewer counties).
ROLE_PLAN: tuple[tuple[str, ...], ...] = (
    ("mirror_link", "broken_link", "edit@1", "robots_partial"),
    ("slow_article", "remove@1", "dataproxy_referer"),
    ("flaky_list",),
    ("error_500", "shell", "add@1"),
    ("redirect_loop", "broken_attachment"),
    ("beyond_refresh", "robots_typical"),
)
# Department sites of the default farm: (county index, department slug, family, waf, robots mode).
DEPARTMENT_PLAN: tuple[tuple[int, str, str, str | None, str], ...] = (
    (0, "czj", "generic", None, "allow"),
    (1, "scjgj", "trs", "rs412", "none"),
    (2, "jyj", "trs", "jsl521", "none"),
    (3, "wjj", "vsb", "wzws", "none"),
    (4, "sfj", "generic", None, "disallow_nb"),
)
# Per-province family odds for scaled farms (Guangdong runs gkmlpt, Zhejiang/Jiangsu/Shandong/Jiangxi Hanweb…).
PROVINCE_FAMILIES = {
    "44": {"gkmlpt": 0.8, "trs": 0.2}, "33": {"hanweb": 0.8, "trs": 0.2}, "32": {"hanweb": 0.6, "trs": 0.4},
    "37": {"hanweb": 0.6, "trs": 0.25, "generic": 0.15}, "36": {"hanweb": 0.6, "trs": 0.4},
    "62": {"vsb": 0.5, "trs": 0.3, "generic": 0.2}, "61": {"vsb": 0.4, "trs": 0.3, "generic": 0.3},
}
OTHER_FAMILIES = {"trs": 0.55, "generic": 0.3, "vsb": 0.1, "hanweb": 0.05}
VARIANTS = {"trs": ("hy", "wcm"), "hanweb": ("jpage",), "gkmlpt": ("api",), "vsb": ("vsb",),
            "generic": ("query", "list")}
ENCODINGS = {"trs": {"utf-8": 0.7, "gbk-meta": 0.3}, "hanweb": {"utf-8": 1.0}, "gkmlpt": {"utf-8": 1.0},
             "vsb": {"utf-8": 0.5, "gbk-meta": 0.3, "gbk-header": 0.2},
             "generic": {"utf-8": 0.5, "gbk-header": 0.3, "gbk-meta": 0.2}}
STRUCTURES = {"flat": 0.3, "by_unit": 0.35, "by_year": 0.25, "year_unit": 0.1}
# Rates of planted trouble on counties beyond the default plan (scaled farms).
SCALED_RATES = {"rs412": 0.02, "jsl521": 0.01, "wzws": 0.01, "robots_all": 0.005, "department_site": 0.05,
                "slow_article": 0.01, "broken_link": 0.03, "broken_attachment": 0.02}
ROBOTS_MODES = {"none": 0.4, "allow": 0.3, "typical": 0.3}
# The farm's clock: generation g is "crawled" on GENERATION_DATES[g]; reports of year Y appear early in Y+1.
FIRST_CRAWL = dt.datetime(2025, 6, 1, 9, 0)
GENERATION_STEP = dt.timedelta(days=245)


def weighted(rng: random.Random, odds: dict[str, float]) -> str:
    keys = list(odds)
    return rng.choices(keys, [odds[k] for k in keys])[0]


@cache
def county_hosts() -> dict[str, str]:
    """adcode -> portal host, unique over the whole registry: www.<pinyin>.gov.cn, with the province's
    abbreviation in front when two counties share a pinyin (www.bjchaoyang.gov.cn), and the code after that."""
    by_pinyin: dict[str, list[County]] = {}
    for c in counties():
        by_pinyin.setdefault(c.pinyin, []).append(c)
    hosts: dict[str, str] = {}
    taken: set[str] = set()
    for c in counties():
        label = c.pinyin if len(by_pinyin[c.pinyin]) == 1 else _province_letters(c) + c.pinyin
        if label in taken:
            label += c.adcode[2:4]
        taken.add(label)
        hosts[c.adcode] = f"www.{label}.gov.cn"
    return hosts


PROVINCE_LETTERS = {"11": "bj", "12": "tj", "13": "he", "14": "sx", "15": "nm", "21": "ln", "22": "jl", "23": "hlj",
                    "31": "sh", "32": "js", "33": "zj", "34": "ah", "35": "fj", "36": "jx", "37": "sd", "41": "ha",
                    "42": "hb", "43": "hn", "44": "gd", "45": "gx", "46": "hi", "50": "cq", "51": "sc", "52": "gz",
                    "53": "yn", "54": "xz", "61": "sn", "62": "gs", "63": "qh", "64": "nx", "65": "xj"}


def _province_letters(c: County) -> str:
    return PROVINCE_LETTERS.get(c.adcode[:2], "x")


def credit_code(rng: random.Random, adcode: str) -> str:
    """A 统一社会信用代码-shaped id of a government body: 11 + region + 9-char org code + check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "11" + adcode + "".join(rng.choice("0123456789") for _ in range(8)) + rng.choice(alphabet) + \
        rng.choice(alphabet)


@dataclass
class FarmSpec:
    """All sites of a farm and how to build their content. Use `FarmSpec.generate`."""
    seed: int
    sites: dict[str, Site]
    reports_per_county: int | None = None
    generations: int = 2
    _contents: dict[str, SiteContent] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def generate(cls, seed: int, n_counties: int = 6, reports_per_county: int | None = None,
                 latency_ms: int | tuple[int, int] = 0, generations: int = 2, changes: int = 1) -> FarmSpec:
        """A farm of n_counties county portals (plus department sites and a mirror).

        reports_per_county: exact report count per county portal (default: 30-42 drawn per county).
        latency_ms: fixed delay per response, or a (low, high) range drawn per host.
        generations: how many states the farm can be switched between (0 … generations-1).
        changes: per generation after 0, how many reports are edited, removed and added (each)."""
        pool = counties()
        if not 1 <= n_counties <= len(pool):
            raise ValueError(f"n_counties must be between 1 and {len(pool)}")
        rng = random.Random(f"farm:{seed}")
        chosen = _choose_counties(rng, pool, n_counties)
        sites: dict[str, Site] = {}
        for i, county in enumerate(chosen):
            site = _county_site(rng, seed, i, county, latency_ms)
            sites[site.host] = site
        county_sites = list(sites.values())
        for site in _department_sites(rng, seed, county_sites, latency_ms):
            sites[site.host] = site
        _assign_changes(county_sites, generations, changes)
        mirror = _mirror_site(seed, chosen[0])
        sites[mirror.host] = mirror
        return cls(seed=seed, sites=sites, reports_per_county=reports_per_county, generations=generations)

    @property
    def county_codes(self) -> frozenset[str]:
        """Division codes of the farm's county sites (discovery scenarios use other units)."""
        return frozenset(s.county.adcode for s in self.sites.values() if s.kind == "county")

    @property
    def hosts(self) -> list[str]:
        return list(self.sites)

    def content(self, host: str) -> SiteContent:
        """The built site (columns, documents, URLs), built once on first use."""
        got = self._contents.get(host)
        if got is not None:
            return got
        from synth.farm.build import build_site  # build imports the families, which import this module's types
        built = build_site(self, self.sites[host])
        with self._lock:
            return self._contents.setdefault(host, built)

    def generation_date(self, gen: int) -> dt.datetime:
        return FIRST_CRAWL + gen * GENERATION_STEP

    def county_sites(self) -> Iterable[Site]:
        return (s for s in self.sites.values() if s.kind == "county")


def _choose_counties(rng: random.Random, pool: tuple[County, ...], n: int) -> list[County]:
    """The default plan's preferred provinces first (so families fit their regions), then a random sample."""
    if n == len(pool):
        chosen = list(pool)
        rng.shuffle(chosen)
        return _plan_first(chosen, n)
    chosen: list[County] = []
    for *_, prefs in DEFAULT_PLAN[:n]:
        options = [c for c in pool if c.adcode[:2] in prefs and c not in chosen]
        chosen.append(rng.choice(options))
    rest = [c for c in pool if c not in chosen]
    return chosen + rng.sample(rest, n - len(chosen))


def _plan_first(shuffled: list[County], n: int) -> list[County]:
    """Move one county of each planned province group to the front, keeping the rest in shuffled order."""
    front: list[County] = []
    for *_, prefs in DEFAULT_PLAN[:n]:
        front.append(next(c for c in shuffled if c.adcode[:2] in prefs and c not in front))
    return front + [c for c in shuffled if c not in front]


def _county_site(rng: random.Random, seed: int, i: int, county: County, latency_ms: int | tuple[int, int]) -> Site:
    if i < len(DEFAULT_PLAN):
        family, variant, encoding, structure, page_size, reports, _ = DEFAULT_PLAN[i]
        roles = ROLE_PLAN[i]
        waf = None
        robots = "partial" if "robots_partial" in roles else "typical" if "robots_typical" in roles else "none"
    else:
        family = weighted(rng, PROVINCE_FAMILIES.get(county.adcode[:2], OTHER_FAMILIES))
        variant = rng.choice(VARIANTS[family])
        encoding = weighted(rng, ENCODINGS[family])
        structure = weighted(rng, STRUCTURES)
        page_size = rng.choice((10, 12, 15, 15, 20))
        reports = 0
        roles = tuple(r for r in ("slow_article", "broken_link", "broken_attachment") if rng.random() < SCALED_RATES[r])
        waf = next((w for w in ("rs412", "jsl521", "wzws") if rng.random() < SCALED_RATES[w]), None)
        robots = "disallow_all" if rng.random() < SCALED_RATES["robots_all"] else weighted(rng, ROBOTS_MODES)
    host = county_hosts()[county.adcode]
    unit = Unit(county.name + "人民政府", "county_gov", "bj", credit_code(random.Random(f"{seed}:{host}:credit"),
                                                                       county.adcode))
    return Site(host=host, kind="county", family=family, variant=variant, encoding=encoding, county=county,
                name=county.name + "人民政府", site_id_code=county.adcode + f"{rng.randint(1, 9):04d}", owner=unit,
                structure=structure, page_size=page_size, seed=f"{seed}:{host}", latency_ms=_latency(rng, latency_ms),
                waf=waf, roles=roles, options={
                    "robots": robots, "beyond": "refresh" if "beyond_refresh" in roles else "404",
                    "dataproxy_referer": "dataproxy_referer" in roles, "reports": reports})


def _latency(rng: random.Random, latency_ms: int | tuple[int, int]) -> int:
    return rng.randint(*latency_ms) if isinstance(latency_ms, tuple) else int(latency_ms)


def _department_sites(rng: random.Random, seed: int, county_sites: list[Site],
                      latency_ms: int | tuple[int, int]) -> list[Site]:
    """The planned department sites, plus (scaled farms) a few more with ordinary settings."""
    plan = [(county_sites[i % len(county_sites)], slug, fam, waf, robots)
            for i, slug, fam, waf, robots in DEPARTMENT_PLAN]
    for county_site in county_sites[len(DEFAULT_PLAN):]:
        if rng.random() < SCALED_RATES["department_site"]:
            plan.append((county_site, rng.choice(("czj", "jyj", "wjj", "zrzyj")), rng.choice(("trs", "generic")), None,
                         "none"))
    out = []
    for parent, slug, family, waf, robots in plan:
        dept = DEPARTMENT_BY_SLUG[slug]
        host = f"{slug}.{parent.host.removeprefix('www.')}"
        if host in {s.host for s in out}:
            continue
        name = parent.county.name + dept.name
        unit = Unit(name, "department", slug, credit_code(random.Random(f"{seed}:{host}:credit"), parent.county.adcode))
        out.append(Site(host=host, kind="department", family=family, variant=VARIANTS[family][0], encoding="utf-8",
                        county=parent.county, name=name,
                        site_id_code=parent.county.adcode + f"{rng.randint(11, 99):04d}", owner=unit,
                        structure="flat", page_size=10, seed=f"{seed}:{host}", latency_ms=_latency(rng, latency_ms),
                        waf=waf, options={"robots": robots, "beyond": "404", "dataproxy_referer": False}))
        parent.department_hosts = (*parent.department_hosts, host)
    return out


def _assign_changes(county_sites: list[Site], generations: int, changes: int) -> None:
    """Spread edit/remove/add roles of generations 1… over clean county portals (no WAF, no robots block).
    The default plan already holds generation 1's roles on counties 0, 1 and 3."""
    clean = [s for s in county_sites if s.waf is None and s.options["robots"] != "disallow_all"]
    planned = {r for s in clean for r in s.roles if "@" in r}
    order = clean[len(DEFAULT_PLAN):] or clean
    k = 0
    for gen in range(1, generations):
        for kind in ("edit", "remove", "add"):
            for n in range(changes):
                role = f"{kind}@{gen}"
                if n == 0 and role in planned:
                    continue
                site = order[k % len(order)] if order else None
                k += 1
                if site is not None:
                    site.roles = (*site.roles, role)


def _mirror_site(seed: int, county: County) -> Site:
    """The non-government copy site: copies of a few reports, linked from one county's 年报 list."""
    unit = Unit("好范文网", "department", "mirror", "")
    return Site(host=MIRROR_HOST, kind="mirror", family="mirror", variant="mirror", encoding="utf-8", county=county,
                name="好范文网", site_id_code="", owner=unit, structure="flat", page_size=20,
                seed=f"{seed}:{MIRROR_HOST}", options={"robots": "allow", "beyond": "404", "dataproxy_referer": False})


__all__ = ["FAMILIES", "MIRROR_HOST", "PROVINCE_ABBR", "FarmSpec"]
