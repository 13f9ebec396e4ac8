"""Scrapy settings for nianbao's crawler. Polite by default: these are public servers of small governments."""

from __future__ import annotations

import os

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao; annual-report archive; contact via repository)"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024  # reports are a few MB; a bigger body is not a report
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_ENABLED = False  # replaced by crawler.middlewares.BackoffRetryMiddleware
NIANBAO_RETRY_TIMES = 2
NIANBAO_RETRY_BASE_DELAY = 1.0
NIANBAO_RETRY_HTTP_CODES = [500, 502, 503, 504, 408, 429]
HTTPERROR_ALLOWED_CODES = [304, 404, 410, 412, 521, 512]  # answers we record (removed, blocked), not drop

# Only government hosts unless configured otherwise (mirrors copy and alter reports).
NIANBAO_ALLOWED_HOST_SUFFIXES = tuple(
    s.strip() for s in os.environ.get("NIANBAO_ALLOWED_HOST_SUFFIXES", ".gov.cn").split(",") if s.strip()
)
NIANBAO_ARCHIVE = os.environ.get("NIANBAO_ARCHIVE", "var/archive")
NIANBAO_MAX_NAV_DEPTH = 4
# HTTP proxy for every request (crawler/proxy.py): `-s`/`-d setting=NIANBAO_PROXY=http://host:port`.
NIANBAO_PROXY = os.environ.get("NIANBAO_PROXY", "")
# Deeper first (and report documents before further list pages, crawler/spiders/reports.py): reports are
# archived as soon as they are found, and the frontier stays small even across thousands of portals.
DEPTH_PRIORITY = -1

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.TrustedHostMiddleware": 50,
    "crawler.middlewares.ConditionalRequestMiddleware": 560,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.AntiBotMiddleware": 580,
    "crawler.middlewares.RobotsRecorderMiddleware": 590,
    "crawler.proxy.SettingProxyMiddleware": 740,  # before HttpProxyMiddleware (750)
}
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
DUPEFILTER_CLASS = "crawler.dupefilter.MemoryDupeFilter"

# Distributed mode (crawler/distributed.py, docs/distributed.md): set REDIS_URL (e.g. -s REDIS_URL=redis://host:6379)
# and every worker started with the same NIANBAO_RUN shares one frontier; per-host limits hold across workers.
NIANBAO_RUN = os.environ.get("NIANBAO_RUN", "default")
NIANBAO_HOST_CONCURRENCY = CONCURRENT_REQUESTS_PER_DOMAIN

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("NIANBAO_LOG_LEVEL", "INFO")
TELNETCONSOLE_ENABLED = False
