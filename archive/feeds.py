"""Atom feeds of the archive (RFC 4287): new reports, late reports, failing checks, edits after publication,
each filterable by province and agency. SQL with bound parameters in, Atom XML out (lxml, escaped)."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from archive.history import timeliness

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50
KINDS = {
    "new": ("新存档的报告 / New reports in the archive", "r.first_seen"),
    "late": ("逾期发布的报告 / Reports published after the legal deadline", "r.published"),
    "failing": ("算术校验未通过的报告 / Reports whose arithmetic fails", "r.first_seen"),
    "edits": ("发布后被修改的报告（新版本）/ Reports edited after publication (new versions)", "r.first_seen"),
}
BASE_SQL = """
SELECT r.id, r.agency_id, r.agency, r.year, r.title, r.published, r.first_seen, r.version, a.level AS agency_level,
  d.province, d.name AS county, s.new_requests, s.total_processed, s.denied, s.failing_checks
FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id LEFT JOIN divisions d ON d.code = r.division_code
LEFT JOIN report_summary s ON s.report_id = r.id
WHERE r.status IN ('ok', 'partial') AND (:province = '' OR d.province = :province)
  AND (:agency = '' OR r.agency_id = CAST(:agency AS INTEGER)) {extra}
ORDER BY {order} DESC, r.id DESC LIMIT :limit
"""
EXTRA = {"new": "", "late": "AND r.published IS NOT NULL", "failing": "AND s.failing_checks > 0",
         "edits": "AND r.version > 1"}


def feed_sql(kind: str) -> str:
    return BASE_SQL.format(extra=EXTRA[kind], order=KINDS[kind][1])


def select(kind: str, rows: list[dict]) -> list[dict]:
    """Late reports are those past their level's deadline (archive/data/deadlines.csv); others as queried."""
    if kind != "late":
        return rows[:LIMIT]
    late = []
    for r in rows:
        t = timeliness(r, r.get("agency_level"))
        if t["late"]:
            late.append({**r, **t})
    return late[:LIMIT]


def stamp(value: str | None) -> str:
    """An RFC 3339 timestamp from a stored date or UTC time."""
    if not value:
        return "1970-01-01T00:00:00Z"
    if len(value) == 10:
        return value + "T00:00:00Z"
    return value if value.endswith("Z") or "+" in value[10:] else value + "Z"


def _summary(kind: str, r: dict) -> str:
    parts = [f"{r.get('province') or ''} {r.get('county') or ''}".strip(), f"年度 year {r.get('year') or '?'}",
             f"发布 published {r.get('published') or '—'}"]
    if kind == "late":
        parts.append(f"期限 deadline {r['due']}，逾期 {r['days_late']} 天 / {r['days_late']} days late")
    if kind == "failing":
        parts.append(f"{r.get('failing_checks')} 项校验未通过 / failing checks")
    if kind == "edits":
        parts.append(f"第 {r.get('version')} 版 / version {r.get('version')}")
    parts.append(f"新收申请 new requests {r['new_requests'] if r.get('new_requests') is not None else '空白 blank'}")
    return " · ".join(parts)


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ATOM}}}{tag}", **attrs)
    if text is not None:
        el.text = text
    return el


def atom(kind: str, rows: list[dict], self_url: str, absolute: Callable[[str], str], filters: str) -> bytes:
    """The feed document; `absolute` turns a site path into an absolute URL (entry ids and links)."""
    title, _ = KINDS[kind]
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _add(feed, "id", self_url)
    _add(feed, "title", f"年报库 nianbao · {title}{' · ' + filters if filters else ''}")
    times = [stamp(r["published"] if kind == "late" else r["first_seen"]) for r in rows]
    _add(feed, "updated", max(times) if times else stamp(None))
    _add(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=absolute("/"), type="text/html")
    _add(_add(feed, "author"), "name", "nianbao")
    for r, when in zip(rows, times, strict=True):
        entry = _add(feed, "entry")
        href = absolute(f"/nianbao/reports/{r['id']}")
        _add(entry, "id", f"{href}#{kind}")
        _add(entry, "title", f"{r.get('agency') or '?'} · {r.get('year') or '?'} · {r.get('title') or ''}".strip(" ·"))
        _add(entry, "updated", when)
        _add(entry, "link", rel="alternate", href=href, type="text/html")
        _add(entry, "summary", _summary(kind, r))
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
