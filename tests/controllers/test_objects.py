"""Counted, conditional writes against a real server: what each error means to a reconcile.

Against the session's cluster (embedded, or ``MATHCTL_CLUSTER=<context>``).
"""

from __future__ import annotations

import pytest
from kubernetes.client import ApiClient, CoreV1Api
from kubernetes.client.exceptions import ApiException

from mathctl.cluster import wait_for
from mathctl.controllers.children import new_child
from mathctl.controllers.objects import (
    Objects,
    describe_error,
    is_already_exists,
    is_conflict,
    is_namespace_terminating,
)
from mathctl.controllers.outcome import Outcome, Write
from mathctl.resources.group import NUMBER

from .kube import Kube

HOLD = "mathctl.example/test-hold"


def objects(kube: Kube) -> Objects:
    return Objects(kube.api, kube.namespace, Outcome("Number", kube.namespace, "x"))


def test_writes_are_counted_only_once_the_server_accepted_them(kube: Kube) -> None:
    parent = kube.create("Tuple", "t", [1])
    o = objects(kube)
    created = o.create(NUMBER, new_child(NUMBER, "t-0", {"value": 1}, parent, kube.namespace))
    with pytest.raises(ApiException) as exists:
        o.create(NUMBER, new_child(NUMBER, "t-0", {"value": 1}, parent, kube.namespace))
    assert is_already_exists(exists.value) and not is_conflict(exists.value)
    kube.set_spec("Number", "t-0", 2)  # someone else writes: what we read is stale now
    created["spec"]["value"] = 3
    with pytest.raises(ApiException) as stale:
        o.update(NUMBER, created)
    assert is_conflict(stale.value) and "409" in describe_error(stale.value)
    assert o.outcome.writes == [Write("create", "Number", "t-0")]


def test_delete_preconditions_protect_an_object_changed_since_it_was_read(kube: Kube) -> None:
    seen = kube.create("Number", "n", 1)
    kube.set_spec("Number", "n", 2)
    o = objects(kube)
    with pytest.raises(ApiException) as stale:
        o.delete(NUMBER, seen)
    assert is_conflict(stale.value)
    assert kube.get("Number", "n") is not None
    o.delete(NUMBER, kube.get("Number", "n") or {})
    assert kube.get("Number", "n") is None
    o.delete(NUMBER, seen)  # already gone is what a delete wants: no error
    assert [str(w) for w in o.outcome.writes] == ["delete Number/n"]


def test_creating_in_a_terminating_or_deleted_namespace_is_recognised(
        kube: Kube, api_client: ApiClient) -> None:
    held = kube.create("Number", "held", 1)
    kube.patch("Number", "held", {"metadata": {"finalizers": [HOLD]}})
    core = CoreV1Api(api_client)
    core.delete_namespace(kube.namespace)
    try:
        wait_for(lambda: core.read_namespace(kube.namespace).metadata.deletion_timestamp, 10,
                 "the namespace to be terminating")
        with pytest.raises(ApiException) as refused:
            objects(kube).create(NUMBER, new_child(NUMBER, "late", {"value": 1}, held,
                                                  kube.namespace))
        assert is_namespace_terminating(refused.value)
        assert not is_conflict(refused.value) and not is_already_exists(refused.value)
    finally:
        kube.patch("Number", "held", {"metadata": {"finalizers": None}})
    wait_for(lambda: not [n for n in core.list_namespace().items
                          if n.metadata.name == kube.namespace], 30, "the namespace to go")
    with pytest.raises(ApiException) as gone:
        objects(kube).create(NUMBER, new_child(NUMBER, "later", {"value": 1}, held,
                                              kube.namespace))
    assert gone.value.status == 404 and is_namespace_terminating(gone.value)
    with pytest.raises(ApiException) as missing:
        objects(kube).update(NUMBER, held)  # a missing object is not a missing namespace
    # kube answers 409, not 404: the body's uid is a precondition (apiserver pkg/registry/rest/
    # update.go defaultUpdatedObjectInfo.Preconditions) that etcd3/store.go GuaranteedUpdate
    # checks against the gone object's empty uid before it looks at existence, and
    # storeerr.InterpretUpdateError makes that invalid-object error a Conflict (v1.28).
    assert missing.value.status == 409 and is_conflict(missing.value)
    assert not is_namespace_terminating(missing.value)
    assert "Precondition failed: UID in precondition" in describe_error(missing.value)


def test_the_package_writes_as_the_mathctl_field_manager(kube: Kube) -> None:
    """Each write names its manager (``fieldManager``), so managedFields say who wrote what;
    without it the server would name the client's user agent (apiserver
    pkg/endpoints/handlers/rest.go, managerOrUserAgent)."""
    parent = kube.create("Tuple", "owner", [1])
    o = objects(kube)
    child = o.create(NUMBER, new_child(NUMBER, "owner-0", {"value": 1}, parent,
                                       kube.namespace))
    child["status"] = {"fizzBuzz": "1"}
    o.update_status(NUMBER, child)
    managed = (kube.get("Number", "owner-0") or {})["metadata"]["managedFields"]
    assert {(e["manager"], e["operation"], e.get("subresource", "")) for e in managed} == {
        ("mathctl", "Update", ""), ("mathctl", "Update", "status")}
