"""The watch-fed cache: latest body per object, children by controller uid, deletes forget."""

from __future__ import annotations

from typing import Any

from mathctl.controllers.cache import Cache, ParsedModels, json_copy
from mathctl.resources.numbers import Number


def number(name: str, rv: str, owner_uid: str | None = None, value: int = 1) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "ns", "uid": f"uid-{name}",
                            "resourceVersion": rv}
    if owner_uid:
        meta["ownerReferences"] = [{"apiVersion": "math.mathctl.example/v1beta1",
                                    "kind": "Tuple", "name": "t", "uid": owner_uid,
                                    "controller": True}]
    return {"apiVersion": "math.mathctl.example/v1beta1", "kind": "Number",
            "metadata": meta, "spec": {"value": value}}


def test_latest_body_wins_and_deleted_objects_are_forgotten() -> None:
    cache = Cache()
    cache.apply("Number", None, number("a", "1", "t-uid"))
    cache.apply("Number", "MODIFIED", number("a", "2", "t-uid", value=5))
    cache.apply("Number", "ADDED", number("b", "3", "t-uid"))
    cache.apply("Number", "ADDED", number("c", "4", "other-uid"))
    assert (cache.get("Number", "ns", "a") or {})["spec"] == {"value": 5}
    assert sorted(b["metadata"]["name"] for b in cache.controlled_by("Number", "ns", "t-uid")) \
        == ["a", "b"]
    assert cache.controlled_by("Number", "elsewhere", "t-uid") == []
    cache.apply("Number", "DELETED", number("a", "5", "t-uid"))
    assert cache.get("Number", "ns", "a") is None
    assert [b["metadata"]["name"] for b in cache.controlled_by("Number", "ns", "t-uid")] == ["b"]
    assert sorted(cache.object_keys()) == [("Number", "ns", "b"), ("Number", "ns", "c")]


def test_an_owner_reference_removed_by_hand_moves_the_child_out_of_the_index() -> None:
    cache = Cache()
    cache.apply("Number", "ADDED", number("a", "1", "t-uid"))
    cache.apply("Number", "MODIFIED", number("a", "2"))
    assert cache.controlled_by("Number", "ns", "t-uid") == []


def test_the_cache_keeps_its_own_copy() -> None:
    cache = Cache()
    body = number("a", "1")
    cache.apply("Number", "ADDED", body)
    body["spec"]["value"] = 99
    assert (cache.get("Number", "ns", "a") or {})["spec"]["value"] == 1
    assert json_copy(body) == body and json_copy(body) is not body


def test_parsed_models_are_reused_per_resource_version() -> None:
    parsed = ParsedModels(limit=2)
    first = parsed.parse(Number, number("a", "1"))
    assert parsed.parse(Number, number("a", "1")) is first
    assert parsed.parse(Number, number("a", "2", value=3)).spec.value == 3
    parsed.parse(Number, number("b", "1"))  # over the limit: starts afresh, still correct
    assert parsed.parse(Number, number("a", "1")) == first
