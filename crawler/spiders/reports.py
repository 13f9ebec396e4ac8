"""Find, fetch and archive annual reports from portals, starting from the sources registry.

From each start URL the spider follows navigation links towards the 年报 column (by link text), the
column's year and unit subcolumns and its pagination (per family), archives every report article and
attachment, and records what it could not get (blocked, robots, removed) as such.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.directory import Archive
from archive.save import now
from crawler.article import read_article
from crawler.crawl_record import record_sources
from crawler.distributed import apply_distributed, run_scheduler, track_item
from crawler.families import FAMILIES, detect
from crawler.families.base import Link, PageRequest
from crawler.items import FetchedDocument
from crawler.pipelines import done_in_crawl, known_reports, known_validators, open_crawl, pending_attachments
from crawler.registry import crawl_sources
from crawler.sources import Source, load_sources
from crawler.titles import is_navigation, is_report_column, is_report_title, is_subcolumn, report_year
from crawler.urls import canonical_url, host_of, is_attachment

RUNNING_MARKER = "nianbao-running"
DOCUMENT_PRIORITY = 10  # report pages and attachments go before further list pages


def recover_jobdir(jobdir: Path, logger: Any) -> None:
    """Scrapy's JOBDIR queue survives a graceful stop (Ctrl-C, SIGTERM) but not SIGKILL: its files are then
    half-written and pushing to them fails. A run that did not close cleanly leaves RUNNING_MARKER behind; its
    queue is dropped and the crawl resumes from the archive instead (what it archived is not fetched again;
    start pages are re-read, and attachments of archived articles are asked for directly)."""
    jobdir.mkdir(parents=True, exist_ok=True)
    marker = jobdir / RUNNING_MARKER
    if marker.exists() and (jobdir / "requests.queue").exists():
        logger.warning("the last run in %s was killed; resuming from the archive, not from its request queue",
                       jobdir)
        shutil.rmtree(jobdir / "requests.queue")
    marker.write_text(str(os.getpid()))


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


class ReportsSpider(scrapy.Spider):
    name = "reports"
    family: str | None = None  # family spiders restrict the registry to their family

    def __init__(self, sources: str | None = None, division: str | None = None, ids: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources_path = sources
        self.division = division
        self.ids = {int(i) for i in ids.split(",")} if ids else None
        self.validators: dict[str, dict[str, str]] = {}
        self.done: set[str] = set()
        self.crawl_id: int | None = None
        self.selected: list[Source] = []  # the registry rows this crawl starts from
        self.seeder = True  # distributed runs: only the first worker yields the start requests
        self.robots_seen: dict[str, dict[str, Any]] = {}  # host → robots.txt as fetched (RobotsRecorderMiddleware)
        self.columns_seen: dict[int, dict[str, Any]] = {}  # source id → its 年报 column as crawled (archive/coverage)

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        apply_distributed(settings)  # REDIS_URL set: shared frontier in Redis (crawler/distributed.py)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ReportsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        jobdir = crawler.settings.get("JOBDIR")
        if jobdir:
            recover_jobdir(Path(jobdir), spider.logger)
            crawler.signals.connect(spider._closed_cleanly, signal=signals.spider_closed)
        return spider

    def _closed_cleanly(self, reason: str) -> None:
        (Path(self.settings.get("JOBDIR")) / RUNNING_MARKER).unlink(missing_ok=True)

    def selected_sources(self) -> list[Source]:
        # by default: the hand-found entries and every registry unit whose 年报 column or portal is known
        sources = load_sources(self.sources_path) if self.sources_path else crawl_sources(load_sources())
        return [s for s in sources
                if (self.family is None or s.family == self.family)
                and (self.division is None or s.division_code.startswith(self.division))
                and (self.ids is None or s.id in self.ids)]

    def _prepare(self, sources: list[Source]) -> list[tuple[str, str | None, dict[str, str]]]:
        """Crawl id (kept in JOBDIR so a resumed crawl is the same crawl), validators, known reports."""
        shared = self.shared_run()
        if shared is not None and self.settings.get("NIANBAO_ARCHIVE_WRITER") == "queue":
            return self._prepare_queued(shared, sources)  # this worker never opens the archive
        archive = Archive.open(self.settings.get("NIANBAO_ARCHIVE"))
        jobdir = self.settings.get("JOBDIR")
        marker = Path(jobdir) / "nianbao-crawl-id" if jobdir else None
        previous = int(marker.read_text()) if marker and marker.exists() else None
        if shared is not None:  # distributed: the run's first worker opens the crawl and seeds it
            self.crawl_id, self.seeder = shared.join_crawl(lambda: open_crawl(archive, None, self.name, None))
        else:
            self.crawl_id = open_crawl(archive, previous, self.name, jobdir)
            if previous is not None:
                self.logger.info("resuming unfinished crawl #%d" if previous == self.crawl_id else
                                 f"crawl #{previous} had finished: new crawl #%d re-checks what it archived",
                                 self.crawl_id)
        if marker:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(str(self.crawl_id))
        record_sources(archive.db, sources)
        self.validators = known_validators(archive)
        self.done = done_in_crawl(archive, self.crawl_id)
        hosts = {host_of(u) for s in sources for u in s.urls}
        recheck = pending_attachments(archive, self.crawl_id) + known_reports(archive, hosts)
        archive.db.close()
        return recheck

    def _prepare_queued(self, shared: Any, sources: list[Source]) -> list[tuple[str, str | None, dict[str, str]]]:
        self.crawl_id, self.seeder = shared.join_queued_crawl()
        self.validators = shared.validators()
        hosts = {host_of(u) for s in sources for u in s.urls}
        return [r for r in shared.recheck() if host_of(r[0]) in hosts] if self.seeder else []

    def shared_run(self) -> Any:
        """The run's coordinator in Redis (crawler.distributed.ReliableScheduler), or None on one machine."""
        return run_scheduler(self)

    async def start(self) -> AsyncIterator[Any]:
        sources = self.selected = self.selected_sources()
        recheck = self._prepare(sources)
        if not self.seeder:
            return  # another worker seeded this run: take work from the shared queue
        async for request in self._seeds(sources, recheck):
            yield request
        if (shared := self.shared_run()) is not None:
            shared.seeding_done()

    async def _seeds(self, sources: list[Source], recheck: list[tuple[str, str | None, dict[str, str]]]
                     ) -> AsyncIterator[Any]:
        for source in sources:
            for url in source.urls:
                yield self._page(url, source, depth=0, fresh=True)
        by_host = {host_of(u): s for s in sources for u in s.urls}
        # attachments a killed run had not reached; then what earlier crawls archived (silent edits, removals)
        for url, referer, meta in recheck:
            source = by_host.get(host_of(url))
            if source and url not in self.done:
                kind = "attachment" if is_attachment(url) else "article"
                yield self._document(url, source, kind, title=meta.get("ArticleTitle", ""), referer=referer,
                                     article_meta=meta)

    # ---- requests -------------------------------------------------------------------------------------------

    def _meta(self, source: Source, **extra: Any) -> dict[str, Any]:
        return {"source_id": source.id, "division_code": source.division_code, "family_hint": source.family,
                **extra}

    def _page(self, url: str, source: Source, depth: int, fresh: bool = False) -> scrapy.Request:
        # start pages are fetched again on every crawl; across workers they go through the shared filter
        dont_filter = fresh and self.shared_run() is None
        return scrapy.Request(url, callback=self.parse_page, errback=self.on_error, dont_filter=dont_filter,
                              cb_kwargs={"source": source, "depth": depth},
                              meta=self._meta(source, kind="list", unconditional=True))

    def _feed(self, page: PageRequest, source: Source, family: str, referer: str) -> scrapy.Request:
        return scrapy.Request(page.url, method=page.method, body=page.body, callback=self.parse_feed,
                              errback=self.on_error, headers={"Referer": referer, "X-Requested-With": "XMLHttpRequest"},
                              cb_kwargs={"source": source, "family": family, "kind": page.kind},
                              meta=self._meta(source, kind="list", unconditional=True))

    def _document(self, url: str, source: Source, kind: str, title: str, referer: str | None,
                  article_meta: dict[str, str] | None = None) -> scrapy.Request:
        headers = {"Referer": referer} if referer else {}
        return scrapy.Request(url, callback=self.parse_document, errback=self.on_error, headers=headers,
                              priority=DOCUMENT_PRIORITY,
                              cb_kwargs={"source": source, "kind": kind, "title": title,
                                         "article_meta": article_meta or {}},
                              meta=self._meta(source, kind=kind))

    # ---- callbacks ------------------------------------------------------------------------------------------

    def parse_page(self, response: Response, source: Source, depth: int) -> Any:
        if (blocked := self._blocked(response)) is not None:
            yield blocked
            return
        if not hasattr(response, "text"):
            return
        family = detect(response.url, response.text, source.family)
        yield from self._follow(family.links(response.url, response.text), response, source, depth)
        for page in family.pages(response.url, response.text):
            if page.kind == "list":
                yield self._page(page.url, source, depth)
            else:
                yield self._feed(page, source, family.name, response.url)

    def parse_feed(self, response: Response, source: Source, family: str, kind: str) -> Any:
        if (blocked := self._blocked(response)) is not None:
            yield blocked
            return
        links, pages = FAMILIES[family].parse_feed(response.url, response.text, kind)
        yield from self._follow(links, response, source, depth=1)
        for page in pages:
            yield self._feed(page, source, family, response.url)

    def _follow(self, links: list[Link], response: Response, source: Source, depth: int) -> Any:
        same_site = {host_of(u) for u in source.urls} | {host_of(response.url)}
        for link in links:
            url = canonical_url(link.url)
            if is_report_title(link.text):
                self._saw_column(source, response.url, link.text)
                if url not in self.done:
                    yield self._document(url, source, "attachment" if is_attachment(url) else "article",
                                         link.text, response.url)
            elif host_of(url) in same_site and self._worth_following(link.text, depth):
                yield self._page(url, source, depth + 1)

    def _saw_column(self, source: Source, url: str, title: str) -> None:
        """A list page of this source lists reports: its 年报 column was crawled (late/missing needs to know)."""
        seen = self.columns_seen.setdefault(source.id, {"division_code": source.division_code, "url": url,
                                                        "checked_at": now(), "years": set()})
        year = report_year(title)
        if year:
            seen["years"].add(year)

    def _worth_following(self, text: str, depth: int) -> bool:
        if is_report_column(text) or is_subcolumn(text):
            return depth < self.settings.getint("NIANBAO_MAX_NAV_DEPTH") + 2
        return is_navigation(text) and depth < self.settings.getint("NIANBAO_MAX_NAV_DEPTH")

    def parse_document(self, response: Response, source: Source, kind: str, title: str,
                       article_meta: dict[str, str]) -> Any:
        if (blocked := self._blocked(response)) is not None:
            yield blocked
            return
        if response.status == 304:
            yield self._item(response, source, "not_modified", title, body=b"")
            return
        if response.status in (404, 410):
            yield self._item(response, source, "removed", title, body=b"", note=f"HTTP {response.status}")
            return
        meta, files = {}, []
        if kind == "article" and hasattr(response, "text"):
            meta, files = read_article(response.text, response.url)
            title = meta.get("ArticleTitle") or title
        item = self._item(response, source, kind, title, meta={**article_meta, **meta}, attachments=files)
        yield item
        for url in files:
            if url not in self.done:
                yield self._document(url, source, "attachment", title, response.url, article_meta=item.meta)

    # ---- outcomes -------------------------------------------------------------------------------------------

    def _item(self, response: Response, source: Source, kind: str, title: str, body: bytes | None = None,
              meta: dict[str, str] | None = None, attachments: list[str] | None = None,
              note: str | None = None) -> FetchedDocument:
        request = response.request
        referer = request.headers.get(b"Referer", b"").decode("latin-1") if request else ""
        return FetchedDocument(
            url=request.url if request else response.url, final_url=response.url, http_status=response.status,
            headers=_headers(response), body=response.body if body is None else body, fetched_at=now(), kind=kind,
            source_id=source.id, division_code=source.division_code, family=source.family or None,
            referer=referer or None, title=title or None, title_year=report_year(title or ""), meta=meta or {},
            attachments=attachments or [], note=note)

    def _blocked(self, response: Response) -> FetchedDocument | None:
        name = response.meta.get("blocked_by")
        if not name:
            return None
        source = response.request.cb_kwargs.get("source") if response.request else None
        return FetchedDocument(url=response.request.url, final_url=response.url, http_status=response.status,
                               headers=_headers(response), body=b"", fetched_at=now(), kind="blocked",
                               source_id=source.id if source else None, note=name)

    def on_error(self, failure: Failure) -> Any:
        request = failure.request
        url = request.url
        if failure.check(HttpError):
            response = failure.value.response
            kind = "removed" if response.status in (404, 410) else "error"
            note = f"HTTP {response.status}"
        elif failure.check(IgnoreRequest):
            message = str(failure.value)
            kind = "robots" if "robots.txt" in message else "refused" if message.startswith("refused") else "error"
            note = message
        else:
            kind, note = "error", f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        if request.meta.get("kind") == "list" and kind == "removed":
            kind = "error"  # a missing list page is a broken link, not a removed report
        item = FetchedDocument(url=url, final_url=url, http_status=0, headers={}, body=b"", fetched_at=now(),
                               kind=kind, source_id=request.meta.get("source_id"), note=note)
        key = request.meta.get("nianbao_inflight")
        shared = self.shared_run()
        yield track_item(shared, item, key)  # download errors skip the spider middleware that tracks callbacks
        if shared is not None and key:
            shared.output_finished(key)


def family_spider(family: str) -> type[ReportsSpider]:
    return type(f"{family.title()}Spider", (ReportsSpider,), {"name": family, "family": family})


TrsSpider = family_spider("trs")
HanwebSpider = family_spider("hanweb")
GkmlptSpider = family_spider("gkmlpt")
VsbSpider = family_spider("vsb")
GenericSpider = family_spider("generic")
