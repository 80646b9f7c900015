"""The learner's namespace: its name, its creation, and emptying it between stages."""

from __future__ import annotations

import pytest
from kubernetes import client

from mathctl.cluster import Cluster
from mathctl.notebook.namespace import (
    clean_namespace,
    default_namespace_name,
    ensure_namespace,
    workshop_namespace,
)
from mathctl.resources import Number
from mathctl.resources.group import GROUP, NUMBER, VERSION


@pytest.mark.parametrize(("user", "name"), [
    ("alice", "workshop-alice"), ("Bob.Smith", "workshop-bob-smith"), ("__", "workshop-learner"),
    ("x" * 80, "workshop-" + "x" * 54)])
def test_default_name_is_a_valid_label(user: str, name: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATHCTL_NAMESPACE", raising=False)
    assert default_namespace_name(user) == name


def test_the_environment_wins_and_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATHCTL_NAMESPACE", "team-a")
    assert default_namespace_name("alice") == "team-a"
    monkeypatch.setenv("MATHCTL_NAMESPACE", "Team_A")
    with pytest.raises(ValueError, match="is not a valid namespace name"):
        default_namespace_name()


def test_workshop_namespace_is_created_once(cluster: Cluster,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATHCTL_NAMESPACE", "workshop-test-ensure")
    try:
        assert workshop_namespace(cluster) == "workshop-test-ensure"
        assert ensure_namespace(cluster.api_client, "workshop-test-ensure") == (
            "workshop-test-ensure")  # a second time: no error
        client.CoreV1Api(cluster.api_client).read_namespace("workshop-test-ensure")
    finally:
        client.CoreV1Api(cluster.api_client).delete_namespace("workshop-test-ensure")


def test_clean_namespace_deletes_every_kind(cluster: Cluster, crds: list[str],
                                            namespace: str) -> None:
    api = client.CustomObjectsApi(cluster.api_client)
    for i in range(3):
        api.create_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural,
                                            Number.new(f"n{i}", i).to_dict())
    cleaned = clean_namespace(cluster, namespace)
    assert cleaned.deleted == 3
    assert repr(cleaned) == (
        "Cleaned up: deleted 3 objects (the garbage collector took their children); the "
        "namespace holds no Numbers, Tuples or Fermats now.")
    assert repr(clean_namespace(cluster, namespace)) == (
        "Nothing to clean up: no Numbers, Tuples or Fermats were left.")
    assert client.CustomObjectsApi(cluster.api_client).list_namespaced_custom_object(
        GROUP, VERSION, namespace, NUMBER.plural)["items"] == []
