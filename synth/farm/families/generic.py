"""Generic county CMS: table-layout pages, lists paged by plain next-page links, snowflake article ids.

Dialects (Site.variant):
- "query": pages <col>/index.html?page=N (1-based); past the last page an empty list (still 200).
- "list":  pages <col>/index.html, <col>/list_2.html, <col>/list_3.html …
Pager: 首页 / 上一页 / 下一页 / 尾页 links plus "共N条记录 当前第p/P页". Articles <col>/<19-digit snowflake>.html
(Shaanxi-style), attachments /uploadfiles/YYYYMM/<32 hex>.<ext>.
"""

from __future__ import annotations

import random
from html import escape
from typing import ClassVar

from synth.farm import chrome
from synth.farm.families.base import Family
from synth.farm.families.gkmlpt import unix
from synth.farm.http import Handler, Req, Resp
from synth.farm.model import Doc, Site, SiteContent
from synth.farm.templates.generic import ARTICLE, LIST, PAGE, ROW
from synth.farm.view import SiteView

TWITTER_EPOCH_MS = 1288834974657


class Generic(Family):
    name = "generic"
    PAGE = PAGE
    DOC_IDS = (1_000, 90_000)
    COLUMN_IDS = (100, 999)
    UNIT_SLUGS: ClassVar[dict[str, str]] = {"county_gov": "xj", "department": "bm", "township": "xz"}

    def layout(self, site: Site, content: SiteContent, rng: random.Random) -> None:
        base = "/xxgk" if site.kind == "department" else "/zfxxgk"
        content.pages.update(platform=f"{base}/index.html", guide=f"{base}/zfxxgkzn/index.html",
                             rules=f"{base}/zfxxgkzd/index.html", fdzdgknr=f"{base}/fdzdgknr/index.html",
                             ysqgk=f"{base}/ysqgk/index.html", news="/xwzx/index.html", shell="/gk/index.html",
                             search="/search/index.html")
        for col in content.columns.values():
            col.path = f"{base}/{col.slug}" if col.parent is None else f"{content.columns[col.parent].path}/{col.slug}"
        content.pages["nb"] = content.columns["nb"].path + "/"
        for doc in content.docs:
            snowflake = ((unix(doc.published) * 1000 + rng.randint(0, 999) - TWITTER_EPOCH_MS) << 22) | (doc.id % 4096)
            doc.path = f"{content.columns[doc.column].path}/{snowflake}.html"
            for att in doc.attachments:
                name = "".join(rng.choice("0123456789abcdef") for _ in range(32))
                att.path = f"/uploadfiles/{doc.published:%Y%m}/{name}.{att.ext}"

    def list_url(self, site: Site, content: SiteContent, key: str, page: int, total: int = 1) -> str:
        path = content.columns[key].path
        if page == 1:
            return path + "/"
        return f"{path}/index.html?page={page}" if site.variant == "query" else f"{path}/list_{page}.html"

    def aliases(self, url: str) -> list[str]:
        return [url, url + "index.html"] if url.endswith("/") else [url]

    def column_routes(self, view: SiteView, key: str) -> dict[str, Handler]:
        if view.site.variant != "query" or not view.is_leaf(key):
            return super().column_routes(view, key)

        def handler(req: Req) -> Resp:
            try:
                page = max(int(req.query.get("page", "1")), 1)
            except ValueError:
                page = 1
            return Resp(body=self.list_page(view, key, page), modified=self.newest(view, key))
        path = view.column(key).path
        return {path + "/": handler, path + "/index.html": handler}

    def pager(self, view: SiteView, key: str, page: int, total: int, records: int) -> str:
        def url(p: int) -> str:
            u = self.list_url(view.site, view.content, key, p, total)
            return u + "index.html" if u.endswith("/") else u

        links = [f'<a href="{url(1)}">首页</a>']
        links.append(f'<a href="{url(page - 1)}">上一页</a>' if page > 1 else "<span>上一页</span>")
        links.append(f'<a href="{url(page + 1)}">下一页</a>' if page < total else "<span>下一页</span>")
        links.append(f'<a href="{url(total)}">尾页</a>')
        return f"共{records}条记录 当前第{page}/{total}页 " + " ".join(links)

    def list_main(self, view: SiteView, key: str, page: int) -> str:
        pages = view.paged(key)
        entries = pages[page - 1] if page <= len(pages) else []
        rows = "\n".join(chrome.fill(ROW, {"href": escape(self.entry_href(view, e, ""), quote=True),
                                           "title": escape(e.title), "date": f"{e.published:%Y-%m-%d}"})
                         for e in entries)
        name = view.site.options["nb_text"] if key == "nb" else view.column(key).name
        return chrome.fill(LIST, {"name": escape(name), "rows": rows, "pager": self.pager(
            view, key, page, len(pages), len(view.entries(key)))})

    def article_main(self, view: SiteView, doc: Doc) -> str:
        body = self.report_body(view, doc, lambda a: a.path)
        return chrome.fill(ARTICLE, {"info": chrome.info_block(view.site, doc), "title": escape(doc.title),
                                     "date": f"{doc.published:%Y-%m-%d}", "body": body,
                                     "source": escape(doc.unit.agency if doc.unit else view.site.owner.agency)})

    def page(self, view: SiteView, *, title: str, metas: str, main: str, crumbs: str = "") -> str:
        ctx = self.ctx(view)
        side = "<br>".join(f'<a href="{h}">{escape(t)}</a>' for t, h in self.platform_side(view))
        return chrome.fill(self.PAGE, {"charset": chrome.charset_meta(view.site), "metas": metas,
                                       "title": escape(title), "header": chrome.fill(self.HEADER, ctx),
                                       "side": side, "crumbs": crumbs or "当前位置：首页", "main": main,
                                       "footer": chrome.fill(self.FOOTER, ctx)})
