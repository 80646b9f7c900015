"""The controllers running under kopf, end to end, against a real API server.

Each test starts the operator (``Operator``, in this process, watching the test's fresh
namespace) and then only talks to the API server, as a learner with ``kubectl`` would: create,
edit, delete, and wait — with a timeout, never a fixed sleep — for the cluster to converge.

By default the server is a fresh embedded one. The same tests run against any cluster:
``MATHCTL_CLUSTER=<kubeconfig context> pytest tests/controllers`` (e.g. ``minikube``; the CRDs
from ``crds/`` are applied there, and each test uses a fresh namespace).
"""

from __future__ import annotations

import threading
from typing import Any

from kubernetes import watch
from kubernetes.client import ApiClient, CustomObjectsApi, V1DeleteOptions

from mathctl.cluster import wait_for
from mathctl.controllers.runner import Operator
from mathctl.core.two_squares import two_squares
from mathctl.resources.group import GROUP, VERSION

from .kube import PLURALS, Kube, is_current, ready_condition


def pairs(*ab: tuple[int, int]) -> list[dict[str, int]]:
    return [{"a": a, "b": b} for a, b in ab]


def fermat_settled(obj: dict[str, Any]) -> bool:
    return is_current(obj) and obj["status"].get("agrees") is not None


def test_numbers_get_fizzbuzz_and_squareness(kube: Kube, operator: Operator) -> None:
    table = {0: ("FizzBuzz", True), -15: ("FizzBuzz", False), -7: ("-7", False),
             49: ("49", True), 2**62: ("4611686018427387904", True)}
    for i, value in enumerate(table):
        kube.create("Number", f"n{i}", value)
    for i, (fizz, square) in enumerate(table.values()):
        status = kube.wait_current("Number", f"n{i}")["status"]
        assert (status["fizzBuzz"], status["isSquare"]) == (fizz, square)


def test_a_spec_change_reaches_the_status_with_its_generation(
        kube: Kube, operator: Operator) -> None:
    kube.create("Number", "n", 3)
    assert kube.wait_current("Number", "n")["status"]["fizzBuzz"] == "Fizz"
    kube.set_spec("Number", "n", 25)
    obj = kube.wait("Number", "n", lambda o: is_current(o) and o["metadata"]["generation"] == 2,
                    "status for generation 2")
    assert obj["status"]["fizzBuzz"] == "Buzz" and obj["status"]["isSquare"] is True
    assert obj["status"]["observedGeneration"] == 2


def test_a_tuple_creates_updates_and_deletes_its_children(kube: Kube, operator: Operator) -> None:
    kube.create("Tuple", "t", [1, 2, 3])
    kube.wait("Tuple", "t", lambda o: o.get("status", {}).get("readyNumbers") == 3,
              "3 ready Numbers")
    kube.set_spec("Tuple", "t", [4, 9])
    obj = kube.wait("Tuple", "t", lambda o: is_current(o) and o["status"]["allSquares"],
                    "all squares after the edit")
    assert obj["status"]["readyNumbers"] == 2
    values = {n["metadata"]["name"]: n["spec"]["value"] for n in kube.list("Number")}
    assert values == {"t-0": 4, "t-1": 9}, "t-2 was deleted, t-0 and t-1 updated"


def test_a_child_deleted_by_hand_comes_back(kube: Kube, operator: Operator) -> None:
    kube.create("Tuple", "t", [1, 4])
    kube.wait("Tuple", "t", lambda o: o.get("status", {}).get("readyNumbers") == 2, "ready")
    old_uid = (kube.get("Number", "t-1") or {})["metadata"]["uid"]
    kube.delete("Number", "t-1")
    back = kube.wait("Number", "t-1", lambda o: o["metadata"]["uid"] != old_uid,
                     "re-created with a new uid")
    assert back["spec"]["value"] == 4
    kube.wait("Tuple", "t", lambda o: o["status"]["readyNumbers"] == 2 and o["status"][
        "allSquares"], "ready again")


