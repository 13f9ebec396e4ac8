"""Ground truth: what the farm has planted, as plain JSON-ready data.

Tests and benchmarks compare a crawl against this: every report (where it lives, who published it, which
year and template, whether its arithmetic was broken on purpose), what changes between generations, and every
trouble spot. `reachable` says whether a polite crawler without a JavaScript engine can get the report: the
site has no WAF and robots.txt allows both its list page and its article page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.robotparser import RobotFileParser

from synth.farm import antibot, content
from synth.farm.discovery import expectations as discovery_expectations
from synth.farm.families import FAMILIES
from synth.farm.model import Doc, Site, SiteContent

if TYPE_CHECKING:
    from synth.farm.spec import FarmSpec


def build_manifest(spec: FarmSpec, gen: int, planted_errors: bool = True) -> dict[str, Any]:
    """planted_errors=False skips the per-report list of broken identities (it needs every broken record
    generated: about 1.5 ms each, so half a minute for a national farm)."""
    sites = list(spec.sites.values())
    reports: list[dict[str, Any]] = []
    notices: list[dict[str, Any]] = []
    trouble: dict[str, Any] = {"blocked": {}, "robots_disallowed": [], "not_found": [], "server_error": [],
                               "flaky": [], "slow": [], "redirect_loop": [], "shells": [], "outside_links": [],
                               "dataproxy_needs_referer": [], "attachments_need_referer": []}
    for site in sites:
        if site.waf:
            trouble["blocked"][site.host] = {"kind": site.waf, "what": antibot.KINDS[site.waf],
                                             "solvable": antibot.SOLVABLE[site.waf]}
        if site.kind == "mirror":
            continue
        built = spec.content(site.host)
        for key, items in built.trouble.items():
            trouble[key] += items
        if site.options.get("dataproxy_referer"):
            trouble["dataproxy_needs_referer"].append(site.host)
        if site.family == "vsb":
            trouble["attachments_need_referer"].append(site.host)
        robots = _robots(built)
        for doc in built.docs:
            if doc.kind == "report" and doc.present(gen):
                reports.append(_report(site, built, doc, gen, robots, planted_errors))
            elif doc.kind == "notice":
                notices.append({"host": site.host, "title": doc.title, "url": site.base_url + doc.path})
    site_rows = [_site(spec, s, gen) for s in sites]
    return {
        "seed": spec.seed,
        "generation": gen,
        "generations": spec.generations,
        "hosts": sorted(spec.sites),
        "gov_hosts": sorted(h for h in spec.sites if h.endswith(".gov.cn")),
        "mirror_hosts": sorted(s.host for s in sites if s.kind == "mirror"),
        "sites": site_rows,
        "reports": reports,
        "notices": notices,
        "changes": _changes(spec),
        "trouble": trouble,
        "discovery": discovery_expectations(spec.seed, spec.county_codes, frozenset(spec.sites),
                                            [row for row in site_rows if row["kind"] == "county"]),
    }


def _robots(built: SiteContent) -> RobotFileParser | None:
    if built.robots is None:
        return None
    parser = RobotFileParser()
    parser.parse(built.robots.splitlines())
    return parser


def _site(spec: FarmSpec, site: Site, gen: int) -> dict[str, Any]:
    out: dict[str, Any] = {"host": site.host, "kind": site.kind, "family": site.family, "variant": site.variant,
                           "encoding": site.encoding, "site_name": site.name, "site_id_code": site.site_id_code,
                           "home_url": site.base_url + "/", "waf": site.waf, "latency_ms": site.latency_ms,
                           "county": {"adcode": site.county.adcode, "name": site.county.name,
                                      "prefecture": site.county.prefecture, "province": site.county.province}}
    if site.kind == "mirror":
        return out
    built = spec.content(site.host)
    family = FAMILIES[site.family]
    out.update({"platform_url": site.base_url + built.pages["platform"], "nb_url": site.base_url + built.pages["nb"],
                "nb_link_text": site.options["nb_text"], "structure": site.structure, "page_size": site.page_size,
                "robots": built.robots, "department_hosts": list(site.department_hosts),
                "columns": [{"key": c.key, "name": c.name, "url": site.base_url + family.column_url(site, built, c.key)}
                            for c in built.columns.values() if built.visible(c.key, gen)]})
    return out


def _report(site: Site, built: SiteContent, doc: Doc, gen: int, robots: RobotFileParser | None,
            with_errors: bool) -> dict[str, Any]:
    family = FAMILIES[site.family]
    column_url = site.base_url + family.column_url(site, built, doc.column)
    article_url = site.base_url + doc.path
    list_url = site.base_url + family.list_url(site, built, doc.column, 1)
    allowed = robots is None or all(robots.can_fetch("*", u) for u in (article_url, list_url))
    assert doc.unit is not None
    version = doc.version(gen)
    planted = content.planted_errors(site, doc, version) if with_errors else None
    return {
        "id": f"{site.host}/{doc.id}", "host": site.host, "county_adcode": site.county.adcode,
        "agency": doc.unit.agency, "level": doc.unit.level, "year": doc.year, "template": doc.template,
        "title": doc.title, "published": doc.published.isoformat(sep=" "), "article_url": article_url,
        "column_url": column_url, "column": " / ".join(c for c in _column_names(built, doc.column)),
        "form": doc.form, "attachment_urls": [site.base_url + a.path for a in doc.attachments if not a.broken],
        "attachment_formats": [{"ext": a.ext, "bytes_format": a.fmt} for a in doc.attachments if not a.broken],
        "broken_attachment_urls": [site.base_url + a.path for a in doc.attachments if a.broken],
        "errors_planted": doc.errors_at(gen), "planted_errors": planted, "blanks": doc.blanks, "version": version,
        "born": doc.born, "edited_in": list(doc.edited_in), "removed_in": doc.removed_in, "slow": doc.delay > 0,
        "blocked_by": site.waf, "robots_allowed": allowed, "reachable": site.waf is None and allowed,
    }


def _column_names(built: SiteContent, key: str) -> list[str]:
    names = []
    cur: str | None = key
    while cur is not None:
        names.append(built.columns[cur].name)
        cur = built.columns[cur].parent
    return names[::-1]


def _changes(spec: FarmSpec) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Per generation g >= 1: reports edited, removed and added in g (by id and article URL)."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {
        str(g): {"edited": [], "removed": [], "new": []} for g in range(1, spec.generations)}
    for site in spec.sites.values():
        if site.kind == "mirror" or not any("@" in r for r in site.roles):
            continue
        for doc in spec.content(site.host).docs:
            if doc.kind != "report":
                continue
            ref = {"id": f"{site.host}/{doc.id}", "article_url": site.base_url + doc.path, "title": doc.title}
            for g in doc.edited_in:
                out[str(g)]["edited"].append(ref)
            if doc.removed_in is not None:
                out[str(doc.removed_in)]["removed"].append(ref)
            if doc.born > 0:
                out[str(doc.born)]["new"].append(ref)
    return out
