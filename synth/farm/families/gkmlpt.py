"""Guangdong 政府信息公开目录平台 gkmlpt: a JS app at /gkmlpt/index whose column tree is window._CONFIG.TREE,
lists from the JSON API /gkmlpt/api/all/<columnId>?page=N&sid=<SID>, articles
/gkmlpt/content/<id//10^6>/<id//10^3>/post_<id>.html, attachments /attachment/0/<a>/<aid>/<postid>.<ext>.

The API answers {"classify": {"id", "name", "parent", "post_count"}, "articles": [{"id", "title", "date" (unix
seconds), "publisher", "identifier" (索引号), "url"}], "page", "page_size"}; a column's list includes its
sub-columns' posts. Pages are 1-based; past the last page "articles" is empty.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
from html import escape
from typing import ClassVar

from synth.farm import chrome
from synth.farm.families.base import SITE_BUILT, Family
from synth.farm.http import Handler, Req, Resp
from synth.farm.model import Doc, Link, Site, SiteContent
from synth.farm.templates.gkmlpt import APP, ARTICLE
from synth.farm.view import SiteView

CHINA = dt.timedelta(hours=8)


def unix(when: dt.datetime) -> int:
    """Portal times are Beijing time."""
    return calendar.timegm((when - CHINA).timetuple())


class Gkmlpt(Family):
    name = "gkmlpt"
    DOC_IDS = (2_000_000, 8_000_000)
    COLUMN_IDS = (2000, 9999)
    UNIT_SLUGS: ClassVar[dict[str, str]] = {"county_gov": "xjzf", "department": "bm", "township": "zj"}

    def layout(self, site: Site, content: SiteContent, rng: random.Random) -> None:
        content.pages.update(platform="/gkmlpt/index", guide="/gkmlpt/guide", rules="/gkmlpt/policy",
                             fdzdgknr="/gkmlpt/fdzdgknr", ysqgk="/gkmlpt/apply", news="/zwgk/zwdt/index.html",
                             shell="/xxgk/index.html", search="/gkmlpt/search", sid=str(rng.randint(700, 799)))
        content.pages["nb"] = f"/gkmlpt/index#{content.columns['nb'].id}"
        for col in content.columns.values():
            col.path = f"/gkmlpt/api/all/{col.id}"
        for doc in content.docs:
            doc.path = f"/gkmlpt/content/{doc.id // 10**6}/{doc.id // 10**3}/post_{doc.id}.html"
            for att in doc.attachments:
                aid = rng.randint(100000, 999999)
                att.path = f"/attachment/0/{aid // 1000}/{aid}/{doc.id}.{att.ext}"

    def list_url(self, site: Site, content: SiteContent, key: str, page: int, total: int = 1) -> str:
        return f"{content.columns[key].path}?page={page}&sid={content.pages['sid']}"

    def column_url(self, site: Site, content: SiteContent, key: str) -> str:
        return f"/gkmlpt/index#{content.columns[key].id}"

    def column_routes(self, view: SiteView, key: str) -> dict[str, Handler]:
        return {view.column(key).path: lambda req: self.api(view, key, req)}

    def entry_href(self, view: SiteView, entry: Doc | Link, from_path: str) -> str:
        return entry.url if isinstance(entry, Link) else f"http://{view.site.host}{entry.path}"

    def tree(self, view: SiteView) -> list[dict[str, object]]:
        """The column tree as the app embeds it (only the 年报 branch; other branches have no posts here)."""
        def node(key: str) -> dict[str, object]:
            col = view.column(key)
            parent = view.column(col.parent).id if col.parent else 0
            return {"id": col.id, "name": view.site.options["nb_text"] if key == "nb" else col.name,
                    "parent": parent, "post_count": len(view.content.column_docs(key, view.gen)),
                    "children": [node(c.key) for c in view.children(key)]}
        return [node("nb")]

    def platform(self, view: SiteView) -> str:
        config = {"SID": view.pages["sid"], "SITE_NAME": view.site.name, "TREE": self.tree(view),
                  "API": "/gkmlpt/api/all/"}
        main = chrome.fill(APP, {"config": json.dumps(config, ensure_ascii=False)})
        crumbs = self.crumbs(view, [("政府信息公开", view.pages["platform"])])
        return self.page(view, title=f"政府信息公开_{view.site.name}", crumbs=crumbs, main=main,
                         metas=chrome.meta_tags(view.site, column="政府信息公开"))

    def api(self, view: SiteView, key: str, req: Req) -> Resp:
        col = view.column(key)
        entries = view.entries(key)
        try:
            page = max(int(req.query.get("page", "1")), 1)
        except ValueError:
            page = 1
        chunk = entries[(page - 1) * col.page_size:page * col.page_size]
        articles = [self.article_json(view, e) for e in chunk]
        body = {"classify": {"id": col.id, "name": view.site.options["nb_text"] if key == "nb" else col.name,
                             "parent": view.column(col.parent).id if col.parent else 0,
                             "post_count": len(entries)},
                "articles": articles, "page": page, "page_size": col.page_size}
        return Resp(body=json.dumps(body, ensure_ascii=False).encode("utf-8"), ctype="application/json;charset=UTF-8",
                    modified=max((e.published for e in entries), default=SITE_BUILT))

    def article_json(self, view: SiteView, entry: Doc | Link) -> dict[str, object]:
        if isinstance(entry, Link):
            return {"id": 0, "title": entry.title, "date": unix(entry.published), "publisher": "",
                    "identifier": "", "url": entry.url}
        return {"id": entry.id, "title": entry.title, "date": unix(entry.published),
                "publisher": entry.unit.agency if entry.unit else view.site.owner.agency,
                "identifier": chrome.index_number(entry, view.site), "url": self.entry_href(view, entry, "")}

    def article_main(self, view: SiteView, doc: Doc) -> str:
        body = self.report_body(view, doc, lambda a: a.path)
        detail = {"SID": view.pages["sid"], "DETAIL": {
            "id": doc.id, "title": doc.title, "publisher": doc.unit.agency if doc.unit else view.site.owner.agency,
            "identifier": chrome.index_number(doc, view.site), "date": unix(doc.published),
            "attachments": [{"name": a.name, "url": f"http://{view.site.host}{a.path}"} for a in doc.attachments
                            if a.fmt != "png"]}}
        return chrome.fill(ARTICLE, {"index_no": escape(chrome.index_number(doc, view.site)),
                                     "publisher": escape(doc.unit.agency if doc.unit else view.site.owner.agency),
                                     "date": f"{doc.published:%Y-%m-%d}", "title": escape(doc.title), "body": body,
                                     "config": json.dumps(detail, ensure_ascii=False)})
