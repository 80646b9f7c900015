"""The work queue's promises: coalescing, one worker per key, nothing lost, backoff, closing."""

from __future__ import annotations

import asyncio

import pytest

from mathctl.controllers.workqueue import Backoff, QueueClosed, WorkQueue


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_duplicates_coalesce_and_order_is_fifo() -> None:
    async def main() -> list[str]:
        q: WorkQueue[str] = WorkQueue()
        for key in ["a", "b", "a", "c", "b", "a"]:
            q.add(key)
        assert len(q) == 3
        got = []
        for _ in range(3):
            key = await q.get()
            got.append(key)
            q.done(key)
        assert q.idle()
        return got

    assert run(main()) == ["a", "b", "c"]


def test_a_key_being_processed_is_not_handed_out_twice_but_is_requeued_after_done() -> None:
    async def main() -> None:
        q: WorkQueue[str] = WorkQueue()
        q.add("a")
        first = await q.get()
        q.add("a")  # an event arrives while "a" is being reconciled
        q.add("a")
        assert len(q) == 0, "must not be queued while processing"
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(q.get(), 0.05)
        q.done(first)
        assert len(q) == 1, "the event that arrived mid-reconcile is not lost"
        second = await q.get()
        assert second == "a"
        q.done(second)
        assert q.idle()

    run(main())


def test_retry_uses_growing_backoff_and_forget_resets_it() -> None:
    backoff = Backoff(base=0.01, cap=0.04)
    assert [backoff.delay(n) for n in (1, 2, 3, 4, 5)] == [0.01, 0.02, 0.04, 0.04, 0.04]

    async def main() -> None:
        q: WorkQueue[str] = WorkQueue(Backoff(base=0.01, cap=1.0))
        q.add("a")
        key = await q.get()
        assert q.retry(key) == 0.01
        q.done(key)
        assert not q.idle(), "a pending retry counts as work"
        key = await asyncio.wait_for(q.get(), 1.0)
        assert q.retry(key) == 0.02
        q.done(key)
        key = await asyncio.wait_for(q.get(), 1.0)
        q.forget(key)
        q.done(key)
        assert q.failures("a") == 0
        assert q.idle()

    run(main())


def test_add_after_keeps_the_earliest_time() -> None:
    async def main() -> None:
        q: WorkQueue[str] = WorkQueue()
        loop = asyncio.get_running_loop()
        start = loop.time()
        q.add_after("a", 5.0)
        q.add_after("a", 0.01)
        q.add_after("a", 3.0)
        key = await asyncio.wait_for(q.get(), 1.0)
        assert key == "a" and loop.time() - start < 1.0

    run(main())


def test_close_wakes_waiting_getters_and_drops_pending_work() -> None:
    async def main() -> None:
        q: WorkQueue[str] = WorkQueue()
        waiter = asyncio.create_task(q.get())
        await asyncio.sleep(0)  # let the getter start waiting
        q.add_after("later", 10.0)
        q.close()
        with pytest.raises(QueueClosed):
            await asyncio.wait_for(waiter, 1.0)
        q.add("a")
        assert len(q) == 0 and q.idle()

    run(main())
