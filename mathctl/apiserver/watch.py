"""Watch: the event history ring, fan-out to watchers, and 410 Gone for a version too old.

The hub listens to the store's change feed. Every change goes into a bounded history (like
kube-apiserver's watch cache) and, filtered, to each open watch of that resource. A watch that
starts from a ``resourceVersion`` replays the history after it; one that starts from a version
older than the history holds gets ``410 Gone`` as an ``ERROR`` event (reason ``Expired``, the
words of ``watch_cache.go``), after which clients such as kopf and the official
``watch.Watch`` relist. Selector semantics follow the cacher: an object that stops matching is
sent as ``DELETED``, one that starts matching as ``ADDED``.

Fan-out is cheap per watcher (``bench/apiserver.py`` measures 50 of them): watchers are indexed
by namespace, so a change only visits those that can see it; an event is framed once and the
same bytes go to every watcher that renders the resource the same way (all but ``as=Table``
ones); delivering is a non-blocking append plus waking that watch's writer, which sends
everything pending in one write.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any, Protocol

from mathctl.apiserver import errors
from mathctl.apiserver.store import Change, Entry, Store, encode


class Matcher(Protocol):
    def __call__(self, obj: dict[str, Any]) -> bool: ...


class Watcher:
    """One open watch: what it selects, and the encoded events waiting for its response.

    ``shared`` names how it renders objects (the resource's group/version) when that rendering
    is the same for every watcher of the resource, so their frames can be shared; None when
    it is this watcher's own (tables).
    """

    def __init__(self, storage: str, namespace: str | None, matches: Matcher | None,
                 render: Callable[[Entry], bytes], shared: Hashable | None = None) -> None:
        self.storage = storage
        self.namespace = namespace
        self.matches = matches
        self.render = render
        self.shared = shared
        self.pending: deque[bytes] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.last_rv = 0

    def _selects(self, namespace: str, entry: Entry | None) -> bool:
        if entry is None or (self.namespace is not None and namespace != self.namespace):
            return False
        return self.matches is None or self.matches(entry.obj)

    def event_for(self, change: Change, frames: dict[Hashable, bytes] | None = None
                  ) -> bytes | None:
        """The encoded event this watcher gets for ``change``, or None (cacher semantics).

        ``frames`` caches frames of this change by (type, rendering) across watchers.
        """
        now = self._selects(change.namespace, change.entry)
        if change.type == "DELETED":
            return self._frame("DELETED", change.entry, frames) if now else None
        before = change.prev is not None and self._selects(change.namespace, change.prev)
        if now and before:
            return self._frame("MODIFIED", change.entry, frames)
        if now:
            return self._frame("ADDED", change.entry, frames)
        if before and change.prev is not None:
            # No longer selected: DELETED with the previous content at the new version.
            old = change.prev.copy()
            old["metadata"]["resourceVersion"] = str(change.rv)
            return frame("DELETED", Entry(encode(old), change.rv, old), self.render)
        return None

    def _frame(self, kind: str, entry: Entry, frames: dict[Hashable, bytes] | None) -> bytes:
        if frames is None or self.shared is None:
            return frame(kind, entry, self.render)
        key = (kind, self.shared)
        framed = frames.get(key)
        if framed is None:
            framed = frames[key] = frame(kind, entry, self.render)
        return framed

    def offer(self, change: Change, frames: dict[Hashable, bytes] | None = None) -> None:
        event = self.event_for(change, frames)
        self.last_rv = change.rv
        if event is not None:
            self.push(event)

    def push(self, event: bytes) -> None:
        """Queue an encoded event and wake the writer if it waits."""
        self.pending.append(event)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next_events(self, until: float) -> bytes | None:
        """Everything pending as one chunk, waiting until loop time ``until`` at most (None)."""
        if not self.pending:
            loop = asyncio.get_running_loop()
            waiter = self._waiter = loop.create_future()
            timer = loop.call_at(until, _wake, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
            if not self.pending:
                return None
        pending = self.pending
        chunk = pending.popleft() if len(pending) == 1 else b"".join(pending)
        pending.clear()
        return chunk


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def frame(kind: str, entry: Entry, render: Callable[[Entry], bytes]) -> bytes:
    return b'{"type":"' + kind.encode() + b'","object":' + render(entry) + b"}\n"


class WatchHub:
    """The history ring and the open watchers, fed by the store."""

    def __init__(self, store: Store, capacity: int) -> None:
        self.store = store
        self.history: deque[Change] = deque()
        self.capacity = max(1, capacity)
        # Changes after ``base`` are all in the history; older versions answer 410.
        self.base = store.rv
        # storage -> namespace (None: all namespaces) -> watchers
        self.watchers: dict[str, dict[str | None, set[Watcher]]] = {}
        store.listeners.append(self._on_change)

    def _on_change(self, change: Change) -> None:
        self.history.append(change)
        if len(self.history) > self.capacity:
            self.base = self.history.popleft().rv
        spaces = self.watchers.get(change.storage)
        if not spaces:
            return
        frames: dict[Hashable, bytes] = {}
        for watcher in spaces.get(None, ()):
            watcher.offer(change, frames)
        if change.namespace:
            for watcher in spaces.get(change.namespace, ()):
                watcher.offer(change, frames)

    def open(self, watcher: Watcher, since: int | None) -> None:
        """Register ``watcher``; replay the history after ``since`` (None: nothing to replay).

        Raises the 410 ``Expired`` error when ``since`` is older than the history.
        """
        if since is not None:
            if since < self.base:
                raise errors.expired(f"too old resource version: {since} ({self.base})")
            for change in self.history:
                if change.rv > since and change.storage == watcher.storage:
                    watcher.offer(change)
        watcher.last_rv = max(watcher.last_rv, since or 0, self.store.rv)
        spaces = self.watchers.setdefault(watcher.storage, {})
        spaces.setdefault(watcher.namespace or None, set()).add(watcher)

    def close(self, watcher: Watcher) -> None:
        spaces = self.watchers.get(watcher.storage, {})
        group = spaces.get(watcher.namespace or None)
        if group is not None:
            group.discard(watcher)
            if not group:
                del spaces[watcher.namespace or None]

    def count(self) -> int:
        return sum(len(w) for spaces in self.watchers.values() for w in spaces.values())
