"""The layout registry: layout name -> (file extension, renderer(record, rng) -> bytes)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from synth.render_docx import render_docx
from synth.render_html import render_html
from synth.render_pdf import render_pdf
from synth.render_text import render_text

HTML_STYLES = ("plain", "gbk", "nbsp", "layout", "rowspan_alt")
Record = dict[str, Any]
Renderer = Callable[[Record, random.Random], bytes]


def _bind(fn: Callable[[Record, str, random.Random], bytes], style: str) -> Renderer:
    """Fix the style of a render_<fmt> function."""
    def renderer(record: Record, rng: random.Random) -> bytes:
        return fn(record, style, rng)
    renderer.__name__ = f"{fn.__name__}_{style}"
    return renderer


LAYOUTS: dict[str, tuple[str, Renderer]] = {
    **{f"html-{s}": ("html", _bind(render_html, s)) for s in HTML_STYLES},
    "docx": ("docx", _bind(render_docx, "docx")),
    "pdf": ("pdf", _bind(render_pdf, "pdf")),
    "tsv": ("txt", _bind(render_text, "tsv")),
    "md": ("md", _bind(render_text, "md")),
}


def render(record: Record, layout: str, rng: random.Random) -> tuple[bytes, str]:
    """Render a record in one layout; returns (bytes, file extension without the dot)."""
    ext, renderer = LAYOUTS[layout]
    return renderer(record, rng), ext
