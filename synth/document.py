"""The printed order of a report, shared by all renderers: title, date, then each section's heading,
paragraphs and table."""

from __future__ import annotations

from typing import Any

from synth.tables import record_grids

Block = tuple[str, Any]     # ("title" | "date" | "heading" | "para", str) or ("table", Grid)


def document_blocks(record: dict[str, Any], alt: bool = False) -> list[Block]:
    """Blocks in reading order; a section's table follows its prose (tables in sections 二, 三, 四)."""
    blocks: list[Block] = [("title", record["title"])]
    if record.get("published"):
        blocks.append(("date", f"发布日期：{record['published']}"))
    grids = record_grids(record, alt)
    for section in record["sections"]:
        blocks.append(("heading", section["heading"]))
        blocks += [("para", p) for p in section["text"].split("\n") if p]
        if section["no"] in grids:
            blocks.append(("table", grids[section["no"]]))
    return blocks
