"""Is a finished crawl healthy? Tracebacks in its log and an abnormal parse-error rate, as crawl stats.

A crawl that "finished" while its callbacks or pipelines raised, or while most documents failed to parse
(templates unreadable from a zipped egg, say), must not look like a success: the numbers go into the crawl's
stats (`nianbao/tracebacks`, `nianbao/parsed`, `nianbao/parse_errors`), the parse-error rate is logged loudly,
and `nianbao crawl` turns them into its summary and exit status (nianbao/outcome.py).
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from scrapy import Spider, signals

PARSE_ERROR_LIMIT = 0.20  # more than this share of a crawl's newly parsed documents with status 'error'
MIN_PARSED = 5  # below this many parsed documents a rate says nothing
# network outcomes, not bugs: a portal's robots.txt that cannot be downloaded is logged with its exception
NETWORK_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)
KEPT_MESSAGES = 5


class TracebackCounter(logging.Handler):
    """Counts ERROR records that carry an exception (spider callbacks, pipelines, start requests …)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.exc_info or record.name.startswith(NETWORK_LOGGERS):
            return
        self.count += 1
        if len(self.first) < KEPT_MESSAGES:
            exc = record.exc_info[1]
            self.first.append(f"{record.getMessage()[:200]} ({type(exc).__name__}: {str(exc)[:200]})")


def parse_errors(db: sqlite3.Connection, crawl_id: int) -> tuple[int, int]:
    """(documents this crawl fetched and parsed, of which status 'error')."""
    row = db.execute("SELECT count(*), coalesce(sum(status = 'error'), 0) FROM reports WHERE sha256 IN "
                     "(SELECT sha256 FROM fetches WHERE crawl_id = ? AND outcome = 'ok')", [crawl_id]).fetchone()
    return int(row[0]), int(row[1])


def abnormal(parsed: int, errors: int) -> bool:
    return parsed >= MIN_PARSED and errors > parsed * PARSE_ERROR_LIMIT


class HealthExtension:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.counter = TracebackCounter()
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> HealthExtension:
        return cls(crawler)

    def opened(self, spider: Spider) -> None:
        logging.getLogger().addHandler(self.counter)

    def closed(self, spider: Spider, reason: str) -> None:
        logging.getLogger().removeHandler(self.counter)
        stats = self.crawler.stats
        stats.set_value("nianbao/tracebacks", self.counter.count)
        stats.set_value("nianbao/first_errors", self.counter.first)
        crawl_id = getattr(spider, "crawl_id", None)
        db_path = Path(self.crawler.settings.get("NIANBAO_ARCHIVE") or "") / "nianbao.db"
        if crawl_id is None or self.crawler.settings.get("NIANBAO_ARCHIVE_WRITER") == "queue" or not db_path.exists():
            return  # queue mode: the archive writer parses, not this worker
        if self.crawler.settings.getbool("NIANBAO_PARSE_DEFERRED"):
            return  # the parse pool parses; `nianbao crawl` counts once it has drained (nianbao/crawl.py)
        with closing(sqlite3.connect(db_path, timeout=60)) as db:
            parsed, errors = parse_errors(db, crawl_id)
        stats.set_value("nianbao/parsed", parsed)
        stats.set_value("nianbao/parse_errors", errors)
        if abnormal(parsed, errors):
            spider.logger.error("ABNORMAL PARSE-ERROR RATE in crawl #%d: %d of %d documents parsed with status "
                                "'error' (over %d%%); see reports.errors", crawl_id, errors, parsed,
                                PARSE_ERROR_LIMIT * 100)
