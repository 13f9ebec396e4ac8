"""Distributed crawling on scrapy-redis: one shared frontier in Redis, any number of workers.

scrapy-redis gives the shared queue and duplicate filter. What it does not give, and this module adds:

- **No lost work when a worker dies.** scrapy-redis pops a request and forgets it; a worker killed with
  SIGKILL takes its in-flight requests with it, and their fingerprints stay in the duplicate filter, so nobody
  fetches them again. Here every popped request is also written to the worker's in-flight hash and removed only
  after its callback has finished (items written); each worker keeps a heartbeat key alive, and a worker that
  finds a dead worker's hash puts those requests back on the queue (RENAME makes the claim atomic).
- **Workers finish together.** A worker whose local queue is empty stays up while the shared queue has requests
  or any live worker has requests in flight (their callbacks may add more).
- **Seeds go through the duplicate filter, once.** Only the first worker of a run yields the start requests
  (SET NX), and in distributed mode they are not `dont_filter`.
- **Politeness across workers.** At most NIANBAO_HOST_CONCURRENCY requests per host run at once over all workers
  (a sorted set of leases per host, with expiry so a dead worker's leases lapse).

Keys live under `nianbao:<run>:` so that a new crawl (a new run name) starts from an empty frontier while the
old one's keys can be inspected or deleted. SCHEDULER_PERSIST is always on: with it off, the first worker to
exit would wipe the queue for everyone.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from redis.exceptions import ResponseError
from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.urls import host_of

HEARTBEAT_TTL = 10  # seconds without a heartbeat before a worker counts as dead
HEARTBEAT_EVERY = 2.0
LEASE_TTL = 120  # a host lease older than this is a dead worker's; it lapses


def run_keys(run: str) -> dict[str, str]:
    prefix = f"nianbao:{run}"
    return {"queue": f"{prefix}:requests", "dupefilter": f"{prefix}:dupefilter", "seeded": f"{prefix}:seeded",
            "workers": f"{prefix}:workers", "inflight": f"{prefix}:inflight:", "alive": f"{prefix}:alive:",
            "hosts": f"{prefix}:host:", "crawl": f"{prefix}:crawl_id", "seeds_done": f"{prefix}:seeds_done",
            "items": f"{prefix}:items", "validators": f"{prefix}:validators", "recheck": f"{prefix}:recheck",
            "leases": f"{prefix}:leases:", "finished": f"{prefix}:finished"}


def distributed_settings(run: str) -> dict[str, Any]:
    keys = run_keys(run)
    return {
        "SCHEDULER": "crawler.distributed.ReliableScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # never wipe the shared queue when one worker exits
        "SCHEDULER_QUEUE_KEY": keys["queue"], "SCHEDULER_DUPEFILTER_KEY": keys["dupefilter"],
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        # closest to the downloader: taken just before the request goes out, given back as soon as it returns
        "DOWNLOADER_MIDDLEWARES": {"crawler.distributed.HostLeaseMiddleware": 950},
        "SPIDER_MIDDLEWARES": {"crawler.distributed.AckMiddleware": 10},
        "EXTENSIONS": {"crawler.distributed.WorkerExtension": 10},
    }


def apply_distributed(settings: Any) -> None:
    """Switch a crawl's settings to distributed mode when REDIS_URL is set (`scrapy crawl reports -s REDIS_URL=…
    -s NIANBAO_RUN=…`, Scrapyd's `-d setting=…`, or `nianbao crawl --redis`). Dict settings are merged into the
    project's, not replaced."""
    if not settings.get("REDIS_URL"):
        return
    for name, value in distributed_settings(settings.get("NIANBAO_RUN") or "default").items():
        if isinstance(value, dict):
            value = {**settings.getdict(name), **value}
        settings.set(name, value, priority="spider")
    if settings.get("NIANBAO_ARCHIVE_WRITER") == "queue":  # workers hand documents to `nianbao archive-writer`
        pipelines = {**settings.getdict("ITEM_PIPELINES"), "crawler.pipelines.QueuePipeline": 300}
        pipelines.pop("crawler.pipelines.ArchivePipeline", None)
        settings.set("ITEM_PIPELINES", pipelines, priority="spider")


def run_scheduler(spider: Spider | None) -> ReliableScheduler | None:
    """The run's coordinator (set by ReliableScheduler.open), or None when the crawl is not distributed."""
    return getattr(spider, "nianbao_scheduler", None)


def members(server: Any, key: str) -> list[str]:
    """A Redis set of worker names, as text."""
    return [m.decode() if isinstance(m, bytes) else m for m in server.smembers(key)]


def track_item(scheduler: ReliableScheduler | None, output: Any, key: str | None) -> Any:
    """An item produced for an in-flight request: its request is acked only once the item is written."""
    if key and scheduler is not None and not isinstance(output, Request):
        scheduler.item_pending(key)
        output.nianbao_inflight = key
    return output


def worker_id() -> str:
    return os.environ.get("NIANBAO_WORKER") or f"{socket.gethostname()}-{os.getpid()}"


# The shared queue is scrapy-redis's PriorityQueue (a sorted set): take its first member and hold it in flight.
POP_AND_HOLD = """
local got = redis.call('ZRANGE', KEYS[1], 0, 0)
if #got == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
local key = redis.sha1hex(got[1])
redis.call('HSET', KEYS[2], key, got[1])
return {key, got[1]}
"""


class ReliableScheduler(RedisScheduler):
    """scrapy-redis's scheduler, with every popped request kept in this worker's in-flight hash until acked."""

    def open(self, spider: Spider) -> Any:
        super().open(spider)
        self.keys = run_keys(spider.settings.get("NIANBAO_RUN"))
        self.worker = worker_id()
        self.pending: dict[str, int] = {}  # in-flight key → items of its callback not written yet
        self.output_done: set[str] = set()
        spider.nianbao_scheduler = self

    def enqueue_request(self, request: Request) -> bool:
        """A redirect or retry comes back through the scheduler: once it is queued again (or filtered), the
        popped original it replaces is no longer in flight here."""
        previous = request.meta.pop("nianbao_inflight", None)
        added = super().enqueue_request(request)
        if previous:
            self.server.hdel(self.keys["inflight"] + self.worker, previous)
        return added

    def item_pending(self, key: str) -> None:
        self.pending[key] = self.pending.get(key, 0) + 1

    def item_written(self, key: str) -> None:
        self.pending[key] -= 1
        self._maybe_ack(key)

    def output_finished(self, key: str) -> None:
        self.output_done.add(key)
        self._maybe_ack(key)

    def _maybe_ack(self, key: str) -> None:
        """Ack once the callback has produced everything and every item it produced is written."""
        if key in self.output_done and not self.pending.get(key):
            self._forget(key)

    def _forget(self, key: str) -> None:
        self.pending.pop(key, None)
        self.output_done.discard(key)
        self.server.hdel(self.keys["inflight"] + self.worker, key)

    def next_request(self) -> Request | None:
        """Pop the next request and record it in this worker's in-flight hash in one step (a Lua script): with
        a pop and a separate HSET, a worker killed between the two lost the request for good (its fingerprint
        already in the shared duplicate filter, the request in no in-flight hash). The hash key is the sha1 of
        the encoded request, so two queued requests for one URL (a retry beside its original) never share one."""
        got = self.server.eval(POP_AND_HOLD, 2, self.queue.key, self.keys["inflight"] + self.worker)
        if not got:
            return None
        key, data = got
        request = self.queue._decode_request(data)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        request.meta["nianbao_inflight"] = key.decode() if isinstance(key, bytes) else key
        return request

    def ack(self, request: Request) -> None:
        """Done with a request that will produce nothing more (dropped, or its callback raised)."""
        key = request.meta.get("nianbao_inflight")
        if key:
            self._forget(key)

    def join_crawl(self, open_crawl: Callable[[], int], timeout: float = 120) -> tuple[int, bool]:
        """(crawl id, seeder?): the first worker of the run opens the crawl and seeds it; the others join it."""
        if self.server.set(self.keys["seeded"], self.worker, nx=True):
            crawl_id = open_crawl()
            self.server.set(self.keys["crawl"], crawl_id)
            return crawl_id, True
        return self._wait_for_crawl(timeout, "is the seeding worker alive?"), False

    def join_queued_crawl(self, timeout: float = 300) -> tuple[int, bool]:
        """Queue mode: the archive writer opened the crawl; the first worker seeds it."""
        seeder = bool(self.server.set(self.keys["seeded"], self.worker, nx=True))
        return self._wait_for_crawl(timeout, "start `nianbao archive-writer` for this run first"), seeder

    def _wait_for_crawl(self, timeout: float, hint: str) -> int:
        deadline = time.monotonic() + timeout
        while (crawl_id := self.server.get(self.keys["crawl"])) is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no crawl id at {self.keys['crawl']}: {hint}")
            time.sleep(0.2)
        return int(crawl_id)

    def validators(self) -> dict[str, dict[str, str]]:
        """URL → ETag/Last-Modified of archived documents, as the archive writer published them."""
        return {k.decode(): json.loads(v) for k, v in self.server.hgetall(self.keys["validators"]).items()}

    def recheck(self) -> list[tuple[str, str | None, dict[str, str]]]:
        return [tuple(json.loads(v)) for v in self.server.lrange(self.keys["recheck"], 0, -1)]

    def seeding_done(self) -> None:
        self.server.set(self.keys["seeds_done"], self.worker)

    def recover_dead(self) -> int:
        """Requeue the in-flight requests of workers whose heartbeat stopped; returns how many."""
        moved = 0
        for worker in members(self.server, self.keys["workers"]):
            if worker == self.worker or self.server.exists(self.keys["alive"] + worker):
                continue
            claimed = f"{self.keys['inflight']}{worker}:claimed-by:{self.worker}"
            try:
                self.server.rename(self.keys["inflight"] + worker, claimed)
            except ResponseError:  # nothing to claim, or another worker claimed it first
                self.server.srem(self.keys["workers"], worker)
                continue
            for data in self.server.hvals(claimed):
                self.queue.push(self.queue._decode_request(data))
                moved += 1
            self.server.delete(claimed)
            self.release_leases(worker)
            self.server.srem(self.keys["workers"], worker)
        return moved

    def release_leases(self, worker: str) -> None:
        """A dead worker's per-host leases, given back now rather than when they lapse."""
        leases = self.keys["leases"] + worker
        for host_key in self.server.smembers(leases):
            for token in self.server.zrange(host_key, 0, -1):
                if (token.decode() if isinstance(token, bytes) else token).startswith(worker + ":"):
                    self.server.zrem(host_key, token)
        self.server.delete(leases)

    def run_busy(self) -> bool:
        """Work left anywhere: requests queued, or in flight at a live worker (their callbacks may add more)."""
        if len(self.queue) or not self.server.exists(self.keys["seeds_done"]):
            return True
        for worker in members(self.server, self.keys["workers"]):
            if worker != self.worker and self.server.hlen(self.keys["inflight"] + worker):
                return True
        return False


class AckMiddleware:
    """Ack a request once its callback has produced everything and its items are written: each item carries
    the request's in-flight key to the pipeline, which reports back when the item is in the archive."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> AckMiddleware:
        return cls(crawler)

    async def process_spider_output_async(self, response: Any, result: AsyncIterator[Any],
                                          spider: Spider | None = None) -> AsyncIterator[Any]:
        key = self._key(response)
        async for output in result:
            yield self._track(output, key)
        self._finished(key)

    def process_spider_output(self, response: Any, result: Iterable[Any], spider: Spider | None = None) -> Any:
        key = self._key(response)
        for output in result:
            yield self._track(output, key)
        self._finished(key)

    @staticmethod
    def _key(response: Any) -> str | None:
        request = getattr(response, "request", None)
        return request.meta.get("nianbao_inflight") if request is not None else None

    def _track(self, output: Any, key: str | None) -> Any:
        return track_item(run_scheduler(self.crawler.spider), output, key)

    def _finished(self, key: str | None) -> None:
        scheduler = run_scheduler(self.crawler.spider)
        if key and scheduler is not None:
            scheduler.output_finished(key)


def item_written(crawler: Any, item: Any) -> None:
    """Called by the pipelines once an item is safely in the archive (or on the writer's queue)."""
    key = getattr(item, "nianbao_inflight", None)
    scheduler = run_scheduler(crawler.spider) if crawler is not None else None
    if key and scheduler is not None:
        scheduler.item_written(key)


class WorkerExtension:
    """Heartbeat, recovery of dead workers' requests, errback acks, and staying up while the run is busy."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.task: asyncio.Task | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self.dropped, signal=signals.request_dropped)
        crawler.signals.connect(self.failed, signal=signals.spider_error)

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerExtension:
        return cls(crawler)

    def _scheduler(self) -> ReliableScheduler | None:
        return run_scheduler(self.crawler.spider)

    def opened(self, spider: Spider) -> None:
        scheduler = self._scheduler()
        if scheduler is None:
            return
        scheduler.server.sadd(scheduler.keys["workers"], scheduler.worker)
        self._beat(scheduler)
        self.task = asyncio.get_event_loop().create_task(self._heartbeat(scheduler))

    def _beat(self, scheduler: ReliableScheduler) -> None:
        scheduler.server.set(scheduler.keys["alive"] + scheduler.worker, str(time.time()), ex=HEARTBEAT_TTL)
        # re-join on every beat: a worker once taken for dead (a parse longer than the TTL) is seen again
        scheduler.server.sadd(scheduler.keys["workers"], scheduler.worker)

    async def _heartbeat(self, scheduler: ReliableScheduler) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_EVERY)
            self._beat(scheduler)
            scheduler.recover_dead()

    def idle(self, spider: Spider) -> None:
        scheduler = self._scheduler()
        if scheduler is not None and (scheduler.recover_dead() or scheduler.run_busy()):
            raise DontCloseSpider

    def dropped(self, request: Request, spider: Spider | None = None) -> None:
        scheduler = self._scheduler()
        if scheduler is not None:
            scheduler.ack(request)  # filtered by a scheduler-side check: nothing more will come of it

    def failed(self, failure: Any, response: Any, spider: Spider | None = None) -> None:
        scheduler = self._scheduler()
        if scheduler is not None and getattr(response, "request", None) is not None:
            scheduler.ack(response.request)  # a callback that raised produces nothing more either

    def closed(self, spider: Spider, reason: str) -> None:
        if self.task:
            self.task.cancel()
        scheduler = self._scheduler()
        if scheduler is None:
            return
        scheduler.server.delete(scheduler.keys["alive"] + scheduler.worker)
        if reason == "finished" and not scheduler.server.hlen(scheduler.keys["inflight"] + scheduler.worker):
            scheduler.server.srem(scheduler.keys["workers"], scheduler.worker)
            scheduler.release_leases(scheduler.worker)  # nothing in flight: its lease record goes too
            if not scheduler.run_busy():  # the run is over: `nianbao crawl` refuses to start it again
                scheduler.server.set(scheduler.keys["finished"], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                     nx=True)


class HostLeaseMiddleware:
    """At most NIANBAO_HOST_CONCURRENCY requests per host at once across all workers of the run."""

    ACQUIRE = """
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
    if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
      redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
      return 1
    end
    return 0
    """

    def __init__(self, crawler: Any) -> None:
        from scrapy_redis.connection import from_settings

        self.server = from_settings(crawler.settings)
        self.limit = crawler.settings.getint("NIANBAO_HOST_CONCURRENCY", 2)
        keys = run_keys(crawler.settings.get("NIANBAO_RUN"))
        self.prefix = keys["hosts"]
        self.acquire = self.server.register_script(self.ACQUIRE)
        self.worker = worker_id()
        self.my_leases = keys["leases"] + self.worker  # the hosts this worker ever leased (for recovery)
        self.leased_hosts: set[str] = set()  # those already recorded there
        self.counter = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> HostLeaseMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = host_of(request.url)
        self.counter += 1
        token = f"{self.worker}:{self.counter}"
        while True:
            now = time.time()
            if self.acquire(keys=[self.prefix + host], args=[now - LEASE_TTL, self.limit, now, token]):
                request.meta["nianbao_lease"] = (self.prefix + host, token)
                if host not in self.leased_hosts:
                    self.server.sadd(self.my_leases, self.prefix + host)
                    self.leased_hosts.add(host)
                return
            await asyncio.sleep(0.05)

    def _release(self, request: Request) -> None:
        lease = request.meta.pop("nianbao_lease", None)
        if lease:
            self.server.zrem(*lease)

    def process_response(self, request: Request, response: Any, spider: Spider | None = None) -> Any:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        self._release(request)
