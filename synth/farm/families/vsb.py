"""博达 VSB / Webber: columns are /<dir>/<slug>.htm, later list pages /<dir>/<slug>/<k>.htm numbered
*backwards* (with P pages, page 2 is <slug>/<P-1>.htm and the last page is <slug>/1.htm), links relative
(../../info/…), articles /info/<col>/<id>.htm, attachments via
/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=<n>&wbfileid=<n>, which only serves the
file to a request with a Referer from the site (otherwise a 200 HTML error page).
"""

from __future__ import annotations

import random
from html import escape

from synth.farm import chrome
from synth.farm.families.base import Family
from synth.farm.http import Handler, Req, Resp
from synth.farm.model import Attachment, Doc, Link, Site, SiteContent
from synth.farm.templates.vsb import ARTICLE, ATTACHMENT, LIST, NO_REFERER, ROW
from synth.farm.view import SiteView

DOWNLOAD = "/system/_content/download.jsp"
FIRST_PAGE_OFF = '<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>'
LAST_PAGE_OFF = '<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>'


class Vsb(Family):
    name = "vsb"
    HOME_PATHS = ("/index.htm", "/")
    DOC_IDS = (50_000, 800_000)
    COLUMN_IDS = (1000, 19999)
    YEAR_SLUG = "{year}nd"

    def layout(self, site: Site, content: SiteContent, rng: random.Random) -> None:
        content.pages.update(platform="/xxgk.htm", guide="/xxgk/zfxxgkzn.htm", rules="/xxgk/zfxxgkzd.htm",
                             fdzdgknr="/xxgk/fdzdgknr.htm", ysqgk="/xxgk/ysqgk.htm", news="/xwzx/zwyw.htm",
                             shell="/xxgkml.htm", search="/ssjg.jsp", owner=str(rng.randint(1000000000, 1999999999)))
        for col in content.columns.values():
            col.path = "/xxgk/" + col.slug if col.parent is None else f"{content.columns[col.parent].path}/{col.slug}"
        content.pages["nb"] = content.columns["nb"].path + ".htm"
        for doc in content.docs:
            doc.path = f"/info/{content.columns[doc.column].id}/{doc.id}.htm"
            for att in doc.attachments:
                fid = rng.randint(1000000, 9999999)
                if att.fmt == "png":
                    h = "".join(rng.choice("0123456789ABCDEF") for _ in range(32))
                    att.path = f"/__local/{h[0]}/{h[1:3]}/{h[3:5]}/{h}_{fid}.png"
                else:
                    owner = content.pages["owner"]
                    att.path = f"{DOWNLOAD}?urltype=news.DownloadAttachUrl&owner={owner}&wbfileid={fid}"

    def list_url(self, site: Site, content: SiteContent, key: str, page: int, total: int = 1) -> str:
        path = content.columns[key].path
        return path + ".htm" if page == 1 else f"{path}/{total - page + 1}.htm"

    def entry_href(self, view: SiteView, entry: Doc | Link, from_path: str) -> str:
        return entry.url if isinstance(entry, Link) else self.relative(from_path, entry.path, dot=False)

    @staticmethod
    def relative(from_path: str, to_path: str, dot: bool = True) -> str:
        rel = Family.relative(from_path, to_path)
        return rel if dot or not rel.startswith("./") else rel[2:]

    def pager(self, view: SiteView, key: str, page: int, total: int, here: str, records: int) -> str:
        def link(p: int, text: str, css: str) -> str:
            href = self.relative(here, self.list_url(view.site, view.content, key, p, total), dot=False)
            return f'<span class="{css}"><a href="{href}">{text}</a></span>'

        parts = [f'<span class="p_t">共{records}条</span> <span class="p_pages">']
        parts.append(FIRST_PAGE_OFF if page == 1
                     else link(1, "首页", "p_first p_fun") + link(page - 1, "上页", "p_prev p_fun"))
        for p in range(1, total + 1):
            parts.append(f'<span class="p_no_d">{p}</span>' if p == page else link(p, str(p), "p_no"))
        parts.append(LAST_PAGE_OFF if page == total
                     else link(page + 1, "下页", "p_next p_fun") + link(total, "尾页", "p_last p_fun"))
        parts.append(f'</span> <span class="p_t">{page}/{total}</span>')
        return "".join(parts)

    def list_main(self, view: SiteView, key: str, page: int) -> str:
        pages = view.paged(key)
        here = self.list_url(view.site, view.content, key, page, len(pages))
        rows = "\n".join(chrome.fill(ROW, {"i": i, "href": escape(self.entry_href(view, e, here), quote=True),
                                           "title": escape(e.title), "date": f"{e.published:%Y-%m-%d}"})
                         for i, e in enumerate(pages[page - 1]))
        name = view.site.options["nb_text"] if key == "nb" else view.column(key).name
        return chrome.fill(LIST, {"name": escape(name), "rows": rows, "pager": self.pager(
            view, key, page, len(pages), here, len(view.entries(key)))})

    def article_main(self, view: SiteView, doc: Doc) -> str:
        body = self.report_body(view, doc, lambda a: a.path, files=False)
        files = [a for a in doc.attachments if a.fmt != "png"]
        atts = "".join(chrome.fill(ATTACHMENT, {"href": escape(a.path, quote=True), "name": escape(a.name),
                                                "fid": a.path.rsplit("=", 1)[1], "docid": doc.id}) for a in files)
        return chrome.fill(ARTICLE, {
            "title": escape(doc.title), "date": f"{doc.published:%Y-%m-%d %H:%M}", "owner": view.pages["owner"],
            "docid": doc.id, "source": escape(doc.unit.agency if doc.unit else view.site.owner.agency),
            "info": chrome.info_block(view.site, doc), "body": body,
            "attachments": f'<ul style="list-style-type:none;">{atts}</ul>' if atts else ""})

    def file_routes(self, view: SiteView) -> dict[str, Handler]:
        files: dict[str, tuple[Doc, Attachment]] = {}
        out: dict[str, Handler] = {}
        for doc in view.docs_by_path.values():
            for att in doc.attachments:
                if att.broken:
                    continue
                if att.path.startswith(DOWNLOAD):
                    files[att.path.rsplit("=", 1)[1]] = (doc, att)
                else:
                    out[att.path] = self._file_handler(view, doc, att)

        def download(req: Req) -> Resp:
            hit = files.get(req.query.get("wbfileid", ""))
            if hit is None:
                return Resp(status=404, body="<html><body>附件不存在</body></html>", cacheable=False)
            if f"://{view.site.host}/" not in req.headers.get("referer", ""):
                return Resp(body=NO_REFERER.encode("utf-8"), ctype="text/html;charset=UTF-8", cacheable=False)
            doc, att = hit
            # Tomcat writes the GBK file name bytes straight into the header (clients see mojibake).
            raw_name = att.name.encode("gbk", "replace").decode("latin-1")
            resp = self.file_response(view, doc, att, headers=[("Content-Disposition",
                                                                f"attachment; filename={raw_name}")])
            resp.ctype = "application/octet-stream"
            return resp

        out[DOWNLOAD] = download
        return out
