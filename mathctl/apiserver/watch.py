"""Watch: the event history ring, fan-out to watchers, and 410 Gone for a version too old.

The hub listens to the store's change feed. Every change goes into a bounded history (like
kube-apiserver's watch cache) and, filtered, onto the queue of each open watch of that
resource. A watch that starts from a ``resourceVersion`` replays the history after it; one that
starts from a version older than the history holds gets ``410 Gone`` as an ``ERROR`` event
(reason ``Expired``, the words of ``watch_cache.go``), after which clients such as kopf and the
official ``watch.Watch`` relist. Selector semantics follow the cacher: an object that stops
matching is sent as ``DELETED``, one that starts matching as ``ADDED``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from mathctl.apiserver import errors
from mathctl.apiserver.store import Change, Entry, Store, encode


class Matcher(Protocol):
    def __call__(self, obj: dict[str, Any]) -> bool: ...


class Watcher:
    """One open watch: what it selects and the queue of encoded events for its response."""

    def __init__(self, storage: str, namespace: str | None, matches: Matcher | None,
                 render: Callable[[Entry], bytes]) -> None:
        self.storage = storage
        self.namespace = namespace
        self.matches = matches
        self.render = render
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.last_rv = 0

    def _selects(self, namespace: str, entry: Entry | None) -> bool:
        if entry is None or (self.namespace is not None and namespace != self.namespace):
            return False
        return self.matches is None or self.matches(entry.obj)

    def event_for(self, change: Change) -> bytes | None:
        """The encoded event this watcher gets for ``change``, or None (cacher semantics)."""
        now = self._selects(change.namespace, change.entry)
        if change.type == "DELETED":
            return frame("DELETED", change.entry, self.render) if now else None
        before = change.prev is not None and self._selects(change.namespace, change.prev)
        if now and before:
            return frame("MODIFIED", change.entry, self.render)
        if now:
            return frame("ADDED", change.entry, self.render)
        if before and change.prev is not None:
            # No longer selected: DELETED with the previous content at the new version.
            old = change.prev.copy()
            old["metadata"]["resourceVersion"] = str(change.rv)
            return frame("DELETED", Entry(encode(old), change.rv, old), self.render)
        return None

    def offer(self, change: Change) -> None:
        event = self.event_for(change)
        self.last_rv = change.rv
        if event is not None:
            self.queue.put_nowait(event)


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
        self.watchers: dict[str, set[Watcher]] = {}
        store.listeners.append(self._on_change)

    def _on_change(self, change: Change) -> None:
        self.history.append(change)
        if len(self.history) > self.capacity:
            self.base = self.history.popleft().rv
        for watcher in self.watchers.get(change.storage, ()):
            watcher.offer(change)

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
        self.watchers.setdefault(watcher.storage, set()).add(watcher)

    def close(self, watcher: Watcher) -> None:
        self.watchers.get(watcher.storage, set()).discard(watcher)

    def count(self) -> int:
        return sum(len(w) for w in self.watchers.values())
