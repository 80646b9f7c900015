"""Stage 40's predictions: the form is checked without giving answers away, then scored."""

from __future__ import annotations

import pytest

from mathctl.cluster import Cluster
from mathctl.notebook import checks
from mathctl.notebook.predictions import score_predictions
from mathctl.scenarios import SCENARIOS, run_scenario


def everything_converges() -> dict[str, tuple[str, str]]:
    return {name: ("converges", "converges") for name in SCENARIOS}


def test_the_form_is_checked() -> None:
    assert str(checks.check_predictions.verdict(everything_converges)).startswith(
        "✓ my_predictions: a prediction for each of the 9 scenarios.")
    assert "no prediction for down-child-deleted" in str(
        checks.check_predictions.verdict(lambda: {"happy-path": ("converges", "converges")}))
    assert "no scenario is called 'typo'" in str(
        checks.check_predictions.verdict(lambda: {**everything_converges(), "typo": ("a", "b")}))
    assert 'write a pair such as ("converges", "diverges")' in str(
        checks.check_predictions.verdict(lambda: {**everything_converges(),
                                                  "happy-path": "converges"}))


def test_scores_against_real_runs(cluster: Cluster, crds: list[str],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    results = [run_scenario(name, cluster.api_client) for name in ("happy-path", "child-edited")]
    score_predictions(everything_converges, results)
    out = capsys.readouterr().out
    assert "A child edited by hand: 1 of 2 right" in out
    assert out.endswith("You predicted 3 of 4 outcomes.\n")

    def unwritten() -> dict[str, tuple[str, str]]:
        raise NotImplementedError

    score_predictions(unwritten, results)
    assert capsys.readouterr().out.startswith("Nothing to score yet — ✗ my_predictions: not "
                                              "written yet")
