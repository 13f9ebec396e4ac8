"""The crawler's only door into the archive: store, record and parse every fetched document."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from dataclasses import asdict
from typing import Any

from scrapy import Spider

from archive.db import write_transaction
from archive.save import now, save_document, save_fetch, save_report, twin_report
from crawler.distributed import item_written, worker_id
from crawler.items import FetchedDocument
from crawler.urls import host_of, is_image
from nianbao.pipeline import CONTENT_TYPES, Archive, save_members, zip_members_parsed
from parsers import parse
from parsers.sniff import sniff

FAILURE_KINDS = {"blocked", "robots", "removed", "error", "refused"}
NEVER_A_REPORT_ALONE = {"image"}  # page images are parts of their article's report, not reports


def disallows(robots_txt: str) -> str | None:
    """The Disallow paths that apply to every agent (User-agent: *), one per line; None when there are none."""
    paths, applies = [], False
    for line in robots_txt.splitlines():
        field, _, value = line.partition(":")
        field, value = field.strip().lower(), value.split("#")[0].strip()
        if field == "user-agent":
            applies = value == "*"
        elif field == "disallow" and applies and value:
            paths.append(value)
    return "\n".join(paths) or None


def known_validators(archive: Archive) -> dict[str, dict[str, str]]:
    """URL → the ETag / Last-Modified of its latest archived fetch, for conditional re-crawls."""
    out: dict[str, dict[str, str]] = {}
    rows = archive.db.execute("SELECT url, headers FROM fetches WHERE outcome = 'ok' AND headers IS NOT NULL "
                              "ORDER BY id")
    for url, headers in rows:
        h = {k.lower(): v for k, v in json.loads(headers).items()}
        out[url] = {"etag": h.get("etag", ""), "last_modified": h.get("last-modified", "")}
    return out


def known_reports(archive: Archive, urls_of_hosts: set[str]) -> list[tuple[str, str | None, dict[str, str]]]:
    """(URL, referer) of reports and attachments archived before on these hosts, re-checked to catch edits
    and removals. The referer goes with them: some download scripts answer an error page without it."""
    rows = archive.db.execute("SELECT url, max(referer) FROM fetches WHERE outcome = 'ok' "
                              "AND kind IN ('article', 'attachment') GROUP BY url ORDER BY min(id)").fetchall()
    return [(url, referer, {}) for url, referer in rows if host_of(url) in urls_of_hosts]


def done_in_crawl(archive: Archive, crawl_id: int) -> set[str]:
    rows = archive.db.execute("SELECT url FROM fetches WHERE crawl_id = ? AND outcome IN ('ok', 'not_modified')",
                              [crawl_id])
    return {url for (url,) in rows}


def pending_attachments(archive: Archive, crawl_id: int) -> list[tuple[str, str, dict[str, str]]]:
    """(attachment URL, article URL, article meta) linked by articles this crawl archived but not fetched yet:
    after a kill the articles are done and not fetched again, so their attachments are asked for directly."""
    done = done_in_crawl(archive, crawl_id)
    rows = archive.db.execute("SELECT url, meta FROM fetches WHERE crawl_id = ? AND kind = 'article' "
                              "AND outcome = 'ok' AND meta LIKE '%\"attachments\"%' ORDER BY id", [crawl_id])
    out = []
    for url, meta_json in rows:
        meta = json.loads(meta_json)
        attachments = meta.pop("attachments", [])
        out += [(att, url, meta) for att in attachments if att not in done]
    return out


def open_crawl(archive: Archive, crawl_id: int | None, spider: str, jobdir: str | None) -> int:
    if crawl_id and archive.db["crawls"].count_where("id = ?", [crawl_id]):
        return crawl_id
    return archive.db["crawls"].insert({"started_at": now(), "spider": spider, "jobdir": jobdir}).last_pk


class QueuePipeline:
    """Distributed crawls with NIANBAO_ARCHIVE_WRITER=queue: hand each fetched document (bytes included) to the
    run's Redis list; the single `nianbao archive-writer` stores, parses and writes it. Workers then need only
    Redis and the network, never the archive directory."""

    def __init__(self, crawler: Any) -> None:
        from scrapy_redis.connection import from_settings

        from crawler.distributed import run_keys

        self.crawler = crawler
        self.server = from_settings(crawler.settings)
        self.key = run_keys(crawler.settings.get("NIANBAO_RUN"))["items"]
        self.worker = worker_id()

    @classmethod
    def from_crawler(cls, crawler: Any) -> QueuePipeline:
        return cls(crawler)

    def _push(self, payload: dict[str, Any]) -> None:
        self.server.rpush(self.key, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))

    def process_item(self, item: FetchedDocument, spider: Spider | None = None) -> FetchedDocument:
        crawl_id = getattr(self.crawler.spider, "crawl_id", None)
        self._push({"item": asdict(item), "crawl_id": crawl_id, "worker": self.worker})
        item_written(self.crawler, item)
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        spider = self.crawler.spider
        self._push({"robots": getattr(spider, "robots_seen", {}), "crawl_id": None, "worker": self.worker})


class ArchivePipeline:
    def __init__(self, archive_dir: str, crawler: Any = None) -> None:
        self.archive_dir = archive_dir
        self.crawler = crawler  # Scrapy ≥ 2.13 passes no spider to methods where it is optional
        self.archive: Archive | None = None
        distributed = crawler is not None and crawler.settings.get("REDIS_URL")
        self.worker = worker_id() if distributed else None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(crawler.settings.get("NIANBAO_ARCHIVE"), crawler)

    def _spider(self, spider: Spider | None) -> Spider | None:
        return spider or (self.crawler.spider if self.crawler is not None else None)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.archive = Archive.open(self.archive_dir)

    def close_spider(self, spider: Spider | None = None) -> None:
        if not self.archive:
            return
        spider = self._spider(spider)
        self.write_robots(getattr(spider, "robots_seen", {}), getattr(spider, "crawl_id", None))

    def process_item(self, item: FetchedDocument, spider: Spider | None = None) -> FetchedDocument:
        self.write(item, getattr(self._spider(spider), "crawl_id", None), self.worker)
        item_written(self.crawler, item)
        return item

    def write(self, item: FetchedDocument, crawl_id: int | None, worker: str | None) -> None:
        """Record one fetched document (also what `nianbao archive-writer` does with queued items)."""
        assert self.archive is not None
        if item.kind in FAILURE_KINDS or item.kind == "not_modified":
            self._record_outcome(item, crawl_id, worker)
        else:
            self._archive(item, crawl_id, worker)

    def write_robots(self, robots_seen: dict[str, dict[str, Any]], finished_crawl: int | None) -> None:
        """Each host's robots.txt as fetched; and, given a crawl id, that crawl's end."""
        assert self.archive is not None
        when = now()
        db = self.archive.db
        with write_transaction(db):
            for host, robots in robots_seen.items():
                db["sites"].upsert({"host": host, "robots_txt": robots["text"] or None, "robots_checked_at": when,
                                    "robots_disallows": disallows(robots["text"]), "last_crawled_at": when}, pk="host")
            if finished_crawl:
                db["crawls"].update(finished_crawl, {"finished_at": when})

    @staticmethod
    def _fetch_row(item: FetchedDocument, crawl_id: int | None, worker: str | None, sha: str | None,
                   outcome: str) -> dict:
        return {"sha256": sha, "url": item.url, "final_url": item.final_url, "referer": item.referer,
                "http_status": item.http_status, "headers": item.headers, "fetched_at": item.fetched_at,
                "outcome": outcome, "source_id": None, "crawl_id": crawl_id, "kind": item.kind,
                "meta": _meta_json(item), "note": item.note, "worker": worker}

    def _record_outcome(self, item: FetchedDocument, crawl_id: int | None, worker: str | None) -> None:
        archive = self.archive
        assert archive is not None
        with write_transaction(archive.db):
            save_fetch(archive.db, {**self._fetch_row(item, crawl_id, worker, None, item.kind), "dedupe": False})
            host = host_of(item.url)
            if item.kind == "removed":
                archive.db.execute("UPDATE reports SET removed_at = ? WHERE source_url = ? AND removed_at IS NULL",
                                   [item.fetched_at, item.url])
            elif item.kind == "blocked":
                archive.db["sites"].upsert({"host": host, "blocked_by": item.note, "blocked_at": item.fetched_at},
                                           pk="host")

    def _archive(self, item: FetchedDocument, crawl_id: int | None, worker: str | None) -> None:
        """Raw bytes and WARC record first, then one transaction for document, fetch and report: a crawl killed
        at any point leaves either nothing or everything of this document, and a resumed crawl skips it."""
        archive = self.archive
        assert archive is not None
        if crawl_id is not None and archive.db["fetches"].count_where(
                "crawl_id = ? AND url = ? AND outcome = 'ok'", [crawl_id, item.url]):
            return  # already archived by this crawl (a resumed crawl re-discovers what it had done)
        fmt = sniff(item.body, item.url)
        sha = archive.store.put(item.body)  # raw bytes first: parsing can always be redone from here
        when = dt.datetime.strptime(item.fetched_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        warc_file, offset = archive.warc.write_response(item.url, item.http_status, item.headers, item.body, when)
        record = self._parse(item, sha, fmt) if item.kind in ("article", "attachment") else None
        members = zip_members_parsed(item.body, item.url) if record is not None and fmt == "zip" else []
        with write_transaction(archive.db):
            save_document(archive.db, sha, len(item.body), fmt, CONTENT_TYPES.get(fmt), item.fetched_at)
            row = {**self._fetch_row(item, crawl_id, worker, sha, "ok"), "warc_file": warc_file, "warc_offset": offset}
            twin = twin_report(archive.db, record, exclude_url=item.url) if record else None
            if twin is not None:
                row["note"] = f"same report as #{twin} (another rendering)"
            save_fetch(archive.db, {**row, "dedupe": False})
            if record is not None and twin is None:
                save_report(archive.db, record, source_url=item.url, seen=item.fetched_at,
                            hint_code=item.division_code)
            save_members(archive, members, item.url, item.url, item.fetched_at)

    def _parse(self, item: FetchedDocument, sha: str, fmt: str) -> dict | None:
        """The report a new document holds; None for wrapper pages, page images and bytes parsed before."""
        archive = self.archive
        assert archive is not None
        if fmt in NEVER_A_REPORT_ALONE or archive.db["reports"].count_where("sha256 = ?", [sha]):
            return None
        record = parse(item.body, source=item.url, content_type=item.headers.get("Content-Type"))
        if item.kind == "article" and item.attachments and not _has_tables(record):
            if not all(is_image(u) for u in item.attachments):
                return None  # a wrapper page: the report is its attachment
            record["status"] = "image_only"
            record["errors"] = [*record.get("errors", []), f"the report is printed as {len(item.attachments)} "
                                "image(s) on the page; OCR is not done"]
        _fill_from_page(record, item)
        return record


def _meta_json(item: FetchedDocument) -> str | None:
    """Page meta tags and the attachments the page links (a resumed crawl fetches those it had not reached)."""
    meta = {**item.meta, **({"attachments": item.attachments} if item.attachments else {})}
    return json.dumps(meta, ensure_ascii=False) if meta else None


def _has_tables(record: dict) -> bool:
    return any(record[t] for t in ("proactive", "requests", "review_litigation"))


def _fill_from_page(record: dict, item: FetchedDocument) -> None:
    """What the document does not say itself, the page that linked it does (meta tags, list title)."""
    for key, meta_key in (("title", "ArticleTitle"), ("published", "PubDate")):
        if not record.get(key) and item.meta.get(meta_key):
            record[key] = item.meta[meta_key] if key == "title" else item.meta[meta_key][:10]
    if not record.get("year") and item.title_year:
        record["year"] = item.title_year
    if not record.get("agency") and item.meta.get("agency"):
        record["agency"] = item.meta["agency"]
