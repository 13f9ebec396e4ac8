"""The crawler's door into the archive: every fetched document goes through archive.writer (raw bytes, WARC
record, then one transaction), every failed fetch is recorded as such; a full disk stops the crawl cleanly."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future

from archive.coverage import record_coverage
from archive.directory import Archive
from archive.errors import ArchiveWriteError
from archive.save import now
from archive.writer import (
    Arrival,
    Outcome,
    Queued,
    write_batch,
    write_document,
    write_members,
    write_outcome,
    write_sites,
)
from crawler.crawl_record import close_crawl
from crawler.distributed import item_written, worker_id
from crawler.groupcommit import GroupCommit
from crawler.items import FetchedDocument
from crawler.queue_codec import encode
from crawler.robots import disallows
from crawler.settings import USER_AGENT
from crawler.urls import host_of, is_image
from parsers import parse, zip_members
from parsers.sniff import sniff

logger = logging.getLogger(__name__)
FAILURE_KINDS = {"blocked", "robots", "removed", "error", "refused"}
NEVER_A_REPORT_ALONE = {"image"}  # page images are parts of their article's report, not reports


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
    """Resume crawl `crawl_id` if it exists and did not finish; otherwise start a new crawl. A finished crawl is
    finished: the next scheduled run in the same JOBDIR is a new crawl that re-checks everything archived."""
    if crawl_id and archive.db["crawls"].count_where("id = ? AND finished_at IS NULL", [crawl_id]):
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
        self.server.rpush(self.key, encode(payload))

    def process_item(self, item: FetchedDocument, spider: Spider | None = None) -> FetchedDocument:
        crawl_id = getattr(self.crawler.spider, "crawl_id", None)
        self._push({"item": asdict(item), "crawl_id": crawl_id, "worker": self.worker})
        item_written(self.crawler, item)
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        spider = self.crawler.spider
        self._push({"robots": getattr(spider, "robots_seen", {}), "crawl_id": getattr(spider, "crawl_id", None),
                    "worker": self.worker, "requests": self.crawler.stats.get_value("downloader/request_count", 0),
                    "sources": [asdict(s) for s in getattr(spider, "selected", [])]})


class ArchivePipeline:
    """Write every fetched document through archive.writer (raw bytes, WARC record, then one transaction)."""

    def __init__(self, archive_dir: str, crawler: Any = None) -> None:
        self.archive_dir = archive_dir
        self.crawler = crawler  # Scrapy ≥ 2.13 passes no spider to methods where it is optional
        self._archive: Archive | None = None
        distributed = crawler is not None and crawler.settings.get("REDIS_URL")
        self.worker = worker_id() if distributed else None
        self.user_agent = crawler.settings.get("USER_AGENT") if crawler is not None else USER_AGENT
        self.stopping = False
        # `nianbao crawl --parse-workers N` (N > 0): archive only; the parse pool parses (nianbao/parsepool.py)
        self.deferred = crawler is not None and crawler.settings.getbool("NIANBAO_PARSE_DEFERRED")
        self._thread: Any = None
        self._local = threading.local()

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        pipeline = cls(crawler.settings.get("NIANBAO_ARCHIVE"), crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def archive(self) -> Archive:
        """The open archive; a real error (not an assert, which `python -O` drops) when used before opening.
        The writer thread (deferred parsing) has its own connection: SQLite's are not shared across threads."""
        if "nianbao-archive-writer" in threading.current_thread().name:
            if getattr(self._local, "archive", None) is None:
                self._local.archive = Archive.open(self.archive_dir)
            return self._local.archive
        if self._archive is None:
            raise RuntimeError("ArchivePipeline used before open_spider() opened the archive")
        return self._archive

    @archive.setter
    def archive(self, archive: Archive) -> None:
        self._archive = archive

    def _spider(self, spider: Spider | None) -> Spider | None:
        return spider or (self.crawler.spider if self.crawler is not None else None)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.archive = Archive.open(self.archive_dir)

    def close_spider(self, spider: Spider | None = None) -> None:
        if self._thread is not None:  # every item is written by now (Scrapy waits for them)
            self._thread.stop()
            if self.crawler is not None and self.crawler.stats is not None and self._thread.batches:
                self.crawler.stats.set_value("nianbao/write_batches", len(self._thread.batches))
                self.crawler.stats.set_value("nianbao/write_batch_max", max(self._thread.batches))
            self._thread = None
        if self._archive is None:
            return
        spider = self._spider(spider)
        try:
            self.write_robots(getattr(spider, "robots_seen", {}), None)
        except ArchiveWriteError as exc:
            logger.error("could not record robots.txt: %s", exc)
        try:  # which 年报 columns this crawl read (late/missing counts only those county-years)
            record_coverage(self.archive.db, getattr(spider, "crawl_id", None), getattr(spider, "columns_seen", {}))
        except ArchiveWriteError as exc:
            logger.error("could not record the columns read: %s", exc)
        try:
            close_crawl(self.archive.db, getattr(spider, "crawl_id", None), getattr(self.crawler, "stats", None))
        except ArchiveWriteError as exc:
            logger.error("could not record the crawl's counters: %s", exc)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Only a crawl that ran to its end is finished; one stopped early (Ctrl-C, SIGTERM) is resumed later."""
        if self._archive is not None and reason == "finished":
            try:
                self.write_robots({}, getattr(spider, "crawl_id", None))
            except ArchiveWriteError as exc:
                logger.error("could not record the crawl's end: %s", exc)

    def process_item(self, item: FetchedDocument, spider: Spider | None = None) -> Any:
        crawl_id = getattr(self._spider(spider), "crawl_id", None)
        if self.deferred:  # the pool parses; archiving (fsyncs, SQLite) runs off the reactor, downloads go on
            return self._write_off_reactor(item, crawl_id)
        try:
            self.write(item, crawl_id, self.worker)
        except ArchiveWriteError as exc:  # a full disk: stop cleanly, the same crawl resumes once there is room
            self._stop(str(exc))
            raise DropItem(str(exc)) from None
        return self._written(item)

    def _written(self, item: FetchedDocument) -> FetchedDocument:
        item_written(self.crawler, item)
        return item

    async def _write_off_reactor(self, item: FetchedDocument, crawl_id: int | None) -> FetchedDocument:
        try:
            await maybe_deferred_to_future(self._writer_thread().submit((item, crawl_id), len(item.body or b"")))
        except ArchiveWriteError as exc:
            self._stop(str(exc))
            raise DropItem(str(exc)) from None
        return self._written(item)

    def _writer_thread(self) -> GroupCommit:
        """One thread, with its own SQLite connection, writes in arrival order (an article before the
        attachments its page linked, as resume expects), in group commits (crawler/groupcommit.py)."""
        if self._thread is None:
            settings = self.crawler.settings
            self._thread = GroupCommit(self.write_batch, settings.getint("NIANBAO_WRITE_BATCH_ITEMS", 128),
                                       settings.getint("NIANBAO_WRITE_BATCH_BYTES", 32 << 20))
        return self._thread

    def write_batch(self, entries: list[tuple[FetchedDocument, int | None]]) -> list[BaseException | None]:
        """Several fetched items in one group commit (archive.writer.write_batch), in order; a ZIP (parsed here
        with its members) is written on its own between the batches before and after it."""
        results: list[BaseException | None] = [None] * len(entries)
        members: list[tuple[int, Queued | Outcome]] = []
        for i, (item, crawl_id) in enumerate(entries):
            if item.kind in FAILURE_KINDS or item.kind == "not_modified":
                members.append((i, Outcome(self._fetch_row(item, crawl_id, self.worker, None, item.kind),
                                           host_of(item.url))))
            elif sniff(item.body, item.url) == "zip":
                self._write_members(members, results)
                results[i] = _error_of(lambda item=item, crawl_id=crawl_id: self.write(item, crawl_id, self.worker))
            elif not self._archived_in_crawl(item, crawl_id):
                members.append((i, Queued(self._arrival(item, crawl_id, self.worker),
                                          lambda sha, fmt, item=item: self._defer(item, sha, fmt),
                                          hint_code=item.division_code)))
        self._write_members(members, results)
        return results

    def _write_members(self, members: list[tuple[int, Queued | Outcome]], results: list) -> None:
        if not members:
            return
        written = write_batch(self.archive, [m for _, m in members])
        for (i, _), outcome in zip(members, written, strict=True):
            if isinstance(outcome, Exception):
                results[i] = outcome
        members.clear()

    def _stop(self, message: str) -> None:
        logger.error("archive write failed, stopping the crawl: %s", message)
        engine = getattr(self.crawler, "engine", None)
        if engine is not None and engine.spider is not None and not self.stopping:
            self.stopping = True
            deferred_from_coro(engine.close_spider_async(reason="archive_write_error"))

    def write(self, item: FetchedDocument, crawl_id: int | None, worker: str | None) -> None:
        """Record one fetched document (also what `nianbao archive-writer` does with queued items)."""
        if item.kind in FAILURE_KINDS or item.kind == "not_modified":
            write_outcome(self.archive, self._fetch_row(item, crawl_id, worker, None, item.kind), host_of(item.url))
        else:
            self._archive_document(item, crawl_id, worker)

    def write_robots(self, robots_seen: dict[str, dict[str, Any]], finished_crawl: int | None) -> None:
        """Each host's robots.txt as fetched; and, given a crawl id, that crawl's end."""
        when = now()
        sites = [{"host": host, "robots_txt": robots["text"] or None, "robots_checked_at": when,
                  "robots_disallows": disallows(robots["text"], self.user_agent), "last_crawled_at": when}
                 for host, robots in robots_seen.items()]
        write_sites(self.archive, sites, finished_crawl, when)

    @staticmethod
    def _fetch_row(item: FetchedDocument, crawl_id: int | None, worker: str | None, sha: str | None,
                   outcome: str) -> dict:
        return {"sha256": sha, "url": item.url, "final_url": item.final_url, "referer": item.referer,
                "http_status": item.http_status, "headers": item.headers, "fetched_at": item.fetched_at,
                "outcome": outcome, "source_id": None, "crawl_id": crawl_id, "kind": item.kind,
                "meta": _meta_json(item), "note": item.note, "worker": worker}

    def _archive_document(self, item: FetchedDocument, crawl_id: int | None, worker: str | None) -> None:
        """Through the archive's one writer: a crawl killed at any point leaves either nothing or everything of
        this document in the database, and a resumed crawl skips what this crawl already archived."""
        archive = self.archive
        if self._archived_in_crawl(item, crawl_id):
            return  # already archived by this crawl (a resumed crawl re-discovers what it had done)
        doc = self._arrival(item, crawl_id, worker)
        # a ZIP is parsed here, with its members (each its own document); everything else by the parse pool
        deferrable = self.deferred and sniff(item.body, item.url) != "zip"
        defer = (lambda sha, fmt: self._defer(item, sha, fmt)) if deferrable else None
        written = write_document(archive, doc, lambda sha, fmt: self._parse(item, sha, fmt), twins=True,
                                 hint_code=item.division_code, defer=defer)
        if written.report == "new" and sniff(item.body, item.url) == "zip":  # each member its own document
            write_members(archive, doc, item.url, zip_members(item.body, item.url))

    def _archived_in_crawl(self, item: FetchedDocument, crawl_id: int | None) -> bool:
        return crawl_id is not None and bool(self.archive.db["fetches"].count_where(
            "crawl_id = ? AND url = ? AND outcome = 'ok'", [crawl_id, item.url]))

    def _arrival(self, item: FetchedDocument, crawl_id: int | None, worker: str | None) -> Arrival:
        row = self._fetch_row(item, crawl_id, worker, None, "ok")
        fetch = {k: v for k, v in row.items() if k not in ("sha256", "url", "fetched_at", "outcome", "http_status",
                                                           "headers")}
        return Arrival(url=item.url, body=item.body, fetched_at=item.fetched_at, http_status=item.http_status,
                       headers=item.headers, fetch=fetch)

    def _parse(self, item: FetchedDocument, sha: str, fmt: str) -> dict | None:
        """The report a new document holds; None for lists, wrapper pages, page images and bytes parsed before."""
        hints = self._defer(item, sha, fmt)
        return report_of(item.body, hints) if hints is not None else None

    def _defer(self, item: FetchedDocument, sha: str, fmt: str) -> dict | None:
        """What parsing this document needs later (the page's meta tags, title year, attachments); None when
        it is not a report to parse: a list page, a page image, bytes parsed before."""
        if item.kind not in ("article", "attachment"):
            return None
        if fmt in NEVER_A_REPORT_ALONE or self.archive.db["reports"].count_where("sha256 = ?", [sha]):
            return None
        return parse_hints(item)


def _error_of(write: Callable[[], None]) -> BaseException | None:
    try:
        write()
    except Exception as exc:
        return exc
    return None


def parse_hints(item: FetchedDocument) -> dict[str, Any]:
    """The parts of a fetched item that parsing reads besides the bytes (JSON-able: they wait in the queue)."""
    return {"url": item.url, "kind": item.kind, "content_type": item.headers.get("Content-Type"),
            "attachments": item.attachments, "meta": item.meta, "title_year": item.title_year}


def report_of(body: bytes, hints: dict[str, Any]) -> dict | None:
    """Parse one archived document with what its page said (inline in the crawler, or in a parse worker);
    None for an article page that only wraps its attachment (the attachment is the report)."""
    record = parse(body, source=hints["url"], content_type=hints.get("content_type"))
    attachments = hints.get("attachments") or []
    if hints.get("kind") == "article" and attachments and not _has_tables(record):
        if not all(is_image(u) for u in attachments):
            return None  # a wrapper page: the report is its attachment
        mark_image_only(record, len(attachments))
    _fill_from_page(record, hints.get("meta") or {}, hints.get("title_year"))
    return record


def _meta_json(item: FetchedDocument) -> str | None:
    """Page meta tags and the attachments the page links (a resumed crawl fetches those it had not reached)."""
    meta = {**item.meta, **({"attachments": item.attachments} if item.attachments else {})}
    return json.dumps(meta, ensure_ascii=False) if meta else None


NOT_READ_YET = "not read by OCR yet"


def mark_image_only(record: dict, pages: int) -> None:
    """An article whose report is its page images. The crawl does not OCR them (seconds of CPU per page in the
    reactor thread): `nianbao ocr` reads the archived images afterwards (nianbao/page_ocr.py)."""
    record["status"] = "image_only"
    record["errors"] = [*record.get("errors", []), f"the report is printed as {pages} image(s) on the page; "
                        f"{NOT_READ_YET} (`nianbao ocr` reads them)"]


def _has_tables(record: dict) -> bool:
    return any(record[t] for t in ("proactive", "requests", "review_litigation"))


def _fill_from_page(record: dict, meta: dict[str, str], title_year: int | None) -> None:
    """What the document does not say itself, the page that linked it does (meta tags, list title)."""
    for key, meta_key in (("title", "ArticleTitle"), ("published", "PubDate")):
        if not record.get(key) and meta.get(meta_key):
            record[key] = meta[meta_key] if key == "title" else meta[meta_key][:10]
    if not record.get("year") and title_year:
        record["year"] = title_year
    if not record.get("agency") and meta.get("agency"):
        record["agency"] = meta["agency"]
