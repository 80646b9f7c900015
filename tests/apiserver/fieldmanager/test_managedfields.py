"""Ownership rules of managedfields.py, case by case against structured-merge-diff v4.2.3's
``merge/multiple_appliers_test.go`` and apimachinery's ``managedfields/internal``."""

from __future__ import annotations

from typing import Any

import pytest

from mathctl.apiserver.fieldmanager import fieldpath, managedfields
from mathctl.apiserver.fieldmanager.managedfields import APPLY, UPDATE, Conflicts, Entry, Managers
from mathctl.apiserver.fieldmanager.typed import SCALAR, ListType, MapType

LIST = MapType({"list": ListType(MapType({"name": SCALAR, "value": SCALAR}), "map", ("name",))})


def key(manager: str) -> managedfields.Key:
    return (manager, APPLY, "", "")


def run(managers: Managers, live: dict[str, Any], manager: str, config: dict[str, Any],
        force: bool = False) -> dict[str, Any]:
    merged = managedfields.apply(live, config, managers, key(manager), "v1", force, LIST, {})
    return merged if merged is not None else live


def items(*names: str) -> dict[str, Any]:
    return {"list": [{"name": n} for n in names]}


def owned(managers: Managers, manager: str) -> list[str]:
    return [fieldpath.path_string(p) for p in fieldpath.members(managers[key(manager)].fields)]


def test_remove_one_keeps_what_another_applier_owns() -> None:
    # TestMultipleAppliersSet "remove_one"
    managers: Managers = {}
    obj = run(managers, {}, "apply-one", items("a", "b"))
    obj = run(managers, obj, "apply-two", items("c"))
    obj = run(managers, obj, "apply-one", items("a"))
    assert obj == items("a", "c")
    assert owned(managers, "apply-one") == ['.list[name="a"]', '.list[name="a"].name']
    assert owned(managers, "apply-two") == ['.list[name="c"]', '.list[name="c"].name']


def test_the_same_value_is_shared_without_conflict_and_a_change_conflicts() -> None:
    # "same_value_no_conflict" and "change_value_yes_conflict"
    managers: Managers = {}
    obj = run(managers, {}, "apply-one", {"list": [{"name": "a", "value": 0}]})
    obj = run(managers, obj, "apply-two", {"list": [{"name": "a", "value": 0}]})
    assert owned(managers, "apply-one") == owned(managers, "apply-two") == [
        '.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value']
    with pytest.raises(Conflicts) as conflict:
        run(managers, obj, "apply-two", {"list": [{"name": "a", "value": 1}]})
    assert [(k[0], fieldpath.path_string(p)) for k, _, p in conflict.value.found] == [
        ("apply-one", '.list[name="a"].value')]
    obj = run(managers, obj, "apply-two", {"list": [{"name": "a", "value": 1}]}, force=True)
    assert obj == {"list": [{"name": "a", "value": 1}]}
    assert owned(managers, "apply-one") == ['.list[name="a"]', '.list[name="a"].name']


def test_several_conflicts_are_listed_per_manager() -> None:
    # conflict.go getConflictMessage; printManager adds "using <apiVersion>" for updates
    update = ("kubectl-edit", UPDATE, "v1", "")
    found = [(update, Entry({}, "v1", None), ("f:spec", "f:a")),
             (update, Entry({}, "v1", None), ("f:spec", "f:b"))]
    error = Conflicts(found).error()
    assert (error.code, error.reason) == (409, "Conflict")
    assert error.message == ('Apply failed with 2 conflicts: conflicts with "kubectl-edit" using '
                             "v1:\n- .spec.a\n- .spec.b")
    assert error.details == {"causes": [
        {"type": "FieldManagerConflict", "message": 'conflict with "kubectl-edit" using v1',
         "field": ".spec.a"},
        {"type": "FieldManagerConflict", "message": 'conflict with "kubectl-edit" using v1',
         "field": ".spec.b"}]}


@pytest.mark.parametrize(("field_manager", "user_agent", "expected"), [
    ("mine", "kubectl/v1.28.0 (linux/amd64)", "mine"),
    ("", "kubectl/v1.28.0 (linux/amd64) kubernetes/abc", "kubectl"),
    ("", "OpenAPI-Generator/37.0.2/python", "OpenAPI-Generator"),
    ("", "kopf/1.45.2", "kopf"),
    ("", "tab\there/1", "tabhere"),
    ("", "", ""),
])
def test_manager_names_follow_rest_go(field_manager: str, user_agent: str, expected: str) -> None:
    # handlers/rest.go managerOrUserAgent and prefixFromUserAgent
    assert managedfields.manager_name(field_manager, user_agent) == expected


def test_entries_are_sorted_apply_first_then_by_time_and_manager() -> None:
    # internal/managedfields.go sortEncodedManagedFields
    managers: Managers = {
        ("b", UPDATE, "v1", ""): Entry({"f:x": {}}, "v1", "2026-01-01T00:00:02Z"),
        ("a", UPDATE, "v1", ""): Entry({"f:y": {}}, "v1", "2026-01-01T00:00:02Z"),
        ("z", APPLY, "", ""): Entry({"f:z": {}}, "v1", "2026-01-01T00:00:09Z"),
        ("c", UPDATE, "v1", "status"): Entry({"f:s": {}}, "v1", "2026-01-01T00:00:01Z"),
    }
    encoded = managedfields.encode(managers, go_order=True)
    assert [(e["manager"], e["operation"], e.get("subresource")) for e in encoded] == [
        ("z", APPLY, None), ("c", UPDATE, "status"), ("a", UPDATE, None), ("b", UPDATE, None)]
    assert managedfields.decode(encoded) == managers
