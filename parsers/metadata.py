"""Title, agency, report year and published date from the text and page metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from parsers.models import Document
from parsers.text import quirks

# 政府 is often left out by departments under vertical management (XX地方税务局2013年信息公开年度报告).
_TITLE = re.compile(
    r"^(?P<pre>.*?)(?P<year>(?:19|20)\d{2})年度?(?P<mid>.*?)(?:政府|政务)?信息公开(?:工作)?(?:年度|年)?报告?"
)
_REPORT_WORDS = ("年度报告", "年报", "工作报告")
_PERIOD = re.compile(
    r"统计(?:期限|期间|周期|时限|时间|时段|区间|期)?(?:为|是|自|从)?(?P<y>(?:19|20)\d{2})年0?1月0?1日(?:起)?(?:至|到|-|—)"
)
# A title without a year (the year is then read from the statistics period): the whole line must be
# <agency>…信息公开工作年度报告, the agency part free of punctuation.
_TITLE_NO_YEAR = re.compile(
    r"^(?P<pre>[^，。,;；:：《》“”\d]{1,28}(?:县|市|区|旗|州|盟|镇|乡|街道|局|委员会|委|办公室|厅|院|部|署|中心|人民政府))"
    r"(?:政府|政务)?信息公开(?:工作)?年度报告$"
)
TITLE_LINE_MAX = 80
CACHED_LINE_MAX = 200  # longer lines are never titles; they are not kept in the cache either
WRAPPED_PART_MAX = 40  # a title printed over two lines: each part is short
_PUBLISHED = re.compile(
    r"(?:发布日期|发布时间|发文日期|成文日期|公开日期)[:：]?\s*(?P<y>\d{4})[-年/.](?P<m>\d{1,2})[-月/.](?P<d>\d{1,2})"
)
_META_DATE = re.compile(r"(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})")
_SPACES = re.compile(r"\s+")


@dataclass
class Metadata:
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    warnings: list[str] = field(default_factory=list)


def _squash(text: str) -> str:
    return _SPACES.sub("", text)


def _title_line(text: str) -> str:
    """A candidate title line without a leading label such as 名称： (quirks.yaml: title_label_pattern)."""
    return _short_title_line(text) if len(text) <= CACHED_LINE_MAX else _unlabelled(text)


@lru_cache(maxsize=8192)
def _short_title_line(text: str) -> str:
    """Cached: each line is asked for twice per document, and portal pages repeat their navigation lines."""
    return _unlabelled(text)


def _unlabelled(text: str) -> str:
    return quirks()["title_label_re"].sub("", _squash(text))


def _title_at(lines: list[str], i: int, with_year: bool) -> str | None:
    """Line i as a title, or lines i and i+1 together when the title is printed over two lines."""
    flat = _title_line(lines[i])
    if _is_title(flat, with_year):
        return flat
    if i + 1 >= len(lines) or any(w in flat for w in _REPORT_WORDS):
        return None  # a breadcrumb such as 政府信息公开年报 is not the first half of a title
    second = _squash(lines[i + 1])
    if len(flat) <= WRAPPED_PART_MAX and len(second) <= WRAPPED_PART_MAX and not _is_title(second, with_year):
        joined = flat + second
        return joined if _is_title(joined, with_year) else None
    return None


def _is_title(text: str, with_year: bool = True) -> bool:
    if len(text) > TITLE_LINE_MAX or not any(w in text for w in _REPORT_WORDS):
        return False
    return bool(_TITLE.match(text) if with_year else _TITLE_NO_YEAR.match(text))


def find_title(doc: Document) -> str | None:
    """The first line (or two) that names a report; a short line just above it is the agency (title pages)."""
    lines = list(islice((s for ln in doc.text.split("\n") if (s := ln.strip())), 40))  # stops at the 40th
    for with_year in (True, False):  # a title naming its year wins over one that does not
        for i in range(len(lines)):
            flat = _title_at(lines, i, with_year)
            if flat is None:
                continue
            m = _TITLE.match(flat)
            if m and not (m.group("pre") or m.group("mid")) and i > 0 and len(_squash(lines[i - 1])) <= 30:
                return _squash(lines[i - 1]) + flat
            return flat
    for key in ("ArticleTitle", "html_title", "docx_title"):
        if doc.meta.get(key) and _TITLE.match(_squash(doc.meta[key])):
            return _squash(doc.meta[key])
    return None


def split_title(title: str) -> tuple[str | None, int | None]:
    m = _TITLE.match(title)
    if not m:
        bare = _TITLE_NO_YEAR.match(title)
        return (bare.group("pre").strip("《》“”\"") or None, None) if bare else (None, None)
    agency = (m.group("pre") or m.group("mid")).strip("《》“”\"")
    return agency or None, int(m.group("year"))


def period_year(text: str) -> int | None:
    m = _PERIOD.search(_squash(text))
    return int(m.group("y")) if m else None


def published_date(doc: Document) -> str | None:
    m = _PUBLISHED.search(_squash(doc.text[:5000])) or _PUBLISHED.search(_squash(doc.text[-3000:]))
    if m is None and doc.meta.get("PubDate"):
        m = _META_DATE.search(doc.meta["PubDate"])
    if m is None:
        return None
    return f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"


def read_metadata(doc: Document) -> Metadata:
    meta = Metadata(title=find_title(doc), published=published_date(doc))
    title_year = None
    if meta.title:
        meta.agency, title_year = split_title(meta.title)
    stat_year = period_year(doc.text)
    meta.year = title_year or stat_year
    if title_year and stat_year and title_year != stat_year:
        meta.warnings.append(
            f"the title says {title_year} but the statistics period in the text says {stat_year}"
        )
    return meta
