"""The crawler's only door into the archive: store, record and parse every fetched document."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from scrapy import Spider

from archive.save import save_document, save_fetch, save_report
from crawler.items import FetchedDocument
from crawler.urls import host_of
from nianbao.pipeline import CONTENT_TYPES, Archive
from parsers import parse
from parsers.sniff import sniff

FAILURE_KINDS = {"blocked", "robots", "removed", "error", "refused"}


def known_validators(archive: Archive) -> dict[str, dict[str, str]]:
    """URL → the ETag / Last-Modified of its latest archived fetch, for conditional re-crawls."""
    out: dict[str, dict[str, str]] = {}
    rows = archive.db.execute("SELECT url, headers FROM fetches WHERE outcome = 'ok' AND headers IS NOT NULL "
                              "ORDER BY id")
    for url, headers in rows:
        h = {k.lower(): v for k, v in json.loads(headers).items()}
        out[url] = {"etag": h.get("etag", ""), "last_modified": h.get("last-modified", "")}
    return out


def known_reports(archive: Archive, urls_of_hosts: set[str]) -> list[str]:
    """Report and attachment URLs archived before on these hosts: re-checked to catch edits and removals."""
    rows = archive.db.execute("SELECT DISTINCT url, kind FROM fetches WHERE outcome = 'ok' "
                              "AND kind IN ('article', 'attachment')").fetchall()
    return [url for url, _ in rows if host_of(url) in urls_of_hosts]


def done_in_crawl(archive: Archive, crawl_id: int) -> set[str]:
    rows = archive.db.execute("SELECT url FROM fetches WHERE crawl_id = ? AND outcome IN ('ok', 'not_modified')",
                              [crawl_id])
    return {url for (url,) in rows}


def open_crawl(archive: Archive, crawl_id: int | None, spider: str, jobdir: str | None) -> int:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if crawl_id and archive.db["crawls"].count_where("id = ?", [crawl_id]):
        return crawl_id
    return archive.db["crawls"].insert({"started_at": now, "spider": spider, "jobdir": jobdir}).last_pk


class ArchivePipeline:
    def __init__(self, archive_dir: str) -> None:
        self.archive_dir = archive_dir
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(crawler.settings.get("NIANBAO_ARCHIVE"))

    def open_spider(self, spider: Spider | None = None) -> None:
        self.archive = Archive.open(self.archive_dir)

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.archive and getattr(spider, "crawl_id", None):
            now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.archive.db["crawls"].update(spider.crawl_id, {"finished_at": now})

    def process_item(self, item: FetchedDocument, spider: Spider | None = None) -> FetchedDocument:
        assert self.archive is not None
        crawl_id = getattr(spider, "crawl_id", None)
        if item.kind in FAILURE_KINDS or item.kind == "not_modified":
            self._record_outcome(item, crawl_id)
        else:
            self._archive(item, crawl_id)
        return item

    def _fetch_row(self, item: FetchedDocument, crawl_id: int | None, sha: str | None, outcome: str) -> dict:
        return {"sha256": sha, "url": item.url, "final_url": item.final_url, "referer": item.referer,
                "http_status": item.http_status, "headers": item.headers, "fetched_at": item.fetched_at,
                "outcome": outcome, "source_id": None, "crawl_id": crawl_id, "kind": item.kind,
                "meta": json.dumps(item.meta, ensure_ascii=False) if item.meta else None, "note": item.note}

    def _record_outcome(self, item: FetchedDocument, crawl_id: int | None) -> None:
        archive = self.archive
        assert archive is not None
        outcome = {"not_modified": "not_modified"}.get(item.kind, item.kind)
        save_fetch(archive.db, {**self._fetch_row(item, crawl_id, None, outcome), "dedupe": False})
        host = host_of(item.url)
        if item.kind == "removed":
            archive.db.execute("UPDATE reports SET removed_at = ? WHERE source_url = ? AND removed_at IS NULL",
                               [item.fetched_at, item.url])
        elif item.kind in ("blocked", "robots"):
            archive.db["sites"].upsert({"host": host, "blocked_by": item.note, "blocked_at": item.fetched_at},
                                       pk="host")
        archive.db.conn.commit()

    def _archive(self, item: FetchedDocument, crawl_id: int | None) -> None:
        archive = self.archive
        assert archive is not None
        fmt = sniff(item.body, item.url)
        sha = archive.store.put(item.body)  # raw bytes first: parsing can always be redone from here
        when = dt.datetime.strptime(item.fetched_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        with archive.db.atomic():
            save_document(archive.db, sha, len(item.body), fmt, CONTENT_TYPES.get(fmt), item.fetched_at)
            row = self._fetch_row(item, crawl_id, sha, "ok")
            fetch_id = save_fetch(archive.db, {**row, "dedupe": False})
        warc_file, offset = archive.warc.write_response(item.url, item.http_status, item.headers, item.body, when)
        archive.db["fetches"].update(fetch_id, {"warc_file": warc_file, "warc_offset": offset})
        if item.kind in ("article", "attachment"):
            self._parse(item, sha, fmt)

    def _parse(self, item: FetchedDocument, sha: str, fmt: str) -> None:
        archive = self.archive
        assert archive is not None
        if archive.db["reports"].count_where("sha256 = ?", [sha]):
            return  # the same bytes were parsed before (another URL, or an unchanged re-fetch)
        record = parse(item.body, source=item.url, content_type=item.headers.get("Content-Type"))
        if item.kind == "article" and item.attachments and not any(record[t] for t in
                                                                    ("proactive", "requests", "review_litigation")):
            return  # a wrapper page: the report is its attachment
        for key, meta_key in (("title", "ArticleTitle"), ("published", "PubDate")):
            if not record.get(key) and item.meta.get(meta_key):
                record[key] = item.meta[meta_key] if key == "title" else item.meta[meta_key][:10]
        if not record.get("year") and item.title_year:
            record["year"] = item.title_year
        if not record.get("agency") and item.meta.get("agency"):
            record["agency"] = item.meta["agency"]
        save_report(archive.db, record, source_url=item.url, seen=item.fetched_at)
