"""Between a resource's served versions and the one form it is stored in.

kube-apiserver stores each object once and converts it for the version a client asks for.
Two cases matter here: a CRD with several versions and ``conversion.strategy: None`` (only
``apiVersion`` changes), and ``Event``, served as ``v1`` (what kopf and ``kubectl describe``
use) and ``events.k8s.io/v1`` (the newer shape, where ``involvedObject`` is ``regarding`` and
``message`` is ``note``) — both views of the same stored objects, as on a real cluster.
"""

from __future__ import annotations

from typing import Any

from mathctl.apiserver.registry.registry import Resource
from mathctl.apiserver.storage.store import Entry, encode

# core/v1 Event field -> events.k8s.io/v1 Event field (pkg/apis/events/v1/conversion.go).
_EVENT_FIELDS = {
    "involvedObject": "regarding", "message": "note", "source": "deprecatedSource",
    "firstTimestamp": "deprecatedFirstTimestamp", "lastTimestamp": "deprecatedLastTimestamp",
    "count": "deprecatedCount", "reportingComponent": "reportingController",
}
_EVENT_FIELDS_BACK = {v: k for k, v in _EVENT_FIELDS.items()}


def _rename(obj: dict[str, Any], names: dict[str, str], api_version: str) -> dict[str, Any]:
    out = {names.get(k, k): v for k, v in obj.items()}
    out["apiVersion"] = api_version
    return out


def to_storage(resource: Resource, obj: dict[str, Any], stored_api_version: str) -> dict[str, Any]:
    """The stored form of an object a client sent for ``resource``."""
    if resource.storage == "events" and resource.group == "events.k8s.io":
        return _rename(obj, _EVENT_FIELDS_BACK, "v1")
    if obj.get("apiVersion") != stored_api_version:
        obj = dict(obj)
        obj["apiVersion"] = stored_api_version
    return obj


def view(resource: Resource, entry: Entry) -> dict[str, Any]:
    """A mutable copy of a stored object as ``resource``'s version shows it."""
    obj = entry.copy()
    if resource.storage == "events" and resource.group == "events.k8s.io":
        return _rename(obj, _EVENT_FIELDS, resource.api_version)
    obj["apiVersion"] = resource.api_version
    return obj


def view_raw(resource: Resource, entry: Entry) -> bytes:
    """The JSON bytes of ``entry`` as ``resource`` shows it (no copy when nothing changes)."""
    plain = resource.storage != "events" or resource.group != "events.k8s.io"
    if plain and entry.obj.get("apiVersion") == resource.api_version:
        return entry.raw
    return encode(view(resource, entry))
