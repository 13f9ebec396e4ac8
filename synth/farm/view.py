"""A site as it stands at one generation: which documents are online, how lists page, what links where.

Families render from a SiteView; it holds no markup. One view per (site, generation), cached by the farm.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING

from synth.farm.http import Handler
from synth.farm.model import Column, Doc, Link, Site, SiteContent

if TYPE_CHECKING:
    from synth.farm.families.base import Family
    from synth.farm.spec import FarmSpec

Entry = Doc | Link


class SiteView:
    def __init__(self, spec: FarmSpec, site: Site, content: SiteContent, gen: int, family: Family) -> None:
        self.spec, self.site, self.content, self.gen, self.family = spec, site, content, gen, family
        self._lock = threading.Lock()
        self._routes: dict[str, Handler] | None = None

    @property
    def pages(self) -> dict[str, str]:
        return self.content.pages

    def column(self, key: str) -> Column:
        return self.content.columns[key]

    def entries(self, key: str) -> list[Entry]:
        """What a column's list shows at this generation, newest first: its own and its sub-columns' documents
        (reports, notices, dead links) plus outside links."""
        return self.content.entries(key, self.gen)

    def paged(self, key: str) -> list[list[Entry]]:
        """The column's list cut into pages (always at least one, possibly empty)."""
        size = self.column(key).page_size
        items = self.entries(key)
        return [items[i:i + size] for i in range(0, len(items), size)] or [[]]

    def children(self, key: str) -> list[Column]:
        """Sub-columns online at this generation."""
        return [self.content.columns[k] for k in self.column(key).children if self.content.visible(k, self.gen)]

    def is_leaf(self, key: str) -> bool:
        return not self.column(key).children

    def crumbs(self, key: str) -> list[Column]:
        """Column path from the 年报 root down to `key`."""
        out = []
        cur: str | None = key
        while cur is not None:
            out.append(self.content.columns[cur])
            cur = self.content.columns[cur].parent
        return out[::-1]

    @cached_property
    def docs_by_path(self) -> dict[str, Doc]:
        return {d.path: d for d in self.content.docs if d.present(self.gen) and d.kind != "dead"}

    @property
    def routes(self) -> dict[str, Handler]:
        """Path -> handler, built on first use."""
        if self._routes is None:
            with self._lock:
                if self._routes is None:
                    self._routes = self.family.routes(self)
        return self._routes
