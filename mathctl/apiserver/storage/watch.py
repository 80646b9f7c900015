"""Watch: per-resource event windows, fan-out to watchers, 410 Gone, and stalled watchers closed.

The hub listens to the store's change feed. Every change goes into its resource's window (kube
keeps one watch cache per resource, ``apiserver/pkg/storage/cacher/watch_cache.go``) and,
filtered, to each open watch of that resource. A watch that starts from a ``resourceVersion``
replays the window after it; one older than the window gets ``410 Gone`` as an ``ERROR`` event
(reason ``Expired``, ``too old resource version: <rv> (<oldest-1>)``, the rule of
``watchCache.getAllEventsSinceLocked``), after which clients such as kopf and the official
``watch.Watch`` relist. A window starts where the server started (its "list"), so a version
from before that — ``resourceVersion=1`` on a server that has been up — is expired, as on kube.
Selector semantics follow the cacher: an object that stops matching is sent as ``DELETED``,
one that starts matching as ``ADDED``.

Memory is bounded twice. The windows hold at most ``capacity`` events each and, together, at
most ``max_bytes`` of encoded objects (the largest window gives up its oldest events first, so
a churning ConfigMap does not push a quiet resource's events out); kube bounds by count only,
but a 1 MB object makes its count bound a gigabyte. Each watcher's queue is bounded as the
cacher bounds its ``input`` channel (``cache_watcher.go`` ``add``): a watcher whose writes are
blocked (the client stopped reading) while ``channel_size`` events wait, for longer than
``STALL_SECONDS``, is closed; its client re-watches, and relists if its version has expired.

Fan-out is cheap per watcher (``bench/apiserver.py`` measures 50 of them): watchers are indexed
by namespace, so a change only visits those that can see it; an event is framed once and the
same bytes go to every watcher that renders the resource the same way (all but ``as=Table``
ones); delivering is a non-blocking append plus waking that watch's writer, which sends
everything pending in one write.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any, Protocol

from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.storage.store import Change, Entry, Store, encode

log = logging.getLogger(__name__)

# cacher.go: a watcher's input channel holds 10 to 1000 events (suggestedWatchChannelSize:
# about one second of the window's events; 100 for a resource without a trigger index).
CHANNEL_SIZE = 100
# cacher.go dispatchEvent waits at most ~100 ms (its timeBudget) for a blocked watcher; a
# client here shares two cores with the server, so it gets longer before it is judged stalled.
STALL_SECONDS = 1.0
# A burst the writer has had no chance to send yet is not a stall, but it is bounded too.
PENDING_BYTES_LIMIT = 64 << 20
# Encoded bytes the windows may hold together (about 6 500 events of a 10 KB object).
HISTORY_BYTES = 64 << 20
EVENT_OVERHEAD = 200   # the Change and Entry around an event's bytes, roughly
# cache_watcher.go nextBookmarkTime: a bookmark every bookmarkFrequency (cacher.go: 1 minute),
# or 2 s before the watch's deadline when that comes first; none if that time has passed.
BOOKMARK_FREQUENCY = 60.0
BOOKMARK_BEFORE_DEADLINE = 2.0


def next_bookmark_time(now: float, deadline: float,
                       frequency: float = BOOKMARK_FREQUENCY) -> float | None:
    """When a watcher with bookmarks on gets its next one (``nextBookmarkTime``), or None.

    ``deadline`` is the request's (its start plus ``timeoutSeconds``), so a 2-second watch
    has its pre-timeout time at its start, already past: kube sends it no bookmark.
    """
    heartbeat = now + frequency
    pretimeout = deadline - BOOKMARK_BEFORE_DEADLINE
    heartbeat = min(heartbeat, pretimeout)
    return None if heartbeat <= now else heartbeat


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
        self.pending_bytes = 0
        self._waiter: asyncio.Future[None] | None = None
        self.last_rv = 0
        # time.monotonic() when the current write to the client started (None: not writing).
        self.writing_since: float | None = None
        self.closed = False
        # Called once when the hub closes this watcher for falling behind.
        self.on_stall: Callable[[], None] | None = None

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
        if self.closed:
            return
        event = self.event_for(change, frames)
        self.last_rv = change.rv
        if event is not None:
            self.push(event)

    def push(self, event: bytes) -> None:
        """Queue an encoded event and wake the writer if it waits; close a stalled watcher."""
        if self.closed:
            return
        self.pending.append(event)
        self.pending_bytes += len(event)
        if self._stalled():
            self.close_stalled()
            return
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _stalled(self) -> bool:
        """``cache_watcher.go`` add: the input channel is full and stays full past the timeout
        (here: the write to the client has been blocked that long)."""
        if self.pending_bytes >= PENDING_BYTES_LIMIT:
            return True
        since = self.writing_since
        return (since is not None and len(self.pending) >= CHANNEL_SIZE
                and time.monotonic() - since >= STALL_SECONDS)

    def close_stalled(self) -> None:
        """Terminate this watcher (``forget``): drop what waits, end the stream."""
        log.info("closing a watch of %s that fell behind (%d events, %d bytes waiting)",
                 self.storage, len(self.pending), self.pending_bytes)
        self.closed = True
        self.pending.clear()
        self.pending_bytes = 0
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        if self.on_stall is not None:
            self.on_stall()

    async def next_events(self, until: float) -> bytes | None:
        """Everything pending as one chunk, waiting until loop time ``until`` at most (None)."""
        if not self.pending and not self.closed:
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
        self.pending_bytes = 0
        return chunk


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def frame(kind: str, entry: Entry, render: Callable[[Entry], bytes]) -> bytes:
    return b'{"type":"' + kind.encode() + b'","object":' + render(entry) + b"}\n"


class Window:
    """One resource's recent events (kube: its ``watchCache`` ring) and where it starts.

    ``list_rv`` is the version the window started at (kube: the cacher's initial list); until
    an event is dropped, every version from it on can be resumed.
    """

    __slots__ = ("bytes", "changes", "evicted", "list_rv")

    def __init__(self, list_rv: int) -> None:
        self.changes: deque[Change] = deque()
        self.bytes = 0
        self.list_rv = list_rv
        self.evicted = False

    def oldest(self) -> int:
        """The oldest version a watch can get events from (``getAllEventsSinceLocked``)."""
        if not self.evicted or not self.changes:
            return self.list_rv + 1
        return self.changes[0].rv

    def append(self, change: Change) -> None:
        self.changes.append(change)
        self.bytes += event_size(change)

    def drop_oldest(self) -> None:
        self.bytes -= event_size(self.changes.popleft())
        self.evicted = True


def event_size(change: Change) -> int:
    return len(change.entry.raw) + EVENT_OVERHEAD


class WatchHub:
    """The per-resource windows and the open watchers, fed by the store."""

    def __init__(self, store: Store, capacity: int, max_bytes: int = HISTORY_BYTES) -> None:
        self.store = store
        self.capacity = max(1, capacity)
        self.max_bytes = max(1, max_bytes)
        self.bytes = 0
        # Resources seen from now on start their window here (see :meth:`restart_windows`).
        self.list_rv = store.rv
        self.windows: dict[str, Window] = {}
        # storage -> namespace (None: all namespaces) -> watchers
        self.watchers: dict[str, dict[str | None, set[Watcher]]] = {}
        store.listeners.append(self._on_change)

    def restart_windows(self) -> None:
        """Start every window at the current version, as the cacher's list at startup does
        (the server calls this once its bootstrap objects are written)."""
        self.list_rv = self.store.rv
        self.windows.clear()
        self.bytes = 0

    def window(self, storage: str) -> Window:
        window = self.windows.get(storage)
        if window is None:
            window = self.windows[storage] = Window(self.list_rv)
        return window

    def _on_change(self, change: Change) -> None:
        window = self.window(change.storage)
        before = window.bytes
        window.append(change)
        if len(window.changes) > self.capacity:
            window.drop_oldest()
        self.bytes += window.bytes - before
        if self.bytes > self.max_bytes:
            self._trim()
        spaces = self.watchers.get(change.storage)
        if not spaces:
            return
        frames: dict[Hashable, bytes] = {}
        for watcher in spaces.get(None, ()):
            watcher.offer(change, frames)
        if change.namespace:
            for watcher in spaces.get(change.namespace, ()):
                watcher.offer(change, frames)

    def _trim(self) -> None:
        """Drop the oldest events of the largest windows until the bytes fit (each window
        keeps its newest event)."""
        while self.bytes > self.max_bytes:
            largest = max(self.windows.values(), key=lambda w: w.bytes)
            if len(largest.changes) <= 1:
                return
            before = largest.bytes
            largest.drop_oldest()
            self.bytes -= before - largest.bytes

    def open(self, watcher: Watcher, since: int | None) -> None:
        """Register ``watcher``; replay the window after ``since`` (None: nothing to replay).

        Raises the 410 ``Expired`` error when ``since`` is older than the window.
        """
        if since is not None:
            window = self.window(watcher.storage)
            oldest = window.oldest()
            if since < oldest - 1:
                raise errors.expired(f"too old resource version: {since} ({oldest - 1})")
            for change in window.changes:
                if change.rv > since:
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
