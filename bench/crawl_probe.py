"""A Scrapy extension for profiling a crawl (bench only): samples the engine every 0.25 s and times each archive
write, then prints a summary to stderr when the spider closes.

    nianbao crawl ... -s 'EXTENSIONS={"crawler.health.HealthExtension": 100, "crawl_probe.Probe": 200}'
    (with bench/ on PYTHONPATH)
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from typing import Any

from scrapy import signals

import archive.writer as writer_mod
from archive.rawstore import RawStore
from archive.warc import WarcLog

TIMES: dict[str, list[float]] = defaultdict(list)


def _timed(name: str, fn: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name].append(time.perf_counter() - start)
    return wrapper


class Probe:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.samples: list[dict[str, float]] = []
        self.task: Any = None
        crawler.signals.connect(self.opened, signals.spider_opened)
        crawler.signals.connect(self.closed, signals.spider_closed)
        crawler.signals.connect(self.received, signals.response_received)
        self.latency: dict[str, list[float]] = defaultdict(list)
        writer_mod.write_document = _timed("write_document", writer_mod.write_document)
        writer_mod.write_outcome = _timed("write_outcome", writer_mod.write_outcome)
        writer_mod.write_batch = _timed("write_batch", writer_mod.write_batch)
        import crawler.pipelines as pipes
        pipes.write_document = writer_mod.write_document
        pipes.write_outcome = writer_mod.write_outcome
        pipes.write_batch = writer_mod.write_batch
        WarcLog._append_groups = _timed("warc append", WarcLog._append_groups)
        RawStore.put = _timed("raw put", RawStore.put)
        writer_mod._transaction = _timed_cm("sqlite transaction", writer_mod._transaction)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Probe:
        return cls(crawler)

    def opened(self, spider: Any) -> None:
        from twisted.internet import task
        self.start = time.perf_counter()
        self.cpu0 = time.process_time()
        self.task = task.LoopingCall(self.sample)
        self.task.start(0.25)

    def received(self, response: Any, request: Any, spider: Any) -> None:
        from urllib.parse import urlsplit

        self.latency[urlsplit(request.url).hostname or ""].append(request.meta.get("download_latency", 0.0))

    def sample(self) -> None:
        engine = self.crawler.engine
        slot = engine.scraper.slot
        down = engine.downloader
        self.samples.append({
            "t": time.perf_counter() - self.start,
            "cpu": time.process_time() - self.cpu0,
            "down_active": len(down.active),
            "scraper_active": len(slot.active) if slot else 0,
            "scraper_bytes": slot.active_size if slot else 0,
            "scraper_queue": len(slot.queue) if slot else 0,
            "itemproc": slot.itemproc_size if slot else 0,
            "sched": len(engine._slot.scheduler) if engine._slot and hasattr(engine._slot.scheduler, "__len__") else -1,
            "needs_backout": float(engine.needs_backout()),
            **_busiest_slot(down),
        })

    def closed(self, spider: Any, reason: str) -> None:
        if self.task and self.task.running:
            self.task.stop()
        out = sys.stderr
        n = len(self.samples) or 1
        out.write(f"PROBE samples {len(self.samples)} over {time.perf_counter() - self.start:.1f}s, "
                  f"cpu {time.process_time() - self.cpu0:.1f}s\n")
        for key in ("down_active", "scraper_active", "scraper_bytes", "scraper_queue", "itemproc", "sched",
                    "needs_backout", "slot_queue"):
            vals = [s[key] for s in self.samples]
            out.write(f"PROBE {key}: mean {sum(vals) / n:.2f} max {max(vals or [0]):.0f}\n")
        for name, times in sorted(TIMES.items()):
            times = sorted(times)
            if times:
                mean, p50, top = (1000 * x for x in (sum(times) / len(times), times[len(times) // 2], times[-1]))
                out.write(f"PROBE time {name}: n {len(times)} total {sum(times):.2f}s mean {mean:.1f}ms "
                          f"p50 {p50:.1f}ms max {top:.1f}ms\n")
        for host, times in sorted(self.latency.items(), key=lambda kv: -len(kv[1]))[:4]:
            times = sorted(times)
            out.write(f"PROBE latency {host}: n {len(times)} mean {1000 * sum(times) / len(times):.0f}ms "
                      f"p50 {1000 * times[len(times) // 2]:.0f}ms p90 {1000 * times[len(times) * 9 // 10]:.0f}ms\n")
        step = max(1, len(self.samples) // 40)
        for s in self.samples[::step]:
            out.write("PROBE t={t:5.1f} cpu={cpu:5.1f} down={down_active:2.0f} scr={scraper_active:3.0f} "
                      "bytes={scraper_bytes:9.0f} itemproc={itemproc:3.0f} sched={sched:4.0f} "
                      "backout={needs_backout:.0f} busiest host: {slot_queue:3.0f} queued {slot_active:3.0f} in slot\n"
                      .format(**s))


def _busiest_slot(downloader: Any) -> dict[str, float]:
    """The downloader slot (host) with the most requests waiting: its queue and its requests in progress."""
    slots = list(downloader.slots.values())
    if not slots:
        return {"slot_queue": 0, "slot_active": 0}
    slot = max(slots, key=lambda s: len(s.queue))
    return {"slot_queue": len(slot.queue), "slot_active": len(slot.active)}


def _timed_cm(name: str, cm_fn: Any) -> Any:
    from contextlib import contextmanager

    @contextmanager
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        with cm_fn(*args, **kwargs) as value:
            yield value
        TIMES[name].append(time.perf_counter() - start)
    return wrapper
