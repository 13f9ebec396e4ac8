"""Any portal: anchors, and next-page links by their text (下一页, 下页 …)."""

from __future__ import annotations

from crawler.families.base import Family


class GenericFamily(Family):
    name = "generic"

    def matches(self, url: str, body: str) -> bool:
        return True
