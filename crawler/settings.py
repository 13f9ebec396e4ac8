"""Scrapy settings for nianbao's crawler. Polite by default: these are public servers of small governments."""

from __future__ import annotations

import os

from parsers.limits import MAX_FILE_BYTES

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao; annual-report archive; contact via repository)"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 64  # across all hosts; politeness is the per-host limit below (broad crawls need more sockets)
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = MAX_FILE_BYTES  # reports are a few MB; a bigger body is not a report (parsers/limits.py)
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
# Responses (bodies) waiting for the archive's writer before Scrapy stops downloading: room for a few slow
# fsyncs on a busy disk while the writer's group commits (crawler/groupcommit.py) catch up. Scrapy's 5 MB
# stalled downloads behind a handful of PDFs.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 32 * 1024 * 1024
# Outputs of one response processed at once. Scrapy starts this many asyncio tasks for every response
# (scrapy.utils.asyncio._parallel_asyncio): its default of 100 cost ~100 tasks per request, a fifth of the crawl's
# CPU; a list page yields a few dozen requests and items, and the archive's writer queues them anyway.
CONCURRENT_ITEMS = 16
NIANBAO_WRITE_BATCH_ITEMS = 128  # documents per group commit at most (one WARC fsync, one SQLite commit)
NIANBAO_WRITE_BATCH_BYTES = 32 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_ENABLED = False  # replaced by crawler.middlewares.BackoffRetryMiddleware
NIANBAO_RETRY_TIMES = 2
NIANBAO_RETRY_BASE_DELAY = 1.0
NIANBAO_RETRY_HTTP_CODES = [500, 502, 503, 504, 408, 429]
# Network failures worth a second try: Scrapy's RETRY_EXCEPTIONS without DownloadTimeoutError (see
# crawler.middlewares.BackoffRetryMiddleware). An over-size body (DownloadCancelledError) is never retried.
NIANBAO_RETRY_EXCEPTIONS = [
    "scrapy.exceptions.CannotResolveHostError", "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError", "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone", "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost", "builtins.OSError", "scrapy.core.downloader.handlers.http11.TunnelError",
]
HTTPERROR_ALLOWED_CODES = [304, 404, 410, 412, 521, 512]  # answers we record (removed, blocked), not drop

# Only government hosts unless configured otherwise (mirrors copy and alter reports).
NIANBAO_ALLOWED_HOST_SUFFIXES = tuple(
    s.strip() for s in os.environ.get("NIANBAO_ALLOWED_HOST_SUFFIXES", ".gov.cn").split(",") if s.strip()
)
# The web ports portals use; a redirect to :6379 or :22 is refused (crawler/addresses.py).
NIANBAO_ALLOWED_PORTS = [80, 443, 8080, 8443, 8000, 8081, 8888]
# Names resolving to loopback/private/link-local/reserved addresses are refused, at connection time
# (TWISTED_DNS_RESOLVER) and before a proxy is asked. Only the local portal farm turns this on
# (nianbao.demo.FARM_SETTINGS).
NIANBAO_ALLOW_PRIVATE_ADDRESSES = False
TWISTED_DNS_RESOLVER = "crawler.addresses.PublicAddressResolver"
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
    "crawler.middlewares.PublicAddressMiddleware": 60,
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

# Tracebacks and an abnormal parse-error rate go into the crawl's stats (crawler/health.py); `nianbao crawl`
# turns them into a non-zero exit status.
EXTENSIONS = {"crawler.health.HealthExtension": 100}
# `nianbao crawl --log-file`: rotated at this size, keeping this many old files (FILE.1 … FILE.N)
NIANBAO_LOG_MAX_BYTES = 10 * 1024 * 1024
NIANBAO_LOG_BACKUPS = 5
