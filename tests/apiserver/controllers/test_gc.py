"""Garbage collection by ownerReferences, as kube-controller-manager does it.

Background (the default for custom resources), Foreground (``foregroundDeletion`` on the owner,
dependents with ``blockOwnerDeletion`` go first), Orphan (dependents lose the reference) and
dependents whose owner never existed. Owners are matched by uid.
"""

from __future__ import annotations

from typing import Any

import pytest

from mathctl.cluster import wait_for

from ..kube import GROUP, VERSION, Http, number

pytestmark = pytest.mark.usefixtures("crds")


def tuple_(name: str, *values: int) -> dict[str, Any]:
    return {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Tuple", "metadata": {"name": name},
            "spec": {"numbers": list(values)}}


def owned(name: str, owner: dict[str, Any], *, block: bool = True) -> dict[str, Any]:
    ref = {"apiVersion": owner["apiVersion"], "kind": owner["kind"],
           "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
           "controller": True, "blockOwnerDeletion": block}
    return number(name, 1, ownerReferences=[ref])


def names(http: Http, ns_path: str, plural: str = "numbers") -> list[str]:
    return [i["metadata"]["name"] for i in http.get(f"{ns_path}/{plural}").json()["items"]]


def test_background_deletes_dependents_after_the_owner(http: Http, ns_path: str) -> None:
    owner = http.post(f"{ns_path}/tuples", tuple_("t", 1, 2)).json()
    for i in range(2):
        http.post(f"{ns_path}/numbers", owned(f"t-{i}", owner)).raise_for_status()
    http.post(f"{ns_path}/numbers", number("free")).raise_for_status()
    r = http.delete(f"{ns_path}/tuples/t")
    assert r.json()["status"] == "Success", "Background: the owner goes at once"
    wait_for(lambda: names(http, ns_path) == ["free"], 10, "the dependents to be collected")


def test_foreground_keeps_the_owner_until_blocking_dependents_are_gone(
        http: Http, ns_path: str) -> None:
    owner = http.post(f"{ns_path}/tuples", tuple_("fg", 1)).json()
    http.post(f"{ns_path}/numbers", owned("fg-0", owner) | {"metadata": {
        **owned("fg-0", owner)["metadata"], "finalizers": ["example.com/hold"]}})
    r = http.delete(f"{ns_path}/tuples/fg", {"propagationPolicy": "Foreground"})
    body = r.json()
    assert body["kind"] == "Tuple" and body["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert body["metadata"]["deletionTimestamp"]
    child = wait_for(lambda: http.get(f"{ns_path}/numbers/fg-0").json()["metadata"].get(
        "deletionTimestamp") and http.get(f"{ns_path}/numbers/fg-0").json(), 10,
        "the blocking dependent to be deleted first")
    assert child["metadata"]["finalizers"] == ["example.com/hold"]
    assert names(http, ns_path, "tuples") == ["fg"], "the owner waits for its dependent"
    http.patch(f"{ns_path}/numbers/fg-0", {"metadata": {"finalizers": None}}).raise_for_status()
    wait_for(lambda: names(http, ns_path, "tuples") == [], 10,
             "the owner to go once its blocking dependent is gone")


def test_orphan_removes_the_owner_reference(http: Http, ns_path: str) -> None:
    owner = http.post(f"{ns_path}/tuples", tuple_("or", 1)).json()
    http.post(f"{ns_path}/numbers", owned("or-0", owner)).raise_for_status()
    r = http.delete(f"{ns_path}/tuples/or", {"propagationPolicy": "Orphan"})
    assert r.json()["metadata"]["finalizers"] == ["orphan"]
    wait_for(lambda: names(http, ns_path, "tuples") == [], 10, "the orphaning owner to go")
    child = http.get(f"{ns_path}/numbers/or-0").json()
    assert "ownerReferences" not in child["metadata"]


def test_dependent_of_a_missing_owner_is_collected(http: Http, ns_path: str) -> None:
    ghost = {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Tuple",
             "metadata": {"name": "ghost", "uid": "00000000-0000-4000-8000-000000000000"}}
    http.post(f"{ns_path}/numbers", owned("ghost-0", ghost)).raise_for_status()
    wait_for(lambda: "ghost-0" not in names(http, ns_path), 10,
             "a dependent whose owner never existed to be collected")


def test_owner_is_matched_by_uid_not_name(http: Http, ns_path: str) -> None:
    first = http.post(f"{ns_path}/tuples", tuple_("same", 1)).json()
    http.delete(f"{ns_path}/tuples/same").raise_for_status()
    http.post(f"{ns_path}/tuples", tuple_("same", 2)).raise_for_status()   # new uid
    http.post(f"{ns_path}/numbers", owned("same-0", first)).raise_for_status()
    wait_for(lambda: "same-0" not in names(http, ns_path), 10,
             "a dependent of the old uid to be collected though the name exists again")


def test_dependent_with_a_remaining_owner_only_loses_the_dead_reference(
        http: Http, ns_path: str) -> None:
    a = http.post(f"{ns_path}/tuples", tuple_("a", 1)).json()
    b = http.post(f"{ns_path}/tuples", tuple_("b", 1)).json()
    refs = owned("shared", a)["metadata"]["ownerReferences"] + [
        {**owned("shared", b)["metadata"]["ownerReferences"][0], "controller": False}]
    http.post(f"{ns_path}/numbers", number("shared", 1, ownerReferences=refs))
    http.delete(f"{ns_path}/tuples/a").raise_for_status()

    def only_b() -> bool:
        md = http.get(f"{ns_path}/numbers/shared").json()["metadata"]
        return [r["name"] for r in md.get("ownerReferences", [])] == ["b"]

    wait_for(only_b, 10, "the reference to the deleted owner to be removed")
