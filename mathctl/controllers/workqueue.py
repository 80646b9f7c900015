"""A per-key work queue: many events in, one reconcile per key out.

Why it exists: kopf calls an ``@kopf.on.event`` handler once per watch event, but a
level-based controller must not reconcile once per event. A burst of events for one object
(its own update, then five child status changes) should become *one* reconcile; the same key
must never be reconciled by two workers at once; a failed reconcile comes back later with a
growing delay. This is client-go's workqueue (a queue, a *dirty* set, a *processing* set and
a per-key rate limiter) on asyncio, small enough to read in the workshop.

Used by :mod:`mathctl.controllers.operator`; the handlers only call :meth:`WorkQueue.add`.
All methods must be called from the event loop that runs :meth:`WorkQueue.get`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Backoff:
    """Exponential per-key delays for retrying failures: ``base · 2^(failures-1)``, capped."""

    base: float = 0.05
    cap: float = 30.0

    def delay(self, failures: int) -> float:
        """The delay before the next try after ``failures`` consecutive failures (≥ 1)."""
        return float(min(self.cap, self.base * 2 ** max(0, failures - 1)))


class QueueClosed(Exception):
    """Raised by :meth:`WorkQueue.get` once the queue is closed and no work is left to hand out."""


class WorkQueue(Generic[K]):
    """A FIFO of keys that coalesces duplicates and never hands out a key twice at once.

    - :meth:`add` queues a key unless it is already waiting (coalescing). If the key is being
      processed, it is marked dirty and queued again when :meth:`done` is called, so an event
      that arrives mid-reconcile is never lost.
    - :meth:`get` waits for the next key; :meth:`done` must follow every :meth:`get`.
    - :meth:`retry` re-adds a key after its backoff delay; :meth:`forget` resets that delay.
    """

    def __init__(self, backoff: Backoff | None = None) -> None:
        self.backoff = backoff or Backoff()
        self._queue: deque[K] = deque()
        self._dirty: set[K] = set()
        self._processing: set[K] = set()
        self._failures: dict[K, int] = {}
        self._timers: dict[K, asyncio.TimerHandle] = {}
        self._ready = asyncio.Event()
        self._closed = False

    def __len__(self) -> int:
        return len(self._queue)

    @property
    def closed(self) -> bool:
        return self._closed

    def add(self, key: K) -> None:
        """Queue ``key`` for a reconcile, unless it is already waiting."""
        if self._closed or key in self._dirty:
            return
        self._dirty.add(key)
        if key not in self._processing:
            self._queue.append(key)
            self._ready.set()

    def add_after(self, key: K, delay: float) -> None:
        """Queue ``key`` after ``delay`` seconds (an earlier pending time wins)."""
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        when = loop.time() + delay
        timer = self._timers.get(key)
        if timer is not None and not timer.cancelled() and timer.when() <= when:
            return
        if timer is not None:
            timer.cancel()
        self._timers[key] = loop.call_at(when, self._fire, key)

    def _fire(self, key: K) -> None:
        self._timers.pop(key, None)
        self.add(key)

    def retry(self, key: K) -> float:
        """Re-queue a key whose reconcile failed, after its backoff; returns the delay."""
        failures = self._failures.get(key, 0) + 1
        self._failures[key] = failures
        delay = self.backoff.delay(failures)
        self.add_after(key, delay)
        return delay

    def forget(self, key: K) -> None:
        """Reset the failure count of ``key`` (call it after a successful reconcile)."""
        self._failures.pop(key, None)

    def failures(self, key: K) -> int:
        return self._failures.get(key, 0)

    async def get(self) -> K:
        """Wait for the next key and mark it as being processed."""
        while not self._queue:
            if self._closed:
                raise QueueClosed
            self._ready.clear()
            await self._ready.wait()
        key = self._queue.popleft()
        self._dirty.discard(key)
        self._processing.add(key)
        return key

    def done(self, key: K) -> None:
        """Mark ``key`` as processed; queue it again if it was added meanwhile."""
        self._processing.discard(key)
        if key in self._dirty and not self._closed:
            self._queue.append(key)
            self._ready.set()

    def idle(self) -> bool:
        """True when nothing is queued, nothing is processing and no retry is pending."""
        return not self._queue and not self._processing and not self._timers

    def close(self) -> None:
        """Stop handing out keys; pending retries are dropped and waiting getters wake up."""
        self._closed = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._queue.clear()
        self._dirty.clear()
        self._ready.set()
