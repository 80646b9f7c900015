"""Reading a namespace's objects from a real API server, and the one-shot notebook views."""

from __future__ import annotations

from typing import Any

from kubernetes import client

from mathctl.cluster import Cluster
from mathctl.resources.group import API_VERSION, GROUP, NUMBER, VERSION
from mathctl.views.render import render_text
from mathctl.views.show import show_tables, show_tree
from mathctl.views.snapshot import take_snapshot


def create_number(api_client: Any, namespace: str, name: str, value: int) -> dict[str, Any]:
    return client.CustomObjectsApi(api_client).create_namespaced_custom_object(  # type: ignore[no-any-return]
        GROUP, VERSION, namespace, NUMBER.plural,
        {"apiVersion": API_VERSION, "kind": "Number", "metadata": {"name": name},
         "spec": {"value": value}})


def test_snapshot_lists_each_kind_in_natural_order(cluster: Cluster, crds: list[str],
                                                   namespace: str) -> None:
    for name, value in (("n-10", 10), ("n-2", 2), ("n-1", 1)):
        create_number(cluster.api_client, namespace, name, value)
    snapshot = take_snapshot(cluster.api_client, namespace)
    assert [o["metadata"]["name"] for o in snapshot.items(NUMBER)] == ["n-1", "n-2", "n-10"]
    assert snapshot.missing_kinds == ()
    assert render_text(show_tables(cluster, namespace, ["num"]).renderable).splitlines()[3] == (
        "n-1    1       …          …        …       …/1")
    assert repr(show_tree(cluster, namespace)).splitlines()[1] == (
        "├── Number n-1  value=1  fizzBuzz=…  isSquare=…  (no status yet)")


def test_a_kind_without_crd_is_reported_not_raised(cluster: Cluster, namespace: str) -> None:
    from mathctl.resources.group import KindNames

    ghost = KindNames(kind="Ghost", plural="ghosts", singular="ghost", short_names=())
    snapshot = take_snapshot(cluster.api_client, namespace, [ghost])
    assert snapshot.missing_kinds == ("ghosts",)
