"""Run a Scrapy crawl in this process with the project's settings (what `nianbao crawl` does)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextlib import nullcontext
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any


def crawl_settings(archive_dir: str, jobdir: str | None, allow_hosts: str | None, extra: dict[str, str],
                   redis_url: str | None = None, run: str = "default") -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    if redis_url:  # the spider's update_settings switches scheduler, filter and middlewares (crawler/distributed.py)
        settings.set("REDIS_URL", redis_url, priority="cmdline")
        settings.set("NIANBAO_RUN", run, priority="cmdline")
    settings.set("NIANBAO_ARCHIVE", archive_dir, priority="cmdline")
    if jobdir:
        settings.set("JOBDIR", jobdir, priority="cmdline")
    if allow_hosts:
        settings.set("NIANBAO_ALLOWED_HOST_SUFFIXES", [h.strip() for h in allow_hosts.split(",")], priority="cmdline")
    for name, value in extra.items():
        settings.set(name, value, priority="cmdline")
    return settings


def rotating_log(path: str, settings: Any) -> logging.Handler:
    """The crawl's log appended to `path`, rotated by size (NIANBAO_LOG_MAX_BYTES, NIANBAO_LOG_BACKUPS), so a
    scheduled crawl's log never fills the disk. The directory is created."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=settings.getint("NIANBAO_LOG_MAX_BYTES"),
                                  backupCount=settings.getint("NIANBAO_LOG_BACKUPS"), encoding="utf-8")
    handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")))
    handler.setLevel(settings.get("LOG_LEVEL"))
    return handler


def run_crawl(archive_dir: str, spider: str = "reports", *, sources_path: str | None = None, ids: str | None = None,
              division: str | None = None, jobdir: str | None = None, proxy: str | None = None,
              allow_hosts: str | None = None, extra: dict[str, str] | None = None, redis_url: str | None = None,
              run: str = "default", log_file: str | None = None) -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess

    extra = {**({"NIANBAO_PROXY": proxy} if proxy else {}), **(extra or {})}  # every request (crawler/proxy.py)
    settings = crawl_settings(archive_dir, jobdir, allow_hosts, extra, redis_url, run)
    handler = rotating_log(log_file, settings) if log_file else None
    if handler is not None:
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    if handler is not None:
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.DEBUG)  # the handler filters by LOG_LEVEL
    crawler = process.create_crawler(spider)
    process.crawl(crawler, sources=sources_path, ids=ids, division=division)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    keys = ("downloader/request_count", "downloader/response_bytes", "item_scraped_count", "finish_reason",
            "nianbao/tracebacks", "nianbao/first_errors", "nianbao/parsed", "nianbao/parse_errors",
            "elapsed_time_seconds")
    return {**{k: stats.get(k) for k in keys}, "crawl_id": getattr(crawler.spider, "crawl_id", None)}


def crawl_once(archive_dir: str, *, wait: bool = False, say: Callable[[str], None] = print,
               **options: Any) -> int:
    """What `nianbao crawl` does: refuse a finished distributed run, take the archive's lock, crawl, then say
    whether the crawl is a success (nianbao/outcome.py); returns the exit status."""
    from nianbao.outcome import ARCHIVE_BUSY, RUN_FINISHED, judge
    from nianbao.runlock import ArchiveBusy, archive_lock
    from nianbao.runs import expand_run_name, finished_run

    redis_url = options.get("redis_url")
    options["run"] = run = expand_run_name(options.get("run") or "default")
    if redis_url and (when := finished_run(redis_url, run)):
        say(f"run {run!r} finished at {when}: nothing to do (a finished run is never re-run or re-recorded); "
            "start a new crawl with a new --run name")
        return RUN_FINISHED
    queue_mode = (options.get("extra") or {}).get("NIANBAO_ARCHIVE_WRITER") == "queue"
    lock = nullcontext() if queue_mode else archive_lock(archive_dir, wait=wait, shared=bool(redis_url), say=say)
    workers = pool_size(options.pop("parse_workers", None), queue_mode)
    try:
        with lock:
            stats = crawl_with_pool(archive_dir, workers, say, options) if workers else run_crawl(archive_dir,
                                                                                                    **options)
    except ArchiveBusy as exc:
        say(str(exc))
        return ARCHIVE_BUSY
    outcome = judge(stats)
    if options.get("log_file"):  # the summary in the rotated log too (stdout goes to cron.log or the journal)
        logging.getLogger("nianbao").log(logging.INFO if outcome.exit_code == 0 else logging.ERROR, outcome.text)
    say(outcome.text)
    return outcome.exit_code


def pool_size(asked: int | None, queue_mode: bool) -> int:
    """Parse workers to start: as asked, else one per core; none in queue mode (the archive writer parses)."""
    if queue_mode:
        return 0
    return asked if asked is not None else max(1, os.cpu_count() or 1)


def crawl_with_pool(archive_dir: str, workers: int, say: Callable[[str], None],
                    options: dict[str, Any]) -> dict[str, Any]:
    """The crawl archives only; `workers` parse workers parse beside it. Waits for the pool to drain, then
    counts the crawl's parsed documents (what the crawl's own stats could not know yet)."""
    import resource
    import sqlite3
    import time
    from contextlib import closing

    from archive.directory import Archive
    from crawler.health import PARSE_ERROR_LIMIT, abnormal, parse_errors
    from nianbao.parsepool import ParsePool, pool_cpu_seconds

    Archive.open(archive_dir)  # migrated once here, before the workers open it
    options["extra"] = {**(options.get("extra") or {}), "NIANBAO_PARSE_DEFERRED": "True"}
    with ParsePool(archive_dir, workers, say) as pool:
        stats = run_crawl(archive_dir, **options)
        crawl_cpu = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        if stats.get("finish_reason") == "finished":  # stopped early: what is pending waits for the next run
            pool.drain()
    if stats.get("crawl_id") is not None:
        with closing(sqlite3.connect(Path(archive_dir) / "nianbao.db", timeout=60)) as db:
            parsed, errors = parse_errors(db, stats["crawl_id"])
        stats["nianbao/parsed"], stats["nianbao/parse_errors"] = parsed, errors
        if abnormal(parsed, errors):  # what HealthExtension logs when parsing is inline
            logging.getLogger("crawler.health").error(
                "ABNORMAL PARSE-ERROR RATE in crawl #%d: %d of %d documents parsed with status 'error' (over %d%%); "
                "see reports.errors", stats["crawl_id"], errors, parsed, PARSE_ERROR_LIMIT * 100)
    say(f"parse pool: {workers} worker(s), drained {time.perf_counter() - started:.1f} s after the crawl's "
        f"{stats.get('elapsed_time_seconds') or 0:.1f} s; CPU s: crawl {crawl_cpu.ru_utime + crawl_cpu.ru_stime:.1f}, "
        f"pool {pool_cpu_seconds():.1f}")
    return stats
