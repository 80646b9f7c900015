"""What a scenario run found, as plain typed data: end state against desired, writes, timeline.

Why it exists: the table in the terminal, the HTML in the notebook, the tests and the learner's
prediction check all read the same facts, so they live in frozen dataclasses with nothing
run-specific in them (no uids, times or resourceVersions): the same scenario gives equal
results on every run, which is what the tests and nbval compare. Rendering lives in
:mod:`mathctl.scenarios.report`; these classes only hand themselves to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mathctl.scenarios.writes import WriteRecord

SideName = Literal["reconcile loop", "event switch"]
SIDES: tuple[SideName, SideName] = ("reconcile loop", "event switch")

EntrySource = Literal["you", "event", "missed", "controller"]
"""Who or what a timeline line is about: a step done by hand, an event delivered to the
controller, an event it never saw (it was down), or the controller's own life (stop, crash,
restart, watch restart)."""


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a side's timeline: what happened, and the writes the controller made for it."""

    source: EntrySource
    text: str
    actions: tuple[str, ...] = ()
    note: str = ""

    def __str__(self) -> str:
        head = {"you": "you:", "event": "→", "missed": "✗ missed:", "controller": "⟳"}[self.source]
        line = f"{head} {self.text}"
        if self.actions:
            line += " ⇒ " + ", ".join(self.actions)
        if self.note:
            line += f" ({self.note})"
        return line


@dataclass(frozen=True)
class Child:
    """A child Number as it is (or should be): name, value, and whether the Tuple controls it."""

    name: str
    value: int | None
    controlled: bool = True


def compare(tuple_name: str, desired: Mapping[str, int],
            actual: Mapping[str, Child]) -> tuple[str, ...]:
    """Every way ``actual`` differs from ``desired``, as short sentences, in child order.

    ``missing tuple-x-1``, ``tuple-x-0 value 5 ≠ 4`` (is ≠ should be), ``extra tuple-x-9``,
    ``tuple-x-2 not controlled by tuple-x``.
    """
    problems: list[str] = []
    for name in sorted(set(desired) | set(actual), key=_natural):
        if name not in actual:
            problems.append(f"missing {name}")
        elif name not in desired:
            problems.append(f"extra {name}")
        else:
            child = actual[name]
            if child.value != desired[name]:
                problems.append(f"{name} value {child.value} ≠ {desired[name]}")
            if not child.controlled:
                problems.append(f"{name} not controlled by {tuple_name}")
    return tuple(problems)


def _natural(name: str) -> tuple[str, int]:
    head, _, tail = name.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (name, -1)


@dataclass(frozen=True)
class SideResult:
    """How one controller did in one scenario."""

    side: SideName
    desired: tuple[Child, ...]
    actual: tuple[Child, ...]
    differences: tuple[str, ...]
    writes: tuple[WriteRecord, ...]
    timeline: tuple[TimelineEntry, ...]

    @property
    def converged(self) -> bool:
        return not self.differences

    @property
    def child_writes(self) -> int:
        """Write requests to child Numbers, accepted or refused."""
        return sum(1 for w in self.writes if w.kind == "Number")

    @property
    def other_writes(self) -> int:
        """Write requests to anything else (the reconcile loop's Tuple status updates)."""
        return sum(1 for w in self.writes if w.kind != "Number")

    @property
    def refused(self) -> tuple[WriteRecord, ...]:
        return tuple(w for w in self.writes if not w.accepted)

    def verdict(self) -> str:
        """``converged`` or ``diverged: missing tuple-x-1; extra tuple-x-9``."""
        return "converged" if self.converged else "diverged: " + "; ".join(self.differences)

    def writes_summary(self) -> str:
        """``3 child writes (1 refused: 409 AlreadyExists) + 2 status``."""
        text = f"{self.child_writes} child write{'s' if self.child_writes != 1 else ''}"
        refused = [w for w in self.refused if w.kind == "Number"]
        if refused:
            reasons = sorted({f"{w.status} {w.reason}".strip() for w in refused})
            text += f" ({len(refused)} refused: {', '.join(reasons)})"
        if self.other_writes:
            text += f" + {self.other_writes} status"
        return text


@dataclass(frozen=True)
class ScenarioResult:
    """Both sides of one scenario, ready to print (``rich``) or show (``_repr_html_``)."""

    name: str
    title: str
    models: str
    reconcile: SideResult
    event_switch: SideResult

    @property
    def sides(self) -> tuple[SideResult, SideResult]:
        return (self.reconcile, self.event_switch)

    def side(self, name: SideName) -> SideResult:
        return self.reconcile if name == "reconcile loop" else self.event_switch

    def outcome(self) -> dict[str, Any]:
        """The facts that must be equal from run to run (what the repeat test compares)."""
        return {s.side: (s.differences, tuple(str(w) for w in s.writes),
                         tuple(str(e) for e in s.timeline)) for s in self.sides}

    def __rich__(self) -> Any:
        from mathctl.scenarios.report import scenario_renderable
        return scenario_renderable(self)

    def _repr_html_(self) -> str:
        from mathctl.scenarios.report import scenario_html
        return scenario_html(self)

    def __str__(self) -> str:
        from mathctl.scenarios.report import render_text
        return render_text(self)
