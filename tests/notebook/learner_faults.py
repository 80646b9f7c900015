"""Learner controllers written wrong on purpose, one mistake each, for the controller checks.

Each is what a learner plausibly writes (official client only, as in ``my_controllers.py``),
built from the right answers in ``tests/controllers/learner_examples.py`` with exactly one
mistake, so a check's hint can be asserted to name that mistake.
"""

from __future__ import annotations

from typing import Any

from kubernetes import client
from kubernetes.client.exceptions import ApiException

from mathctl.resources import FERMAT, GROUP, NUMBER, TUPLE, VERSION
from tests.controllers.learner_examples import (
    API_VERSION,
    current,
    number_status,
    read,
    reconcile_fermat,
    reconcile_number,
    reconcile_tuple,
    write_status,
)

Api = client.CustomObjectsApi

__all__ = ["reconcile_fermat", "reconcile_number", "reconcile_tuple"]  # the right ones


# --- mistakes in writing the status (any kind) ---------------------------------------------------


def always_writes_number(api: Api, namespace: str, name: str) -> None:
    """Writes the status on every call, changed or not."""
    number = read(api, namespace, NUMBER.plural, name)
    if number is None:
        return
    number["status"] = number_status(number["spec"]["value"], number["metadata"]["generation"])
    api.replace_namespaced_custom_object_status(GROUP, VERSION, namespace, NUMBER.plural, name,
                                                number)


def no_404_number(api: Api, namespace: str, name: str) -> None:
    """Reads the Number without handling 404."""
    number = api.get_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, name)
    write_status(api, number, NUMBER.plural,
                 number_status(number["spec"]["value"], number["metadata"]["generation"]))


def main_endpoint_number(api: Api, namespace: str, name: str) -> None:
    """Writes the status through the main endpoint (the server ignores it there)."""
    number = read(api, namespace, NUMBER.plural, name)
    if number is None:
        return
    status = number_status(number["spec"]["value"], number["metadata"]["generation"])
    if (number.get("status") or {}) != status:
        number["status"] = status
        api.replace_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, name,
                                             number)


def spec_instead_of_status_number(api: Api, namespace: str, name: str) -> None:
    """Records its answer in the spec."""
    number = read(api, namespace, NUMBER.plural, name)
    if number is None:
        return
    status = number_status(number["spec"]["value"], number["metadata"]["generation"])
    if number["spec"].get("answer") != status["fizzBuzz"]:
        api.patch_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, name, {
            "metadata": {"resourceVersion": number["metadata"]["resourceVersion"]},
            "spec": {"answer": status["fizzBuzz"]}})


def drops_resource_version_number(api: Api, namespace: str, name: str) -> None:
    """Patches the status without the resourceVersion it read: an unconditional write."""
    number = read(api, namespace, NUMBER.plural, name)
    if number is None:
        return
    status = number_status(number["spec"]["value"], number["metadata"]["generation"])
    if {k: (number.get("status") or {}).get(k) for k in status} != status:
        api.patch_namespaced_custom_object_status(GROUP, VERSION, namespace, NUMBER.plural,
                                                  name, {"status": status})


_LAST_VALUE: dict[tuple[str, str], int] = {}


def on_change_number(api: Api, namespace: str, name: str) -> None:
    """Acts only when spec.value changed since its last call: an event handler in disguise."""
    number = read(api, namespace, NUMBER.plural, name)
    if number is None:
        return
    value = number["spec"]["value"]
    if _LAST_VALUE.get((namespace, name)) == value:
        return
    _LAST_VALUE[(namespace, name)] = value
    write_status(api, number, NUMBER.plural, number_status(value,
                                                           number["metadata"]["generation"]))


def _swallowing_conflicts(right: Any, name: str) -> Any:
    def reconcile(api: Api, namespace: str, obj_name: str) -> None:
        """Catches the 409 and carries on as if the write had happened."""
        try:
            right(api, namespace, obj_name)
        except ApiException as exc:
            if exc.status != 409:
                raise

    reconcile.__name__ = name
    return reconcile


swallows_conflict_number = _swallowing_conflicts(reconcile_number, "swallows_conflict_number")
swallows_conflict_tuple = _swallowing_conflicts(reconcile_tuple, "swallows_conflict_tuple")


# --- mistakes with children ------------------------------------------------------------------


def _tuple_with(api: Api, namespace: str, name: str, *, owner: bool = True,
                delete: bool = True, always_status: bool = False) -> None:
    tup = read(api, namespace, TUPLE.plural, name)
    if tup is None:
        return
    meta = tup["metadata"]
    wanted = {f"{name}-{i}": {"value": v} for i, v in enumerate(tup["spec"]["numbers"])}
    items = api.list_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural)["items"]
    existing = {c["metadata"]["name"]: c for c in items
                if c["metadata"]["name"].startswith(f"{name}-")}
    for child, spec in wanted.items():
        if child not in existing:
            metadata: dict[str, Any] = {"name": child}
            if owner:
                metadata["ownerReferences"] = [{
                    "apiVersion": API_VERSION, "kind": "Tuple", "name": name, "uid": meta["uid"],
                    "controller": True, "blockOwnerDeletion": True}]
            existing[child] = api.create_namespaced_custom_object(
                GROUP, VERSION, namespace, NUMBER.plural,
                {"apiVersion": API_VERSION, "kind": "Number", "metadata": metadata,
                 "spec": spec})
        elif existing[child]["spec"] != spec:
            existing[child]["spec"] = spec
            api.replace_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, child,
                                                 existing[child])
    if delete:
        for child in existing.keys() - wanted.keys():
            api.delete_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, child)
    ready = [existing[c] for c, spec in wanted.items() if current(existing[c], spec)]
    status = {"readyNumbers": len(ready),
              "allSquares": len(ready) == len(wanted)
              and all(c["status"]["isSquare"] for c in ready),
              "observedGeneration": meta["generation"]}
    if always_status:
        tup["status"] = status
        api.replace_namespaced_custom_object_status(GROUP, VERSION, namespace, TUPLE.plural,
                                                    name, tup)
    else:
        write_status(api, tup, TUPLE.plural, status)


