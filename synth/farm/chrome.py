"""Page parts every portal shares: the meta tags the 2017 指引 requires, the 索引号 block, attachment lists,
and the header/footer chrome (a few KB of links, ICP numbers and monitoring scripts, as on real pages).

Family modules hold their own markup as templates; this module fills them and provides the common parts.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Mapping
from html import escape
from typing import Any

from synth.farm.model import Attachment, Doc, Site
from synth.farm.registry import DEPARTMENT_BY_SLUG, PROVINCE_ABBR

PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def fill(template: str, ctx: Mapping[str, Any]) -> str:
    """Replace {{name}} placeholders; a missing name is a bug, so it raises."""
    return PLACEHOLDER.sub(lambda m: str(ctx[m.group(1)]), template)


def charset_meta(site: Site) -> str:
    """UTF-8 sites declare it; GBK sites either declare gb2312 in <meta> or nothing (header only)."""
    return {"utf-8": '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">',
            "gbk-meta": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
            "gbk-header": ""}[site.encoding]


def date_text(when: dt.datetime, fmt: str) -> str:
    """PubDate in a site's format: '2024-01-20 09:30', '2024-01-20 09:30:00', '2024年01月20日' or '2024-01-20'."""
    return {"minute": when.strftime("%Y-%m-%d %H:%M"), "second": when.strftime("%Y-%m-%d %H:%M:%S"),
            "chinese": when.strftime("%Y年%m月%d日"), "date": when.strftime("%Y-%m-%d")}[fmt]


def meta_tags(site: Site, *, column: str | None = None, column_type: str = "信息公开", doc: Doc | None = None,
              source_case: str = "ContentSource") -> str:
    """The 说明标签 of home (Site*), column (+Column*) and article pages (+Article*, PubDate, ContentSource)."""
    tags = [("SiteName", site.name), ("SiteDomain", site.host), ("SiteIDCode", site.site_id_code)]
    if column is not None:
        tags += [("ColumnName", column), ("ColumnDescription", f"{site.name}{column}栏目"),
                 ("ColumnKeywords", f"{column},政府信息公开"), ("ColumnType", column_type)]
    if doc is not None:
        source = doc.unit.agency if doc.unit else site.owner.agency
        tags += [("ArticleTitle", doc.title), ("PubDate", date_text(doc.published, site.options["pubdate"])),
                 (source_case, source),
                 ("Keywords", "政府信息公开,年度报告" if doc.kind == "report" else "政府信息公开"),
                 ("Url", f"http://{site.host}{doc.path}")]
    return "\n".join(f'<meta name="{name}" content="{escape(str(value), quote=True)}">' for name, value in tags)


def index_number(doc: Doc, site: Site) -> str:
    return doc.index_no or f"{site.owner.credit}/{doc.published.year}-{doc.id % 100000:05d}"


def info_block(site: Site, doc: Doc) -> str:
    """The 索引号/发布机构/发文日期 block in one of the three markups seen on portals."""
    agency = escape(doc.unit.agency if doc.unit else site.owner.agency)
    fields = [("索引号", escape(index_number(doc, site))), ("发布机构", agency),
              ("发文日期", doc.published.strftime("%Y-%m-%d")), ("主题分类", "综合政务\\政务公开"),
              ("名称", escape(doc.title)), ("文号", "无")]
    style = site.options["info"]
    if style == "p_strong":  # 邯郸 TRS: <p><strong>索引号</strong>：…</p> in two floated columns
        left = "".join(f"<p><strong>{k}</strong>：{v}</p>" for k, v in fields[:3])
        right = "".join(f"<p><strong>{k}</strong>：{v}</p>" for k, v in fields[3:])
        return (f'<div class="top cf">\n<div class="top-l fl">{left}</div>\n<div class="top-r fr">{right}</div>\n'
                f'<div style="clear: both;"></div>\n</div>')
    if style == "row":  # all labels in label/value pairs, two pairs a row
        cells = [f"<td class=\"t1\">{k}：</td><td class=\"t2\">{v}</td>" for k, v in fields]
        rows = "".join(f"<tr>{''.join(cells[i:i + 2])}</tr>" for i in range(0, len(cells), 2))
        return f'<table class="xxgk_table" width="100%" cellspacing="0" cellpadding="0">{rows}</table>'
    rows = "".join(f'<tr><td class="xxgk_td_l"><b>{k}：</b></td><td class="xxgk_td_r">{v}</td></tr>'
                   for k, v in fields)
    return f'<table class="xxgk-info" border="0" cellspacing="0" cellpadding="0">{rows}</table>'


