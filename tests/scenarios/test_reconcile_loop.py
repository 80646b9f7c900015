"""The reconcile side: an event only names a key; the real reconcile_tuple does the rest."""

from __future__ import annotations

from typing import Any

from kubernetes import client

from mathctl.resources.group import API_VERSION, GROUP, VERSION
from mathctl.resources.tuples import Tuple
from mathctl.scenarios.reconcile_loop import ReconcileLoop, tuple_key
from mathctl.scenarios.writes import RecordingApiClient


def _ref(kind: str, name: str, *, controller: bool = True,
         api_version: str = API_VERSION) -> dict[str, object]:
    return {"apiVersion": api_version, "kind": kind, "name": name, "uid": "u",
            "controller": controller}


def test_an_event_maps_to_its_tuple() -> None:
    assert tuple_key({"kind": "Tuple", "metadata": {"name": "t"}}) == "t"
    assert tuple_key({"kind": "Number", "metadata": {
        "name": "t-0", "ownerReferences": [_ref("Tuple", "t")]}}) == "t"
    assert tuple_key({"kind": "Number", "metadata": {"name": "n"}}) is None
    assert tuple_key({"kind": "Number", "metadata": {
        "name": "n", "ownerReferences": [_ref("Tuple", "t", controller=False)]}}) is None
    assert tuple_key({"kind": "Number", "metadata": {
        "name": "n", "ownerReferences": [_ref("Fermat", "f")]}}) is None
    assert tuple_key({"kind": "Number", "metadata": {
        "name": "n", "ownerReferences": [_ref("Tuple", "t", api_version="other/v1")]}}) is None


def test_a_childs_event_reconciles_its_parent_and_the_wire_agrees_with_the_outcome(
        api_client: client.ApiClient, crds: list[str], namespace: str) -> None:
    api = RecordingApiClient(api_client.configuration)
    loop = ReconcileLoop(api, namespace)
    custom = client.CustomObjectsApi(api_client)
    tup: dict[str, Any] = custom.create_namespaced_custom_object(  # type: ignore[assignment]
        GROUP, VERSION, namespace, "tuples", Tuple.new("t", [2, 3]).to_dict())
    assert loop.handle({"type": "ADDED", "object": tup}).note == "reconcile t"
    child: dict[str, Any] = custom.patch_namespaced_custom_object(  # type: ignore[assignment]
        GROUP, VERSION, namespace, "numbers", "t-1", {"spec": {"value": 30}})
    assert loop.handle({"type": "MODIFIED", "object": child}).note == "reconcile t"
    assert loop.handle({"type": "MODIFIED", "object": child}).note == "reconcile t: in sync"
    wire = [(w.verb, w.kind, w.name) for w in api.writes if w.accepted]
    outcome = [(w.verb, w.kind, w.name) for o in loop.outcomes for w in o.writes]
    assert [(v.replace("status", "update"), k, n) for v, k, n in outcome] == wire
    assert [v for v, _, _ in outcome] == ["create", "create", "status", "update"]
    api.close()
