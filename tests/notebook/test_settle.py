"""``wait_settled``: waiting for the controllers to finish, and saying what is still pending."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client

from mathctl.cluster import Cluster
from mathctl.notebook.settle import is_settled, wait_settled
from mathctl.resources import Number
from mathctl.resources.group import GROUP, NUMBER, VERSION


def _obj(generation: int, observed: int | None, ready: str | None,
         reason: str = "Computed") -> dict[str, Any]:
    status: dict[str, Any] = {}
    if observed is not None:
        status["observedGeneration"] = observed
    if ready is not None:
        status["conditions"] = [{"type": "Ready", "status": ready, "reason": reason}]
    return {"kind": "Number", "metadata": {"name": "n", "generation": generation},
            "status": status}


@pytest.mark.parametrize(("obj", "settled"), [
    (_obj(1, None, None), False),                      # no status yet
    (_obj(2, 1, "True"), False),                       # stale: spec changed since
    (_obj(1, 1, "False", "ChildrenNotReady"), False),  # still waiting for children
    (_obj(1, 1, "True"), True),
    (_obj(1, 1, "False", "TooManyChildren"), True),    # final: no work will change it
])
def test_is_settled(obj: dict[str, Any], settled: bool) -> None:
    assert is_settled(obj) is settled


def _learners(kind: str, spec: dict[str, Any], **status: Any) -> dict[str, Any]:
    """A status as a learner's controller writes it: the lesson's fields, no conditions."""
    return {"kind": kind, "metadata": {"name": "x", "generation": 1}, "spec": spec,
            "status": {"observedGeneration": 1, **status}}


@pytest.mark.parametrize(("obj", "settled"), [
    (_learners("Number", {"value": 3}), False),                            # no answer yet
    (_learners("Number", {"value": 3}, fizzBuzz="Fizz", isSquare=False), True),
    (_learners("Tuple", {"numbers": [1, 2]}, readyNumbers=1, allSquares=False), False),
    (_learners("Tuple", {"numbers": [1, 2]}, readyNumbers=2, allSquares=False), True),
    (_learners("Fermat", {"number": 5}, pairs=[], twoSquaresFound=None), False),
    (_learners("Fermat", {"number": 5}, pairs=[{"a": 1, "b": 2}], twoSquaresFound=True), True),
])
def test_a_learners_status_without_conditions_is_settled_once_current_and_complete(
        obj: dict[str, Any], settled: bool) -> None:
    assert is_settled(obj) is settled


def test_wait_settled_names_what_is_pending(cluster: Cluster, crds: list[str],
                                            namespace: str) -> None:
    assert wait_settled(cluster, namespace).all() == []  # nothing there: settled at once
    client.CustomObjectsApi(cluster.api_client).create_namespaced_custom_object(
        GROUP, VERSION, namespace, NUMBER.plural, Number.new("lonely", 1).to_dict())
    with pytest.raises(TimeoutError, match=r"still pending: Number/lonely\. Is the operator "
                                           r"running"):
        wait_settled(cluster, namespace, timeout=0.2)  # no operator runs: it cannot settle