def test_a_child_edited_by_hand_is_put_back(kube: Kube, operator: Operator) -> None:
    kube.create("Tuple", "t", [1, 4])
    kube.wait("Tuple", "t", lambda o: o.get("status", {}).get("allSquares") is True, "squares")
    uid = (kube.get("Number", "t-0") or {})["metadata"]["uid"]
    kube.set_spec("Number", "t-0", 2)
    obj = kube.wait("Number", "t-0", lambda o: o["spec"]["value"] == 1 and o[
        "metadata"]["generation"] >= 3 and is_current(o), "value put back to 1")
    assert obj["metadata"]["uid"] == uid, "updated in place, not re-created"
    kube.wait("Tuple", "t", lambda o: o["status"]["allSquares"] is True, "squares again")


def test_a_deleted_tuples_children_are_garbage_collected(
        kube: Kube, operator: Operator, api_client: ApiClient) -> None:
    for name in ("bg", "fg"):
        kube.create("Tuple", name, [1, 2])
        kube.wait("Tuple", name, lambda o: o.get("status", {}).get("readyNumbers") == 2, "ready")
    kube.delete("Tuple", "bg")
    CustomObjectsApi(api_client).delete_namespaced_custom_object(
        GROUP, VERSION, kube.namespace, "tuples", "fg",
        body=V1DeleteOptions(propagation_policy="Foreground"))
    wait_for(lambda: not kube.list("Number") and not kube.list("Tuple"), 30,
             "the server's garbage collector to remove both Tuples and their Numbers")


def test_fermat_13_finds_2_and_3_through_the_tree(kube: Kube, operator: Operator) -> None:
    kube.create("Fermat", "f", 13)
    obj = kube.wait("Fermat", "f", fermat_settled, "the whole tree to report", timeout=30)
    assert obj["status"]["twoSquaresFound"] is True
    assert obj["status"]["pairs"] == pairs((2, 3)) == obj["status"]["expectedPairs"]
    assert obj["status"]["agrees"] is True
    assert ready_condition(obj)["reason"] == "AllChildrenReady"
    # The answer came up the tree: Tuple f-4 = [4, 9] is all squares because both Numbers are.
    assert (kube.get("Tuple", "f-4") or {})["status"]["allSquares"] is True
    assert {n["metadata"]["name"] for n in kube.list("Number")
            if n["status"]["isSquare"]} >= {"f-4-0", "f-4-1"}


def test_fermat_7_finds_none(kube: Kube, operator: Operator) -> None:
    kube.create("Fermat", "f", 7)
    obj = kube.wait("Fermat", "f", fermat_settled, "the whole tree to report", timeout=30)
    assert obj["status"]["twoSquaresFound"] is False
    assert obj["status"]["pairs"] == [] == obj["status"]["expectedPairs"]
    assert obj["status"]["agrees"] is True
    assert len(kube.list("Tuple")) == 4, "i = 0 … 3"


def test_fermat_25_agrees_with_two_squares(kube: Kube, operator: Operator) -> None:
    kube.create("Fermat", "f", 25)
    obj = kube.wait("Fermat", "f", fermat_settled, "the whole tree to report", timeout=30)
    assert two_squares(25) == [(0, 5), (3, 4)]
    assert obj["status"]["pairs"] == pairs((0, 5), (3, 4)), "i = 0 is in the tree"
    assert obj["status"]["expectedPairs"] == pairs(*two_squares(25))
    assert obj["status"]["agrees"] is True


def test_status_flows_from_numbers_through_tuples_to_the_fermat(
        kube: Kube, operator: Operator) -> None:
    kube.create("Fermat", "f", 13)
    kube.wait("Fermat", "f", fermat_settled, "the tree for 13", timeout=30)
    # A new question: every Tuple's numbers change, so every Number's status goes stale and
    # must be recomputed and passed up before the Fermat can answer again.
    kube.set_spec("Fermat", "f", 25)
    obj = kube.wait("Fermat", "f", lambda o: fermat_settled(o) and o["metadata"][
        "generation"] == 2, "the tree for 25", timeout=30)
    assert obj["status"]["pairs"] == pairs((0, 5), (3, 4))
    tup = kube.get("Tuple", "f-9") or {}
    assert tup["spec"]["numbers"] == [9, 16] and tup["status"]["allSquares"] is True
    for number in kube.list("Number"):
        assert is_current(number), number["metadata"]["name"]


