"""The controllers' inbox holds each key once, and survives a failing pass."""

from __future__ import annotations

import asyncio

from mathctl.apiserver.controllers.queueing import CoalescingQueue


def test_a_burst_of_the_same_key_is_one_pass() -> None:
    async def main() -> list[str]:
        queue: CoalescingQueue[str] = CoalescingQueue()
        done: list[str] = []
        finished = asyncio.Event()

        def work(key: str) -> None:
            if key == "boom":
                raise RuntimeError("a bug in one pass")
            done.append(key)
            if key == "last" or len(done) == 4:
                finished.set()

        for key in ("a", "a", "b", "a", "boom", "last"):
            queue.put(key)
        task = asyncio.create_task(queue.run(work, "test"))
        await asyncio.wait_for(finished.wait(), 5)
        finished.clear()
        queue.put("a")          # queued again once processed: one more pass
        await asyncio.wait_for(finished.wait(), 5)
        task.cancel()
        return done

    assert asyncio.run(main()) == ["a", "b", "last", "a"]
