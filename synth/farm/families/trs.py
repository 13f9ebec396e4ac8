"""TRS WCM / 海云: static column directories paged by createPageHTML, articles /<col>/YYYYMM/tYYYYMMDD_<id>.html.

Dialects (Site.variant):
- "wcm": old WCM. Pages index.html, index_1.html … (0-based), call createPageHTML(count, cur0, "index", "html"),
  the pager function inline, list as an xxgk table (名称/索引号/发布机构/发布日期). About half of their columns
  (Trs.PAGER, by the site's seed and the column) page like 邯郸's platform instead: `var countPage=N` and
  document.write, no createPageHTML at all.
- "hy": 海云. Pages index.shtml, index_2.shtml … (1-based), call createPageHTML('page_div', count, cur1, 'index',
  'shtml', records), list as <ul><li>, articles .shtml.
Attachments sit beside the article: ./P0YYYYMMDD<12 digits>.pdf (images ./W0….png).
"""

from __future__ import annotations

import random
import re
from html import escape

from synth.farm import chrome
from synth.farm.families.base import Family
from synth.farm.http import Req, Resp
from synth.farm.model import Doc, Link, Site, SiteContent
from synth.farm.templates.trs import (
    ARTICLE,
    HY_LIST,
    HY_ROW,
    REFRESH_STUB,
    WCM_COUNTPAGE_LIST,
    WCM_LIST,
    WCM_PAGER_JS,
    WCM_ROW,
)
from synth.farm.view import SiteView


def short_title(title: str, limit: int = 28) -> str:
    """List titles are cut with '...' (the full one is in title=)."""
    return title if len(title) <= limit else title[:limit] + "..."


class Trs(Family):
    name = "trs"
    DOC_IDS = (800_000, 3_000_000)
    COLUMN_IDS = (20000, 99999)
    BASES = ("zfxxgk", "zwgk/zfxxgk", "xxgk")
    NB_SLUGS = ("zfxxgknb", "xxgknb", "gknb", "ndbg")

    @staticmethod
    def NB_SLUG(site: Site) -> str:
        return random.Random(site.seed + "|nbslug").choice(Trs.NB_SLUGS)

    @staticmethod
    def PAGER(site: Site, key: str) -> str:
        """How a WCM column's lists page: createPageHTML, or the inline countPage/document.write script."""
        return random.Random(f"{site.seed}|pager|{key}").choice(("createPageHTML", "countPage"))

    def ext(self, site: Site) -> str:
        return "shtml" if site.variant == "hy" else "html"

    def layout(self, site: Site, content: SiteContent, rng: random.Random) -> None:
        base = "/" + rng.choice(self.BASES)
        ext = self.ext(site)
        content.pages.update(platform=f"{base}/", guide=f"{base}/zfxxgkzn/", rules=f"{base}/zfxxgkzd/",
                             fdzdgknr=f"{base}/fdzdgknr/", ysqgk=f"{base}/ysqgk/", news="/zwdt/zwyw/",
                             shell="/xxgk.html", search="/was5/web/search")
        for key, col in content.columns.items():
            col.path = f"{base}/{col.slug}" if col.parent is None else f"{content.columns[col.parent].path}/{col.slug}"
            if key == "nb":
                content.pages["nb"] = col.path + "/"
        for doc in content.docs:
            folder = f"{content.columns[doc.column].path}/{doc.published:%Y%m}"
            doc.path = f"{folder}/t{doc.published:%Y%m%d}_{doc.id}.{ext}"
            for att in doc.attachments:
                prefix = "W0" if att.fmt == "png" else "P0"
                att.path = f"{folder}/{prefix}{doc.published:%Y%m%d}{rng.randint(10**11, 10**12 - 1)}.{att.ext}"

    def list_url(self, site: Site, content: SiteContent, key: str, page: int, total: int = 1) -> str:
        path = content.columns[key].path
        if page == 1:
            return path + "/"
        n = page - 1 if site.variant == "wcm" else page
        return f"{path}/index_{n}.{self.ext(site)}"

    def aliases(self, url: str) -> list[str]:
        if url.endswith("/"):
            return [url, url + "index.html", url + "index.shtml"]
        return [url]

    def entry_href(self, view: SiteView, entry: Doc | Link, from_path: str) -> str:
        return entry.url if isinstance(entry, Link) else self.relative(from_path, entry.path)

    def list_main(self, view: SiteView, key: str, page: int) -> str:
        pages = view.paged(key)
        here = self.list_url(view.site, view.content, key, page, len(pages))
        rows = []
        for n, entry in enumerate(pages[page - 1], start=(page - 1) * view.column(key).page_size + 1):
            ctx = {"n": n, "href": escape(self.entry_href(view, entry, here), quote=True),
                   "title": escape(entry.title, quote=True), "short": escape(short_title(entry.title)),
                   "date": f"{entry.published:%Y-%m-%d}", "publisher": "", "index_no": ""}
            if isinstance(entry, Doc):
                ctx["publisher"] = escape(entry.unit.agency if entry.unit else view.site.owner.agency)
                ctx["index_no"] = escape(chrome.index_number(entry, view.site))
            rows.append(chrome.fill(WCM_ROW if view.site.variant == "wcm" else HY_ROW, ctx))
        name = escape(view.site.options["nb_text"] if key == "nb" else view.column(key).name)
        if view.site.variant == "wcm" and self.PAGER(view.site, key) == "countPage":
            return chrome.fill(WCM_COUNTPAGE_LIST, {"name": name, "rows": "\n".join(rows), "count": len(pages),
                                                    "cur": page - 1, "records": len(view.entries(key))})
        if view.site.variant == "wcm":
            return WCM_PAGER_JS + "\n" + chrome.fill(WCM_LIST, {"name": name, "rows": "\n".join(rows),
                                                               "count": len(pages), "cur": page - 1})
        return chrome.fill(HY_LIST, {"name": name, "rows": "\n".join(rows), "count": len(pages), "cur": page,
                                     "records": len(view.entries(key))})

    def article_main(self, view: SiteView, doc: Doc) -> str:
        body = self.report_body(view, doc, lambda a: self.relative(doc.path, a.path))
        source = doc.unit.agency if doc.unit else view.site.owner.agency
        return chrome.fill(ARTICLE, {"info": chrome.info_block(view.site, doc), "title": escape(doc.title),
                                     "date": f"{doc.published:%Y-%m-%d %H:%M}", "source": escape(source),
                                     "docid": doc.id, "body": body})

    def fallback(self, view: SiteView, req: Req) -> Resp | None:
        """Pages past the last: old WCM sites answer a meta refresh to ./ (mohrss-style), others 404."""
        if view.site.options.get("beyond") != "refresh":
            return None
        m = re.fullmatch(r"(.*)/index_(\d+)\.s?html", req.path)
        if not m:
            return None
        for key, col in view.content.columns.items():
            if col.path == m.group(1) and view.is_leaf(key) and view.content.visible(key, view.gen):
                return Resp(body=REFRESH_STUB, cacheable=False)
        return None
