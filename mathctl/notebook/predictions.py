"""Stage 40's exercise: predict, for every scenario, which controller converges — then score it.

The learner writes ``my_predictions()`` → ``{scenario: (reconcile loop, event switch)}`` with
``"converges"`` or ``"diverges"`` before running anything. ``check_predictions`` only checks the
form (every scenario, two valid words) and gives nothing away; after the run,
``score_predictions`` compares each guess with what happened, through the scenarios' own
``Prediction.check`` (``mathctl.scenarios.predict``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mathctl.notebook.checking import Hint, call, check, described, require_callable, run_check
from mathctl.scenarios import SCENARIOS, Prediction
from mathctl.scenarios.results import ScenarioResult

WORDS = ("converges", "diverges")
_TODO = ('return {scenario name: ("converges" or "diverges", "converges" or "diverges")} '
         "for (reconcile loop, event switch)")


def _predictions(fn: Callable[[], Mapping[str, Any]]) -> dict[str, Prediction]:
    require_callable(fn, "my_predictions")
    got = call(fn, (), name="my_predictions", todo=_TODO)
    if not isinstance(got, Mapping):
        raise Hint(f"my_predictions() returned {described(got)}; return a dict.")
    unknown = sorted(set(got) - set(SCENARIOS))
    if unknown:
        raise Hint(f"no scenario is called {unknown[0]!r}; the names are: "
                   f"{', '.join(SCENARIOS)}.")
    missing = [name for name in SCENARIOS if name not in got]
    if missing:
        raise Hint(f"no prediction for {', '.join(missing)}: predict every scenario, even the "
                   "ones you are unsure of.")
    out = {}
    for name, value in got.items():
        if (not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2
                or any(v not in WORDS for v in value)):
            raise Hint(f"the prediction for {name!r} is {described(value)}; write a pair such "
                       'as ("converges", "diverges"): first the reconcile loop, then the '
                       "event switch.")
        out[name] = SCENARIOS[name].predict(reconcile_loop=value[0], event_switch=value[1])
    return out


@check("my_predictions")
def check_predictions(fn: Callable[[], Mapping[str, Any]]) -> str:
    """Every scenario predicted, in the right form — and no answer given away."""
    _predictions(fn)
    return (f"a prediction for each of the {len(SCENARIOS)} scenarios. Now run them "
            "below and see how many you got right.")


def score_predictions(fn: Callable[[], Mapping[str, Any]],
                      results: Sequence[ScenarioResult]) -> None:
    """Print, for each scenario run, your prediction beside what happened, and the score."""
    predictions: dict[str, Prediction] = {}
    verdict = run_check("my_predictions", lambda: str(predictions.update(_predictions(fn))))
    if not verdict:
        print(f"Nothing to score yet — {verdict}")
        return
    right = total = 0
    for result in results:
        outcome = predictions[result.name].check(result)
        right, total = right + outcome.score, total + len(outcome.sides)
        print(outcome, end="\n\n")
    print(f"You predicted {right} of {total} outcomes.")
