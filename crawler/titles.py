"""Recognise annual-report titles, their year, and the links that lead to 年报 columns (pure)."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
REPORT_TITLE = re.compile(r"(?:政府)?信息公开(?:工作)?年度?报告?|政务公开(?:工作)?年度报告|信息公开年报")
# Reports of other regimes that share words with ours; never 年报 of the disclosure regime.
NOT_REPORT = re.compile(
    r"网站(?:工作)?年度报表|网站年度报表|统计年报|财务报告|决算|预算|指南|制度|目录|通知|转发|印发|考核|评议结果"
)
YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
COLUMN_TEXT = re.compile(
    r"^(?:政府)?信息公开(?:工作)?年(?:度)?报(?:告)?$|^年度报告$|^年报$|^信息公开年报$|^政府信息公开年报$|"
    r"^(?:政府)?信息公开(?:工作)?年度报告$|^政务公开年报$"
)
SUBCOLUMN_TEXT = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年(?:度)?)$|^(?:(?:19|20)\d{2})$|^(?:县|区|市|旗)?(?:本级|政府)$|"
    r"^(?:县直|区直|市直|旗直)?(?:部门|单位)$|^(?:乡镇|乡|镇)(?:街道|\((?:街道|社区)\))?$|^(?:乡镇)?街道$|"
    r"^乡镇[、/和及]街道$|^部门年报$|^乡镇年报$|^(?:县|区|市|旗)政府年报$"
)
NAV_TEXT = re.compile(r"^(?:政务公开|政府信息公开|信息公开|政府信息公开专栏|法定主动公开内容)$")


def _flat(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def is_report_title(title: str) -> bool:
    """A 政府信息公开工作年度报告 (not a website report, a budget, a guide, a notice about reports, nor the bare
    name of a 年报 column such as 政府信息公开工作年度报告, which links to a list, not to a report)."""
    flat = _flat(title)
    return bool(REPORT_TITLE.search(flat)) and not NOT_REPORT.search(flat) and not COLUMN_TEXT.match(flat)


def report_year(title: str) -> int | None:
    """The year a title names (the reporting year, usually; the parser checks it against the text)."""
    m = YEAR.search(_flat(title))
    return int(m.group(1)) if m else None


def is_report_column(text: str) -> bool:
    return bool(COLUMN_TEXT.match(_flat(text)))


def is_subcolumn(text: str) -> bool:
    return bool(SUBCOLUMN_TEXT.match(_flat(text)))


def is_navigation(text: str) -> bool:
    return bool(NAV_TEXT.match(_flat(text)))
