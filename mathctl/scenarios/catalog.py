"""The named scenarios: the same faults for the event switch and the reconcile loop.

Why it exists: the workshop's second lesson (notebook ``40-event-switch-vs-reconcile``) is
that a controller must not care which event woke it or how many it missed. Each scenario here
is one fault a real cluster produces, written as steps (:mod:`mathctl.scenarios.steps`) with a
sentence on what it models, so the learner can read it, predict, then run it
(:func:`mathctl.scenarios.harness.run_scenario`, ``mathctl scenarios NAME``).

Every scenario starts from an empty namespace and one Tuple, ``tuple-x``. The harness settles
each side once more after the last step, so every scenario ends with the controller running
and nothing left to deliver.
"""

from __future__ import annotations

from dataclasses import dataclass

from mathctl.scenarios.predict import Prediction, ScenarioDescription
from mathctl.scenarios.steps import (
    CrashAfterChildWrites,
    CreateStrayChild,
    CreateTuple,
    DeleteChild,
    EditChild,
    EditTuple,
    RestartWatch,
    Settle,
    Start,
    Step,
    Stop,
)

TUPLE_NAME = "tuple-x"


@dataclass(frozen=True)
class Scenario:
    """A named fault: a title, what it models in a real cluster, and its steps."""

    name: str
    title: str
    models: str
    steps: tuple[Step, ...]
    tuple_name: str = TUPLE_NAME

    def describe(self) -> ScenarioDescription:
        """The scenario in words — show it, predict, then run it."""
        return ScenarioDescription(self)

    def predict(self, *, reconcile_loop: str, event_switch: str) -> Prediction:
        """Record what you expect of each side: ``"converges"`` or ``"diverges"``."""
        return Prediction.of(self, reconcile_loop=reconcile_loop, event_switch=event_switch)


_BASE = (3, 4, 5)

SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario(
        "happy-path", "Happy path",
        "Everything works: each event arrives once, in order, and the controller is always up.",
        (CreateTuple(_BASE), Settle(), EditTuple((3, 16, 5, 9)), Settle(),
         EditTuple((3, 16)), Settle())),
    Scenario(
        "down-child-deleted", "Controller down while a child is deleted",
        "Someone deletes a child while the controller is being redeployed (or its node is "
        "drained), so the DELETED event reaches no one.",
        (CreateTuple(_BASE), Settle(), Stop(), DeleteChild(1), Start(), Settle())),
    Scenario(
        "down-spec-edited", "Spec edited while the controller is down",
        "A user applies a new manifest during the controller's upgrade; when it comes back, "
        "all it gets is the Tuple as it is now.",
        (CreateTuple(_BASE), Settle(), Stop(), EditTuple((3, 7)), Start(), Settle())),
    Scenario(
        "edited-twice", "Spec edited twice in quick succession",
        "Two applies (a human and a CI job) land before the controller handles the first; its "
        "informer then delivers both MODIFIED events, in order, each with its own object.",
        (CreateTuple(_BASE), Settle(), EditTuple((3, 4)), EditTuple((3, 4, 5)), Settle())),
    Scenario(
        "duplicate-event", "An event delivered twice",
        "At-least-once delivery: a retried handler or a re-sent notification hands the same "
        "ADDED event to the controller a second time.",
        (CreateTuple(_BASE), Settle(twice="Tuple ADDED"))),
    Scenario(
        "watch-restart", "The watch restarts and replays ADDED",
        "The watch connection drops (API server restart, load balancer timeout, 410 Gone); the "
        "informer relists and hands every object over again as ADDED.",
        (CreateTuple(_BASE), Settle(), RestartWatch(), Settle())),
    Scenario(
        "child-edited", "A child edited by hand",
        "Someone runs `kubectl edit` on a child Number, or another tool overwrites it: the child "
        "drifts from what its Tuple says.",
        (CreateTuple(_BASE), Settle(), EditChild(0, 8), Settle())),
    Scenario(
        "crash-mid-create", "Crash after the first child, before the rest",
        "The controller is OOM-killed or evicted in the middle of its work: one child exists, "
        "the others were never created.",
        (CrashAfterChildWrites(1), CreateTuple(_BASE), Settle())),
    Scenario(
        "stray-child", "An unwanted child created by hand",
        "A leftover from an old version, a bad copy-paste or a manual test: a Number carrying "
        "the Tuple's label and controller ownerReference that its spec does not ask for.",
        (CreateTuple(_BASE), Settle(), CreateStrayChild(9, 81), Settle())),
)}


class UnknownScenario(LookupError):
    """Raised for a scenario name that does not exist; the message lists the ones that do."""


def get(name: str) -> Scenario:
    """The scenario called ``name``, or :class:`UnknownScenario` listing the names there are."""
    try:
        return SCENARIOS[name]
    except KeyError:
        known = ", ".join(SCENARIOS)
        raise UnknownScenario(
            f"There is no scenario {name!r}. The scenarios are: {known}.") from None

