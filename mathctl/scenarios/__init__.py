"""The event-switch anti-pattern beside the reconcile loop, under the same faults.

Why it exists: the workshop's second lesson (notebook ``40-event-switch-vs-reconcile``,
``mathctl scenarios``). A controller that switches on event types
(:mod:`~mathctl.scenarios.event_switch`) and the real reconcile loop
(:mod:`~mathctl.scenarios.reconcile_loop` around ``mathctl.controllers.reconcile``) get the very
same events from one harness (:mod:`~mathctl.scenarios.harness`), in two namespaces of the same
cluster, under the faults of :mod:`~mathctl.scenarios.catalog`; the results
(:mod:`~mathctl.scenarios.results`) print side by side (:mod:`~mathctl.scenarios.report`).

    from mathctl.cluster import connect
    from mathctl.scenarios import SCENARIOS, run_scenario

    scenario = SCENARIOS["down-child-deleted"]
    scenario.describe()                                   # read it
    guess = scenario.predict(reconcile_loop="converges", event_switch="diverges")
    result = run_scenario(scenario, connect().api_client)
    result                                                # both sides, timelines included
    guess.check(result)                                   # were you right?

The harness needs only an ``ApiClient``: set ``MATHCTL_CLUSTER`` (``kubeconfig`` or a context
name) to run the same scenarios on minikube or any cluster with the mathctl CRDs.
"""

from typing import Any

from mathctl.scenarios.catalog import SCENARIOS, Scenario, UnknownScenario
from mathctl.scenarios.predict import Prediction, PredictionCheck
from mathctl.scenarios.report import Report
from mathctl.scenarios.results import ScenarioResult, SideResult


def __getattr__(name: str) -> Any:
    # The harness imports the controllers (and the official client's APIs); load it on first use
    # so `mathctl scenarios --list` and the result classes stay light.
    if name in ("run_all", "run_scenario"):
        from mathctl.scenarios import harness
        return getattr(harness, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SCENARIOS",
    "Prediction",
    "PredictionCheck",
    "Report",
    "Scenario",
    "ScenarioResult",
    "SideResult",
    "UnknownScenario",
    "run_all",
    "run_scenario",
]
