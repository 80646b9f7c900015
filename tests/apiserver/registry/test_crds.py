"""CustomResourceDefinitions: served when established, validated, cleaned up when deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mathctl.cluster import wait_for

from ..kube import Http, status_of

CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
SAMPLES = Path(__file__).resolve().parents[3] / "crds" / "samples"


def widget_crd(group: str = "toys.mathctl.example") -> dict[str, Any]:
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"widgets.{group}"},
            "spec": {"group": group, "scope": "Namespaced",
                     "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                     "versions": [{"name": "v1", "served": True, "storage": True,
                                   "schema": {"openAPIV3Schema": {
                                       "type": "object", "properties": {"spec": {
                                           "type": "object", "properties": {
                                               "size": {"type": "integer", "default": 3}}}}}}}]}}


def test_crd_lifecycle(http: Http, namespace: str) -> None:
    r = http.post(CRDS, widget_crd())
    assert r.status_code == 201

    def established() -> dict[str, Any] | None:
        crd = http.get(f"{CRDS}/widgets.toys.mathctl.example").json()
        conditions = {c["type"]: c for c in crd.get("status", {}).get("conditions", [])}
        ok = conditions.get("Established", {}).get("status") == "True"
        return conditions if ok else None

    conditions = wait_for(established, 10, "the CRD to be Established")
    assert (conditions["NamesAccepted"]["reason"], conditions["NamesAccepted"]["message"]) == (
        "NoConflicts", "no conflicts found")
    assert (conditions["Established"]["reason"], conditions["Established"]["message"]) == (
        "InitialNamesAccepted", "the initial names have been accepted")
    # The naming and establishing controllers run inside kube-apiserver and write status
    # through /status: their entry (apiextensions-apiserver pkg/controller/status,
    # establish; the manager is their user agent's prefix, handlers/rest.go).
    entries = {(e["manager"], e["operation"], e.get("subresource", "")): e["fieldsV1"]
               for e in http.get(f"{CRDS}/widgets.toys.mathctl.example").json()[
                   "metadata"]["managedFields"]}
    status_fields = entries[("kube-apiserver", "Update", "status")]["f:status"]
    assert {"f:acceptedNames", "f:conditions"} <= set(status_fields)
    path = f"/apis/toys.mathctl.example/v1/namespaces/{namespace}/widgets"
    made = http.post(path, {"apiVersion": "toys.mathctl.example/v1", "kind": "Widget",
                            "metadata": {"name": "w"}, "spec": {}})
    assert made.status_code == 201 and made.json()["spec"] == {"size": 3}, "defaults applied"
    assert http.get("/apis/toys.mathctl.example/v1").status_code == 200

    deleted = http.delete(f"{CRDS}/widgets.toys.mathctl.example").json()
    assert "customresourcecleanup.apiextensions.k8s.io" in deleted["metadata"]["finalizers"]
    wait_for(lambda: http.get(f"{CRDS}/widgets.toys.mathctl.example").status_code == 404, 10,
             "the CRD to be deleted with its objects")
    assert http.get("/apis/toys.mathctl.example/v1").status_code == 404
    assert "toys.mathctl.example" not in [g["name"] for g in http.get("/apis").json()["groups"]]
    # Re-creating the CRD serves an empty resource: the objects went with the old one.
    http.post(CRDS, widget_crd()).raise_for_status()
    wait_for(established, 10, "the CRD to be Established again")
    assert http.get(path).json()["items"] == []
    http.delete(f"{CRDS}/widgets.toys.mathctl.example")


def test_crd_name_must_match_plural_and_group(http: Http) -> None:
    crd = widget_crd("bad.mathctl.example")
    crd["metadata"]["name"] = "gadgets.bad.mathctl.example"
    code, reason, message = status_of(http.post(CRDS, crd))
    assert (code, reason) == (422, "Invalid")
    assert 'metadata.name: Invalid value: "gadgets.bad.mathctl.example": must be ' \
           'spec.names.plural+"."+spec.group' in message


def test_non_structural_schema_is_refused(http: Http) -> None:
    crd = widget_crd("loose.mathctl.example")
    del crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["type"]
    code, reason, _ = status_of(http.post(CRDS, crd))
    assert (code, reason) == (422, "Invalid")


@pytest.mark.usefixtures("crds")
def test_the_kit_crds_are_established_and_serve_their_samples(http: Http, ns_path: str) -> None:
    for sample in sorted((SAMPLES).glob("number-*.yaml")):
        obj = yaml.safe_load(sample.read_text())
        assert http.post(f"{ns_path}/numbers", obj).status_code == 201, sample.name
    for sample in sorted((SAMPLES / "invalid").glob("number-*.yaml")):
        obj = yaml.safe_load(sample.read_text())
        assert status_of(http.post(f"{ns_path}/numbers", obj))[:2] == (422, "Invalid"), \
            sample.name
