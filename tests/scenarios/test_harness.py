"""Every scenario on a real (embedded) API server: the lesson's acceptance, 20 times over.

The reconcile loop must converge in every scenario; the event switch must converge in the
happy path and diverge — in exactly the named ways — where the faults defeat it. Then the
whole catalogue runs 20 times in this session and must give identical results (end states,
every write and its answer, every timeline line) each time.
"""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client

from mathctl.scenarios.catalog import SCENARIOS
from mathctl.scenarios.harness import SideRun, run_all, run_scenario
from mathctl.scenarios.reconcile_loop import ReconcileLoop
from mathctl.scenarios.results import ScenarioResult
from mathctl.scenarios.watching import HarnessError

DIVERGES = {
    "down-child-deleted": ("missing tuple-x-1",),
    "down-spec-edited": ("tuple-x-1 value 4 ≠ 7", "extra tuple-x-2"),
    "child-edited": ("tuple-x-0 value 8 ≠ 3",),
    "crash-mid-create": ("missing tuple-x-1", "missing tuple-x-2"),
    "stray-child": ("extra tuple-x-9",),
}
REPEATS = 20


@pytest.fixture(scope="module")
def first_run(api_client: client.ApiClient, crds: list[str]) -> dict[str, ScenarioResult]:
    return {r.name: r for r in run_all(api_client)}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_reconcile_loop_converges(first_run: dict[str, ScenarioResult], name: str) -> None:
    side = first_run[name].reconcile
    assert side.converged, side.verdict()
    assert not side.refused, [str(w) for w in side.refused]


def test_the_event_switch_converges_on_the_happy_path(
        first_run: dict[str, ScenarioResult]) -> None:
    side = first_run["happy-path"].event_switch
    assert side.converged, side.verdict()
    assert [str(w) for w in side.writes] == [
        "create Number tuple-x-0", "create Number tuple-x-1", "create Number tuple-x-2",
        "create Number tuple-x-3", "patch Number tuple-x-1",
        "delete Number tuple-x-2", "delete Number tuple-x-3",
    ]


@pytest.mark.parametrize("name", sorted(DIVERGES))
def test_the_event_switch_diverges(first_run: dict[str, ScenarioResult], name: str) -> None:
    assert first_run[name].event_switch.differences == DIVERGES[name]


def test_where_the_event_switch_survives_it_pays_in_refused_or_wasted_writes(
        first_run: dict[str, ScenarioResult]) -> None:
    for name in ("duplicate-event", "watch-restart"):
        side = first_run[name].event_switch
        assert side.converged
        assert [str(w) for w in side.refused] == ["create Number tuple-x-0 ✗ 409 AlreadyExists"]
    twice = first_run["edited-twice"]
    assert twice.event_switch.converged
    assert [str(w) for w in twice.event_switch.writes[3:]] == [
        "delete Number tuple-x-2", "create Number tuple-x-2",
        "create Number tuple-x-2 ✗ 409 AlreadyExists",
    ]
    assert twice.reconcile.child_writes == 3  # the loop read the latest Tuple: nothing to undo


def test_every_scenario_diverges_or_converges_as_catalogued(
        first_run: dict[str, ScenarioResult]) -> None:
    diverged = {name for name, r in first_run.items() if not r.event_switch.converged}
    assert diverged == set(DIVERGES)
    assert len(diverged) >= 4


@pytest.mark.parametrize("round_", range(1, REPEATS + 1))
def test_every_run_gives_the_same_outcome(api_client: client.ApiClient,
                                          first_run: dict[str, ScenarioResult],
                                          round_: int) -> None:
    again = run_all(api_client)
    assert [r.outcome() for r in again] == [first_run[r.name].outcome() for r in again]


def test_a_foreign_writer_stops_the_run_with_a_reason(api_client: client.ApiClient,
                                                      crds: list[str], namespace: str) -> None:
    run = SideRun(api_client, namespace, "reconcile loop", "tuple-x",
                  factory=ReconcileLoop, timeout=5)
    try:
        run.create_tuple((1, 2))
        run.settle()
        intruder = client.CustomObjectsApi(api_client)
        intruder.patch_namespaced_custom_object(
            "math.mathctl.example", "v1beta1", namespace, "numbers", "tuple-x-0",
            {"spec": {"value": 7}})
        intruder.patch_namespaced_custom_object(
            "math.mathctl.example", "v1beta1", namespace, "numbers", "tuple-x-1",
            {"spec": {"value": 7}})
        with pytest.raises(HarnessError, match="Another controller is writing there"):
            run.settle()
    finally:
        run.close()


def test_a_scenario_can_be_named_by_string(api_client: client.ApiClient,
                                           crds: list[str]) -> None:
    result: Any = run_scenario("child-edited", api_client)
    assert result.title == "A child edited by hand"
