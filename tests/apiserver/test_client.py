"""The official ``kubernetes`` client, unchanged, against the cluster under test."""

from __future__ import annotations

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from mathctl.cluster import Cluster

from .kube import GROUP, VERSION, number

pytestmark = pytest.mark.usefixtures("crds")


def test_core_v1(target: Cluster, namespace: str) -> None:
    core = client.CoreV1Api(target.api_client)
    assert "default" in [n.metadata.name for n in core.list_namespace().items]
    cm = core.create_namespaced_config_map(namespace, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="cfg", labels={"app": "x"}), data={"k": "v"}))
    assert cm.metadata.uid and cm.metadata.resource_version
    cm.data["k"] = "w"
    replaced = core.replace_namespaced_config_map("cfg", namespace, cm)
    assert replaced.data == {"k": "w"}
    with pytest.raises(ApiException) as stale:
        core.replace_namespaced_config_map("cfg", namespace, cm)
    assert stale.value.status == 409
    secret = core.create_namespaced_secret(namespace, client.V1Secret(
        metadata=client.V1ObjectMeta(name="s"), string_data=None, data={"a": "Yg=="}))
    assert secret.data == {"a": "Yg=="}
    listed = core.list_namespaced_config_map(namespace, label_selector="app=x")
    assert [c.metadata.name for c in listed.items] == ["cfg"]
    status = core.delete_namespaced_config_map("cfg", namespace)   # a dict since client 36
    assert status["status"] == "Success"
    with pytest.raises(ApiException) as gone:
        core.read_namespaced_config_map("cfg", namespace)
    assert gone.value.status == 404


def test_custom_objects(target: Cluster, namespace: str) -> None:
    api = client.CustomObjectsApi(target.api_client)
    made = api.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers",
                                               number("n", 9))
    assert made["metadata"]["generation"] == 1, "201 with a body (the client returns it)"
    patched = api.patch_namespaced_custom_object_status(GROUP, VERSION, namespace, "numbers",
                                                        "n", {"status": {"isSquare": True}})
    assert patched["status"] == {"isSquare": True}
    made["spec"]["value"] = 10
    with pytest.raises(ApiException) as stale:
        api.replace_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n", made)
    assert stale.value.status == 409
    current = api.get_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n")
    current["spec"]["value"] = 10
    replaced = api.replace_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n",
                                                    current)
    assert replaced["metadata"]["generation"] == 2
    assert replaced["status"] == {"isSquare": True}
    listed = api.list_cluster_custom_object(GROUP, VERSION, "numbers")
    assert ("n", namespace) in [(i["metadata"]["name"], i["metadata"]["namespace"])
                                for i in listed["items"]]
    api.delete_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n")


def test_apiextensions(target: Cluster) -> None:
    ext = client.ApiextensionsV1Api(target.api_client)
    crd = ext.read_custom_resource_definition("numbers.math.mathctl.example")
    assert crd.spec.names.short_names == ["num"]
    assert {c.type: c.status for c in crd.status.conditions} == {
        "NamesAccepted": "True", "Established": "True"}
    assert crd.status.stored_versions == ["v1beta1"]


def test_leases_and_events(target: Cluster, namespace: str) -> None:
    coord = client.CoordinationV1Api(target.api_client)
    lease = coord.create_namespaced_lease(namespace, client.V1Lease(
        metadata=client.V1ObjectMeta(name="leader"),
        spec=client.V1LeaseSpec(holder_identity="me", lease_duration_seconds=15)))
    assert lease.spec.holder_identity == "me"
    events = client.EventsV1Api(target.api_client)
    made = events.create_namespaced_event(namespace, client.EventsV1Event(
        metadata=client.V1ObjectMeta(name="e"), event_time="2024-01-01T00:00:00.000000Z",
        reason="Tested", note="hi", type="Normal", action="Test",
        reporting_controller="mathctl/test", reporting_instance="t",
        regarding=client.V1ObjectReference(kind="Lease", name="leader", namespace=namespace)))
    assert made.note == "hi"
    core_view = client.CoreV1Api(target.api_client).read_namespaced_event("e", namespace)
    assert core_view.message == "hi" and core_view.involved_object.name == "leader"


@pytest.mark.parametrize(("api", "create", "body"), [
    ("AppsV1Api", "create_namespaced_deployment", {"metadata": {"name": "d"}, "spec": {
        "selector": {"matchLabels": {"a": "b"}}, "template": {
            "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [
                {"name": "c", "image": "x"}]}}}}),
    ("CoreV1Api", "create_namespaced_service", {"metadata": {"name": "svc"},
                                                "spec": {"ports": [{"port": 80}]}}),
    ("CoreV1Api", "create_namespaced_service_account", {"metadata": {"name": "sa"}}),
    ("NetworkingV1Api", "create_namespaced_ingress", {"metadata": {"name": "ing"}}),
    ("RbacAuthorizationV1Api", "create_namespaced_role", {"metadata": {"name": "r"},
                                                         "rules": []}),
])
def test_store_only_builtins(target: Cluster, namespace: str, api: str, create: str,
                             body: dict) -> None:
    instance = getattr(client, api)(target.api_client)
    made = getattr(instance, create)(namespace, body)
    assert made.metadata.uid and made.metadata.name == body["metadata"]["name"]
