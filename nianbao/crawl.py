"""Run a Scrapy crawl in this process with the project's settings (what `nianbao crawl` does)."""

from __future__ import annotations

import os
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


def run_crawl(archive_dir: str, spider: str = "reports", *, sources_path: str | None = None, ids: str | None = None,
              division: str | None = None, jobdir: str | None = None, proxy: str | None = None,
              allow_hosts: str | None = None, extra: dict[str, str] | None = None, redis_url: str | None = None,
              run: str = "default") -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess

    extra = {**({"NIANBAO_PROXY": proxy} if proxy else {}), **(extra or {})}  # every request (crawler/proxy.py)
    process = CrawlerProcess(crawl_settings(archive_dir, jobdir, allow_hosts, extra, redis_url, run))
    crawler = process.create_crawler(spider)
    process.crawl(crawler, sources=sources_path, ids=ids, division=division)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    keys = ("downloader/request_count", "downloader/response_bytes", "item_scraped_count", "finish_reason",
            "nianbao/parsed", "nianbao/parse_errors", "nianbao/parse_error_rate_abnormal")
    return {k: stats.get(k) for k in keys}
