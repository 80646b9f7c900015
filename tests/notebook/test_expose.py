"""Notebook 80's helpers on the embedded server: apply a manifest file, report a ServiceExpose."""

from __future__ import annotations

from kubernetes.client import ApiClient, AppsV1Api, CoreV1Api, NetworkingV1Api

from mathctl.controllers.service_expose import reconcile_service_expose
from mathctl.notebook.expose import (
    apply_manifests,
    delete_manifests,
    expose_report,
    field_owners,
    field_paths,
)

WEB = "crds/samples/serviceexpose-web.yaml"


def test_apply_creates_then_replaces(api_client: ApiClient, namespace: str,
                                     crds: list[str]) -> None:
    assert apply_manifests(api_client, WEB, namespace) == [
        "created Deployment/web", "created Service/web", "created ServiceExpose/web"]
    assert apply_manifests(api_client, WEB, namespace) == [
        "replaced Deployment/web", "replaced Service/web", "replaced ServiceExpose/web"]
    assert AppsV1Api(api_client).read_namespaced_deployment("web", namespace).spec.replicas == 1
    service = CoreV1Api(api_client).read_namespaced_service("web", namespace)
    assert service.spec.ports[0].port == 8080
    assert delete_manifests(api_client, WEB, namespace) == [
        "deleted Deployment/web", "deleted Service/web", "deleted ServiceExpose/web"]
    assert delete_manifests(api_client, WEB, namespace) == []


def test_report_shows_the_service_expose_and_its_ingress(api_client: ApiClient, namespace: str,
                                                         crds: list[str]) -> None:
    assert expose_report(api_client, namespace, "web") == (
        "ServiceExpose web: not found\nIngress web: not found")
    apply_manifests(api_client, WEB, namespace)
    reconcile_service_expose(api_client, namespace, "web")
    report = expose_report(api_client, namespace, "web").splitlines()
    host = f"web.{namespace}.example.com"
    assert report[0] == (f"ServiceExpose web: host {host}, ingressName web, "
                         "observedGeneration 1 of 1")
    assert report[1].startswith("  Ready        True  IngressReady: Ingress 'web' routes")
    assert report[2].startswith("  BackendFound True  ServiceFound:")
    assert report[3] == "Ingress web: controlled by ServiceExpose web"
    assert report[4] == f"  {host}/ (Prefix) → Service web:8080"
    assert report[-1] == "  address: none (no ingress controller has picked it up)"


def test_field_paths_are_written_as_structured_merge_diff_writes_them() -> None:
    # structured-merge-diff fieldpath/element.go (PathElement.String): .field, [k="v"], [=v], [i]
    fields = {"f:metadata": {"f:labels": {"f:team": {}}, "f:ownerReferences": {
        'k:{"uid":"u-1"}': {".": {}, "f:apiVersion": {}, "f:uid": {}}}},
        "f:spec": {"f:rules": {}, "f:finalizers": {'v:"a"': {}}, "f:ports": {"i:0": {}}}}
    assert field_paths(fields) == [
        ".metadata.labels.team", '.metadata.ownerReferences[uid="u-1"]',
        '.spec.finalizers[="a"]', ".spec.ports[0]", ".spec.rules"]


def test_field_owners_lists_each_manager_and_its_fields(api_client: ApiClient, namespace: str
                                                        ) -> None:
    net = NetworkingV1Api(api_client)
    ingress = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"name": "i", "labels": {"app": "web"}},
               "spec": {"rules": [{"host": "i.example.com"}]}}
    net.patch_namespaced_ingress("i", namespace, ingress, field_manager="me",
                                 _content_type="application/apply-patch+yaml")
    net.patch_namespaced_ingress("i", namespace, {"metadata": {"labels": {"team": "a"}}},
                                 field_manager="kubectl-label",
                                 _content_type="application/merge-patch+json")
    assert field_owners(api_client, namespace, "i") == (
        "me (Apply) owns:\n  .metadata.labels.app\n  .spec.rules\n"
        "kubectl-label (Update) owns:\n  .metadata.labels.team")
