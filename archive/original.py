"""An archived original shown in the browser at the place a number was printed.

PDFs are sent inline (the browser's viewer opens them at `#page=N`). HTML, text, markdown and Word files are
never sent as they are: they are extracted with the parsers' own extractor and re-laid as escaped HTML (no
markup, script or link of the original survives), the table row the number came from marked, so the grid
position stored with each cell (grid_table, grid_row, grid_col) points at the same row the parser read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

VIEWABLE = ("html", "txt", "md", "docx")  # extracted and re-laid; doc/wps would need LibreOffice at request time
MAX_VIEW_BYTES = 20 * 1024 * 1024
# Same safety headers as /-/raw/ (a sandbox without scripts); the re-laid view may only style itself.
HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
           "Cache-Control": "public, max-age=3600"}
VIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
# Chromium refuses to start its PDF viewer in a CSP-sandboxed document, so an inline PDF (only bytes sniffed as
# PDF, sent as application/pdf with nosniff) trades `sandbox` for: no resource loads but the viewer's own
# embed, and no framing by other sites. Its viewer runs in a separate process with no reach into this origin.
PDF_CSP = "default-src 'none'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:0;color:#222;line-height:1.6}
header{position:sticky;top:0;background:#8a1c1c;color:#fff;padding:.5em 1em;font-size:.9em}
header a{color:#fff}
main{padding:1em 1.5em;max-width:70em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}
td{border:1px solid #999;padding:.2em .4em;vertical-align:top}
tr.hit td{background:#fff3b0}
td.hit-cell{outline:3px solid #c0392b;outline-offset:-3px;font-weight:bold}
tr:target td{background:#fff3b0}
tr{scroll-margin-top:4em}
p{margin:.4em 0;white-space:pre-wrap}
.tno{color:#888;font-size:.8em;margin-top:1.5em}
"""


@dataclass(frozen=True)
class Mark:
    """The cell to mark: table index, grid row and (optionally) grid column in the extracted document."""

    table: int | None = None
    row: int | None = None
    col: int | None = None


def stored_bytes(root: Path, sha: str) -> bytes | None:
    """The bytes of a document from the content-addressed store, None when absent or corrupt."""
    try:
        data = (root / sha[:2] / sha[2:4] / sha).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha else None


def _spans(origin: list[list], r: int, c: int) -> tuple[int, int]:
    colspan = 1
    while c + colspan < len(origin[r]) and origin[r][c + colspan] == (r, c):
        colspan += 1
    rowspan = 1
    while r + rowspan < len(origin) and origin[r + rowspan][c] == (r, c):
        rowspan += 1
    return colspan, rowspan


def _table_html(table, mark: Mark) -> Markup:
    rows = []
    for r, cells in enumerate(table.grid):
        hit_row = mark.table == table.index and mark.row == r
        tds = []
        for c, text in enumerate(cells):
            origin = table.origin[r][c]
            if origin is not None and origin != (r, c):
                continue  # covered by a merged cell drawn above or to the left
            colspan, rowspan = _spans(table.origin, r, c) if origin else (1, 1)
            attrs = Markup("")
            if colspan > 1:
                attrs += Markup(' colspan="{}"').format(colspan)
            if rowspan > 1:
                attrs += Markup(' rowspan="{}"').format(rowspan)
            if hit_row and mark.col == c:
                attrs += Markup(' class="hit-cell"')
            tds.append(Markup("<td{}>{}</td>").format(attrs, text))
        row_class = Markup(' class="hit"') if hit_row else Markup("")
        rows.append(Markup('<tr id="t{}r{}"{}>{}</tr>').format(table.index, r, row_class, Markup("").join(tds)))
    n = table.index + 1
    caption = Markup('<p class="tno" id="t{}">第 {} 张表 / table {}</p>').format(table.index, n, n)
    return caption + Markup("<table>{}</table>").format(Markup("\n").join(rows))


def render_view(data: bytes, fmt: str, mark: Mark, title: str, raw_href: str) -> str:
    """The whole page: every paragraph and table of the document as escaped text, the marked row highlighted."""
    from parsers.extract import extract
    from parsers.models import ExtractError, Table

    try:
        document = extract(data, fmt)
    except ExtractError as exc:
        body = Markup("<p>无法显示此文件 / cannot show this file: {}</p>").format(exc.message)
    else:
        parts = [_table_html(b, mark) if isinstance(b, Table) else Markup("<p>{}</p>").format(b.text)
                 for b in document.blocks]
        body = Markup("\n").join(parts)
    t, r = (mark.table or 0) + 1, (mark.row or 0) + 1
    where = (Markup(" · 标出：第 {} 张表第 {} 行 / marked: table {}, row {}").format(t, r, t, r)
             if mark.table is not None and mark.row is not None else Markup(""))
    header = Markup('<header>存档原件的文字与表格（按原顺序，格式已去除）/ The archived original as text and tables, '
                    'in printed order{} · <a href="{}">下载原件 / download the original</a></header>').format(
        where, raw_href)
    return str(Markup('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{}</title>'
                      '<style>{}</style></head><body>{}<main>{}</main></body></html>').format(
        escape(title), Markup(STYLE), header, body))


def raw_root(config: dict, db_path: str | None) -> Path | None:
    """Where the raw store is, as /-/raw/ finds it: plugin config raw_root, $NIANBAO_RAW_ROOT, raw/ beside the db."""
    import os

    root = config.get("raw_root") or os.environ.get("NIANBAO_RAW_ROOT")
    if root:
        return Path(root)
    return Path(db_path).parent / "raw" if db_path else None


def original_href(sha: str, fmt: str | None, cell: dict) -> str | None:
    """The link from one stored cell to its printed place: a PDF at its page, other formats at its table row."""
    if not sha:
        return None
    if fmt == "pdf":
        return f"/-/original/{sha}" + (f"#page={cell['page']}" if cell.get("page") else "")
    if fmt not in VIEWABLE:
        return None
    if cell.get("grid_table") is None or cell.get("grid_row") is None:
        return f"/-/original/{sha}"
    t, r, c = cell["grid_table"], cell["grid_row"], cell.get("grid_col")
    col = f"&c={c}" if c is not None else ""
    return f"/-/original/{sha}?t={t}&r={r}{col}#t{t}r{r}"
