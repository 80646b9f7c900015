"""Discovery documents, as kubectl, kopf and the official client read them."""

from __future__ import annotations

import pytest

from ..kube import Http


def test_version(http: Http) -> None:
    body = http.get("/version").json()
    assert (body["major"], body["minor"]) == ("1", "28")
    assert body["gitVersion"].startswith("v1.28.")


def test_api_versions(http: Http) -> None:
    body = http.get("/api").json()
    assert body["kind"] == "APIVersions" and body["versions"] == ["v1"]


def test_core_resources(http: Http) -> None:
    body = http.get("/api/v1").json()
    assert body["kind"] == "APIResourceList" and body["groupVersion"] == "v1"
    by_name = {r["name"]: r for r in body["resources"]}
    assert by_name["namespaces"]["namespaced"] is False
    assert by_name["namespaces"]["shortNames"] == ["ns"]
    assert "namespaces/status" in by_name
    for name in ("configmaps", "secrets", "events", "serviceaccounts", "services"):
        assert by_name[name]["namespaced"] is True
        assert {"create", "get", "list", "watch", "delete"} <= set(by_name[name]["verbs"])


@pytest.mark.usefixtures("crds")
def test_groups_include_builtins_and_crds(http: Http) -> None:
    groups = {g["name"]: g for g in http.get("/apis").json()["groups"]}
    for name in ("apps", "events.k8s.io", "networking.k8s.io", "rbac.authorization.k8s.io",
                 "apiextensions.k8s.io", "coordination.k8s.io", "math.mathctl.example"):
        assert name in groups
    math = groups["math.mathctl.example"]
    assert math["preferredVersion"] == {"groupVersion": "math.mathctl.example/v1beta1",
                                        "version": "v1beta1"}
    group = http.get("/apis/math.mathctl.example").json()
    assert group["kind"] == "APIGroup" and group["name"] == "math.mathctl.example"


@pytest.mark.usefixtures("crds")
def test_custom_resources_with_status_short_names_and_categories(http: Http) -> None:
    body = http.get("/apis/math.mathctl.example/v1beta1").json()
    by_name = {r["name"]: r for r in body["resources"]}
    numbers = by_name["numbers"]
    assert numbers["kind"] == "Number" and numbers["singularName"] == "number"
    assert numbers["namespaced"] is True and numbers["shortNames"] == ["num"]
    assert numbers["categories"] == ["math"]
    assert sorted(numbers["verbs"]) == sorted(["delete", "deletecollection", "get", "list",
                                               "patch", "create", "update", "watch"])
    assert by_name["numbers/status"]["verbs"] == ["get", "patch", "update"]
    assert {"tuples", "fermats"} <= set(by_name)
