"""A minimal Scrapy run through the farm, started by test_scrapy.py in a subprocess (Twisted's reactor cannot
restart inside pytest). The proxy comes from the environment (http_proxy), so every request Scrapy makes,
robots.txt included, goes to the farm.

    http_proxy=http://127.0.0.1:PORT python -m tests.farm.scrapy_probe OUT.json URL…
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import scrapy
from scrapy.crawler import CrawlerProcess


class Probe(scrapy.Spider):
    name = "farm_probe"
    custom_settings: ClassVar[dict[str, Any]] = {"ROBOTSTXT_OBEY": True, "LOG_LEVEL": "ERROR", "RETRY_TIMES": 2,
                                                 "TELNETCONSOLE_ENABLED": False}

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> dict[str, Any]:
        text = response.text if isinstance(response, scrapy.http.TextResponse) else ""
        return {"url": response.url, "status": response.status, "encoding": getattr(response, "encoding", None),
                "site_name": scrapy.Selector(text=text).xpath('//meta[@name="SiteName"]/@content').get()}


def main() -> None:
    out, urls = sys.argv[1], sys.argv[2:]
    process = CrawlerProcess(settings={"FEEDS": {out: {"format": "json", "overwrite": True}}})
    process.crawl(Probe, urls=urls)
    process.start()


if __name__ == "__main__":
    main()
