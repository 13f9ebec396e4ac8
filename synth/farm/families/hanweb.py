"""大汉 Hanweb JCMS: /col/col<N>/index.html columns whose first list page sits in a <script type="text/xml">
datastore, further pages from /module/web/jpage/dataproxy.jsp, articles /art/YYYY/M/D/art_<col>_<id>.html.

dataproxy.jsp takes GET or POST: page=N (1-based, perPage records each) or startrecord/endrecord/perpage
(1-based, inclusive), plus columnid, unitid and webid copied from the column page. It answers
<datastore><totalrecord>…</totalrecord><totalpage>…</totalpage><recordset><record><![CDATA[<li>…]]></record>…
Sites with options["dataproxy_referer"] answer an empty datastore unless a Referer from the site is sent.
Attachments: /module/download/downfile.jsp?classid=0&showname=<name>&filename=<hex>.<ext>.
"""

from __future__ import annotations

import random
from html import escape
from urllib.parse import quote

from synth.farm import chrome
from synth.farm.families.base import Family
from synth.farm.http import Handler, Req, Resp
from synth.farm.model import Doc, Link, Site, SiteContent
from synth.farm.templates.hanweb import ARTICLE, COLUMN_LIST, RECORD
from synth.farm.view import SiteView

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
DOWNFILE = "/module/download/downfile.jsp"


def short_title(title: str, limit: int = 32) -> str:
    return title if len(title) <= limit else title[:limit] + "..."


