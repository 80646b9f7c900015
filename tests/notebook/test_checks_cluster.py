"""The cluster check cells, run against a real API server with right and wrong learner code."""

from __future__ import annotations

from typing import Any

from kubernetes import client
from kubernetes.client.rest import ApiException

from mathctl.cluster import Cluster
from mathctl.core import fizzbuzz, is_square
from mathctl.notebook import checks
from mathctl.resources.group import API_VERSION, GROUP, NUMBER, VERSION


def reconcile_number(api_client: client.ApiClient, namespace: str, name: str) -> None:
    """What a learner writes in stage 70: read, compare, write the status only if it differs."""
    api = client.CustomObjectsApi(api_client)
    try:
        number = api.get_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", name)
    except ApiException as err:
        if err.status == 404:
            return
        raise
    value, generation = number["spec"]["value"], number["metadata"]["generation"]
    desired = {"fizzBuzz": fizzbuzz(value), "isSquare": is_square(value),
               "observedGeneration": generation}
    if {k: (number.get("status") or {}).get(k) for k in desired} != desired:
        api.patch_namespaced_custom_object_status(
            GROUP, VERSION, namespace, "numbers", name,
            {"metadata": {"resourceVersion": number["metadata"]["resourceVersion"]},
             "status": desired})


def always_writes(api_client: client.ApiClient, namespace: str, name: str) -> None:
    api = client.CustomObjectsApi(api_client)
    try:
        number = api.get_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", name)
    except ApiException:
        return
    value = number["spec"]["value"]
    api.patch_namespaced_custom_object_status(GROUP, VERSION, namespace, "numbers", name, {
        "status": {"fizzBuzz": fizzbuzz(value), "isSquare": is_square(value),
                   "observedGeneration": number["metadata"]["generation"]}})


def main_endpoint(api_client: client.ApiClient, namespace: str, name: str) -> None:
    api = client.CustomObjectsApi(api_client)
    try:
        number = api.get_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", name)
    except ApiException:
        return
    if not number.get("status"):
        api.patch_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", name,
                                           {"status": {"fizzBuzz": "FizzBuzz"}})


def no_404(api_client: client.ApiClient, namespace: str, name: str) -> None:
    client.CustomObjectsApi(api_client).get_namespaced_custom_object(
        GROUP, VERSION, namespace, "numbers", name)


def test_reconcile_check_walks_every_transition(cluster: Cluster, crds: list[str]) -> None:
    """Stage 70's ``(api_client, namespace, name)`` form, through ``checks`` (re-exported from
    checks_controllers, where the faults are tested in depth)."""
    assert str(checks.check_reconcile_number.verdict(reconcile_number, cluster)) == (
        "✓ reconcile_number: converged under every fault (missed events while down, a status "
        "edited by hand, a double edit, a restart, a 409 Conflict, the object deleted); a "
        "resync of the converged Number made 0 writes.")


def test_reconcile_check_hints(cluster: Cluster, crds: list[str]) -> None:
    verdict = str(checks.check_reconcile_number.verdict(always_writes, cluster))
    assert verdict.startswith("✗ reconcile_number: after the Number n was created (value 15) "
                              "your always_writes sent PATCH Number n /status without "
                              "metadata.resourceVersion")
    verdict = str(checks.check_reconcile_number.verdict(main_endpoint, cluster))
    assert "wrote Number n itself through the main endpoint, where the server ignores " \
           "status" in verdict
    verdict = str(checks.check_reconcile_number.verdict(no_404, cluster))
    assert verdict.startswith("✗ reconcile_number: before the Number n exists: no_404 raised "
                              "ApiException 404 NotFound")
    assert "handle 404" in verdict
    stub = str(checks.check_reconcile_number.verdict(_stub, cluster))
    assert stub.startswith("✗ reconcile_number: _stub is not written yet")


def _stub(api_client: client.ApiClient, namespace: str, name: str) -> None:
    raise NotImplementedError


def test_namespace_names_check(cluster: Cluster) -> None:
    def right(api_client: client.ApiClient) -> list[str]:
        items = client.CoreV1Api(api_client).list_namespace().items
        return sorted(ns.metadata.name for ns in items)

    assert checks.check_namespace_names.verdict(right, cluster)
    unsorted = str(checks.check_namespace_names.verdict(lambda a: right(a)[::-1], cluster))
    assert unsorted.endswith("the names are right but not sorted: return sorted(names).") or \
        len(right(cluster.api_client)) < 2
    missing = str(checks.check_namespace_names.verdict(lambda a: ["default"], cluster))
    assert "(missing [" in missing and "list_namespace().items" in missing


def test_number_manifest_check_uses_a_server_side_dry_run(cluster: Cluster, crds: list[str],
                                                          namespace: str) -> None:
    def right(name: str, value: int) -> dict[str, Any]:
        return {"apiVersion": API_VERSION, "kind": "Number", "metadata": {"name": name},
                "spec": {"value": value}}

    assert checks.check_number_manifest.verdict(right, cluster, namespace)
    items = client.CustomObjectsApi(cluster.api_client).list_namespaced_custom_object(
        GROUP, VERSION, namespace, NUMBER.plural)["items"]
    assert items == []  # a dry run stores nothing

    def typo(name: str, value: int) -> dict[str, Any]:
        return {**right(name, value), "spec": {"value": value, "vaule": value}}

    verdict = str(checks.check_number_manifest.verdict(typo, cluster, namespace))
    assert verdict.startswith("✗ number_manifest: the API server rejected "
                              "number_manifest('seven', 7) (")
    assert "vaule" in verdict
    verdict = str(checks.check_number_manifest.verdict(
        lambda n, v: {**right(n, v), "status": {}}, cluster, namespace))
    assert "leave it out" in verdict


def test_a_forgotten_items_is_named(cluster: Cluster) -> None:
    """issue 11: looping over the list object instead of its .items gets the fix, not only
    Python's error."""
    from kubernetes import client as k8s

    def no_items(api_client: object) -> list[str]:
        return sorted(ns.metadata.name for ns in k8s.CoreV1Api(api_client).list_namespace())

    said = " ".join(str(checks.check_namespace_names.verdict(no_items, cluster)).split())
    assert "loop over its .items" in said
