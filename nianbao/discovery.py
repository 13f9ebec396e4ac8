"""Run the discovery spider in this process (what `nianbao sources discover` does)."""

from __future__ import annotations

import os
from typing import Any

from nianbao.crawl import crawl_settings


def run_discovery(*, codes: str | None = None, province: str | None = None, registry: str | None = None,
                  limit: int = 10, max_age: int = 30, proxy: str | None = None,
                  extra: dict[str, str] | None = None) -> dict[str, Any]:
    if proxy:  # Scrapy's HttpProxyMiddleware reads the environment when the crawler starts
        os.environ["http_proxy"] = proxy
        os.environ["https_proxy"] = proxy
        os.environ.pop("no_proxy", None)
    from scrapy.crawler import CrawlerProcess

    settings = crawl_settings(os.environ.get("NIANBAO_ARCHIVE", "var/archive"), None, None, extra or {})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("discover")
    process.crawl(crawler, codes=codes, province=province, registry=registry, limit=limit, max_age=max_age)
    process.start()
    spider = crawler.spider
    return dict(spider.done) if spider is not None else {}
