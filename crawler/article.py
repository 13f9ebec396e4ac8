"""What an article page tells besides its body: the standard meta tags, the 索引号 block, attachments (pure)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import html as lxml_html

from crawler.families.base import anchors
from crawler.urls import is_attachment
from parsers.extract.embedded import embedded_pdfs

META_NAMES = ("ArticleTitle", "PubDate", "ContentSource", "SiteIDCode", "ColumnName", "SiteName", "Url")
INFO_LABELS = ("索引号", "发布机构", "发文机关", "发文单位", "发文日期", "成文日期", "发布日期", "生成日期", "文号",
               "发文字号", "主题分类", "组配分类", "有效性")
_LABEL = re.compile(r"^\s*(" + "|".join(INFO_LABELS) + r")\s*[:：]?\s*(.*)$", re.S)


def meta_tags(root: lxml_html.HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in root.iter("meta"):
        name, content = (m.get("name") or "").strip(), (m.get("content") or "").strip()
        for wanted in META_NAMES:
            if name.lower() == wanted.lower() and content and wanted not in found:
                found[wanted] = content
    return found


def info_block(root: lxml_html.HtmlElement) -> dict[str, str]:
    """索引号/发布机构/发文日期 …: a label cell followed by its value, or "label：value" in one element."""
    found: dict[str, str] = {}
    cells = [" ".join(el.text_content().split()) for el in root.iter("td", "th", "li", "span", "p", "div")
             if len(el.text_content()) < 120]
    for i, text in enumerate(cells):
        m = _LABEL.match(text)
        if not m or m.group(1) in found:
            continue
        value = m.group(2).strip() or (cells[i + 1].strip() if i + 1 < len(cells) else "")
        if value and not _LABEL.match(value):
            found[m.group(1)] = value
    return found


def attachments(body: str, url: str, root: lxml_html.HtmlElement | None = None) -> list[str]:
    """Linked files (pdf, doc, xls …), embedded PDF viewers' documents, and report pages printed as images
    (<img src>, never oldsrc=/alt=)."""
    seen: list[str] = []
    for link in anchors(body, url):
        if is_attachment(link.url) and link.url not in seen:
            seen.append(link.url)
    root = root if root is not None else lxml_html.fromstring(body)
    seen += [u for u in embedded_pdfs(root, url) if u not in seen]  # pdf.js viewers, <iframe>/<embed>/<object>
    for img in root.iter("img"):
        full = urljoin(url, (img.get("src") or "").strip())
        if is_attachment(full) and "/images/" not in full and full not in seen and "logo" not in full.lower():
            seen.append(full)
    return seen


def read_article(body: str, url: str) -> tuple[dict[str, str], list[str]]:
    try:
        root = lxml_html.fromstring(body)
    except (ValueError, lxml_html.etree.ParserError):
        return {}, []
    return {**meta_tags(root), **info_block(root)}, attachments(body, url, root)
