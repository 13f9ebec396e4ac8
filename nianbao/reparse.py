"""`nianbao reparse`: every stored document through the current parsers, in the context it was fetched in.

Every document counts, not only rows of `reports`: a wrapper page or a twin that an older parser set aside
may be a report now. The crawl's decisions are taken again from what the fetches table kept of the page
(kind, meta tags, the attachments it linked): a page whose report is printed as images is read by OCR from its
archived page images (nianbao/page_ocr.py; `image_only` while they cannot be read, never `ok` with no numbers),
a wrapper page stays a wrapper, a twin of another report stays out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from archive.db import write_transaction
from archive.rawstore import CorruptDocument
from archive.save import now, save_report, twin_report
from crawler.pipelines import _fill_from_page, _has_tables, mark_image_only
from crawler.titles import report_year
from crawler.urls import is_image
from nianbao.page_ocr import ocr_article
from nianbao.pipeline import Archive, Outcome
from parsers import parse

NOT_REPORT_FORMATS = ("image",)  # page images are parts of their article's report


@dataclass
class Context:
    """What the archive knows of how a document was fetched (its newest successful fetch)."""

    url: str
    kind: str | None
    fetched_at: str | None
    content_type: str | None
    meta: dict
    attachments: list[str]


def _context(archive: Archive, sha: str) -> Context | None:
    row = archive.db.execute(
        "SELECT url, kind, fetched_at, headers, meta FROM fetches WHERE sha256 = ? AND outcome = 'ok' "
        "ORDER BY kind IN ('article', 'attachment') DESC, id DESC LIMIT 1", [sha]).fetchone()
    if row is None:
        return None
    headers = {k.lower(): v for k, v in json.loads(row[3] or "{}").items()}
    meta = json.loads(row[4] or "{}")
    attachments = meta.pop("attachments", [])
    return Context(row[0], row[1], row[2], headers.get("content-type"), meta, attachments)


def record_in_context(data: bytes, ctx: Context, archive: Archive | None = None) -> dict | None:
    """The report this document holds, decided as the crawl decides; None for wrapper pages and list pages.
    Given the archive, an article printed as page images is read by OCR from its archived images."""
    if ctx.kind not in (None, "article", "attachment"):
        return None
    record = parse(data, source=ctx.url, content_type=ctx.content_type)
    printed_as_images = ctx.kind == "article" and bool(ctx.attachments) and not _has_tables(record)
    if printed_as_images:
        if not all(is_image(u) for u in ctx.attachments):
            return None
        mark_image_only(record, len(ctx.attachments))
    if ctx.kind is not None:
        title = ctx.meta.get("ArticleTitle") or ""
        _fill_from_page(record, ctx.meta, report_year(title) if title else None)
    if printed_as_images and archive is not None:
        return ocr_article(archive, record, ctx.url, ctx.attachments)
    return record


def _documents(archive: Archive, only_status: str | None, shas: list[str] | None = None) -> list[tuple[str, str]]:
    if shas is not None:
        marks = ", ".join("?" for _ in shas)
        return archive.db.execute(f"SELECT sha256, format FROM documents WHERE sha256 IN ({marks}) ORDER BY rowid",
                                  shas).fetchall()
    if only_status:
        return archive.db.execute("SELECT d.sha256, d.format FROM documents d JOIN reports r ON r.sha256 = d.sha256 "
                                  "WHERE r.status = ? ORDER BY d.rowid", [only_status]).fetchall()
    return archive.db.execute("SELECT sha256, format FROM documents ORDER BY rowid").fetchall()


def reparse_documents(archive: Archive, only_status: str | None = None, shas: list[str] | None = None) -> Outcome:
    """Parse every stored document (or those given) again; changed values are kept as history (value_changes,
    parse_runs)."""
    outcome = Outcome()
    db = archive.db
    for sha, fmt in _documents(archive, only_status, shas):
        ctx = _context(archive, sha)
        if ctx is None or fmt in NOT_REPORT_FORMATS:
            outcome.counts["not a report alone"] += 1
            continue
        existing = db.execute("SELECT source_url, first_seen, division_code, parser_version FROM reports "
                              "WHERE sha256 = ?", [sha]).fetchone()
        try:
            data = archive.store.read(sha)
        except (OSError, CorruptDocument) as exc:  # reported, and the other documents are still reparsed
            kind = "corrupt_raw" if isinstance(exc, CorruptDocument) else "missing_raw"
            outcome.counts[kind] += 1
            outcome.problems.append(f"document {sha}: {kind.replace('_', ' ')} file; run `nianbao verify --repair`, "
                                    "or ingest the original file again")
            continue
        record = record_in_context(data, ctx, archive)
        if record is None:
            outcome.counts["wrapper or list page"] += 1
            continue
        if existing is None and twin_report(db, record, exclude_url=ctx.url) is not None:
            outcome.counts["twin of another report"] += 1
            continue
        before = db["parse_runs"].count
        source_url = existing[0] if existing else (ctx.url if ctx.kind is not None else None)
        with write_transaction(db):  # BEGIN IMMEDIATE: concurrent writers wait for each other
            save_report(db, record, source_url=source_url,
                        seen=(existing[1] if existing else ctx.fetched_at) or now(),
                        hint_code=existing[2] if existing else None)
        changed = existing is None or db["parse_runs"].count > before
        outcome.counts[("new" if existing is None else "changed") if changed else "unchanged"] += 1
        outcome.statuses[record["status"]] += 1
    return outcome
