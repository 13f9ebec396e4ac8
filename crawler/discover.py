"""Discovery, the pure part: does a page that answered for a candidate host belong to this unit's government,
and which links on a verified portal lead to its 年报 column (the spider in crawler/spiders/discover.py fetches).

A homepage verifies when its SiteIDCode meta starts with the unit's code (or one of its former codes), or when
its title / SiteName names the unit together with its government (米脂县人民政府, 米脂县政府网, 中国·米脂) and names
no other place of the same name (长春市朝阳区 is not 北京 朝阳区). A page naming only the prefecture or province
(a prefecture's portal), a parked or unrelated page, a page off *.gov.cn: look-alikes. A WAF challenge is
`blocked`, not absent. Per unit, the candidates' outcomes give its registry status:
verified > ambiguous (the unit's name, but a name other units share and nothing to tell which) > blocked >
none_found (answers, none this unit's) > unreachable (no answer at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import html as lxml_html

from archive.divisions import Division, load_divisions, resolve_agency
from crawler.families import detect
from crawler.families.base import Link
from crawler.hostnames import former_names
from crawler.titles import is_navigation, is_report_column, is_report_title

GOVERNMENT_WORDS = ("人民政府", "政府网", "政府门户", "政府")
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
SITE_ID = re.compile(r"""<meta\s+name=["']SiteIDCode["']\s+content=["'](\d{6})""", re.I)
SITE_NAME = re.compile(r"""<meta\s+name=["']SiteName["']\s+content=["']([^"']+)""", re.I)
# Link texts that lead from a homepage towards the 信息公开 platform (besides crawler.titles.is_navigation).
PLATFORM_TEXT = re.compile(r"^(?:政务公开|政府信息公开|信息公开|政府信息公开平台|信息公开目录|法定主动公开内容|"
                           r"政府信息公开专栏|政务公开专栏|公开目录)$")
YEARISH = re.compile(r"(?:19|20)\d{2}|报告|年报")
OUTCOME_ORDER = ("verified", "ambiguous", "blocked", "none_found", "unreachable")


@dataclass(frozen=True)
class Check:
    """What one candidate host gave: an outcome (verified, ambiguous, blocked, lookalike, unreachable)."""

    host: str
    outcome: str
    final_url: str = ""
    title: str = ""
    note: str = ""


def page_title(body: str) -> str:
    m = TITLE.search(body[:200000])
    title = " ".join(lxml_html.fromstring(m.group(1)).text_content().split()) if m and m.group(1).strip() else ""
    if title:
        return title
    site = SITE_NAME.search(body[:200000])
    return site.group(1).strip() if site else ""


@lru_cache(maxsize=1)
def _shared_names() -> dict[str, int]:
    """How many current units carry each full name (朝阳区 ×2): a title naming only that is not enough."""
    counts: dict[str, int] = {}
    for division in load_divisions().values():
        counts[division.name] = counts.get(division.name, 0) + 1
    return counts


def _unit_names(division: Division) -> list[str]:
    short = division.short_name or division.name
    names = [division.name, *former_names(division.code)]
    if len(short) >= 2:
        names += [short + suffix for suffix in ("县", "区", "市", "旗") if short + suffix not in names]
    return names


def _names_government(title: str, division: Division) -> str | None:
    """The unit name the title uses for a government (米脂县人民政府, 中国·米脂), or None."""
    short = division.short_name or division.name
    for name in _unit_names(division):
        i = title.find(name)
        if i >= 0 and any(word in title[i + len(name): i + len(name) + 6] for word in GOVERNMENT_WORDS):
            return name
    if len(short) >= 2 and re.search(rf"中国\s*[·•・.]\s*{re.escape(short)}", title):
        return short
    return None


def _other_places(title: str, division: Division) -> bool:
    """Whether the title names a province or prefecture this unit is not in (长春市朝阳区人民政府 for 北京 朝阳)."""
    from crawler.hostnames import current_regions

    own = {division.province_code, division.prefecture_code}
    for code, row in current_regions().items():
        if code in own or row["level"] not in ("province", "prefecture"):
            continue
        if row["name"] in title:
            return True
    return False


def check_homepage(division: Division, host: str, status: int, final_url: str, body: str,
                   blocked_by: str | None = None, allowed: tuple[str, ...] = (".gov.cn",)) -> Check:
    """The outcome of one candidate's homepage."""
    if blocked_by:
        return Check(host, "blocked", final_url, note=blocked_by)
    final_host = urlsplit(final_url).hostname or ""
    if not final_host.endswith(allowed):
        return Check(host, "lookalike", final_url, note=f"redirected off {'/'.join(allowed)} to {final_host}")
    if status >= 400:
        return Check(host, "unreachable", final_url, note=f"HTTP {status}")
    title = page_title(body)
    site_id = SITE_ID.search(body[:200000])
    codes = {division.code} | {code for code, _ in _former_codes(division.code)}
    if site_id and site_id.group(1) in codes:
        return Check(host, "verified", final_url, title, f"SiteIDCode {site_id.group(1)}")
    if site_id:
        return Check(host, "lookalike", final_url, title, f"SiteIDCode {site_id.group(1)} is another place's")
    name = _names_government(title, division)
    if name is None:
        return Check(host, "lookalike", final_url, title, "the page does not name this unit's government")
    if _other_places(title, division):
        return Check(host, "lookalike", final_url, title, "the page names another province or prefecture")
    if _shared_names().get(name, 0) > 1 and not _own_region_named(title, division):
        return Check(host, "ambiguous", final_url, title, f"{name} is the name of several units")
    return Check(host, "verified", final_url, title, f"title names {name}")


def _own_region_named(title: str, division: Division) -> bool:
    from crawler.hostnames import region_short

    return any(region_short(code) and region_short(code) in title
               for code in (division.prefecture_code, division.province_code) if code)


@lru_cache(maxsize=1)
def _former_index() -> dict[str, list[tuple[str, str]]]:
    from archive.divisions import load_history

    out: dict[str, list[tuple[str, str]]] = {}
    for row in load_history():
        if row["new_code"]:
            out.setdefault(row["new_code"], []).append((row["old_code"], row["old_name"]))
    return out


def _former_codes(code: str) -> list[tuple[str, str]]:
    return _former_index().get(code, [])


def unit_status(checks: list[Check]) -> str:
    """The registry status from every candidate tried (see the module docstring for the order)."""
    outcomes = {"lookalike": "none_found"}
    found = {outcomes.get(c.outcome, c.outcome) for c in checks}
    return next((s for s in OUTCOME_ORDER if s in found), "unreachable")


def best_check(checks: list[Check]) -> Check | None:
    """The check whose evidence the registry records for the status unit_status gives."""
    status = unit_status(checks)
    wanted = "lookalike" if status == "none_found" else status
    return next((c for c in checks if c.outcome == wanted), None)


def column_links(url: str, body: str) -> tuple[list[str], list[str]]:
    """(年报 column URLs, platform pages to look at next) among a portal page's links."""
    links: list[Link] = detect(url, body).links(url, body)
    columns = [link.url for link in links if is_report_column(link.text)]
    platform = [link.url for link in links
                if not is_report_column(link.text) and (PLATFORM_TEXT.match(link.text.strip())
                                                        or is_navigation(link.text))]
    return list(dict.fromkeys(columns)), list(dict.fromkeys(platform))


def sub_units(url: str, body: str, code: str) -> list[tuple[str, str, str]]:
    """(agency, level, url) of the department and township units a county's pages link by name (北塔区财政局 →
    its site or column): names that place under this county as a department or a township."""
    out: dict[str, tuple[str, str, str]] = {}
    for link in detect(url, body).links(url, body):
        text = link.text.strip()
        if (not text or len(text) > 30 or text in out or is_report_title(text) or YEARISH.search(text)
                or not (urlsplit(link.url).hostname or "").endswith(".gov.cn")):
            continue  # a report or a year column names a unit too, but is not the unit's own page
        resolution = resolve_agency(text, hint_code=code)
        if resolution and resolution.code == code and resolution.level in ("department", "township"):
            out[text] = (text, resolution.level, link.url)
    return list(out.values())
