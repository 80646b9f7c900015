"""The dispatcher: watch events become keys, keys become reconciles, failures come back later.

Why it exists: this is the level-based half of the operator, kept apart from kopf so it can be
read (and tested) on its own. kopf's ``on.event`` handlers call :meth:`Dispatcher.observe` with
whatever event they saw; the dispatcher keeps only the *key* — ``(kind, namespace, name)`` —
of the object and of its controller owner (a child's event wakes its parent, as
sample-controller's ``handleObject`` does), puts them on a :class:`WorkQueue`, and a few
workers run the plain ``reconcile_*`` function for each key in a thread (the official client
is synchronous). Which event it was is deliberately forgotten: a reconcile reads the current
state and converges it. The event's object does go into a :class:`Cache` first (an
informer's store), from which the reconciles read, so the server answers writes, not the
controller's questions. A periodic resync re-queues every cached key, like an informer's
resync, so even a lost event is repaired within one resync period.

The learner's own controllers (:mod:`mathctl.controllers.learner`) run here unchanged: their
reconciles are adapted to the same contract, their ``owner_of`` (if given) replaces the
ownerReference lookup, and their mistakes — errors carrying a one-sentence ``summary`` — are
logged once per kind and sentence while the backoff keeps retrying; :attr:`Dispatcher.failures`
holds each failing key's last error (so ``wait_settled`` can tell a stub from slow progress).

Used by :mod:`mathctl.controllers.operator` (kopf wiring) and, through it, by the notebook
runner, ``mathctl run`` and ``kopf run -m mathctl.controllers.kopf_main``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

from kubernetes.client import ApiClient

from mathctl.controllers.cache import Cache
from mathctl.controllers.objects import describe_error
from mathctl.controllers.outcome import Outcome
from mathctl.controllers.reconcile import KINDS, KindInfo
from mathctl.controllers.workqueue import Backoff, QueueClosed, WorkQueue

logger = logging.getLogger("mathctl.controllers")


class Key(NamedTuple):
    """What a reconcile needs to know: which object. Never which event."""

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"


@dataclass
class Stats:
    """Running totals since the dispatcher started (read by the notebook view and the bench)."""

    events: int = 0
    reconciles: int = 0
    writes: int = 0
    conflicts: int = 0
    errors: int = 0


OutcomeListener = Callable[[Key, Outcome, float], None]
"""Called with each reconcile's key, outcome and the loop time at which it started."""
OwnerOf = Callable[[Mapping[str, Any]], "tuple[str, str, str] | None"]
"""Maps an object to the ``(kind, namespace, name)`` of its controller owner, or None."""


