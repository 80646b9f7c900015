"""Namespaces: the system ones exist; deleting one empties it, then removes it."""

from __future__ import annotations

import pytest

from mathctl.cluster import wait_for

from ..kube import API, Http, number, status_of


@pytest.mark.parametrize("name", ["default", "kube-system", "kube-public"])
def test_system_namespaces_exist(http: Http, name: str) -> None:
    body = http.get(f"/api/v1/namespaces/{name}").json()
    assert body["status"] == {"phase": "Active"}
    assert body["spec"] == {"finalizers": ["kubernetes"]}
    assert body["metadata"]["labels"] == {"kubernetes.io/metadata.name": name}


@pytest.mark.usefixtures("crds")
def test_deleting_a_namespace_deletes_its_content_first(http: Http) -> None:
    http.post("/api/v1/namespaces", {"metadata": {"name": "doomed"}}).raise_for_status()
    ns_path = f"{API}/namespaces/doomed"
    held = http.post(f"{ns_path}/numbers", number("held", finalizers=["example.com/hold"]))
    assert held.status_code == 201, held.text
    http.post("/api/v1/namespaces/doomed/configmaps", {"metadata": {"name": "cm"}})
    body = http.delete("/api/v1/namespaces/doomed").json()
    assert body["kind"] == "Namespace" and body["status"]["phase"] == "Terminating"
    assert body["metadata"]["deletionTimestamp"]
    r = http.post(f"{ns_path}/numbers", number("late"))
    code, reason, message = status_of(r)
    assert (code, reason) == (403, "Forbidden")
    assert message == ('numbers.math.mathctl.example "late" is forbidden: unable to create new '
                       "content in namespace doomed because it is being terminated")

    def waiting_on_finalizer() -> dict | None:
        ns = http.get("/api/v1/namespaces/doomed").json()
        conditions = {c["type"]: c for c in ns["status"].get("conditions", [])}
        c = conditions.get("NamespaceFinalizersRemaining")
        return conditions if c and c["status"] == "True" else None

    conditions = wait_for(waiting_on_finalizer, 10, "the namespace to report what remains")
    assert conditions["NamespaceFinalizersRemaining"]["message"] == (
        "Some content in the namespace has finalizers remaining: example.com/hold in 1 "
        "resource instances")
    assert conditions["NamespaceContentRemaining"]["message"] == (
        "Some resources are remaining: numbers.math.mathctl.example has 1 resource instances")
    assert http.get("/api/v1/namespaces/doomed/configmaps/cm").status_code == 404
    # The namespace controller (kube-controller-manager) writes its conditions through
    # /status (pkg/controller/namespace/deletion/namespaced_resources_deleter.go).
    managed = http.get("/api/v1/namespaces/doomed").json()["metadata"]["managedFields"]
    assert [(e["manager"], e["operation"]) for e in managed
            if e.get("subresource") == "status"] == [("kube-controller-manager", "Update")]
    http.patch(f"{ns_path}/numbers/held", {"metadata": {"finalizers": None}})
    wait_for(lambda: http.get("/api/v1/namespaces/doomed").status_code == 404, 10,
             "the emptied namespace to go")