def no_owner_reference_tuple(api: Api, namespace: str, name: str) -> None:
    """Creates its children without an ownerReference (finds them by name prefix)."""
    _tuple_with(api, namespace, name, owner=False)


def never_deletes_tuple(api: Api, namespace: str, name: str) -> None:
    """Creates and puts back children but never deletes an unwanted one."""
    _tuple_with(api, namespace, name, delete=False)


def always_writes_tuple(api: Api, namespace: str, name: str) -> None:
    """Writes the Tuple's status on every call."""
    _tuple_with(api, namespace, name, always_status=True)


_SEEN: set[tuple[str, str, int]] = set()


def seen_generation_tuple(api: Api, namespace: str, name: str) -> None:
    """Remembers the generations it handled and skips them: reacts to spec changes only."""
    tup = read(api, namespace, TUPLE.plural, name)
    if tup is None:
        return
    key = (namespace, name, tup["metadata"]["generation"])
    if key in _SEEN and (tup.get("status") or {}).get("observedGeneration") == key[2]:
        return
    reconcile_tuple(api, namespace, name)
    if (read(api, namespace, TUPLE.plural, name) or {}).get("status", {}).get("readyNumbers") \
            == len(tup["spec"]["numbers"]):
        _SEEN.add(key)


def no_404_tuple(api: Api, namespace: str, name: str) -> None:
    """Reads the Tuple without handling 404."""
    api.get_namespaced_custom_object(GROUP, VERSION, namespace, TUPLE.plural, name)
    reconcile_tuple(api, namespace, name)


def main_endpoint_tuple(api: Api, namespace: str, name: str) -> None:
    """Writes the Tuple's status through the main endpoint."""
    _tuple_with(api, namespace, name)
    tup = read(api, namespace, TUPLE.plural, name)
    if tup is not None:
        api.patch_namespaced_custom_object(GROUP, VERSION, namespace, TUPLE.plural, name, {
            "metadata": {"resourceVersion": tup["metadata"]["resourceVersion"]},
            "status": {"readyNumbers": 0}})


def drops_resource_version_tuple(api: Api, namespace: str, name: str) -> None:
    """Puts its children back with a replace that drops the resourceVersion it read."""
    tup = read(api, namespace, TUPLE.plural, name)
    if tup is None:
        return
    for i, value in enumerate(tup["spec"]["numbers"]):
        child = read(api, namespace, NUMBER.plural, f"{name}-{i}")
        if child is not None and child["spec"] != {"value": value}:
            child["spec"] = {"value": value}
            del child["metadata"]["resourceVersion"]
            api.replace_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural,
                                                 f"{name}-{i}", child)
    reconcile_tuple(api, namespace, name)


def never_deletes_fermat(api: Api, namespace: str, name: str) -> None:
    """The Fermat controller that never deletes an unwanted Tuple."""
    fermat = read(api, namespace, FERMAT.plural, name)
    if fermat is None:
        return
    real_delete = api.delete_namespaced_custom_object
    api.delete_namespaced_custom_object = lambda *args, **kwargs: None  # type: ignore[method-assign]
    try:
        reconcile_fermat(api, namespace, name)
    finally:
        api.delete_namespaced_custom_object = real_delete  # type: ignore[method-assign]


# --- stage 40: an event switch, written as the exercise asks (it is expected to drift) --------

_KNOWN: dict[str, dict[str, Any]] = {}


def _create_child(api: Api, tup: dict[str, Any], index: int, value: int) -> None:
    meta = tup["metadata"]
    api.create_namespaced_custom_object(GROUP, VERSION, meta["namespace"], NUMBER.plural, {
        "apiVersion": API_VERSION, "kind": "Number",
        "metadata": {"name": f"{meta['name']}-{index}", "ownerReferences": [{
            "apiVersion": API_VERSION, "kind": "Tuple", "name": meta["name"],
            "uid": meta["uid"], "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"value": value}})


def event_switch_tuple(api: Api, event_type: str, obj: dict[str, Any]) -> None:
    """ADDED: create the children; MODIFIED: apply the change since the last version seen."""
    if obj.get("kind") != "Tuple":
        return
    meta = obj["metadata"]
    numbers = obj["spec"]["numbers"]
    if event_type == "ADDED":
        _KNOWN[meta["name"]] = obj
        for i, value in enumerate(numbers):
            _create_child(api, obj, i, value)
    elif event_type == "MODIFIED":
        old = (_KNOWN.get(meta["name"]) or {"spec": {"numbers": []}})["spec"]["numbers"]
        _KNOWN[meta["name"]] = obj
        for i, value in enumerate(numbers):
            if i >= len(old):
                _create_child(api, obj, i, value)
            elif old[i] != value:
                api.patch_namespaced_custom_object(GROUP, VERSION, meta["namespace"],
                                                   NUMBER.plural, f"{meta['name']}-{i}",
                                                   {"spec": {"value": value}})
        for i in range(len(numbers), len(old)):
            api.delete_namespaced_custom_object(GROUP, VERSION, meta["namespace"],
                                                NUMBER.plural, f"{meta['name']}-{i}")


def event_switch_forgets_children(api: Api, event_type: str, obj: dict[str, Any]) -> None:
    """Never creates anything: wrong even on the happy path."""
