"""博达 VSB: articles at /info/<col>/<id>.htm, lists at <col>.htm then <col>/N.htm, with 下页 links."""

from __future__ import annotations

import re

from crawler.families.base import Family

ARTICLE = re.compile(r"/info/\d+/\d+\.htm")
MARKERS = ("_sitegray", "vsb_", "/system/_content/download.jsp", "VsbFormFunc")


class VsbFamily(Family):
    name = "vsb"

    def matches(self, url: str, body: str) -> bool:
        return any(m in body for m in MARKERS) or bool(ARTICLE.search(body[:200000]))
