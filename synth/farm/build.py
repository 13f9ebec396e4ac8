"""Build one site: its units, reports, notices and column tree, then plant its trouble and change roles.

Family-agnostic: the family assigns URLs at the end (`Family.layout`). Only the site's own seed is used, so a
site of a 2,850-county farm builds alone in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from synth.farm.families import FAMILIES
from synth.farm.model import FORMS, Attachment, Column, Doc, Link, Site, SiteContent, Unit
from synth.farm.registry import DEPARTMENTS, township_agency, townships

if TYPE_CHECKING:
    from synth.farm.spec import FarmSpec

YEARS = tuple(range(2019, 2025))
FORM_ODDS = {"inline": 0.42, "pdf": 0.25, "docx": 0.1, "inline+pdf": 0.08, "doc": 0.05, "wps": 0.04, "xls": 0.02,
             "images": 0.04}
# Site wording and markup choices, drawn per site.
TEXT_CHOICES: dict[str, tuple[Any, ...]] = {
    "nb_text": ("政府信息公开年报", "政府信息公开年报", "政府信息公开年度报告", "信息公开年报", "年度报告",
                "政府信息公开工作年度报告"),
    "platform_text": ("政务公开", "信息公开", "政府信息公开"),
    "home_nb_link": (True, False),
    "pubdate": ("minute", "second", "chinese", "date"),
    "info": ("table", "p_strong", "row"),
    "title_style": ("std", "std", "niandu", "yearfirst", "nianbao"),
    "source_case": ("ContentSource", "ContentSource", "contentSource"),
    "repeat_title": (True, False),
    "town_short": (True, False),
    "unit_names": (("本级", "部门", "乡镇街道"), ("县政府", "县直部门", "乡镇（街道）"),
                   ("本级", "县直单位", "镇（街道）")),
}
NOTICES = (
    ("{county}人民政府信息公开指南", "guide"),
    ("{year}年政府网站工作年度报表", "table"),
    ("{county}人民政府门户网站{year}年度工作报表", "table"),
    ("关于做好{year}年度政府信息公开工作年度报告编制发布工作的通知", "notice"),
    ("{county}{year}年法治政府建设年度报告", "notice"),
    ("{county}{year}年政务公开工作要点", "notice"),
)
SLOW_SECONDS = 2.0
ROBOTS = {
    "allow": "User-agent: *\nDisallow:\n",
    "typical": "User-agent: *\nDisallow: /search/\nDisallow: /admin/\nDisallow: /wap/\n",
    "disallow_all": "User-agent: *\nDisallow: /\n",
}


def build_site(spec: FarmSpec, site: Site) -> SiteContent:
    if site.kind == "mirror":
        return build_mirror(spec, site)
    rng = random.Random(f"{site.seed}|build")
    for key, choices in TEXT_CHOICES.items():
        site.options.setdefault(key, rng.choice(choices))
    family = FAMILIES[site.family]
    target = spec.reports_per_county or site.options.get("reports") or rng.randint(30, 42)
    units = _units(rng, site, target)
    docs = _reports(rng, site, units, target)
    docs += _notices(rng, site)
    columns = _columns(rng, site, family, docs)
    content = SiteContent(columns=columns, docs=docs)
    _plant_roles(rng, spec, site, content, family)
    _number(rng, site, content)
    family.layout(site, content, random.Random(f"{site.seed}|layout"))
    _trouble_urls(site, content, family)
    return content


# ---- units and documents ----

def _units(rng: random.Random, site: Site, target: int) -> list[Unit]:
    """The county government, some departments and townships: enough of them to publish `target` reports
    over the years (real counties have 25-40 departments and about 13 townships)."""
    if site.kind == "department":
        return [site.owner]
    own = {h.split(".", 1)[0] for h in site.department_hosts}
    free = [d for d in DEPARTMENTS if d.slug not in own]
    n_towns = rng.randint(4, 7)
    n_depts = min(len(free), max(rng.randint(6, 10), math.ceil(target / len(YEARS)) - 1 - n_towns))
    depts = rng.sample(free, n_depts)
    towns = townships(rng, n_towns, site.county.adcode)
    county = site.county.name
    units = [site.owner]
    # The 政府办 reports as part of the county government (as archive.divisions reads it); others are departments.
    units += [Unit(county + d.name, "county_gov" if d.slug == "zfb" else "department", d.slug, _credit(rng, site))
              for d in depts]
    for i, town in enumerate(towns):
        name = township_agency(town) if site.options["town_short"] else county + township_agency(town)
        units.append(Unit(name, "township", f"xz{i + 1:02d}", _credit(rng, site)))
    return units


def _credit(rng: random.Random, site: Site) -> str:
    return site.owner.credit[:8] + "".join(rng.choice("0123456789") for _ in range(8)) + site.owner.credit[-2:]


def _pub_date(rng: random.Random, level: str, year: int) -> dt.datetime:
    """Departments publish by 31 January, governments by 31 March (2019 条例 art. 49)."""
    first, last = {"department": (8, 31), "township": (10, 79), "county_gov": (51, 90)}[level]
    day = dt.datetime(year + 1, 1, 1) + dt.timedelta(days=rng.randint(first, last) - 1)
    return day.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=rng.randint(0, 59))


def _title(rng: random.Random, site: Site, agency: str, year: int) -> str:
    style = site.options["title_style"] if rng.random() < 0.75 else rng.choice(TEXT_CHOICES["title_style"])
    return {"std": f"{agency}{year}年政府信息公开工作年度报告", "niandu": f"{agency}{year}年度政府信息公开工作年度报告",
            "yearfirst": f"{year}年{agency}政府信息公开工作年度报告",
            "nianbao": f"{agency}{year}年政府信息公开年报"}[style]


def _template(rng: random.Random, year: int) -> str:
    if year <= 2020:
        return "gov2019"
    return "mixed" if rng.random() < 0.15 else "gov2021"


def _reports(rng: random.Random, site: Site, units: list[Unit], target: int) -> list[Doc]:
    if site.kind == "department":
        pairs = [(units[0], y) for y in YEARS[-rng.randint(3, len(YEARS)):]]
    else:
        others = [(u, y) for u in units[1:] for y in YEARS]
        rng.shuffle(others)
        pairs = ([(units[0], y) for y in YEARS] + others)[:target]
    forms = list(FORMS)
    rng.shuffle(forms)
    docs = []
    for i, (unit, year) in enumerate(pairs):
        form = forms[i] if site.kind == "county" and i < len(forms) else _weighted(rng, FORM_ODDS)
        doc = Doc(id=0, kind="report", title=_title(rng, site, unit.agency, year),
                  published=_pub_date(rng, unit.level, year), column="", unit=unit, year=year,
                  template=_template(rng, year), blanks=rng.random() < 0.35, errors=rng.random() < 1 / 6,
                  form=form, style=rng.choice(("plain", "plain", "nbsp", "rowspan_alt")))
        doc.attachments = _attachments(rng, doc)
        docs.append(doc)
    return docs


def _weighted(rng: random.Random, odds: dict[str, float]) -> str:
    keys = list(odds)
    return rng.choices(keys, [odds[k] for k in keys])[0]


def _attachments(rng: random.Random, doc: Doc) -> list[Attachment]:
    """The files a report form implies. .doc and .wps carry DOCX bytes, .xls an HTML table (both common)."""
    stem = doc.title if rng.random() < 0.8 else "附件"
    files = {"pdf": [("pdf", "pdf")], "docx": [("docx", "docx")], "inline+pdf": [("pdf", "pdf")],
             "doc": [("doc", "docx")], "wps": [("wps", "docx")], "xls": [("xls", "html")]}.get(doc.form, [])
    out = [Attachment(name=f"{stem}.{ext}", ext=ext, fmt=fmt) for ext, fmt in files]
    if doc.form == "images":
        out = [Attachment(name=f"{doc.title}（第{i + 1}页）.png", ext="png", fmt="png", page=i) for i in range(3)]
    return out


def _notices(rng: random.Random, site: Site) -> list[Doc]:
    """Items of the 年报 column that are not annual reports (指南, 网站年度报表, 法治政府建设年度报告 …)."""
    if site.kind != "county":
        return []
    out = []
    for title, kind in rng.sample(NOTICES, 3):
        year = rng.choice(YEARS[2:])
        text = title.format(county=site.county.name, year=year)
        published = dt.datetime(year + 1, 1, 1, 9) + dt.timedelta(days=rng.randint(0, 80), minutes=rng.randint(0, 500))
        out.append(Doc(id=0, kind="notice", title=text, published=published, column="", unit=site.owner,
                       year=year, body=_notice_body(text, kind, year)))
    return out


def _notice_body(title: str, kind: str, year: int) -> str:
    if kind == "table":
        rows = (("网站名称", "门户网站"), ("独立用户访问总量（单位：个）", "182361"),
                ("网站总访问量（单位：次）", "903112"),
                ("信息发布（单位：条）", "3266"), ("办事服务", "是"), ("互动交流", "是"))
        cells = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
        return f"<p>{title}</p><table border=\"1\" cellspacing=\"0\">{cells}</table><p>统计期间：{year}年</p>"
    if kind == "guide":
        return ("<p>一、主动公开　（一）公开的主要内容……（二）公开方式……</p><p>二、依申请公开　（一）受理机构……</p>"
                "<p>三、政府信息公开年度报告　每年1月31日前公布上一年度政府信息公开工作年度报告。</p>")
    return f"<p>各乡镇人民政府、街道办事处，县直各单位：</p><p>现将{title}有关事项通知如下……</p>"


# ---- columns ----

class ColumnTree:
    """Creates sub-columns on demand while documents are placed (ids drawn from the family's range)."""

    def __init__(self, site: Site, columns: dict[str, Column], ids: Iterator[int], newest_first: bool = False):
        self.site, self.columns, self.ids, self.newest_first = site, columns, ids, newest_first

    def child(self, parent: str, slug: str, name: str) -> str:
        key = f"{parent}/{slug}"
        if key not in self.columns:
            self.columns[key] = Column(key, name, slug, next(self.ids), parent=parent, page_size=self.site.page_size)
            siblings = self.columns[parent].children
            siblings.insert(0 if self.newest_first else len(siblings), key)
        return key

    def place(self, family: Any, doc: Doc) -> None:
        doc.column = _place(self.site, family, doc, self.child, _unit_names(self.site))
        self.columns[doc.column].docs.append(doc)


def _columns(rng: random.Random, site: Site, family: Any, docs: list[Doc]) -> dict[str, Column]:
    ids = iter(rng.sample(range(family.COLUMN_IDS[0], family.COLUMN_IDS[1]), 64))
    columns = {"nb": Column("nb", site.options["nb_text"], family.NB_SLUG(site), next(ids), page_size=site.page_size)}
    tree = ColumnTree(site, columns, ids)
    for doc in sorted(docs, key=lambda d: (-(d.year or 0), d.published)):
        tree.place(family, doc)
    return columns


def _unit_names(site: Site) -> dict[str, str]:
    """Sub-column names by level; 县 becomes 区/市/旗 as the county's own name ends."""
    suffix = site.county.name[-1] if site.county.name[-1] in "县区市旗" else "县"
    names = [n.replace("县", suffix) for n in site.options["unit_names"]]
    return dict(zip(("county_gov", "department", "township"), names, strict=True))


def _place(site: Site, family: Any, doc: Doc, child: Any, unit_names: dict[str, str]) -> str:
    """The column a document goes into, creating sub-columns as the site's structure needs them."""
    level = doc.unit.level if doc.unit and doc.kind == "report" else "county_gov"
    year = doc.year or YEARS[-1]
    structure = site.structure if site.kind == "county" else "flat"
    if structure == "by_unit":
        return child("nb", family.UNIT_SLUGS[level], unit_names[level])
    if structure == "by_year":
        return child("nb", family.YEAR_SLUG.format(year=year), f"{year}年度")
    if structure == "year_unit":
        parent = child("nb", family.YEAR_SLUG.format(year=year), f"{year}年度")
        return child(parent, family.UNIT_SLUGS[level], unit_names[level])
    return "nb"


def _number(rng: random.Random, site: Site, content: SiteContent) -> None:
    """Document ids grow with publication time, as CMS sequence numbers do."""
    low, high = FAMILIES[site.family].DOC_IDS
    next_id = rng.randint(low, high)
    for doc in sorted(content.docs, key=lambda d: (d.published, d.title)):
        next_id += rng.randint(3, 400)
        doc.id = next_id


# ---- planted roles ----

def _plant_roles(rng: random.Random, spec: FarmSpec, site: Site, content: SiteContent, family: Any) -> None:
    reports = [d for d in content.docs if d.kind == "report"]
    if not reports:
        return
    gov = [d for d in reports if d.unit is not None and d.unit.level == "county_gov"]
    if "broken_link" in site.roles and gov:
        first = min(gov, key=lambda d: d.year or 0)
        when = first.published.replace(year=2019, day=min(first.published.day, 28))
        dead = Doc(id=0, kind="dead", title=first.title.replace(str(first.year), "2018"), published=when,
                   column=first.column, unit=first.unit, year=2018)
        content.docs.append(dead)
        content.columns[dead.column].docs.append(dead)
    changed: set[int] = set()
    for role in sorted(r for r in site.roles if "@" in r):
        kind, gen = role.split("@")
        _change(rng, spec, site, content, family, kind, int(gen), changed)
    if "slow_article" in site.roles:
        pick = _pick(rng, reports, changed, lambda d: d.form == "inline")
        pick.delay = SLOW_SECONDS
        changed.add(id(pick))
    if "broken_attachment" in site.roles:
        pick = _pick(rng, reports, changed, lambda d: d.form in ("pdf", "docx"))
        gone = Attachment(name="附件2：政府信息公开情况统计表.xls", ext="xls", fmt="html", broken=True)
        pick.attachments.append(gone)
        changed.add(id(pick))
    if "mirror_link" in site.roles:  # last: the mirror picks its copies from the finished site
        for doc in mirrored(content)[:1]:
            content.columns[doc.column].links.append(
                Link(title=doc.title, url=mirror_url(site, doc), published=doc.published, kind="outside"))


def _pick(rng: random.Random, docs: list[Doc], taken: set[int], prefer: Any) -> Doc:
    free = [d for d in docs if id(d) not in taken and d.born == 0]
    good = [d for d in free if prefer(d)] or free or docs
    return rng.choice(good)


def _change(rng: random.Random, spec: FarmSpec, site: Site, content: SiteContent, family: Any, kind: str, gen: int,
            taken: set[int]) -> None:
    """Generation `gen` edits, removes or adds one report of this site."""
    reports = [d for d in content.docs if d.kind == "report" and d.present(gen - 1)
               and not (site.options.get("robots") == "partial" and d.unit is not None and d.unit.level == "township")]
    if kind == "edit":
        pick = _pick(rng, reports, taken, lambda d: d.errors and d.form in ("inline", "pdf", "inline+pdf"))
        pick.edited_in = (*pick.edited_in, gen)
        pick.errors = True   # the edit is a correction: the first version carries planted errors
    elif kind == "remove":
        pick = _pick(rng, reports, taken, lambda d: d.form == "inline" and d.unit is not None
                     and d.unit.level != "county_gov")
        pick.removed_in = gen
    else:
        when = spec.generation_date(gen) - dt.timedelta(days=12, hours=rng.randint(0, 6))
        gov = site.owner
        pick = Doc(id=0, kind="report", title=_title(rng, site, gov.agency, when.year - 1), published=when, column="",
                   unit=gov, year=when.year - 1, template="gov2021", blanks=rng.random() < 0.35,
                   errors=rng.random() < 1 / 6, form=rng.choice(("inline", "pdf")), style="plain", born=gen)
        pick.attachments = _attachments(rng, pick)
        ids = iter(range(max(c.id for c in content.columns.values()) + 1, 10**9))
        ColumnTree(site, content.columns, ids, newest_first=True).place(family, pick)
        content.docs.append(pick)
    taken.add(id(pick))


def mirrored(content: SiteContent) -> list[Doc]:
    """Reports the non-government mirror has copied from a site: its oldest inline reports of the government
    and departments (township columns may be robots-disallowed, and the mirror link must be seen)."""
    docs = [d for d in content.docs if d.kind == "report" and d.form == "inline" and d.born == 0
            and d.unit is not None and d.unit.level != "township"
            and d.removed_in is None and not d.edited_in and d.delay == 0]
    return sorted(docs, key=lambda d: (d.year or 0, d.title))[:3]


def mirror_url(site: Site, doc: Doc) -> str:
    from synth.farm.spec import MIRROR_HOST
    return f"http://{MIRROR_HOST}/fanwen/{site.county.pinyin}/{doc.year}{abs(hash_text(doc.title)) % 100000:05d}.html"


def hash_text(text: str) -> int:
    """A stable small hash (Python's hash() changes between runs)."""
    value = 0
    for ch in text:
        value = (value * 131 + ord(ch)) % 2**31
    return value


# ---- trouble URLs (after the family has laid out the site) ----

def _trouble_urls(site: Site, content: SiteContent, family: Any) -> None:
    base = site.base_url
    trouble: dict[str, list[dict[str, Any]]] = {}
    for doc in content.docs:
        if doc.kind == "dead":
            trouble.setdefault("not_found", []).append({"url": base + doc.path, "why": "listed report page is gone"})
        if doc.delay:
            trouble.setdefault("slow", []).append({"url": base + doc.path, "delay": doc.delay})
        for att in doc.attachments:
            if att.broken:
                trouble.setdefault("not_found", []).append({"url": base + att.path, "why": "attachment file is gone"})
    for col in content.columns.values():
        for link in col.links:
            trouble.setdefault("outside_links", []).append({"url": link.url, "on": base + family.column_url(
                site, content, col.key), "title": link.title})
    if "error_500" in site.roles:
        trouble["server_error"] = [{"url": base + content.pages["ysqgk"], "why": "page always answers 500"}]
    if "flaky_list" in site.roles:
        key = _paged_column(content)
        if key is not None:
            pages = math.ceil(len(content.entries(key, 0)) / content.columns[key].page_size)
            url = family.list_url(site, content, key, 2, pages)
            content.pages["flaky"] = url
            trouble["flaky"] = [{"url": base + url, "failures": 1, "why": "answers 500 once, then 200"}]
    if "shell" in site.roles:
        content.pages["platform_entry"] = content.pages["shell"]
        trouble["shells"] = [{"url": base + content.pages["shell"], "target": base + content.pages["platform"]}]
    if "redirect_loop" in site.roles:
        content.pages["loop"] = "/zwgk/nbzl/"
        trouble["redirect_loop"] = [{"url": f"{base}/zwgk/nbzl/", "via": f"{base}/zwgk/nbzl/index.html"}]
    content.robots, blocked = _robots(site, content)
    if blocked:
        trouble["robots_disallowed"] = [{"host": site.host, "path": path} for path in blocked]
    content.trouble = trouble


def _robots(site: Site, content: SiteContent) -> tuple[str | None, list[str]]:
    """robots.txt text (None: no file) and the paths it disallows that matter for reports."""
    mode = site.options.get("robots", "none")
    if mode == "none":
        return None, []
    if mode == "disallow_nb":
        path = content.columns["nb"].path
        return f"User-agent: *\nDisallow: {path}\n", [path]
    if mode == "partial":
        paths = [c.path for c in content.columns.values()
                 if not c.children and c.slug == FAMILIES[site.family].UNIT_SLUGS["township"]]
        return ROBOTS["typical"] + "".join(f"Disallow: {p}\n" for p in paths), paths
    return ROBOTS[mode], ["/"] if mode == "disallow_all" else []


def _paged_column(content: SiteContent) -> str | None:
    """The leaf column with the most list pages at generation 0 (at least two), if any."""
    best, most = None, 1
    for key, col in content.columns.items():
        if col.children:
            continue
        n = math.ceil(len(content.entries(key, 0)) / col.page_size)
        if n > most:
            best, most = key, n
    return best


# ---- the mirror ----

def build_mirror(spec: FarmSpec, site: Site) -> SiteContent:
    """Copies of a few reports of the sites that link here (same ids; served from their source)."""
    docs = []
    for source in spec.sites.values():
        if "mirror_link" in source.roles:
            docs += [Doc(id=d.id, kind="copy", title=d.title, published=d.published, column="nb", unit=d.unit,
                         year=d.year, path=mirror_url(source, d).removeprefix(f"http://{site.host}"),
                         source=source.host)
                     for d in mirrored(spec.content(source.host))]
    column = Column("nb", "范文", "fanwen", 1, docs=docs, page_size=20, path="/fanwen")
    return SiteContent(columns={"nb": column}, docs=docs, pages={"home": "/", "platform": "/", "nb": "/"})
