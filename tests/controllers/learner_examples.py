"""A learner's ``my_controllers.py``, written right, as the stages 30, 50 and 60 ask for.

Plain functions on the official client — what a learner writes in the ``%%my_controllers``
cells — so the tests run the operator on *learner* code: copy this file to a temporary
``my_controllers.py`` and load it (``mathctl.controllers.learner.load_controllers``). No
import from ``mathctl`` but the resource names, as in the notebooks.
"""

from __future__ import annotations

import math
from typing import Any

from kubernetes import client
from kubernetes.client.exceptions import ApiException

from mathctl.core.arithmetic import fizzbuzz, is_square  # the learner's own, in their file
from mathctl.resources import FERMAT, GROUP, NUMBER, TUPLE, VERSION

API_VERSION = f"{GROUP}/{VERSION}"


# --- stage 30 ----------------------------------------------------------------------------------


def number_status(value: int, generation: int) -> dict[str, Any]:
    return {"fizzBuzz": fizzbuzz(value), "isSquare": is_square(value),
            "observedGeneration": generation}


def read(api: client.CustomObjectsApi, namespace: str, plural: str,
         name: str) -> dict[str, Any] | None:
    try:
        return api.get_namespaced_custom_object(  # type: ignore[no-any-return]
            GROUP, VERSION, namespace, plural, name)
    except ApiException as exc:
        if exc.status == 404:
            return None
        raise


def write_status(api: client.CustomObjectsApi, obj: dict[str, Any], plural: str,
                 status: dict[str, Any]) -> None:
    """PUT the status if it differs; ``obj`` still carries the resourceVersion that was read."""
    current = obj.get("status") or {}
    if {key: current.get(key) for key in status} == status:
        return
    obj["status"] = {**current, **status}
    meta = obj["metadata"]
    api.replace_namespaced_custom_object_status(GROUP, VERSION, meta["namespace"], plural,
                                                meta["name"], obj)


def reconcile_number(api: client.CustomObjectsApi, namespace: str, name: str) -> None:
    number = read(api, namespace, NUMBER.plural, name)
    if number is None:
        return
    write_status(api, number, NUMBER.plural,
                 number_status(number["spec"]["value"], number["metadata"]["generation"]))


# --- stage 50 ----------------------------------------------------------------------------------


def owner_of(obj: dict[str, Any]) -> tuple[str, str, str] | None:
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return ref["kind"], obj["metadata"]["namespace"], ref["name"]
    return None


def children(api: client.CustomObjectsApi, parent: dict[str, Any],
             plural: str) -> dict[str, dict[str, Any]]:
    """The objects of ``plural`` whose controller is ``parent`` (by uid), by name."""
    meta = parent["metadata"]
    items = api.list_namespaced_custom_object(GROUP, VERSION, meta["namespace"], plural)["items"]
    return {c["metadata"]["name"]: c for c in items
            if any(r.get("controller") and r.get("uid") == meta["uid"]
                   for r in c["metadata"].get("ownerReferences") or [])}


def converge(api: client.CustomObjectsApi, parent: dict[str, Any], kind: str, plural: str,
             wanted: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Create the missing children, put back edited specs, delete the unwanted."""
    meta = parent["metadata"]
    namespace = meta["namespace"]
    owner = {"apiVersion": API_VERSION, "kind": parent["kind"], "name": meta["name"],
             "uid": meta["uid"], "controller": True, "blockOwnerDeletion": True}
    existing = children(api, parent, plural)
    for name, spec in wanted.items():
        child = existing.get(name)
        if child is None:
            api.create_namespaced_custom_object(GROUP, VERSION, namespace, plural, {
                "apiVersion": API_VERSION, "kind": kind,
                "metadata": {"name": name, "ownerReferences": [owner]}, "spec": spec})
        elif child["spec"] != spec:
            child["spec"] = spec
            api.replace_namespaced_custom_object(GROUP, VERSION, namespace, plural, name, child)
    for name in existing.keys() - wanted.keys():
        try:
            api.delete_namespaced_custom_object(GROUP, VERSION, namespace, plural, name)
        except ApiException as exc:
            if exc.status != 404:
                raise
    return existing


def current(child: dict[str, Any], spec: dict[str, Any]) -> bool:
    status = child.get("status") or {}
    return child["spec"] == spec and \
        status.get("observedGeneration") == child["metadata"]["generation"]


def reconcile_tuple(api: client.CustomObjectsApi, namespace: str, name: str) -> None:
    tup = read(api, namespace, TUPLE.plural, name)
    if tup is None:
        return
    wanted = {f"{name}-{i}": {"value": v} for i, v in enumerate(tup["spec"]["numbers"])}
    existing = converge(api, tup, NUMBER.kind, NUMBER.plural, wanted)
    ready = [existing[n] for n, spec in wanted.items()
             if n in existing and current(existing[n], spec)]
    write_status(api, tup, TUPLE.plural, {
        "readyNumbers": len(ready),
        "allSquares": len(ready) == len(wanted) and all(c["status"]["isSquare"] for c in ready),
        "observedGeneration": tup["metadata"]["generation"]})


# --- stage 60 ----------------------------------------------------------------------------------


def reconcile_fermat(api: client.CustomObjectsApi, namespace: str, name: str) -> None:
    fermat = read(api, namespace, FERMAT.plural, name)
    if fermat is None:
        return
    n = fermat["spec"]["number"]
    wanted = {f"{name}-{i}": {"numbers": [i, n - i]} for i in range(n // 2 + 1)}
    existing = converge(api, fermat, TUPLE.kind, TUPLE.plural, wanted)
    ready = [existing[t] for t, spec in wanted.items()
             if t in existing and current(existing[t], spec)
             and existing[t]["status"].get("readyNumbers") == 2]
    pairs = [{"a": math.isqrt(t["spec"]["numbers"][0]), "b": math.isqrt(t["spec"]["numbers"][1])}
             for t in ready if t["status"].get("allSquares")]
    status: dict[str, Any] = {"pairs": pairs,
                              "observedGeneration": fermat["metadata"]["generation"]}
    if pairs or len(ready) == len(wanted):
        status["twoSquaresFound"] = bool(pairs)
    write_status(api, fermat, FERMAT.plural, status)
