"""A work queue that holds each key once: the in-server controllers' inbox.

The CRD and namespace controllers are woken by store changes, often hundreds in a burst (a
namespace emptied, a CRD's objects deleted). Queueing a key that is already waiting adds
nothing, so a burst costs one pass, not one pass per change; a key that changes while it is
being processed is queued again and gets one more pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
log = logging.getLogger(__name__)


class CoalescingQueue(Generic[K]):
    """FIFO of distinct keys, worked off by :meth:`run`."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[K] = asyncio.Queue()
        self._waiting: set[K] = set()

    def put(self, key: K) -> None:
        if key not in self._waiting:
            self._waiting.add(key)
            self._queue.put_nowait(key)

    async def run(self, work: Callable[[K], None], what: str) -> None:
        """Call ``work(key)`` for each key, forever; a failure is logged, not fatal."""
        while True:
            key = await self._queue.get()
            self._waiting.discard(key)
            try:
                work(key)
            except Exception:  # a bug in one pass must not stop the server
                log.exception("%s %s failed", what, key)
