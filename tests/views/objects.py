"""Hand-made Number/Tuple/Fermat dicts, shaped like what the API server returns, for view tests."""

from __future__ import annotations

from typing import Any

from mathctl.resources.group import API_VERSION

CREATED = "2024-05-01T12:00:00Z"


def _meta(name: str, uid: str, generation: int, owner: dict[str, Any] | None,
          namespace: str = "ws") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "uid": uid,
                            "generation": generation, "resourceVersion": "7",
                            "creationTimestamp": CREATED}
    if owner is not None:
        meta["ownerReferences"] = [{"apiVersion": API_VERSION, "kind": owner["kind"],
                                    "name": owner["metadata"]["name"],
                                    "uid": owner["metadata"]["uid"],
                                    "controller": True, "blockOwnerDeletion": True}]
    return meta


def _ready(ok: bool = True, reason: str = "Reconciled") -> list[dict[str, Any]]:
    return [{"type": "Ready", "status": "True" if ok else "False", "reason": reason,
             "message": "", "lastTransitionTime": CREATED}]


def number(name: str, value: int, fizz: str | None = None, square: bool = False, *,
           owner: dict[str, Any] | None = None, generation: int = 1,
           observed: int | None = 1) -> dict[str, Any]:
    """A Number; without ``fizz`` it has no status yet (the controller has not run)."""
    obj: dict[str, Any] = {"apiVersion": API_VERSION, "kind": "Number",
                           "metadata": _meta(name, f"uid-{name}", generation, owner),
                           "spec": {"value": value}}
    if fizz is not None:
        obj["status"] = {"fizzBuzz": fizz, "isSquare": square,
                         "observedGeneration": observed, "conditions": _ready()}
    return obj


def tuple_(name: str, numbers: list[int], *, owner: dict[str, Any] | None = None,
           all_squares: bool | None = None, ready: int | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": API_VERSION, "kind": "Tuple",
                           "metadata": _meta(name, f"uid-{name}", 1, owner),
                           "spec": {"numbers": numbers}}
    if all_squares is not None:
        obj["status"] = {"allSquares": all_squares, "readyNumbers": ready,
                         "observedGeneration": 1, "conditions": _ready()}
    return obj


def fermat(name: str, n: int, *, found: bool | None = None,
           pairs: list[Any] | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": API_VERSION, "kind": "Fermat",
                           "metadata": _meta(name, f"uid-{name}", 1, None),
                           "spec": {"number": n}}
    if found is not None:
        obj["status"] = {"twoSquaresFound": found, "pairs": pairs or [],
                         "observedGeneration": 1, "conditions": _ready()}
    return obj
