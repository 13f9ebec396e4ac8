"""Group commit for the crawl's archive writes: one thread writes what queued up while it was busy, as one
batch (archive.writer.write_batch: one WARC fsync and one SQLite commit for the lot, raw-file fsyncs issued
together), so the fsyncs a document costs are shared by every document that arrived meanwhile.

There is no timer: when the crawl is slow a batch holds one document and is written at once, as before; when
documents arrive faster than one fsync each, batches grow by themselves, up to max_items / max_bytes (which
bound how long a member waits). Items are written in arrival order (an article before the attachments its
page linked, as a resumed crawl expects). Each submit returns a Deferred fired on the reactor thread with that
item's own result.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

# a batch's items → one result per item: None (written) or the exception that item met
WriteBatch = Callable[[list[Any]], list[BaseException | None]]


class GroupCommit:
    def __init__(self, write: WriteBatch, max_items: int = 64, max_bytes: int = 32 << 20,
                 name: str = "nianbao-archive-writer", deliver: Callable[..., Any] | None = None) -> None:
        """deliver(fn, *args): how results reach the Deferreds' thread (default: the reactor's callFromThread)."""
        self.write, self.max_items, self.max_bytes = write, max(1, max_items), max_bytes
        self._deliver = deliver
        self._queue: deque[tuple[Any, int, Any]] = deque()
        self._wake = threading.Condition()
        self._closing = False
        self.batches: list[int] = []  # the size of each batch written (for the crawl's stats)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, item: Any, size: int) -> Any:
        """Queue one item (size: its bytes, for max_bytes); the Deferred fires once its batch is written."""
        from twisted.internet import defer

        done: Any = defer.Deferred()
        with self._wake:
            if self._closing:
                raise RuntimeError("GroupCommit.submit after stop()")
            self._queue.append((item, size, done))
            self._wake.notify()
        return done

    def stop(self, timeout: float | None = None) -> None:
        """Write what is queued, then end the thread."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join(timeout)

    def _next_batch(self) -> list[tuple[Any, int, Any]]:
        with self._wake:
            while not self._queue and not self._closing:
                self._wake.wait()
            batch, size = [], 0
            while self._queue and len(batch) < self.max_items and (not batch or size + self._queue[0][1]
                                                                    <= self.max_bytes):
                entry = self._queue.popleft()
                batch.append(entry)
                size += entry[1]
            return batch

    def _run(self) -> None:
        while batch := self._next_batch():
            try:
                results = self.write([item for item, _, _ in batch])
            except BaseException as exc:  # the whole batch failed (a full disk): every member hears of it
                results = [exc] * len(batch)
            self.batches.append(len(batch))
            for (_, _, done), result in zip(batch, results, strict=True):
                self._fire(done, result)

    def _fire(self, done: Any, result: BaseException | None) -> None:
        from twisted.python.failure import Failure

        deliver = self._deliver
        if deliver is None:
            from twisted.internet import reactor

            deliver = reactor.callFromThread
        if result is None:
            deliver(done.callback, None)
        else:
            deliver(done.errback, Failure(result))