class Hanweb(Family):
    name = "hanweb"
    DOC_IDS = (1_000_000, 8_000_000)
    COLUMN_IDS = (1229000000, 1229999999)

    def layout(self, site: Site, content: SiteContent, rng: random.Random) -> None:
        def col_url(n: int) -> str:
            return f"/col/col{n}/index.html"

        ids = rng.sample(range(1229000000, 1229999999), 8)
        content.pages.update(platform=col_url(ids[0]), guide=col_url(ids[1]), rules=col_url(ids[2]),
                             fdzdgknr=col_url(ids[3]), ysqgk=col_url(ids[4]), news=col_url(ids[5]),
                             shell="/xxgk/index.html", search="/jrobot/search.do")
        content.pages["webid"] = str(rng.randint(100, 9000))
        for col in content.columns.values():
            col.path = f"/col/col{col.id}"
            content.pages[f"unitid:{col.key}"] = str(rng.randint(3000000, 8999999))
        content.pages["nb"] = col_url(content.columns["nb"].id)
        for doc in content.docs:
            col = content.columns[doc.column]
            p = doc.published
            doc.path = f"/art/{p.year}/{p.month}/{p.day}/art_{col.id}_{doc.id}.html"
            for att in doc.attachments:
                name = "".join(rng.choice("0123456789abcdef") for _ in range(16))
                att.path = (f"/picture/0/{name}.png" if att.fmt == "png" else
                            f"{DOWNFILE}?classid=0&showname={quote(att.name)}&filename={name}.{att.ext}")

    def webname(self, site: Site) -> str:
        return quote(quote(site.name))

    def list_url(self, site: Site, content: SiteContent, key: str, page: int, total: int = 1) -> str:
        col = content.columns[key]
        if page == 1:
            return f"{col.path}/index.html"
        return (f"{DATAPROXY}?page={page}&appid=1&webid={content.pages['webid']}&path=/&columnid={col.id}"
                f"&unitid={content.pages['unitid:' + key]}&webname={self.webname(site)}&permissiontype=0")

    def aliases(self, url: str) -> list[str]:
        return [url, url.removesuffix("index.html")] if url.endswith("/index.html") else [url]

    def column_routes(self, view: SiteView, key: str) -> dict[str, Handler]:
        if not view.is_leaf(key):
            return super().column_routes(view, key)
        url = self.list_url(view.site, view.content, key, 1)
        return {p: self._page(view, lambda: self.list_page(view, key, 1), self.newest(view, key))
                for p in self.aliases(url)}

    def entry_href(self, view: SiteView, entry: Doc | Link, from_path: str) -> str:
        return entry.url if isinstance(entry, Link) else entry.path

    def records(self, view: SiteView, entries: list[Doc | Link]) -> str:
        return "\n".join(chrome.fill(RECORD, {
            "href": escape(self.entry_href(view, e, ""), quote=True), "title": escape(e.title, quote=True),
            "short": escape(short_title(e.title)), "date": f"{e.published:%Y-%m-%d}"}) for e in entries)

    def list_main(self, view: SiteView, key: str, page: int) -> str:
        pages = view.paged(key)
        col = view.column(key)
        next_url = self.list_url(view.site, view.content, key, 2) if len(pages) > 1 else ""
        return chrome.fill(COLUMN_LIST, {
            "name": escape(view.site.options["nb_text"] if key == "nb" else col.name),
            "unitid": view.pages[f"unitid:{key}"], "webid": view.pages["webid"], "columnid": col.id,
            "nextgroup": f'<a href="{next_url}"></a>' if next_url else "", "records": self.records(
                view, pages[0]), "dataproxy": DATAPROXY, "perpage": col.page_size,
            "total": len(view.entries(key)), "webname": self.webname(view.site)})

    def article_main(self, view: SiteView, doc: Doc) -> str:
        col = view.column(doc.column)
        body = self.report_body(view, doc, lambda a: a.path)
        return chrome.fill(ARTICLE, {
            "webid": view.pages["webid"], "column": escape(col.name), "column_url": f"{col.path}/index.html",
            "title": escape(doc.title), "info": chrome.info_block(view.site, doc), "columnid": col.id,
            "date": f"{doc.published:%Y-%m-%d %H:%M}", "docid": doc.id, "body": body,
            "source": escape(doc.unit.agency if doc.unit else view.site.owner.agency)})

    def file_routes(self, view: SiteView) -> dict[str, Handler]:
        files = {}
        out: dict[str, Handler] = {}
        for doc in view.docs_by_path.values():
            for att in doc.attachments:
                if att.broken:
                    continue
                if att.path.startswith(DOWNFILE):
                    files[att.path.rsplit("filename=", 1)[1]] = (doc, att)
                else:
                    out[att.path] = self._file_handler(view, doc, att)

        def downfile(req: Req) -> Resp:
            hit = files.get(req.query.get("filename", ""))
            if hit is None:
                return Resp(status=404, body="<html><body>文件不存在</body></html>", cacheable=False)
            return self.file_response(view, *hit, headers=[("Content-Disposition", "attachment")])

        out[DOWNFILE] = downfile
        return out

    def extra_routes(self, view: SiteView) -> dict[str, Handler]:
        return {DATAPROXY: lambda req: self.dataproxy(view, req)}

    def dataproxy(self, view: SiteView, req: Req) -> Resp:
        """The jpage XML endpoint."""
        params = req.params()
        empty = Resp(body="<datastore></datastore>", ctype="text/xml", cacheable=False)
        if view.site.options.get("dataproxy_referer") and view.site.host not in req.headers.get("referer", ""):
            return empty
        key = next((k for k, c in view.content.columns.items() if str(c.id) == params.get("columnid")
                    and view.pages.get(f"unitid:{k}") == params.get("unitid")), None)
        if key is None or not view.content.visible(key, view.gen) or params.get("webid") != view.pages["webid"]:
            return empty
        entries = view.entries(key)
        per = _int(params.get("perpage"), view.column(key).page_size)
        if "startrecord" in params:
            start = max(_int(params.get("startrecord"), 1), 1)
            end = _int(params.get("endrecord"), start + per - 1)
        else:
            page = max(_int(params.get("page"), 1), 1)
            start, end = (page - 1) * per + 1, page * per
        chunk = entries[start - 1:end]
        pages = max(1, -(-len(entries) // per))
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{len(entries)}</totalrecord>\n'
                f"<totalpage>{pages}</totalpage>\n<recordset>\n{self.records(view, chunk)}\n</recordset>\n"
                f"</datastore>\n")
        return Resp(body=body.encode("utf-8"), ctype="text/xml;charset=UTF-8",
                    modified=max((e.published for e in entries), default=None))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