def test_a_converged_system_makes_zero_writes_during_a_resync(
        kube: Kube, operator: Operator) -> None:
    """The honest count is the server's: every write that changes anything gets a new
    resourceVersion and exactly one watch event. So: note each kind's list resourceVersion,
    resync, then touch a marker object of each kind; a watch from the noted version must see
    the marker and nothing before it. The reconcile loops' own count (``Outcome.writes``,
    which also sees writes the server would answer as no-ops) must be zero as well."""
    kube.create("Fermat", "f", 25)
    kube.create("Tuple", "t", [1, 2])
    kube.create("Number", "n", 7)
    kube.wait("Fermat", "f", fermat_settled, "the Fermat tree", timeout=30)
    kube.wait("Tuple", "t", lambda o: o.get("status", {}).get("readyNumbers") == 2, "ready")
    kube.wait_current("Number", "n")
    wait_for(lambda: all(is_current(o) for kind in PLURALS for o in kube.list(kind)), 20,
             "every object to report a current status")
    before = {kind: kube.list_rv(kind) for kind in PLURALS}
    snapshot = {(o["metadata"]["uid"], o["metadata"]["resourceVersion"])
                for kind in PLURALS for o in kube.list(kind)}

    outcomes = operator.resync(timeout=30)

    assert len(outcomes) == len(snapshot) == 1 + 13 + 26 + 1 + 2 + 1, "every object reconciled"
    assert [str(o.summary()) for _, o in outcomes if o.writes] == []
    after = {(o["metadata"]["uid"], o["metadata"]["resourceVersion"])
             for kind in PLURALS for o in kube.list(kind)}
    assert after == snapshot
    markers = {"Fermat": "f", "Tuple": "t", "Number": "n"}
    for kind, name in markers.items():
        kube.patch(kind, name, {"metadata": {"labels": {"resync-marker": "seen"}}})
    for kind, name in markers.items():
        assert events_before_marker(kube, kind, before[kind], name) == [], kind


def events_before_marker(kube: Kube, kind: str, since: str, marker: str) -> list[str]:
    """Watch ``kind`` from ``since`` until the marker's label change; return the events before."""
    seen: list[str] = []
    found = threading.Event()
    w = watch.Watch()
    for event in w.stream(kube.custom.list_namespaced_custom_object, GROUP, VERSION,
                          kube.namespace, PLURALS[kind], resource_version=since,
                          timeout_seconds=20):
        meta = event["object"]["metadata"]
        if meta["name"] == marker and (meta.get("labels") or {}).get("resync-marker"):
            found.set()
            w.stop()
            break
        seen.append(f"{event['type']} {meta['name']} rv={meta['resourceVersion']}")
    assert found.is_set(), f"the {kind} marker's event never arrived"
    return seen


def test_kopf_leaves_no_finalizers_or_annotations_and_never_blocks_deletion(
        kube: Kube, api_client: ApiClient, namespace: str, crds: list[str]) -> None:
    with Operator(api_client, namespace=namespace, resync=None):
        kube.create("Fermat", "f", 4)
        kube.wait("Fermat", "f", fermat_settled, "the tree for 4", timeout=30)
    for kind in PLURALS:
        for obj in kube.list(kind):
            meta = obj["metadata"]
            assert not meta.get("finalizers"), meta
            assert not [a for a in meta.get("annotations") or {} if "kopf" in a], meta
    kube.delete("Fermat", "f")  # the operator is stopped: nothing may hold the deletion up
    wait_for(lambda: not any(kube.list(kind) for kind in PLURALS), 30,
             "the tree to be deleted while no operator runs")
