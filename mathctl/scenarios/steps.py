"""The steps a scenario is made of: what you do by hand, and what happens to the controller.

Why it exists: a scenario is data — a list of these steps — so it can be *described* before it
runs (the notebook asks the learner to predict the outcome first) and *run* the same way on
both sides. Each step has a sentence for the description and the timeline, and applies itself
to a :class:`Run` (the harness's handle on one side's namespace and controller).

Steps by hand go to the API server as a learner with kubectl would make them. Controller steps
model a controller's life: it handles the events so far, it stops, it starts again (a new
process: empty memory, an informer that lists everything and hands it over as ADDED), its
watch restarts (same process, relist), it crashes at a chosen write.
Used by :mod:`mathctl.scenarios.catalog`; run by :mod:`mathctl.scenarios.harness`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Run(Protocol):
    """What a step can do to one side (:class:`~mathctl.scenarios.harness.SideRun`)."""

    tuple_name: str

    def create_tuple(self, numbers: Sequence[int]) -> None: ...
    def edit_tuple(self, numbers: Sequence[int]) -> None: ...
    def delete_child(self, index: int) -> None: ...
    def edit_child(self, index: int, value: int) -> None: ...
    def create_stray_child(self, index: int, value: int) -> None: ...
    def settle(self, *, twice: str | None = None) -> None: ...
    def stop(self) -> None: ...
    def start(self, why: str) -> None: ...
    def restart_watch(self) -> None: ...
    def arm_crash(self, after_child_writes: int) -> None: ...


class Step(Protocol):
    """One step of a scenario."""

    def describe(self, tuple_name: str) -> str: ...
    def apply(self, run: Run) -> None: ...


def _child(tuple_name: str, index: int) -> str:
    return f"{tuple_name}-{index}"


@dataclass(frozen=True)
class CreateTuple:
    numbers: tuple[int, ...]

    def describe(self, tuple_name: str) -> str:
        return f"create Tuple {tuple_name} with numbers {list(self.numbers)}"

    def apply(self, run: Run) -> None:
        run.create_tuple(self.numbers)


@dataclass(frozen=True)
class EditTuple:
    numbers: tuple[int, ...]

    def describe(self, tuple_name: str) -> str:
        return f"edit Tuple {tuple_name}: numbers → {list(self.numbers)}"

    def apply(self, run: Run) -> None:
        run.edit_tuple(self.numbers)


@dataclass(frozen=True)
class DeleteChild:
    index: int

    def describe(self, tuple_name: str) -> str:
        return f"delete Number {_child(tuple_name, self.index)}"

    def apply(self, run: Run) -> None:
        run.delete_child(self.index)


@dataclass(frozen=True)
class EditChild:
    index: int
    value: int

    def describe(self, tuple_name: str) -> str:
        return f"edit Number {_child(tuple_name, self.index)}: value → {self.value}"

    def apply(self, run: Run) -> None:
        run.edit_child(self.index, self.value)


@dataclass(frozen=True)
class CreateStrayChild:
    """A Number nobody wants, made to look like the Tuple's own: same label, same controller
    ownerReference (so a controller that lists its children by label sees it)."""

    index: int
    value: int

    def describe(self, tuple_name: str) -> str:
        return (f"create Number {_child(tuple_name, self.index)} (value {self.value}) "
                f"labelled and owned by {tuple_name}, as if it were its child")

    def apply(self, run: Run) -> None:
        run.create_stray_child(self.index, self.value)


@dataclass(frozen=True)
class Settle:
    """The controller handles every event so far, and the events its own writes cause, until
    nothing new happens. ``twice`` names one event (``"Tuple ADDED"``) delivered twice."""

    twice: str | None = None

    def describe(self, tuple_name: str) -> str:
        if self.twice:
            return (f"the controller handles the events, and the first {self.twice} event "
                    "reaches it twice")
        return "the controller handles the events so far"

    def apply(self, run: Run) -> None:
        run.settle(twice=self.twice)


@dataclass(frozen=True)
class Stop:
    def describe(self, tuple_name: str) -> str:
        return "the controller stops (its process ends; nobody handles events)"

    def apply(self, run: Run) -> None:
        run.stop()


@dataclass(frozen=True)
class Start:
    def describe(self, tuple_name: str) -> str:
        return ("the controller starts again: a new process, whose informer lists every object "
                "and hands each one over as ADDED")

    def apply(self, run: Run) -> None:
        run.start("starts again")


@dataclass(frozen=True)
class RestartWatch:
    def describe(self, tuple_name: str) -> str:
        return ("the controller's watch restarts (same process): its informer relists and "
                "hands every object over again as ADDED")

    def apply(self, run: Run) -> None:
        run.restart_watch()


@dataclass(frozen=True)
class CrashAfterChildWrites:
    """Arm a crash: the process dies right after its n-th child write reaches the server, and is
    restarted at once (as the kubelet restarts a crashed container)."""

    writes: int = 1

    def describe(self, tuple_name: str) -> str:
        nth = {1: "first", 2: "second", 3: "third"}.get(self.writes, f"{self.writes}th")
        return (f"the controller will crash right after its {nth} child write, and be "
                "restarted at once")

    def apply(self, run: Run) -> None:
        run.arm_crash(self.writes)
