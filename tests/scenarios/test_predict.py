"""Predict first: descriptions, recorded guesses and their check (pure, no cluster)."""

from __future__ import annotations

import pytest

from mathctl.scenarios.catalog import SCENARIOS
from mathctl.scenarios.predict import Prediction
from mathctl.scenarios.results import ScenarioResult, SideResult


def _result(name: str, event_switch_differences: tuple[str, ...]) -> ScenarioResult:
    scenario = SCENARIOS[name]
    return ScenarioResult(
        scenario.name, scenario.title, scenario.models,
        SideResult("reconcile loop", (), (), (), (), ()),
        SideResult("event switch", (), (), event_switch_differences, (), ()))


def test_describe_numbers_the_steps_and_says_what_it_models() -> None:
    text = str(SCENARIOS["down-child-deleted"].describe())
    assert text.splitlines() == [
        "Controller down while a child is deleted (down-child-deleted)",
        "Models: " + SCENARIOS["down-child-deleted"].models,
        "1. create Tuple tuple-x with numbers [3, 4, 5]",
        "2. the controller handles the events so far",
        "3. the controller stops (its process ends; nobody handles events)",
        "4. delete Number tuple-x-1",
        "5. the controller starts again: a new process, whose informer lists every object and "
        "hands each one over as ADDED",
        "6. the controller handles the events so far",
        "Then: the controller handles whatever is left, and the result is compared with what "
        "the Tuple asks for.",
    ]
    html = SCENARIOS["down-child-deleted"].describe()._repr_html_()
    assert html.count("<li>") == 6 and "delete Number tuple-x-1" in html


def test_a_prediction_is_checked_side_by_side() -> None:
    guess = SCENARIOS["child-edited"].predict(reconcile_loop="converges", event_switch="Converges")
    check = guess.check(_result("child-edited", ("tuple-x-0 value 8 ≠ 3",)))
    assert check.score == 1
    assert str(check).splitlines() == [
        "A child edited by hand: 1 of 2 right",
        "reconcile loop: you said it converges, it converges — ✔ right (converged)",
        "event switch: you said it converges, it diverges — ✘ wrong "
        "(diverged: tuple-x-0 value 8 ≠ 3)",
    ]
    assert "✘ wrong" in check._repr_html_()


@pytest.mark.parametrize("bad", ["maybe", True, None, ""])
def test_a_prediction_must_say_converges_or_diverges(bad: object) -> None:
    with pytest.raises(ValueError, match='event_switch must be "converges" or "diverges"'):
        SCENARIOS["happy-path"].predict(reconcile_loop="converges", event_switch=bad)  # type: ignore[arg-type]


def test_checking_against_another_scenario_says_so() -> None:
    guess = Prediction.of(SCENARIOS["happy-path"], reconcile_loop="converges",
                          event_switch="converges")
    with pytest.raises(ValueError, match="for the scenario 'happy-path', but the result is of"):
        guess.check(_result("stray-child", ()))
