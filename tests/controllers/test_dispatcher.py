"""The dispatcher on its own: events → keys (a child wakes its controller owner), one reconcile
per burst, retries with backoff, resync. The reconcile functions here are recorders, so these
tests are about control flow only; the real loops are tested against a server elsewhere."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from typing import Any

from mathctl.controllers.dispatcher import Dispatcher, Key
from mathctl.controllers.outcome import Outcome
from mathctl.controllers.reconcile import KindInfo
from mathctl.controllers.workqueue import Backoff
from mathctl.resources.group import API_VERSION, FERMAT, NUMBER, TUPLE


class Recorder:
    """A stand-in reconcile loop that records its calls; can be told to block or fail."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()
        self.gate: threading.Event | None = None
        self.entered = threading.Event()
        self.failures_left = 0

    def __call__(self, kind: str) -> Any:
        def reconcile(api: Any, namespace: str, name: str, **_: Any) -> Outcome:
            with self.lock:
                self.calls[(kind, name)] += 1
                fail = self.failures_left > 0
                self.failures_left -= 1 if fail else 0
            self.entered.set()
            if self.gate is not None:
                self.gate.wait(5)
            if fail:
                raise RuntimeError("injected failure")
            return Outcome(kind, namespace, name)
        return reconcile


def make(recorder: Recorder, **kwargs: Any) -> Dispatcher:
    kinds = (
        KindInfo(NUMBER, recorder("Number"), owner=TUPLE),
        KindInfo(TUPLE, recorder("Tuple"), owner=FERMAT),
        KindInfo(FERMAT, recorder("Fermat"), owner=None),
    )
    return Dispatcher(None, kinds=kinds, resync=None, **kwargs)  # type: ignore[arg-type]


def body(name: str, *owners: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"namespace": "ns", "name": name, "ownerReferences": list(owners)}}


def ref(kind: str, name: str, *, controller: bool = True,
        api_version: str = API_VERSION) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "name": name, "uid": f"uid-{name}",
            "controller": controller}


def test_a_childs_event_wakes_its_controller_owner_only() -> None:
    recorder = Recorder()

    async def main() -> None:
        d = make(recorder)
        await d.start()
        d.observe("Number", "MODIFIED", body("t-0", ref("Tuple", "t")))
        d.observe("Number", "MODIFIED", body("x-0", ref("Tuple", "x", controller=False)))
        d.observe("Number", "MODIFIED", body("y-0", ref("Tuple", "y", api_version="other/v1")))
        d.observe("Tuple", "DELETED", body("t", ref("Fermat", "f")))
        keys = [Key("Number", "ns", "t-0"), Key("Tuple", "ns", "t"), Key("Fermat", "ns", "f"),
                Key("Number", "ns", "x-0"), Key("Number", "ns", "y-0")]
        assert await d.wait_reconciled(keys, since=0.0, timeout=5)
        await d.stop()

    asyncio.run(main())
    assert set(recorder.calls) == {("Number", "t-0"), ("Tuple", "t"), ("Fermat", "f"),
                                   ("Number", "x-0"), ("Number", "y-0")}


def test_a_burst_of_events_for_one_key_becomes_at_most_two_reconciles() -> None:
    recorder = Recorder()
    recorder.gate = threading.Event()

    async def main() -> None:
        d = make(recorder, workers=4)
        await d.start()
        d.observe("Tuple", "ADDED", body("t"))
        await asyncio.get_running_loop().run_in_executor(None, recorder.entered.wait, 5)
        since = asyncio.get_running_loop().time()
        for _ in range(50):  # events while the first reconcile is still running
            d.observe("Tuple", "MODIFIED", body("t"))
        assert recorder.calls[("Tuple", "t")] == 1, "never two reconciles of one key at once"
        recorder.gate.set()
        assert await d.wait_reconciled([Key("Tuple", "ns", "t")], since=since, timeout=5)
        await d.stop()

    asyncio.run(main())
    assert recorder.calls[("Tuple", "t")] == 2


def test_failures_are_retried_with_backoff_until_they_succeed() -> None:
    recorder = Recorder()
    recorder.failures_left = 3

    async def main() -> Dispatcher:
        d = make(recorder, backoff=Backoff(base=0.01, cap=0.05))
        await d.start()
        d.observe("Number", "ADDED", body("n"))
        key = Key("Number", "ns", "n")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while d.stats.reconciles < 1 and loop.time() < deadline:
            await d.wait_reconciled([key], since=loop.time(), timeout=1)
        await d.stop()
        return d

    d = asyncio.run(main())
    assert recorder.calls[("Number", "n")] == 4
    assert d.stats.errors == 3 and d.stats.reconciles == 1


