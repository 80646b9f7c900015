"""The event switch handles every event it expects correctly — and only those.

Fairness checks for the lesson: its children are the reconcile loop's children, object for
object, and each case of its switch does the right thing when the event's premise holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client

from mathctl.controllers.objects import CONTROLLER_UID_LABEL
from mathctl.controllers.reconcile import reconcile_tuple
from mathctl.resources.group import GROUP, VERSION
from mathctl.resources.tuples import Tuple
from mathctl.scenarios.event_switch import EventSwitch
from mathctl.scenarios.writes import RecordingApiClient


class Space:
    """One namespace as the test sees it: create and read by hand, list children by value."""

    def __init__(self, api_client: client.ApiClient, namespace: str) -> None:
        self.custom = client.CustomObjectsApi(api_client)
        self.namespace = namespace

    def create_tuple(self, name: str, numbers: list[int]) -> dict[str, Any]:
        return self.custom.create_namespaced_custom_object(  # type: ignore[return-value]
            GROUP, VERSION, self.namespace, "tuples", Tuple.new(name, numbers).to_dict())

    def edit_tuple(self, name: str, numbers: list[int]) -> dict[str, Any]:
        return self.custom.patch_namespaced_custom_object(  # type: ignore[return-value]
            GROUP, VERSION, self.namespace, "tuples", name, {"spec": {"numbers": numbers}})

    def numbers(self) -> list[dict[str, Any]]:
        listed: dict[str, Any] = self.custom.list_namespaced_custom_object(  # type: ignore[assignment]
            GROUP, VERSION, self.namespace, "numbers")
        items: list[dict[str, Any]] = listed["items"]
        return sorted(items, key=lambda o: o["metadata"]["name"])

    def values(self, prefix: str) -> dict[str, int]:
        return {o["metadata"]["name"]: o["spec"]["value"] for o in self.numbers()
                if o["metadata"]["name"].startswith(prefix + "-")}


@pytest.fixture
def space(api_client: client.ApiClient, crds: list[str], namespace: str) -> Space:
    return Space(api_client, namespace)


def _shape(child: dict[str, Any], parent: dict[str, Any]) -> dict[str, Any]:
    """A child with its parent's identity and the server's bookkeeping taken out."""
    meta = child["metadata"]
    assert meta["labels"] == {CONTROLLER_UID_LABEL: parent["metadata"]["uid"]}
    refs = [{k: v for k, v in r.items() if k not in ("uid", "name")}
            for r in meta["ownerReferences"]]
    assert [r["uid"] for r in meta["ownerReferences"]] == [parent["metadata"]["uid"]]
    return {"suffix": meta["name"].rsplit("-", 1)[1], "ownerReferences": refs,
            "spec": child["spec"], "kind": child["kind"], "apiVersion": child["apiVersion"]}


def test_its_children_are_exactly_the_reconcile_loops(api_client: client.ApiClient,
                                                      space: Space) -> None:
    switched = space.create_tuple("by-switch", [3, 4, 5])
    looped = space.create_tuple("by-loop", [3, 4, 5])
    EventSwitch(api_client, space.namespace).handle({"type": "ADDED", "object": switched})
    reconcile_tuple(api_client, space.namespace, "by-loop")
    children = space.numbers()
    mine = [_shape(c, switched) for c in children if c["metadata"]["name"].startswith("by-sw")]
    theirs = [_shape(c, looped) for c in children if c["metadata"]["name"].startswith("by-lo")]
    assert mine == theirs and len(mine) == 3


def test_each_case_does_the_right_thing_when_its_premise_holds(api_client: client.ApiClient,
                                                               space: Space) -> None:
    api = RecordingApiClient(api_client.configuration)
    switch = EventSwitch(api, space.namespace)
    tup = space.create_tuple("t", [3, 4, 5])

    assert switch.handle({"type": "ADDED", "object": tup}).note == "created 3 children"
    assert space.values("t") == {"t-0": 3, "t-1": 4, "t-2": 5}

    tup = space.edit_tuple("t", [3, 9])
    assert switch.handle({"type": "MODIFIED", "object": tup}).note == (
        "applied the change in numbers")
    assert space.values("t") == {"t-0": 3, "t-1": 9}

    gone = next(o for o in space.numbers() if o["metadata"]["name"] == "t-1")
    space.custom.delete_namespaced_custom_object(GROUP, VERSION, space.namespace,
                                                   "numbers", "t-1")
    assert switch.handle({"type": "DELETED", "object": gone}).note == (
        "a wanted child was deleted: created it again")
    assert space.values("t") == {"t-0": 3, "t-1": 9}

    child = space.numbers()[0]
    assert switch.handle({"type": "MODIFIED", "object": child}).note == (
        "no case for Number MODIFIED: ignored")

    # Orphan: the garbage collector leaves the children, so deleting them is the switch's job.
    space.custom.delete_namespaced_custom_object(
        GROUP, VERSION, space.namespace, "tuples", "t",
        body=client.V1DeleteOptions(propagation_policy="Orphan"))
    assert switch.handle({"type": "DELETED", "object": tup}).note == "deleted its children"
    assert space.values("t") == {}
    assert [str(w) for w in api.writes] == [
        "create Number t-0", "create Number t-1", "create Number t-2",
        "patch Number t-1", "delete Number t-2", "create Number t-1",
        "delete Number t-0", "delete Number t-1",
    ]
    api.close()


def test_after_a_restart_an_added_for_an_existing_tuple_fails_and_is_dropped(
        api_client: client.ApiClient, space: Space) -> None:
    tup = space.create_tuple("t", [3, 4])
    EventSwitch(api_client, space.namespace).handle({"type": "ADDED", "object": tup})
    restarted = EventSwitch(api_client, space.namespace)
    handling = restarted.handle({"type": "ADDED", "object": tup})
    assert handling.note == "handler failed on 409 AlreadyExists; event dropped"
    assert not handling.retry
