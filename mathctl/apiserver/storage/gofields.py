"""Objects in the key order kube-apiserver writes them, so printed JSON reads the same.

A client sees the order of a response's keys whenever it prints an object (a notebook cell
``json.dumps(obj["metadata"]["ownerReferences"])``, ``kubectl get -o json``). kube-apiserver's
order comes from how it encodes:

* a custom resource is an ``unstructured.Unstructured``, encoded by ``encoding/json`` over a
  ``map[string]interface{}`` (apimachinery ``unstructured/helpers.go``
  ``unstructuredJSONScheme.doEncode``), and Go sorts map keys: every level of a custom resource
  comes back in sorted key order, whatever order the client sent;
* a built-in is a Go struct, encoded in field order: ``kind``, ``apiVersion``, ``metadata`` (in
  ``ObjectMeta``'s order, ``ownerReferences`` items in ``OwnerReference``'s), then the rest.

:func:`go_order` gives an object that order before it is stored, so every read, list and watch
event serves it.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from mathctl.apiserver.registry.registry import Resource

# k8s.io/apimachinery/pkg/apis/meta/v1 types.go, field order
OBJECT_META = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
               "generation", "creationTimestamp", "deletionTimestamp",
               "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
               "finalizers", "managedFields")
OWNER_REFERENCE = ("apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion")
MANAGED_FIELDS_ENTRY = ("manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1",
                        "subresource")
TYPE_META = ("kind", "apiVersion", "metadata")


def go_order(resource: Resource, obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` in the order kube encodes it (a new dict; ``obj`` itself is not changed)."""
    if resource.is_custom:
        return sorted_keys(obj)
    out = _ordered(obj, TYPE_META)
    md = out.get("metadata")
    if isinstance(md, dict):
        md = _ordered(md, OBJECT_META)
        refs = md.get("ownerReferences")
        if isinstance(refs, list):
            md["ownerReferences"] = [_ordered(r, OWNER_REFERENCE) if isinstance(r, dict) else r
                                     for r in refs]
        entries = md.get("managedFields")
        if isinstance(entries, list):
            md["managedFields"] = [_ordered(e, MANAGED_FIELDS_ENTRY) if isinstance(e, dict)
                                   else e for e in entries]
        out["metadata"] = md
    return out


def sorted_keys(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with every map's keys sorted (as ``encoding/json`` writes a Go map)."""
    try:
        result: dict[str, Any] = orjson.loads(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS))
        return result
    except TypeError:   # integers beyond 64 bits: the standard library keeps them exact
        result = json.loads(json.dumps(obj, sort_keys=True))
        return result


def _ordered(obj: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    out = {k: obj[k] for k in order if k in obj}
    if len(out) != len(obj):
        out.update((k, v) for k, v in obj.items() if k not in out)
    return out
