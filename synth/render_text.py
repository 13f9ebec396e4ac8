"""Flattened text renderings: tab-separated tables (like text copied out of a Word file) and
markdown pipe tables. Merged cells are lost: a spanning label appears once, covered positions are empty."""

from __future__ import annotations

import random
from typing import Any

from synth.document import Block, document_blocks
from synth.grid import Grid, cell_text, expand


def grid_lines(grid: Grid) -> list[list[str]]:
    """Rows of cell texts with every span flattened to empty cells."""
    return [["" if c is None else cell_text(c) for c in row] for row in expand(grid)]


def _tsv_block(kind: str, block: Any) -> str:
    if kind == "table":
        return "\n".join("\t".join(cells) for cells in grid_lines(block))
    return block


def _md_table(grid: Grid) -> str:
    lines = ["| " + " | ".join(cells) + " |" for cells in grid_lines(grid)]
    lines.insert(1, "|" + "---|" * grid.ncols)
    return "\n".join(lines)


def _md_block(kind: str, block: Any) -> str:
    prefix = {"title": "# ", "heading": "## "}.get(kind, "")
    return _md_table(block) if kind == "table" else prefix + block


def render_text(record: dict[str, Any], style: str, rng: random.Random) -> bytes:
    """style "tsv" or "md"; UTF-8, blocks separated by blank lines."""
    blocks: list[Block] = document_blocks(record)
    fmt = {"tsv": _tsv_block, "md": _md_block}[style]
    return ("\n\n".join(fmt(kind, b) for kind, b in blocks) + "\n").encode("utf-8")
