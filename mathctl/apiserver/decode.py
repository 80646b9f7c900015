"""Decode first: a request's object is checked for the shapes kube's decoder accepts before any
handler logic walks it.

Why it exists: every layer after decoding (validation, defaulting, merge and strategic patches,
table printing, the store's encoder) walks the object recursively and trusts ``metadata`` to be
an object with string labels. A body that breaks that trust — ``metadata: "x"``, ``labels: 5``,
an integer beyond int64, a lone UTF-16 surrogate, a 900-deep nest — would otherwise reach them
and fail as a Python exception (a 500 for everyone who later lists the object). kube's decoder
refuses these before its handlers run: a typed field of the wrong JSON type is a 400 with Go's
``encoding/json`` wording, and a body over the request limit is a 413. The checks here are one
iterative walk (no recursion, so no depth can crash it) and cost a few percent of a write.

Limits, and where kube's come from:

- :data:`MAX_REQUEST_BYTES` — 3 MiB, kube-apiserver's default ``--max-request-body-bytes``
  (``limitedReadBody``: 413 ``RequestEntityTooLarge``, "limit is 3145728"); the same limit holds
  for the object after YAML expansion and after a patch, so a small body cannot store a huge one.
- :data:`MAX_DEPTH` — 100 levels. Go's decoder allows 10 000; this server's Python layers
  cannot recurse that deep, and no Kubernetes object the kit knows nests past 20, so deeper
  bodies are refused up front with a 400 that names the limit (a deliberate, documented
  difference).
- integers: a number beyond int64 is not a decode error for a custom resource (kube's
  unstructured decoder reads it as a float64, and the schema then says "must be of type
  integer"); a literal of thousands of digits is refused before it is parsed
  (``handlers.loads_request``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mathctl.apiserver import errors

MAX_REQUEST_BYTES = 3 * 1024 * 1024
MAX_DEPTH = 100


def too_large() -> errors.ApiError:
    """kube's ``limitedReadBody`` answer (apiserver pkg/endpoints/handlers/rest.go)."""
    return errors.ApiError(413, "RequestEntityTooLarge",
                           f"Request entity too large: limit is {MAX_REQUEST_BYTES}")


def cannot_handle(kind: str, version: str, why: str) -> errors.ApiError:
    """The 400 of a typed decode that failed (apiserver handlers/create.go, update.go):
    ``<Kind> in version "<v>" cannot be handled as a <Kind>: <decoder error>``."""
    return errors.bad_request(f'{kind} in version "{version}" cannot be handled as a {kind}: '
                              f"{why}")


_META_STRINGS = ("name", "generateName", "namespace", "resourceVersion", "uid",
                 "creationTimestamp", "deletionTimestamp")


def check_object(obj: Mapping[str, Any], kind: str, version: str) -> None:
    """Refuse what kube's decoder refuses in ``obj`` (see the module docstring)."""
    for field in ("apiVersion", "kind"):
        if field in obj and not isinstance(obj[field], str):
            raise cannot_handle(kind, version, _unmarshal(obj[field], f"{kind}.{field}",
                                                          "string"))
    meta = obj.get("metadata")
    if meta is not None:
        _check_metadata(meta, kind, version)
    for field, go_type in _TYPED.get(kind, ()):
        value = obj.get(field)
        if value is None:
            continue
        if go_type == "bool" and not isinstance(value, bool):
            raise cannot_handle(kind, version, _unmarshal(value, f"{kind}.{field}", "bool"))
        if go_type != "bool" and (not isinstance(value, dict)
                                  or not all(isinstance(v, str) for v in value.values())):
            bad = value if not isinstance(value, dict) else next(
                v for v in value.values() if not isinstance(v, str))
            raise cannot_handle(kind, version, _unmarshal(
                bad, f"{kind}.{field}", go_type if not isinstance(value, dict) else "string"))
    _walk(obj, kind, version)


_TYPED: dict[str, tuple[tuple[str, str], ...]] = {
    # the built-ins' typed top-level fields a learner's manifest may get wrong
    "ConfigMap": (("data", "map[string]string"), ("binaryData", "map[string][]uint8"),
                  ("immutable", "bool")),
    "Secret": (("data", "map[string][]uint8"), ("stringData", "map[string]string"),
               ("immutable", "bool")),
}


def _check_metadata(meta: Any, kind: str, version: str) -> None:
    if not isinstance(meta, dict):
        raise cannot_handle(kind, version,
                            _unmarshal(meta, f"{kind}.metadata", "v1.ObjectMeta"))
    for key in _META_STRINGS:
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            raise cannot_handle(kind, version, _unmarshal(meta[key],
                                                          f"ObjectMeta.metadata.{key}", "string"))
    for key in ("labels", "annotations"):
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise cannot_handle(kind, version, _unmarshal(
                value, f"ObjectMeta.metadata.{key}", "map[string]string"))
        for item in value.values():
            if not isinstance(item, str):
                raise cannot_handle(kind, version, _unmarshal(
                    item, f"ObjectMeta.metadata.{key}", "string"))
    for key, of in (("ownerReferences", "v1.OwnerReference"), ("finalizers", "string"),
                    ("managedFields", "v1.ManagedFieldsEntry")):
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise cannot_handle(kind, version, _unmarshal(
                value, f"ObjectMeta.metadata.{key}", f"[]{of}"))
        want = str if of == "string" else dict
        for item in value:
            if not isinstance(item, want):
                raise cannot_handle(kind, version, _unmarshal(
                    item, f"ObjectMeta.metadata.{key}", of))


def _walk(obj: Any, kind: str, version: str) -> None:
    """Depth and surrogates everywhere, iteratively (a stack, not recursion)."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        if depth > MAX_DEPTH:
            raise errors.bad_request(
                f"the object provided is nested more than {MAX_DEPTH} levels deep; this "
                "server refuses such bodies (no Kubernetes object nests that deep)")
        for key, item in children:
            if isinstance(key, str) and _has_surrogate(key):
                raise _surrogate(kind, version)
            if isinstance(item, bool | int | float) or item is None:
                continue  # a number beyond int64 is the schema's to refuse, as on kube
            if isinstance(item, str):
                if _has_surrogate(item):
                    raise _surrogate(kind, version)
            else:
                stack.append((item, depth + 1))


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _surrogate(kind: str, version: str) -> errors.ApiError:
    return cannot_handle(kind, version, "invalid UTF-8 in a string: a lone UTF-16 surrogate "
                         "(\\ud800–\\udfff) is not a character")


def _unmarshal(value: Any, field: str, go_type: str) -> str:
    """Go's ``*json.UnmarshalTypeError`` text."""
    return f"json: cannot unmarshal {_json_type(value)} into Go struct field {field} of type " \
           f"{go_type}"


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def check_patch(doc: Any, kind: str, version: str) -> None:
    """A patch document: depth and surrogates (its shape is the patch's own)."""
    _walk(doc, kind, version)