def test_resync_reconciles_every_known_key_and_forgets_deleted_ones() -> None:
    recorder = Recorder()

    async def main() -> list[tuple[Key, Outcome]]:
        d = make(recorder)
        await d.start()
        for name in ("a", "b", "c"):
            d.observe("Number", "ADDED", body(name))
        d.observe("Number", "DELETED", body("b"))
        assert d.known == {Key("Number", "ns", "a"), Key("Number", "ns", "c")}
        assert await d.wait_reconciled(d.known, since=0.0, timeout=5)
        outcomes = await d.resync_and_wait(timeout=5)
        await d.stop()
        return outcomes

    outcomes = asyncio.run(main())
    assert sorted(k.name for k, _ in outcomes) == ["a", "c"]
    assert recorder.calls[("Number", "a")] == 2


def test_the_periodic_resync_requeues_known_keys_without_any_event() -> None:
    recorder = Recorder()

    async def main() -> None:
        kinds = (KindInfo(NUMBER, recorder("Number"), owner=TUPLE),)
        d = Dispatcher(None, kinds=kinds, resync=0.05)  # type: ignore[arg-type]
        await d.start()
        d.observe("Number", "ADDED", body("n"))
        loop = asyncio.get_running_loop()
        mark = loop.time() + 0.01  # strictly after the event's own reconcile began
        while recorder.calls[("Number", "n")] < 3:
            assert await d.wait_reconciled([Key("Number", "ns", "n")], since=mark, timeout=5)
            mark = loop.time()
        await d.stop()

    asyncio.run(main())
    assert recorder.calls[("Number", "n")] >= 3


def test_an_owner_of_function_replaces_the_owner_reference_lookup() -> None:
    """The learner's ``owner_of`` decides which owner a child's event wakes (even a wrong one)."""
    recorder = Recorder()
    seen: list[str] = []

    def owner_of(obj: dict[str, Any]) -> tuple[str, str, str] | None:
        seen.append(obj["metadata"]["name"])
        return ("Tuple", "ns", "chosen") if obj["metadata"]["name"] == "t-0" else None

    async def main() -> None:
        d = make(recorder, owner_of=owner_of)
        await d.start()
        d.observe("Number", "MODIFIED", body("t-0", ref("Tuple", "t")))
        d.observe("Tuple", "MODIFIED", body("t", ref("Fermat", "f")))
        keys = [Key("Number", "ns", "t-0"), Key("Tuple", "ns", "chosen"), Key("Tuple", "ns", "t")]
        assert await d.wait_reconciled(keys, since=0.0, timeout=5)
        await d.stop()

    asyncio.run(main())
    assert seen == ["t-0", "t"]
    assert set(recorder.calls) == {("Number", "t-0"), ("Tuple", "chosen"), ("Tuple", "t")}


def test_an_error_with_a_summary_is_logged_once_per_kind_and_remembered_per_key(
        caplog: Any) -> None:
    class Mistake(RuntimeError):
        summary = "reconcile_number is not written yet"

    def failing(api: Any, namespace: str, name: str, **_: Any) -> Outcome:
        raise Mistake(Mistake.summary)

    kinds = (KindInfo(NUMBER, failing, owner=None),)
    d = Dispatcher(None, kinds=kinds, resync=None,  # type: ignore[arg-type]
                   backoff=Backoff(base=0.01, cap=0.02))

    async def main() -> None:
        await d.start()
        d.observe("Number", "ADDED", body("a"))
        d.observe("Number", "ADDED", body("b"))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while d.stats.errors < 6 and loop.time() < deadline:
            await d.wait_reconciled([Key("Number", "ns", "a")], since=loop.time(), timeout=1)
        await d.stop()

    with caplog.at_level("DEBUG", logger="mathctl.controllers"):
        asyncio.run(main())
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert d.stats.errors >= 6
    assert len(warnings) == 1 and warnings[0].endswith(": reconcile_number is not written yet")
    assert set(d.failures) == {Key("Number", "ns", "a"), Key("Number", "ns", "b")}
