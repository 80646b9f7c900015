"""Predict first: read a scenario, say which side ends converged, then see your guess checked.

Why it exists: the lesson sticks when the learner commits to an answer before the run. The
scenarios notebook (``40-event-switch-vs-reconcile``) shows ``scenario.describe()``, records
``scenario.predict(reconcile_loop=…, event_switch=…)``, runs the scenario, and shows
``prediction.check(result)`` — all plain objects that render as text, with rich, and as HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from mathctl.scenarios.catalog import Scenario
    from mathctl.scenarios.results import ScenarioResult

Expectation = Literal["converges", "diverges"]
_WORDS: dict[str, Expectation] = {
    "converges": "converges", "converge": "converges", "converged": "converges",
    "diverges": "diverges", "diverge": "diverges", "diverged": "diverges",
}


def _expectation(side: str, value: object) -> Expectation:
    if isinstance(value, str) and value.strip().lower() in _WORDS:
        return _WORDS[value.strip().lower()]
    raise ValueError(
        f"{side} must be \"converges\" or \"diverges\", not {value!r}. For example: "
        "scenario.predict(reconcile_loop=\"converges\", event_switch=\"diverges\")")


@dataclass(frozen=True)
class ScenarioDescription:
    """A scenario in words: its title, what it models, and its numbered steps."""

    scenario: Scenario

    def lines(self) -> list[str]:
        s = self.scenario
        steps = [f"{i}. {step.describe(s.tuple_name)}" for i, step in enumerate(s.steps, 1)]
        return [f"{s.title} ({s.name})", f"Models: {s.models}", *steps,
                "Then: the controller handles whatever is left, and the result is compared "
                "with what the Tuple asks for."]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __rich__(self) -> Any:
        from rich.text import Text
        head, models, *rest = self.lines()
        text = Text(head + "\n", style="bold")
        text.append(models + "\n", style="italic")
        text.append("\n".join(rest))
        return text

    def _repr_html_(self) -> str:
        head, models, *steps, then = self.lines()
        items = "".join(f"<li>{html.escape(step.split('. ', 1)[1])}</li>" for step in steps)
        return (f"<div><b>{html.escape(head)}</b><br><i>{html.escape(models)}</i>"
                f"<ol>{items}</ol>{html.escape(then)}</div>")


@dataclass(frozen=True)
class Prediction:
    """What the learner expects of each side in one scenario."""

    scenario: str
    reconcile_loop: Expectation
    event_switch: Expectation

    @classmethod
    def of(cls, scenario: Scenario, *, reconcile_loop: object,
           event_switch: object) -> Prediction:
        return cls(scenario.name, _expectation("reconcile_loop", reconcile_loop),
                   _expectation("event_switch", event_switch))

    def check(self, result: ScenarioResult) -> PredictionCheck:
        """Compare with what happened; the result must be of the same scenario."""
        if result.name != self.scenario:
            raise ValueError(
                f"This prediction is for the scenario {self.scenario!r}, but the result is of "
                f"{result.name!r}. Run {self.scenario!r} and check that result instead.")
        rows = tuple(
            SideCheck(side.side, predicted,
                      "converges" if side.converged else "diverges", side.verdict())
            for side, predicted in ((result.reconcile, self.reconcile_loop),
                                    (result.event_switch, self.event_switch)))
        return PredictionCheck(result.title, rows)


@dataclass(frozen=True)
class SideCheck:
    side: str
    predicted: Expectation
    actual: Expectation
    detail: str

    @property
    def right(self) -> bool:
        return self.predicted == self.actual

    def __str__(self) -> str:
        mark = "✔ right" if self.right else "✘ wrong"
        return (f"{self.side}: you said it {self.predicted}, it {self.actual} — {mark} "
                f"({self.detail})")


@dataclass(frozen=True)
class PredictionCheck:
    """Your prediction beside the outcome, side by side."""

    title: str
    sides: tuple[SideCheck, ...]

    @property
    def score(self) -> int:
        return sum(1 for s in self.sides if s.right)

    def __str__(self) -> str:
        return "\n".join([f"{self.title}: {self.score} of {len(self.sides)} right",
                          *(str(s) for s in self.sides)])

    def __rich__(self) -> Any:
        from rich.text import Text
        text = Text(f"{self.title}: {self.score} of {len(self.sides)} right\n", style="bold")
        for s in self.sides:
            text.append(str(s) + "\n", style="green" if s.right else "red")
        return text

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(s.side)}</td><td>{s.predicted}</td><td>{s.actual}</td>"
            f"<td style=\"color:{'green' if s.right else 'red'}\">"
            f"{'✔ right' if s.right else '✘ wrong'}</td><td>{html.escape(s.detail)}</td></tr>"
            for s in self.sides)
        return (f"<div><b>{html.escape(self.title)}: {self.score} of {len(self.sides)} right</b>"
                "<table><thead><tr><th>side</th><th>you said</th><th>it</th><th></th>"
                f"<th>end state</th></tr></thead><tbody>{rows}</tbody></table></div>")
