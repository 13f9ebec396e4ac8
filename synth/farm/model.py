"""The farm's data model: sites, their column trees, documents and attachments.

A spec is pure data. Families turn it into URLs and pages; the server only answers requests. Everything a
test may want to assert on (which report lives where, what changes between generations) is a field here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from synth.farm.registry import County

LEVELS = ("county_gov", "department", "township")
# How a report reaches the reader: in the article body, as attachments, or both.
FORMS = ("inline", "pdf", "docx", "inline+pdf", "doc", "wps", "xls", "images")


@dataclass(frozen=True)
class Unit:
    """A publishing agency."""
    agency: str    # full name as in the report: 海原县教育局, 海原县人民政府, 海原县石桥镇人民政府
    level: str     # one of LEVELS
    slug: str      # jyj, bj, or a township id
    credit: str    # 统一社会信用代码, the prefix of its 索引号


@dataclass
class Attachment:
    """A file linked from an article. `ext` is what the URL says, `fmt` what the bytes are."""
    name: str               # display name, e.g. 海原县教育局2023年政府信息公开工作年度报告.pdf
    ext: str                # pdf docx doc wps xls png
    fmt: str                # pdf docx html png
    page: int = 0           # png only: which page of the report's PDF
    broken: bool = False    # linked from the article, but the file is gone (404)
    path: str = ""          # URL path (and query) on the site, set by the family


@dataclass
class Doc:
    """An article page in a column: an annual report, or a notice that only looks like one."""
    id: int
    kind: str                      # "report" | "notice"
    title: str
    published: dt.datetime
    column: str                    # key of the column listing it
    unit: Unit | None = None
    year: int | None = None
    template: str | None = None
    blanks: bool = False
    errors: bool = False           # arithmetic errors planted in version 0
    form: str = "inline"
    style: str = "plain"           # inline HTML style of synth.render_html
    attachments: list[Attachment] = field(default_factory=list)
    index_no: str = ""             # 索引号
    path: str = ""                 # article URL path, set by the family
    born: int = 0                  # first generation it is online
    removed_in: int | None = None  # generation from which it is gone (404)
    edited_in: tuple[int, ...] = ()  # generations in which its content is replaced
    delay: float = 0.0             # seconds the server waits before answering (slow page)
    body: str = ""                 # notices: their HTML body
    source: str = ""               # mirror copies: host of the original

    def present(self, gen: int) -> bool:
        return self.born <= gen and (self.removed_in is None or gen < self.removed_in)

    def version(self, gen: int) -> int:
        """Content version at a generation: how many edits have happened by then."""
        return sum(1 for g in self.edited_in if g <= gen)

    def errors_at(self, gen: int) -> bool:
        """An edit is a correction: planted errors are gone from the first edited version on."""
        return self.errors and self.version(gen) == 0


@dataclass
class Link:
    """A list item that is not an article of this site: a dead link, or a copy on a non-government mirror."""
    title: str
    url: str                 # path on this site (dead link) or absolute URL (mirror)
    published: dt.datetime
    kind: str                # "broken" | "outside"


@dataclass
class Column:
    key: str                 # "nb", "nb/bm", "nb/2023n", "nb/2023n/bm"
    name: str                # 政府信息公开年报, 部门, 2023年度
    slug: str                # last path segment
    id: int                  # numeric column id (Hanweb colN, gkmlpt classify id, VSB info/<col>)
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    docs: list[Doc] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    page_size: int = 12
    path: str = ""           # URL path prefix of the column, set by the family


@dataclass
class Site:
    """One host of the farm. County portals hold most reports; department sites hold their own."""
    host: str
    kind: str                # "county" | "department" | "mirror"
    family: str              # trs | hanweb | gkmlpt | vsb | generic
    variant: str             # family dialect: trs "wcm"/"hy", generic "query"/"list"
    encoding: str            # "utf-8" | "gbk-meta" (GB18030 bytes, <meta> gb2312) | "gbk-header" (charset only in HTTP)
    county: County
    name: str                # SiteName
    site_id_code: str        # SiteIDCode: adcode + 4 digits
    owner: Unit              # the agency running the site
    structure: str           # 年报 column tree: flat | by_unit | by_year | year_unit
    page_size: int
    seed: str
    latency_ms: int = 0
    waf: str | None = None   # None | "rs412" | "jsl521" | "wzws"
    robots: str | None = None  # robots.txt text; None answers 404
    roles: tuple[str, ...] = ()  # planted trouble and change roles, materialised when the site is built
    options: dict[str, Any] = field(default_factory=dict)
    department_hosts: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"


@dataclass
class SiteContent:
    """A built site: its columns (tree order), documents and trouble spots, with URLs assigned."""
    columns: dict[str, Column]
    docs: list[Doc]
    pages: dict[str, str] = field(default_factory=dict)       # role -> path: home, platform, nb, guide …
    trouble: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    robots: str | None = None                                  # robots.txt body; None answers 404

    def reports(self) -> list[Doc]:
        return [d for d in self.docs if d.kind == "report"]

    def entries(self, key: str, gen: int) -> list[Doc | Link]:
        """What a column's list shows at `gen`, newest first: documents of the column and its sub-columns
        (reports, notices, dead links) plus outside links."""
        keys = [k for k in self.columns if k == key or k.startswith(key + "/")]
        items: list[Doc | Link] = [d for k in keys for d in self.columns[k].docs if d.present(gen)]
        items += [link for k in keys for link in self.columns[k].links]
        return sorted(items, key=lambda e: (e.published, getattr(e, "id", 0)), reverse=True)

    def column_docs(self, key: str, gen: int) -> list[Doc]:
        """Documents of a column and all its sub-columns online at `gen`, newest first."""
        keys = [k for k in self.columns if k == key or k.startswith(key + "/")]
        docs = [d for k in keys for d in self.columns[k].docs if d.present(gen)]
        return sorted(docs, key=lambda d: (d.published, d.id), reverse=True)

    def visible(self, key: str, gen: int) -> bool:
        """A column is online while it (or a sub-column) lists something."""
        return bool(self.column_docs(key, gen)) or bool(self.columns[key].links)
