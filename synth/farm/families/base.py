"""What every family does the same way: the set of pages a portal has and how they link, rendered through
the family's own templates. A family subclass says where things live (URL shapes) and how lists and
articles are marked up; this base turns a SiteView into a path -> handler table.

Templates are class attributes with {{name}} placeholders (see chrome.fill), so a family reads as data.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import random
from collections.abc import Callable
from html import escape
from typing import ClassVar

from synth.farm import chrome, content
from synth.farm.http import Handler, Req, Resp
from synth.farm.model import Attachment, Column, Doc, Link, Site, SiteContent
from synth.farm.templates.common import (
    DEFAULT_FOOTER,
    DEFAULT_HEADER,
    DEFAULT_PAGE,
    GUIDE_TEXT,
    HOME_MAIN,
    HUB_MAIN,
    PLATFORM_MAIN,
    STUB_MAIN,
)
from synth.farm.view import Entry, SiteView

SITE_BUILT = dt.datetime(2021, 6, 18, 10, 0)


FOOTER_PAGES = (("/wzdt/", "网站地图"), ("/lxwm/", "联系我们"), ("/wzsm/", "网站声明"), ("/sybz/", "使用帮助"))


class Family:
    """Base of the five families. Subclasses set `name`, URL shapes and templates."""

    name = ""
    PAGE = DEFAULT_PAGE
    HEADER = DEFAULT_HEADER
    FOOTER = DEFAULT_FOOTER
    HOME_PATHS: tuple[str, ...] = ("/", "/index.html")
    # Sub-column slugs by unit level, and the year-column slug format, used by the builder.
    UNIT_SLUGS: ClassVar[dict[str, str]] = {"county_gov": "bj", "department": "bm", "township": "xzjd"}
    YEAR_SLUG = "{year}n"
    COLUMN_IDS = (1000, 9999)
    DOC_IDS = (100_000, 900_000)   # range of the first document id (ids then grow with publication time)

    @staticmethod
    def NB_SLUG(site: Site) -> str:
        """Slug of the 年报 root column."""
        del site
        return "zfxxgknb"

    # ---- layout: where things live (set paths on columns, documents, attachments; fill content.pages) ----

    def layout(self, site: Site, content: SiteContent, rng: random.Random) -> None:
        raise NotImplementedError

    def list_url(self, site: Site, content: SiteContent, key: str, page: int, total: int = 1) -> str:
        """Path (and query) of page `page` (1-based) of `total` pages of a column's list."""
        raise NotImplementedError

    def column_url(self, site: Site, content: SiteContent, key: str) -> str:
        """Where links to a column point (its first list page, or its hub page)."""
        return self.list_url(site, content, key, 1)

    # ---- list and article markup (subclasses) ----

    def list_main(self, view: SiteView, key: str, page: int) -> str:
        raise NotImplementedError

    def article_main(self, view: SiteView, doc: Doc) -> str:
        raise NotImplementedError

    def entry_href(self, view: SiteView, entry: Entry, from_path: str) -> str:
        """How a list links an entry: absolute path by default."""
        return entry.url if isinstance(entry, Link) else entry.path

    # ---- routes ----

    def routes(self, view: SiteView) -> dict[str, Handler]:
        """Every page of the site at the view's generation."""
        pages = view.pages
        out: dict[str, Handler] = {}
        for path in self.HOME_PATHS:
            out[path] = self._page(view, lambda: self.home(view), SITE_BUILT)
        out[pages["platform"]] = self._page(view, lambda: self.platform(view), SITE_BUILT)
        for role, name in (("guide", "政府信息公开指南"), ("rules", "政府信息公开制度"),
                           ("fdzdgknr", "法定主动公开内容"), ("ysqgk", "依申请公开"), ("news", "政务要闻")):
            if role in pages:
                out[pages[role]] = self._page(view, lambda n=name, r=role: self.stub(view, n, r), SITE_BUILT)
        for path, name in FOOTER_PAGES:
            out[path] = self._page(view, lambda n=name, p=path: self.footer_page(view, n, p), SITE_BUILT)
        for key in view.content.columns:
            if view.content.visible(key, view.gen):
                out.update(self.column_routes(view, key))
        for doc in view.docs_by_path.values():
            out[doc.path] = self._article_handler(view, doc)
        out.update(self.file_routes(view))
        out.update(self.extra_routes(view))
        return out

    def column_routes(self, view: SiteView, key: str) -> dict[str, Handler]:
        """A hub page for a column with sub-columns; list pages for a leaf (or a flat root)."""
        if not view.is_leaf(key):
            url = self.column_url(view.site, view.content, key)
            return {p: self._page(view, lambda: self.hub(view, key), self.newest(view, key))
                    for p in self.aliases(url)}
        out: dict[str, Handler] = {}
        total = len(view.paged(key))
        for page in range(1, total + 1):
            url = self.list_url(view.site, view.content, key, page, total)
            for p in self.aliases(url):
                out[p] = self._page(view, lambda pg=page: self.list_page(view, key, pg), self.newest(view, key))
        return out

    def aliases(self, url: str) -> list[str]:
        """A directory URL and its index file answer the same page."""
        return [url]

    def file_routes(self, view: SiteView) -> dict[str, Handler]:
        """Attachment files on plain paths; families with download scripts override."""
        out: dict[str, Handler] = {}
        for doc in view.docs_by_path.values():
            for att in doc.attachments:
                if not att.broken:
                    out[att.path.split("?")[0]] = self._file_handler(view, doc, att)
        return out

    def extra_routes(self, view: SiteView) -> dict[str, Handler]:
        return {}

    def fallback(self, view: SiteView, req: Req) -> Resp | None:
        """Answer for a path without a route (None: 404)."""
        del view, req
        return None

    # ---- handlers ----

    def _page(self, view: SiteView, render: Callable[[], str], modified: dt.datetime) -> Handler:
        def handler(req: Req) -> Resp:
            del req
            return Resp(body=render(), modified=modified)
        return handler

    def _article_handler(self, view: SiteView, doc: Doc) -> Handler:
        def handler(req: Req) -> Resp:
            del req
            return Resp(body=self.article(view, doc), modified=doc.published, delay=doc.delay)
        return handler

    def _file_handler(self, view: SiteView, doc: Doc, att: Attachment) -> Handler:
        def handler(req: Req) -> Resp:
            del req
            return self.file_response(view, doc, att)
        return handler

    def file_response(self, view: SiteView, doc: Doc, att: Attachment,
                      headers: list[tuple[str, str]] | None = None) -> Resp:
        data = content.attachment_bytes(view.site, doc, att, doc.version(view.gen))
        return Resp(body=data, ctype=content.CONTENT_TYPES[att.ext], modified=doc.published, headers=headers or [])

    @staticmethod
    def newest(view: SiteView, key: str) -> dt.datetime:
        entries = view.entries(key)
        return max((e.published for e in entries), default=SITE_BUILT)

    # ---- pages common to all families ----

    def ctx(self, view: SiteView) -> dict[str, str]:
        links = {"home": self.HOME_PATHS[0], "platform": view.pages.get("platform_entry", view.pages["platform"]),
                 "search": view.pages.get("search", "/search/"), "year": "2025"}
        ctx = chrome.chrome_ctx(view.site, links)
        ctx["nav"] = self.nav(view)
        ctx["news"] = view.pages["news"]
        return ctx

    def nav(self, view: SiteView) -> str:
        pages = view.pages
        items = [("首页", self.HOME_PATHS[0]), (f"走进{view.site.county.short}", pages["news"]),
                 (view.site.options["platform_text"], pages.get("platform_entry", pages["platform"])),
                 ("政务服务", "http://www.gjzwfw.gov.cn/"), ("互动交流", pages["news"]), ("专题专栏", pages["news"])]
        return "".join(f'<li><a href="{h}">{t}</a></li>' for t, h in items)

    def page(self, view: SiteView, *, title: str, metas: str, main: str, crumbs: str = "") -> str:
        ctx = self.ctx(view)
        return chrome.fill(self.PAGE, {"charset": chrome.charset_meta(view.site), "metas": metas,
                                       "title": escape(title), "header": chrome.fill(self.HEADER, ctx),
                                       "crumbs": crumbs, "main": main, "footer": chrome.fill(self.FOOTER, ctx)})

    def crumbs(self, view: SiteView, trail: list[tuple[str, str]]) -> str:
        links = "".join(f' &gt; <a href="{h}">{escape(t)}</a>' for t, h in trail)
        return f'<div class="position">当前位置：<a href="{self.HOME_PATHS[0]}">首页</a>{links}</div>'

    def home(self, view: SiteView) -> str:
        site, pages = view.site, view.pages
        news = "".join(f'<li><a href="{h}" target="_blank" title="{escape(t)}">{escape(t)}</a><span>{d}</span></li>'
                       for t, d, h in chrome.news_items(site, 8, pages["news"]))
        platform_links = [(site.options["platform_text"], pages.get("platform_entry", pages["platform"])),
                          ("政府信息公开指南", pages["guide"]), ("政府信息公开制度", pages["rules"]),
                          ("法定主动公开内容", pages["fdzdgknr"]), ("依申请公开", pages["ysqgk"])]
        if site.options.get("home_nb_link"):
            platform_links.append((site.options["nb_text"], pages["nb"]))
        quick = [("政务服务", "http://www.gjzwfw.gov.cn/"), ("政策文件", pages["fdzdgknr"])]
        if "loop" in pages:
            quick.append(("年报专栏", pages["loop"]))
        main = chrome.fill(HOME_MAIN, {
            "site_name": escape(site.name), "news": pages["news"], "news_items": news,
            "platform_links": "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in platform_links),
            "quick_links": "".join(f'<li><a href="{h}" target="_blank">{escape(t)}</a></li>' for t, h in quick)})
        return self.page(view, title=site.name, metas=chrome.meta_tags(site), main=main)

    def platform_side(self, view: SiteView) -> list[tuple[str, str]]:
        pages = view.pages
        return [("政府信息公开指南", pages["guide"]), ("政府信息公开制度", pages["rules"]),
                ("法定主动公开内容", pages["fdzdgknr"]), (view.site.options["nb_text"], pages["nb"]),
                ("依申请公开", pages["ysqgk"])]

    def platform(self, view: SiteView) -> str:
        side = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in self.platform_side(view))
        recent = "".join(f'<li><a href="{self.entry_href(view, e, view.pages["platform"])}" target="_blank">'
                         f'{escape(e.title)}</a><span>{e.published:%Y-%m-%d}</span></li>'
                         for e in view.entries("nb")[:6] if isinstance(e, Doc) and e.kind != "dead")
        main = chrome.fill(PLATFORM_MAIN, {"side": side, "recent": recent, "site_name": escape(view.site.name)})
        crumbs = self.crumbs(view, [("政府信息公开", view.pages["platform"])])
        return self.page(view, title=f"政府信息公开_{view.site.name}", crumbs=crumbs, main=main,
                         metas=chrome.meta_tags(view.site, column="政府信息公开", column_type="信息公开"))

    def column_trail(self, view: SiteView, key: str) -> list[tuple[str, str]]:
        trail = [("政府信息公开", view.pages["platform"])]
        for col in view.crumbs(key):
            name = view.site.options["nb_text"] if col.key == "nb" else col.name
            trail.append((name, self.column_url(view.site, view.content, col.key)))
        return trail

    def hub(self, view: SiteView, key: str) -> str:
        col = view.column(key)
        here = self.column_url(view.site, view.content, key)
        children = "".join(
            f'<li><a href="{self.relative(here, self.column_url(view.site, view.content, c.key))}">'
            f'{escape(c.name)}</a></li>' for c in view.children(key))
        side = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in self.platform_side(view))
        name = view.site.options["nb_text"] if key == "nb" else col.name
        main = chrome.fill(HUB_MAIN, {"root_name": "政府信息公开", "side": side, "name": escape(name),
                                      "children": children})
        return self.page(view, title=f"{name}_{view.site.name}", crumbs=self.crumbs(view, self.column_trail(view, key)),
                         main=main, metas=chrome.meta_tags(view.site, column=name, column_type="信息公开"))

    def list_page(self, view: SiteView, key: str, page: int) -> str:
        col = view.column(key)
        name = view.site.options["nb_text"] if key == "nb" else col.name
        return self.page(view, title=f"{name}_{view.site.name}", crumbs=self.crumbs(view, self.column_trail(view, key)),
                         main=self.list_main(view, key, page),
                         metas=chrome.meta_tags(view.site, column=name, column_type="信息公开"))

    def article(self, view: SiteView, doc: Doc) -> str:
        trail = self.column_trail(view, doc.column)
        return self.page(view, title=f"{doc.title}_{view.site.name}", crumbs=self.crumbs(view, trail),
                         main=self.article_main(view, doc),
                         metas=chrome.meta_tags(view.site, column=trail[-1][0], doc=doc,
                                                source_case=view.site.options["source_case"]))

    def stub(self, view: SiteView, name: str, role: str) -> str:
        text = GUIDE_TEXT if role == "guide" else "<p>暂无信息</p>" if role == "ysqgk" else \
            "".join(f'<p>{escape(t)}　{d}</p>' for t, d, _ in chrome.news_items(view.site, 10, ""))
        main = chrome.fill(STUB_MAIN, {"name": escape(name), "text": text})
        trail = [("政府信息公开", view.pages["platform"]), (name, view.pages[role])]
        return self.page(view, title=f"{name}_{view.site.name}", crumbs=self.crumbs(view, trail), main=main,
                         metas=chrome.meta_tags(view.site, column=name))

    def footer_page(self, view: SiteView, name: str, path: str) -> str:
        """网站地图 lists the main columns (a crawler's shortcut to the 年报 column); the others are filler."""
        if path == "/wzdt/":
            links = [(view.site.options["platform_text"], view.pages["platform"]), *self.platform_side(view)]
            links += [(c.name, self.column_url(view.site, view.content, c.key)) for c in view.children("nb")]
            text = "".join(f'<p><a href="{h}">{escape(t)}</a></p>' for t, h in links)
        else:
            text = f"<p>{escape(view.site.name)}{name}。</p>"
        main = chrome.fill(STUB_MAIN, {"name": name, "text": text})
        return self.page(view, title=f"{name}_{view.site.name}", crumbs=self.crumbs(view, [(name, path)]),
                         main=main, metas=chrome.meta_tags(view.site, column=name))

    # ---- article body pieces ----

    def report_body(self, view: SiteView, doc: Doc, href: Callable[[Attachment], str], files: bool = True) -> str:
        """Inline report HTML and/or images, followed by the attachment list (unless files=False)."""
        parts = []
        edits = [g for g in doc.edited_in if g <= view.gen]
        if edits:  # a corrected report says so at the top (and its files change under the same URLs)
            when = view.spec.generation_date(max(edits)) - dt.timedelta(days=20)
            parts.append(f'<p class="gzsm">（{when:%Y年%m月%d日}更正：对本报告中部分统计数据进行了更正。）</p>')
        if doc.kind != "report":
            parts.append(doc.body)
        elif "inline" in doc.form:
            parts.append(content.inline_html(view.site, doc, doc.version(view.gen)))
        elif doc.form == "images":
            parts.append(chrome.images_html(doc.attachments, href))
        else:
            parts.append(f"<p>{escape(doc.title)}详见附件。</p>")
        if files:
            parts.append(chrome.attachment_links(doc.attachments, href))
        return "\n".join(p for p in parts if p)

    @staticmethod
    def relative(from_path: str, to_path: str) -> str:
        """A relative link as static-publishing CMSs write them (./, ../)."""
        base = from_path if from_path.endswith("/") else posixpath.dirname(from_path) + "/"
        target, _, query = to_path.partition("?")
        rel = posixpath.relpath(target, base)
        if target.endswith("/") and not rel.endswith("/"):
            rel += "/"
        if not rel.startswith("."):
            rel = "./" + rel
        return rel + (f"?{query}" if query else "")


def column_of(content: SiteContent, doc: Doc) -> Column:
    return content.columns[doc.column]
