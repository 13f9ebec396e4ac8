"""The non-government mirror (www.haose21.com): a 范文 site that copies county reports. A crawler must refuse
it (only *.gov.cn is trusted), so nothing here should ever be requested by a well-behaved spider."""

from __future__ import annotations

import random
from html import escape

from synth.farm import content
from synth.farm.families.base import SITE_BUILT, Family
from synth.farm.http import Handler, Req, Resp
from synth.farm.model import Doc, Site, SiteContent
from synth.farm.templates.mirror import PAGE
from synth.farm.view import SiteView


class Mirror(Family):
    name = "mirror"

    def layout(self, site: Site, content: SiteContent, rng: random.Random) -> None:
        del site, content, rng

    def list_url(self, site: Site, content: SiteContent, key: str, page: int, total: int = 1) -> str:
        return "/"

    def routes(self, view: SiteView) -> dict[str, Handler]:
        out: dict[str, Handler] = {"/": lambda req: Resp(body=self.home(view), modified=SITE_BUILT)}
        for doc in view.content.docs:
            out[doc.path] = lambda req, d=doc: Resp(body=self.copy(view, d), modified=d.published)
        return out

    def home(self, view: SiteView) -> str:
        items = "".join(f'<li><a href="{d.path}">{escape(d.title)}</a></li>' for d in view.content.docs)
        return PAGE.format(title="好范文网", main=f"<ul>{items}</ul>")

    def copy(self, view: SiteView, doc: Doc) -> str:
        source = view.spec.sites[doc.source]
        original = next(d for d in view.spec.content(doc.source).docs if d.id == doc.id)
        body = content.inline_html(source, original, 0)
        return PAGE.format(title=f"{escape(doc.title)} - 好范文网", main=f"<h1>{escape(doc.title)}</h1>{body}")

    def fallback(self, view: SiteView, req: Req) -> Resp | None:
        del view, req
        return None
