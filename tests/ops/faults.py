"""Faults injected into a real crawl through its settings (`-s ITEM_PIPELINES=…`, `-s EXTENSIONS=…`), to check
that a crawl that goes wrong does not report success."""

from __future__ import annotations

from typing import Any

import parsers


class RaiseOnce:
    """A pipeline that raises on the first report document, like a pipeline bug would (a traceback in the log)."""

    raised = False

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if item.kind in ("article", "attachment") and not RaiseOnce.raised:
            RaiseOnce.raised = True
            raise RuntimeError("injected pipeline fault")
        return item


class BrokenParser:
    """Every document's parse fails inside the parser (as when its templates cannot be read from a zipped egg):
    `parsers.parse` records status 'error' and logs nothing."""

    def __init__(self) -> None:
        def broken(doc: Any) -> dict:
            raise NotADirectoryError("parsers/templates: not a directory (injected)")

        parsers.build_record = broken

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrokenParser:
        return cls()