def attachment_links(atts: list[Attachment], href: Any, *, css: str = "fj") -> str:
    """An attachment list: 附件：<a href=…>name</a>; `href(att)` gives each link (relative or absolute)."""
    items = [a for a in atts if a.fmt != "png"]
    if not items:
        return ""
    links = "\n".join(f'<p><a href="{escape(href(a), quote=True)}" target="_blank" title="{escape(a.name)}">'
                      f'{escape(a.name)}</a></p>' for a in items)
    return f'<div class="{css}">\n<p class="fj-title">附件：</p>\n{links}\n</div>'


def images_html(atts: list[Attachment], href: Any) -> str:
    """Image-only reports: one <img> per scanned page."""
    return "\n".join(f'<p style="text-align: center;"><img src="{escape(href(a), quote=True)}" border="0" '
                     f'alt="{escape(a.name)}" oldsrc="{escape(a.name)}"></p>' for a in atts if a.fmt == "png")


def icp(site: Site) -> str:
    rng = random.Random(site.seed + "|icp")
    abbr = PROVINCE_ABBR.get(site.county.adcode[:2], "京")
    return f"{abbr}ICP备{rng.randint(5000000, 19999999):08d}号-{rng.randint(1, 3)}"


def police(site: Site) -> str:
    rng = random.Random(site.seed + "|police")
    abbr = PROVINCE_ABBR.get(site.county.adcode[:2], "京")
    return f"{abbr}公网安备 {site.county.adcode}{rng.randint(10000000, 99999999)}号"


def chrome_ctx(site: Site, links: Mapping[str, str]) -> dict[str, Any]:
    """Values every header/footer template may use."""
    rng = random.Random(site.seed + "|chrome")
    conac = "".join(rng.choice("0123456789ABCDEF") for _ in range(32))
    province = site.county.province
    return {
        "site_name": escape(site.name), "host": site.host, "sitecode": site.site_id_code, "icp": icp(site),
        "police": police(site), "conac": conac, "county": escape(site.county.name), "province": escape(province),
        "prefecture": escape(site.county.prefecture or province), "year": links.get("year", "2025"),
        "home": links.get("home", "/"), "platform": links.get("platform", "/"),
        "search_action": links.get("search", "/search/"),
        "dept_links": department_links(site),
    }


def department_links(site: Site) -> str:
    """部门网站: links (and the usual <select>) to the county's department sites that exist in the farm."""
    if not site.department_hosts:
        return ""
    names = [(h, site.county.name + DEPARTMENT_BY_SLUG[h.split(".", 1)[0]].name) for h in site.department_hosts]
    items = "".join(f'<li><a href="http://{h}/" target="_blank">{escape(n)}</a></li>' for h, n in names)
    options = "".join(f'<option value="http://{h}/">{escape(n)}</option>' for h, n in names)
    return (f'<div class="bmwz"><span>部门网站：</span><ul>{items}</ul>\n'
            f'<select onchange="if(this.value!=\'\')window.open(this.value)"><option value="">县直部门</option>'
            f"{options}</select></div>")


# Outside links every portal carries (they are not in the farm: following them answers 502).
GOV_LINKS = (("中国政府网", "http://www.gov.cn/"), ("国务院部门网站", "http://www.gov.cn/bumen/"),
             ("全国政务服务平台", "http://gjzwfw.www.gov.cn/"))
NEWS_TOPICS = ("召开全县经济运行分析会", "开展安全生产大检查", "推进乡村振兴重点工作", "召开政府常务会议",
               "部署防汛抗旱工作", "开展优化营商环境专项行动", "召开政务公开工作推进会", "开展食品安全宣传周活动",
               "推进重点项目建设", "召开民生实事项目推进会", "开展森林防火督查", "举行招商引资项目签约仪式")


def news_items(site: Site, n: int, href: str) -> list[tuple[str, str, str]]:
    """(title, date, href) of home-page news: plausible filler, all pointing at the news column."""
    rng = random.Random(site.seed + "|news")
    out = []
    day = dt.date(2025, 5, 28)
    for _ in range(n):
        day -= dt.timedelta(days=rng.randint(0, 4))
        out.append((f"{site.county.name}{rng.choice(NEWS_TOPICS)}", day.isoformat(), href))
    return out
