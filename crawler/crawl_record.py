"""What the archive records about a crawl besides its fetches: the registry rows it started from (`sources`),
its counters (`crawls.requests`, `crawls.archived`), and whether its parse error rate is abnormal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.db import write_transaction
from archive.save import now
from crawler.health import PARSE_ERROR_LIMIT
from crawler.sources import Source

logger = logging.getLogger(__name__)

# Above this share of a crawl's parsed documents with status "error" (the parser itself failed, not the
# document), something is wrong with the installation (templates unreadable, a broken dependency), not the data.
MAX_PARSE_ERROR_RATE = PARSE_ERROR_LIMIT  # the one limit; crawler.health judges the exit status by it


def record_sources(db: Database, sources: list[Source]) -> None:
    """Upsert the registry rows a crawl starts from (one row per registry id; `url` is its start URLs)."""
    when = now()
    rows = [{"id": s.id, "url": s.start_urls, "division_code": s.division_code, "agency": s.agency,
             "level": s.level, "family": s.family or None, "notes": s.notes or None,
             "verified": int(s.verified.startswith("yes")), "synthetic": int(s.synthetic), "added_at": when}
            for s in sources]
    with write_transaction(db):
        for row in rows:
            if db["sources"].count_where("id = ?", [row["id"]]):
                db["sources"].update(row["id"], {k: v for k, v in row.items() if k != "added_at"})
            else:
                db.execute("DELETE FROM sources WHERE url = ?", [row["url"]])  # the id of a URL changed
                db["sources"].insert(row)


def count_crawl(db: Database, crawl_id: int | None, requests: int) -> None:
    """Add one process's requests to its crawl (workers and resumed sessions add up) and recount the
    documents the crawl archived."""
    if not crawl_id:
        return
    with write_transaction(db):
        db.execute("UPDATE crawls SET requests = coalesce(requests, 0) + ?, archived = (SELECT count(*) FROM "
                   "fetches WHERE crawl_id = ? AND outcome = 'ok') WHERE id = ?", [requests, crawl_id, crawl_id])


@dataclass(frozen=True)
class ParseHealth:
    parsed: int  # report rows made from documents this crawl fetched
    errors: int  # of which the parser failed (status "error")

    @property
    def abnormal(self) -> bool:
        return self.parsed > 0 and self.errors / self.parsed > MAX_PARSE_ERROR_RATE

    def message(self) -> str:
        share = self.errors / self.parsed
        return (f"PARSE ERRORS: {self.errors} of {self.parsed} documents of this crawl ({share:.0%})"
                f" could not be parsed (status 'error'), over the {MAX_PARSE_ERROR_RATE:.0%} limit: check the "
                "installation (parsers/templates readable?) and reports.errors before trusting this archive")


def parse_health(db: Database, crawl_id: int | None) -> ParseHealth:
    """How the reports fetched by this crawl parsed."""
    parsed, errors = db.execute(
        "SELECT count(*), coalesce(sum(r.status = 'error'), 0) FROM reports r WHERE r.sha256 IN "
        "(SELECT sha256 FROM fetches WHERE crawl_id = ? AND outcome = 'ok')", [crawl_id]).fetchone()
    return ParseHealth(parsed, errors)


def close_crawl(db: Database, crawl_id: int | None, stats: Any) -> None:
    """At the end of a crawl process: counters into `crawls`, the parse health into the stats (and the log,
    loudly, when abnormal: a Scrapyd job has no exit status, its log is what an operator reads)."""
    if not crawl_id:
        return
    count_crawl(db, crawl_id, stats.get_value("downloader/request_count", 0) if stats else 0)
    health = parse_health(db, crawl_id)
    if stats:
        stats.set_value("nianbao/parsed", health.parsed)
        stats.set_value("nianbao/parse_errors", health.errors)
        stats.set_value("nianbao/parse_error_rate_abnormal", health.abnormal)
    if health.abnormal:
        logger.error(health.message())
