"""The reconcile loops called directly, against a real API server, one pass at a time.

No operator runs here: each test calls ``reconcile_*`` itself, so it can check exactly what
one pass writes (``Outcome.writes``) and that a second pass over a converged object writes
nothing. The API server is the session's ``cluster``: a fresh embedded server by default; run
``MATHCTL_CLUSTER=<kubeconfig context> pytest tests/controllers`` to use a real cluster (the
CRDs in ``crds/`` are applied to it, each test uses a fresh namespace).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from kubernetes.client import ApiClient

from mathctl.controllers.objects import CONTROLLER_UID_LABEL
from mathctl.controllers.outcome import Write
from mathctl.controllers.reconcile import (
    MAX_ATTEMPTS,
    ConflictsPersist,
    reconcile_fermat,
    reconcile_number,
    reconcile_tuple,
)
from mathctl.core.two_squares import two_squares

from .kube import Kube, ready_condition

# value -> (fizzBuzz, isSquare), written out by hand rather than computed by the code under test
FIZZBUZZ_TABLE = {
    0: ("FizzBuzz", True),
    1: ("1", True),
    3: ("Fizz", False),
    5: ("Buzz", False),
    9: ("Fizz", True),
    15: ("FizzBuzz", False),
    16: ("16", True),
    25: ("Buzz", True),
    -1: ("-1", False),
    -3: ("Fizz", False),
    -10: ("Buzz", False),
    -15: ("FizzBuzz", False),
    -16: ("-16", False),
    2**62: ("4611686018427387904", True),
    2**62 + 2: ("Fizz", False),
    2**63 - 1: ("9223372036854775807", False),
    -(2**63): ("-9223372036854775808", False),
}


def test_number_status_for_a_table_of_values_then_no_more_writes(
        kube: Kube, api_client: ApiClient) -> None:
    for i, value in enumerate(FIZZBUZZ_TABLE):
        kube.create("Number", f"n{i}", value)
    for i, (value, (fizz, square)) in enumerate(FIZZBUZZ_TABLE.items()):
        first = reconcile_number(api_client, kube.namespace, f"n{i}")
        assert first.writes == [Write("status", "Number", f"n{i}")]
        status = kube.status("Number", f"n{i}")
        assert (status["fizzBuzz"], status["isSquare"]) == (fizz, square), value
        assert status["observedGeneration"] == 1
        ready = ready_condition(kube.get("Number", f"n{i}") or {})
        assert (ready["status"], ready["reason"]) == ("True", "Computed")
        again = reconcile_number(api_client, kube.namespace, f"n{i}")
        assert again.writes == [] and again.converged


def test_spec_change_changes_status_and_observed_generation_keeping_transition_time(
        kube: Kube, api_client: ApiClient) -> None:
    kube.create("Number", "n", 3)
    t1 = datetime(2030, 1, 1, tzinfo=UTC)
    reconcile_number(api_client, kube.namespace, "n", now=lambda: t1)
    kube.set_spec("Number", "n", 10)
    later = t1 + timedelta(hours=1)
    outcome = reconcile_number(api_client, kube.namespace, "n", now=lambda: later)
    assert outcome.count("status") == 1
    obj = kube.get("Number", "n") or {}
    assert obj["metadata"]["generation"] == 2
    assert obj["status"]["fizzBuzz"] == "Buzz" and obj["status"]["observedGeneration"] == 2
    ready = ready_condition(obj)
    assert ready["observedGeneration"] == 2
    assert ready["lastTransitionTime"] == "2030-01-01T00:00:00Z", "Ready stayed True: time kept"


def test_missing_object_is_nothing_to_do(kube: Kube, api_client: ApiClient) -> None:
    for fn in (reconcile_number, reconcile_tuple, reconcile_fermat):
        outcome = fn(api_client, kube.namespace, "nobody")
        assert not outcome.found and outcome.writes == []


def test_tuple_creates_updates_and_deletes_its_children(kube: Kube, api_client: ApiClient) -> None:
    tup = kube.create("Tuple", "t", [1, 2, 3])
    first = reconcile_tuple(api_client, kube.namespace, "t")
    assert [str(w) for w in first.writes] == [
        "create Number/t-0", "create Number/t-1", "create Number/t-2", "status Tuple/t"]
    children = {c["metadata"]["name"]: c for c in kube.list("Number")}
    assert {n: c["spec"]["value"] for n, c in children.items()} == {"t-0": 1, "t-1": 2, "t-2": 3}
    for child in children.values():
        [ref] = child["metadata"]["ownerReferences"]
        assert ref == {"apiVersion": "math.mathctl.example/v1beta1", "kind": "Tuple",
                       "name": "t", "uid": tup["metadata"]["uid"], "controller": True,
                       "blockOwnerDeletion": True}
        assert child["metadata"]["labels"][CONTROLLER_UID_LABEL] == tup["metadata"]["uid"]
    status = kube.status("Tuple", "t")
    assert status["readyNumbers"] == 0 and status["allSquares"] is False

    kube.set_spec("Tuple", "t", [4, 2])
    second = reconcile_tuple(api_client, kube.namespace, "t")
    assert [str(w) for w in second.writes] == [
        "update Number/t-0", "delete Number/t-2", "status Tuple/t"]
    after = {c["metadata"]["name"]: c for c in kube.list("Number")}
    assert {n: c["spec"]["value"] for n, c in after.items()} == {"t-0": 4, "t-1": 2}
    assert after["t-0"]["metadata"]["uid"] == children["t-0"]["metadata"]["uid"], "in place"
    assert reconcile_tuple(api_client, kube.namespace, "t").writes == []


def test_tuple_status_follows_its_childrens_status(kube: Kube, api_client: ApiClient) -> None:
    kube.create("Tuple", "t", [4, 9])
    reconcile_tuple(api_client, kube.namespace, "t")
    reconcile_number(api_client, kube.namespace, "t-0")
    outcome = reconcile_tuple(api_client, kube.namespace, "t")
    assert outcome.writes == [Write("status", "Tuple", "t")]
    assert kube.status("Tuple", "t")["readyNumbers"] == 1
    reconcile_number(api_client, kube.namespace, "t-1")
    reconcile_tuple(api_client, kube.namespace, "t")
    obj = kube.get("Tuple", "t") or {}
    assert obj["status"]["allSquares"] is True and obj["status"]["readyNumbers"] == 2
    assert ready_condition(obj)["reason"] == "AllChildrenReady"


def test_a_child_deleted_or_edited_by_hand_is_put_back(kube: Kube, api_client: ApiClient) -> None:
    kube.create("Tuple", "t", [1, 4])
    reconcile_tuple(api_client, kube.namespace, "t")
    kept = kube.get("Number", "t-0") or {}
    kube.delete("Number", "t-1")
    kube.set_spec("Number", "t-0", 99)
    kube.patch("Number", "t-0", {"metadata": {"labels": {CONTROLLER_UID_LABEL: None}}})
    outcome = reconcile_tuple(api_client, kube.namespace, "t")
    assert {str(w) for w in outcome.writes} >= {"create Number/t-1", "update Number/t-0"}
    t0 = kube.get("Number", "t-0") or {}
    assert t0["spec"]["value"] == 1 and t0["metadata"]["uid"] == kept["metadata"]["uid"]
    assert t0["metadata"]["labels"][CONTROLLER_UID_LABEL] == kept["metadata"]["labels"][
        CONTROLLER_UID_LABEL], "the listing label is put back too"
    assert (kube.get("Number", "t-1") or {})["spec"]["value"] == 4


def test_a_name_held_by_an_object_the_parent_does_not_control_is_never_touched(
        kube: Kube, api_client: ApiClient) -> None:
    squatter = kube.create("Number", "t-1", 7)
    kube.create("Tuple", "t", [1, 4])
    outcome = reconcile_tuple(api_client, kube.namespace, "t")
    assert "create Number/t-0" in [str(w) for w in outcome.writes]
    assert outcome.problems and "t-1" in outcome.problems[0]
    after = kube.get("Number", "t-1") or {}
    assert after["metadata"]["resourceVersion"] == squatter["metadata"]["resourceVersion"]
    assert not after["metadata"].get("ownerReferences")
    ready = ready_condition(kube.get("Tuple", "t") or {})
    assert (ready["status"], ready["reason"]) == ("False", "ChildNameTaken")
    assert "Delete or rename" in ready["message"]
    again = reconcile_tuple(api_client, kube.namespace, "t")
    assert again.writes == [], "the problem is reported once, not rewritten every pass"


def test_a_real_conflict_is_retried_from_a_fresh_read(kube: Kube, api_client: ApiClient) -> None:
    kube.create("Number", "n", 15)
    bumped: list[str] = []

    def bump_first_status_write(write: Write) -> None:
        # Between this reconcile's read and its write, someone else writes the object.
        if write.verb == "status" and not bumped:
            obj = kube.patch("Number", "n", {"metadata": {"labels": {"touched": "yes"}}})
            bumped.append(obj["metadata"]["resourceVersion"])

    outcome = reconcile_number(api_client, kube.namespace, "n",
                               before_write=bump_first_status_write)
    assert outcome.conflicts == 1
    assert outcome.writes == [Write("status", "Number", "n")], "only the retried write landed"
    obj = kube.get("Number", "n") or {}
    assert obj["status"]["fizzBuzz"] == "FizzBuzz"
    assert obj["metadata"]["labels"]["touched"] == "yes", "the other writer's change survives"


def test_a_tuple_status_conflict_is_retried_too(kube: Kube, api_client: ApiClient) -> None:
    kube.create("Tuple", "t", [9])
    bumped: list[bool] = []

    def edit_tuple_spec_once(write: Write) -> None:
        if write.verb == "status" and not bumped:
            bumped.append(True)
            kube.set_spec("Tuple", "t", [16, 25])

    outcome = reconcile_tuple(api_client, kube.namespace, "t", before_write=edit_tuple_spec_once)
    assert outcome.conflicts == 1
    values = sorted(c["spec"]["value"] for c in kube.list("Number"))
    assert values == [16, 25], "the retry started from the fresh spec"
    assert kube.status("Tuple", "t")["observedGeneration"] == 2


def test_conflicts_that_never_stop_give_up_after_a_bounded_number_of_passes(
        kube: Kube, api_client: ApiClient) -> None:
    kube.create("Number", "n", 1)
    writes: list[int] = []

    def always_bump(write: Write) -> None:
        writes.append(1)
        kube.patch("Number", "n", {"metadata": {"labels": {"bump": str(len(writes))}}})

    with pytest.raises(ConflictsPersist, match="409"):
        reconcile_number(api_client, kube.namespace, "n", before_write=always_bump)
    assert len(writes) == MAX_ATTEMPTS


def test_fermat_builds_its_tuple_tree_including_i_zero(kube: Kube, api_client: ApiClient) -> None:
    kube.create("Fermat", "f", 25)
    outcome = reconcile_fermat(api_client, kube.namespace, "f")
    assert outcome.count("create") == 13 and outcome.count("status") == 1
    tuples = {t["metadata"]["name"]: t["spec"]["numbers"] for t in kube.list("Tuple")}
    assert tuples == {f"f-{i}": [i, 25 - i] for i in range(13)}
    status = kube.status("Fermat", "f")
    assert status["expectedPairs"] == [{"a": 0, "b": 5}, {"a": 3, "b": 4}]
    assert "twoSquaresFound" not in status and "agrees" not in status, "open until the tree reports"
    assert reconcile_fermat(api_client, kube.namespace, "f").writes == []


def test_fermat_beyond_the_limit_builds_no_tree_and_says_why(
        kube: Kube, api_client: ApiClient) -> None:
    kube.create("Fermat", "small", 4)
    reconcile_fermat(api_client, kube.namespace, "small")
    assert len(kube.list("Tuple")) == 3
    kube.set_spec("Fermat", "small", 10001)
    outcome = reconcile_fermat(api_client, kube.namespace, "small")
    assert outcome.count("delete") == 3, "the old tree goes"
    assert kube.list("Tuple") == []
    obj = kube.get("Fermat", "small") or {}
    ready = ready_condition(obj)
    assert (ready["status"], ready["reason"]) == ("False", "TooManyChildren")
    assert "MAX_FERMAT_NUMBER" in ready["message"]
    assert obj["status"]["expectedPairs"] == [{"a": a, "b": b} for a, b in two_squares(10001)]
    assert obj["status"]["expectedPairs"], "10001 = 73·137 is a sum of two squares"