class Dispatcher:
    """Maps events to keys, coalesces them per key, and runs reconciles with retries."""

    def __init__(
        self,
        api: ApiClient,
        *,
        workers: int = 4,
        resync: float | None = 30.0,
        backoff: Backoff | None = None,
        kinds: Iterable[KindInfo] = KINDS,
        thread_name: str = "mathctl-reconcile",
        owner_of: OwnerOf | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}.")
        if resync is not None and resync <= 0:
            raise ValueError(f"resync must be a positive number of seconds or None, not {resync}.")
        self.api = api
        self.workers = workers
        self.resync_period = resync
        self.kinds: dict[str, KindInfo] = {k.kind: k for k in kinds}
        self.stats = Stats()
        self.recent: deque[tuple[Key, Outcome]] = deque(maxlen=200)
        self.listeners: list[OutcomeListener] = []
        self.thread_name = thread_name
        self.owner_of = owner_of
        """Replaces the ownerReference lookup of :meth:`observe` (the learner's ``owner_of``)."""
        self.failures: dict[Key, BaseException] = {}
        """The error of each key whose last reconcile failed (cleared when one succeeds)."""
        self.failures_in_a_row: dict[Key, int] = {}
        """How many reconciles of each failing key failed one after another."""
        self._said: set[tuple[str, str]] = set()  # (kind, summary) of errors already logged
        self._backoff = backoff or Backoff()
        self.cache = Cache()
        self._queue: WorkQueue[Key] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._executor: ThreadPoolExecutor | None = None
        self._finished: dict[Key, float] = {}  # key -> start time of its last finished reconcile
        self._progress: asyncio.Condition | None = None

    # --- lifecycle (called from the operator's event loop) -------------------------------------

    async def start(self) -> None:
        """Create the queue and start the workers and the resync timer in the running loop."""
        if self._queue is not None and not self._queue.closed:
            return
        self._queue = WorkQueue(self._backoff)
        self._progress = asyncio.Condition()
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix=self.thread_name)
        self._tasks = [asyncio.create_task(self._work(), name=f"reconcile-worker-{i}")
                       for i in range(self.workers)]
        if self.resync_period is not None:
            self._tasks.append(asyncio.create_task(self._resync_timer(), name="resync-timer"))
        for key in self.known:
            self._queue.add(key)

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop handing out work, let reconciles in flight finish (up to ``timeout``), clean up."""
        if self._queue is None:
            return
        self._queue.close()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            if task.get_name() == "resync-timer":
                task.cancel()
        _done, pending = await asyncio.wait(tasks, timeout=timeout) if tasks else (set(), set())
        for task in pending:
            task.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    # --- events in -------------------------------------------------------------------------------

    def observe(self, kind: str, event_type: str | None, body: Mapping[str, Any]) -> None:
        """Note that *something* happened to an object: queue it and its controller owner.

        ``event_type`` only tells the cache to forget a deleted object; the reconcile itself
        never sees it.
        """
        meta = body.get("metadata") or {}
        namespace, name = meta.get("namespace"), meta.get("name")
        if not namespace or not name or kind not in self.kinds:
            return
        self.stats.events += 1
        self.cache.apply(kind, event_type, body)
        self.enqueue(Key(kind, namespace, name))
        if self.owner_of is not None:
            self._enqueue_owner(kind, body)
            return
        owner = self.kinds[kind].owner
        if owner is not None:
            for ref in meta.get("ownerReferences") or ():
                if ref.get("controller") and ref.get("kind") == owner.kind \
                        and ref.get("apiVersion") == owner.api_version:
                    self.enqueue(Key(owner.kind, namespace, ref["name"]))

    def _enqueue_owner(self, kind: str, body: Mapping[str, Any]) -> None:
        assert self.owner_of is not None
        try:
            found = self.owner_of(body)
        except Exception as exc:
            self._log_failure(Key(kind, "", ""), exc, "")
            return
        if found is not None and found[0] in self.kinds:
            self.enqueue(Key(*found))

    def enqueue(self, key: Key) -> None:
        """Ask for a reconcile of ``key`` (coalesced with any pending request for it)."""
        if self._queue is not None:
            self._queue.add(key)

    def resync_now(self) -> float:
        """Queue every known key; returns the loop time at which the resync was requested."""
        mark = asyncio.get_running_loop().time()
        if self._queue is not None:
            for key in sorted(self.known):
                self._queue.add(key)
        return mark

    @property
    def known(self) -> frozenset[Key]:
        """Every object the watch has shown and not deleted since (what a resync re-queues)."""
        return frozenset(Key(*k) for k in self.cache.object_keys())

    def idle(self) -> bool:
        """True when no reconcile is queued, running or waiting for a retry."""
        return self._queue is None or self._queue.idle()

    # --- waiting (for tests, the bench and the notebook runner) ----------------------------------

    async def wait_reconciled(self, keys: Iterable[Key], since: float, timeout: float) -> bool:
        """Wait until every key had a reconcile that *started* at or after ``since``."""
        assert self._progress is not None, "start() the dispatcher first"
        wanted = set(keys)

        def all_done() -> bool:
            return all(self._finished.get(k, -1.0) >= since for k in wanted)

        async with self._progress:
            try:
                await asyncio.wait_for(self._progress.wait_for(all_done), timeout)
            except TimeoutError:
                return False
        return True

    async def resync_and_wait(self, timeout: float = 30.0) -> list[tuple[Key, Outcome]]:
        """Run one resync and return the outcomes of the reconciles that started after it
        (a reconcile already running when it began is not part of it).

        Raises ``TimeoutError`` if they did not all finish within ``timeout`` seconds.
        """
        keys = self.known
        mark = self.resync_now()
        collected: list[tuple[Key, Outcome]] = []

        def collect(key: Key, outcome: Outcome, started: float) -> None:
            if started >= mark:
                collected.append((key, outcome))

        self.listeners.append(collect)
        try:
            if not await self.wait_reconciled(keys, mark, timeout):
                late = sorted(k for k in keys if self._finished.get(k, -1.0) < mark)
                raise TimeoutError(f"resync did not finish in {timeout} s; waiting for {late[:5]}")
        finally:
            self.listeners.remove(collect)
        return collected

    # --- workers ---------------------------------------------------------------------------------

    async def _resync_timer(self) -> None:
        assert self.resync_period is not None
        while True:
            await asyncio.sleep(self.resync_period)  # a period, not a wait for a condition
            self.resync_now()

    async def _work(self) -> None:
        assert self._queue is not None and self._progress is not None
        loop = asyncio.get_running_loop()
        queue = self._queue
        while True:
            try:
                key = await queue.get()
            except QueueClosed:
                return
            started = loop.time()
            try:
                outcome = await loop.run_in_executor(self._executor, self._reconcile, key)
            except Exception as exc:  # any failure: retry later with backoff, keep the worker
                self.stats.errors += 1
                self.failures[key] = exc
                self.failures_in_a_row[key] = self.failures_in_a_row.get(key, 0) + 1
                delay = queue.retry(key)
                self._log_failure(key, exc, f"; retrying in {delay:.2g} s")
            else:
                self.failures.pop(key, None)
                self.failures_in_a_row.pop(key, None)
                if outcome.stale:  # read a cache that was behind: again, once it caught up
                    queue.retry(key)
                else:
                    queue.forget(key)
                self._record(key, outcome, started)
            finally:
                queue.done(key)
            async with self._progress:
                self._finished[key] = started
                self._progress.notify_all()

    def _reconcile(self, key: Key) -> Outcome:
        info = self.kinds[key.kind]
        t0 = time.perf_counter()
        outcome = info.reconcile(self.api, key.namespace, key.name, cache=self.cache)
        elapsed = (time.perf_counter() - t0) * 1000
        level = (logging.WARNING if outcome.problems else
                 logging.INFO if outcome.writes else logging.DEBUG)
        logger.log(level, "%s (%.0f ms)", outcome.summary(), elapsed)
        return outcome

    def _log_failure(self, key: Key, exc: BaseException, retry: str) -> None:
        """An error with a one-sentence ``summary`` (the learner's code) is logged once per
        kind and sentence — the backoff keeps retrying, the log does not repeat it — others
        every time, with the server's own words."""
        summary = getattr(exc, "summary", None)
        if not isinstance(summary, str):
            logger.warning("%s failed: %s%s", key, describe_error(exc), retry)
            return
        said = (key.kind, summary)
        if said in self._said:
            logger.debug("%s: %s%s", key, summary, retry)
            return
        self._said.add(said)
        logger.warning("%s: %s", key if key.name else key.kind, summary)

    def _record(self, key: Key, outcome: Outcome, started: float) -> None:
        self.stats.reconciles += 1
        self.stats.writes += len(outcome.writes)
        self.stats.conflicts += outcome.conflicts
        self.recent.append((key, outcome))
        for listener in list(self.listeners):
            with contextlib.suppress(Exception):
                listener(key, outcome, started)
