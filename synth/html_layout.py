"""A portal article page: the report nested in layout tables among menus, breadcrumb and footer,
as old county CMS templates print it."""

from __future__ import annotations

import random
from collections.abc import Callable
from html import escape
from typing import Any

from synth.document import Block

MENU = ("首页", "政务公开", "政务服务", "互动交流", "走进本地")
SIDE = ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开")
FOOTER_LINKS = ("网站地图", "联系我们", "隐私声明", "网站纠错")


def _head(record: dict[str, Any], site: str, rng: random.Random) -> str:
    title = escape(record["title"], quote=True)
    metas = ['<meta charset="utf-8">', f'<meta name="SiteName" content="{escape(site)}">',
             '<meta name="ColumnName" content="政府信息公开年报">',
             f'<meta name="ArticleTitle" content="{title}">']
    if record.get("published"):
        stamp = f"{record['published']} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
        metas.append(f'<meta name="PubDate" content="{stamp}">')
    return f"<head>\n{chr(10).join(metas)}\n<title>{title}_{escape(site)}</title>\n</head>"


def _article(record: dict[str, Any], blocks: list[Block], body: Callable[[list[Block]], str]) -> str:
    """Title and date line in the article header; the rest of the report in the TRS-style editor div."""
    info = [f"<span>发布日期：{record['published']}</span>"] if record.get("published") else []
    info += [f"<span>来源：{escape(record['agency'])}</span>", "<span>【字体：大 中 小】</span>"]
    rest = [b for b in blocks if b[0] not in ("title", "date")]
    return (f'<div class="article-title">{escape(record["title"])}</div>\n'
            f'<div class="article-info">{" ".join(info)}</div>\n'
            f'<div class="TRS_Editor">\n{body(rest)}\n</div>')


def _frame(site: str, content: str) -> str:
    """Three levels of layout tables: page, left menu + main column, breadcrumb + article."""
    menu = " | ".join(f'<a href="/{i}/">{m}</a>' for i, m in enumerate(MENU))
    side = "".join(f'<tr><td><a href="/xxgk/{i}/">{s}</a></td></tr>' for i, s in enumerate(SIDE))
    links = " | ".join(f'<a href="/about/{i}.html">{x}</a>' for i, x in enumerate(FOOTER_LINKS))
    return f"""<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="top">
<div class="logo">{escape(site)}</div><div class="menu">{menu}</div></td></tr>
<tr><td><table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>
<td width="200" valign="top" class="left"><table width="100%" border="0">{side}</table></td>
<td valign="top" class="main"><table width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政务公开</a>
 &gt; 政府信息公开年报</td></tr>
<tr><td class="content">
{content}
</td></tr></table></td></tr></table></td></tr></table>
<table width="100%" border="0" class="footer"><tr><td>{links}</td></tr>
<tr><td>主办单位：{escape(site)}办公室 | 网站标识码：1234000001
 | 备案号：ICP备12345678号-1</td></tr></table>"""


def layout_page(record: dict[str, Any], blocks: list[Block], body: Callable[[list[Block]], str],
                rng: random.Random) -> str:
    """The whole page; `body` renders the report blocks (paragraphs and data tables)."""
    site = f"{record['agency']}门户网站"
    content = _article(record, blocks, body)
    return f"<html>\n{_head(record, site, rng)}\n<body>\n{_frame(site, content)}\n</body>\n</html>\n"
