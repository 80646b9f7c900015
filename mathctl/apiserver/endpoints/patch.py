"""JSON merge patch (RFC 7386) and JSON patch (RFC 6902) exactly as kube-apiserver applies them.

The embedded API server uses these for ``PATCH`` with ``application/merge-patch+json`` and
``application/json-patch+json`` (the official client's ``patch_namespaced_custom_object``,
``kubectl patch --type=merge|json``, kopf's status and finalizer patches).

kube-apiserver applies both with ``github.com/evanphx/json-patch`` (v4 API), called from
``apiserver/pkg/endpoints/handlers/patch.go``. That library differs from the RFCs and from
Python's ``jsonpatch`` package in ways a client can see, so this module follows it instead of
wrapping ``jsonpatch``:

* negative array indices count from the end (``/spec/numbers/-1``), ``"01"`` and ``"+1"`` parse;
* ``replace`` of a missing *object* key adds it; ``test`` of a missing key passes when the op
  has no ``value`` or ``"value": null``;
* a merge patch prunes nulls inside newly added objects *and* inside objects in arrays, except
  when it replaces an existing object with an array;
* a merge patch that is an array replaces the whole document (the server then fails to decode
  it); ``null`` or a scalar patch is ``400 Invalid JSON Patch``.

Failures raise ``PatchError`` carrying what the server answers: a failing op (a ``test`` that
does not hold, a path that does not exist) is ``422 Invalid`` with the generic message "the
server rejected our request due to an error in our request" — kube drops the library's text
(``NewGenericServerResponse``); ``detail`` keeps it for logs. A patch that is not a list of
operations is ``400 BadRequest``; more than 10 000 operations is ``413``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_JSON_PATCH_OPERATIONS", "PatchError", "json_patch", "json_patch_unknown_fields",
           "merge_patch"]

MAX_JSON_PATCH_OPERATIONS = 10_000  # handlers/patch.go maxJSONPatchOperations
_GENERIC_422 = "the server rejected our request due to an error in our request"
_PANIC_TEXT = "This request caused apiserver to panic. Look in the logs for details."
_OP_FIELDS = ("op", "path", "from", "value")


class PatchError(Exception):
    """A patch the server refuses: ``status_code``/``reason``/``message`` go into the Status."""

    def __init__(self, message: str, *, status_code: int = 422, reason: str = "Invalid",
                 detail: str = "", plain_text: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.reason = reason
        self.detail = detail or message
        # True when kube answers with text/plain instead of a Status object.
        self.plain_text = plain_text

    def __str__(self) -> str:
        return self.message


def _failed(detail: str) -> PatchError:
    return PatchError(_GENERIC_422, status_code=422, reason="Invalid", detail=detail)


def _bad_request(message: str) -> PatchError:
    return PatchError(message, status_code=400, reason="BadRequest")


# --- merge patch -------------------------------------------------------------------------------


def merge_patch(target: dict[str, Any], patch: object, *,
                in_place: bool = False) -> dict[str, Any]:
    """Apply a JSON merge patch; returns a new document, ``target`` is left unchanged.

    ``null`` deletes a key, an object merges, anything else replaces. A patch that is an
    array comes back as the result (nulls pruned from its objects) — kube then fails to decode
    it as an object; ``None`` or a scalar patch raises ``PatchError`` 400 "Invalid JSON Patch".
    ``in_place=True`` skips the copies: ``target`` becomes the result and ``patch`` is used up
    (the server's way: both were decoded for this request alone).
    """
    if isinstance(patch, list):
        return _prune_array_nulls(patch if in_place else copy.deepcopy(patch))  # type: ignore[return-value]
    if not isinstance(patch, Mapping):
        raise _bad_request("Invalid JSON Patch")
    doc = target if in_place else copy.deepcopy(target)
    _merge_docs(doc, dict(patch) if in_place else copy.deepcopy(dict(patch)))
    return doc


def _merge_docs(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            doc.pop(key, None)
        elif doc.get(key) is None:
            doc[key] = _prune_nulls(value)
        else:
            doc[key] = _merge(doc[key], value)


def _merge(cur: Any, patch: Any) -> Any:
    if not isinstance(cur, dict):
        return _prune_nulls(patch)
    if not isinstance(patch, dict):
        return patch
    _merge_docs(cur, patch)
    return cur


def _prune_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        for key in [k for k, v in value.items() if v is None]:
            del value[key]
        for item in value.values():
            _prune_nulls(item)
    elif isinstance(value, list):
        _prune_array_nulls(value)
    return value


def _prune_array_nulls(values: list[Any]) -> list[Any]:
    for item in values:
        if item is not None:
            _prune_nulls(item)
    return values


# --- JSON patch --------------------------------------------------------------------------------


def json_patch_unknown_fields(ops: object) -> list[str]:
    """The strict-decoding complaints kube has about a JSON patch (``fieldValidation``).

    For Strict/Warn kube decodes the operations strictly first and reports each unknown
    member as ``json patch unknown field "[0].foo"``.
    """
    if not isinstance(ops, list):
        return []
    out = []
    for i, op in enumerate(ops):
        if isinstance(op, Mapping):
            out.extend(f'json patch unknown field "[{i}].{k}"' for k in op if k not in _OP_FIELDS)
    return out


def json_patch(target: dict[str, Any], ops: list[Any], *,
               in_place: bool = False) -> dict[str, Any]:
    """Apply RFC 6902 operations as evanphx/json-patch does; returns a new document
    (``in_place=True``: ``target`` may be changed and reused, it is not copied first)."""
    if not isinstance(ops, list):
        kind = "object" if isinstance(ops, Mapping) else _json_kind(ops)
        raise _bad_request(f"json: cannot unmarshal {kind} into Go value of type jsonpatch.Patch")
    for op in ops:
        if not isinstance(op, Mapping):
            raise _bad_request(f"json: cannot unmarshal {_json_kind(op)} into Go value of type "
                               "jsonpatch.Operation")
    if len(ops) > MAX_JSON_PATCH_OPERATIONS:
        raise PatchError(f"The allowed maximum operations in a JSON patch is "
                         f"{MAX_JSON_PATCH_OPERATIONS}, got {len(ops)}", status_code=413,
                         reason="RequestEntityTooLarge")
    doc: Any = target if in_place else copy.deepcopy(target)
    copied = [0]  # bytes copied so far by "copy" operations (evanphx/json-patch's accumulator)
    for op in ops:
        kind = op.get("op") if isinstance(op.get("op"), str) else "unknown"
        handler = _OPS.get(kind)
        if handler is None:
            raise _failed(f"Unexpected kind: {kind}")
        doc = _op_copy(doc, op, copied) if kind == "copy" else handler(doc, op)
    return doc  # type: ignore[no-any-return]


MAX_COPY_BYTES = 3 * 1024 * 1024
"""Accumulated size of what "copy" operations may add: without it, 21 copies of a value into
itself make a 100 MB object from a 1 KB patch. evanphx/json-patch's AccumulatedCopySizeLimit,
set to the request limit."""


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"  # Go's json leaves a nil slice for null; kept for completeness
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _path(op: Mapping[str, Any], name: str) -> str | None:
    value = op.get(name)
    return value if isinstance(value, str) else None


def _decode_key(key: str) -> str:
    return key.replace("~1", "/").replace("~0", "~")


_ATOI = re.compile(r"^[+-]?\d+$")


def _atoi(key: str) -> int | None:
    """Go's ``strconv.Atoi``: optional sign and digits only, nothing else."""
    return int(key) if _ATOI.match(key) else None


def _find(doc: Any, path: str) -> tuple[Any, str] | None:
    """evanphx ``findObject``: the container of the last segment and that (decoded) key."""
    parts = path.split("/")
    if len(parts) < 2:
        return None
    node = doc
    for part in parts[1:-1]:
        nxt = _get(node, _decode_key(part))
        if nxt is _ERROR or nxt is None or not isinstance(nxt, dict | list):
            return None
        node = nxt
    return node, _decode_key(parts[-1])


_ERROR = object()
_MISSING = object()


def _index(container: list[Any], key: str, *, extra: int = 0) -> int | str:
    """Resolve an array index; negative ones count from the end. Returns an error text."""
    idx = _atoi(key)
    if idx is None:
        return f'strconv.Atoi: parsing "{key}": invalid syntax'
    size = len(container) + extra
    if idx >= size:
        return f"Unable to access invalid index: {idx}: invalid index referenced"
    if idx < 0:
        if idx < -size:
            return f"Unable to access invalid index: {idx}: invalid index referenced"
        idx += size
    return idx


def _get(container: Any, key: str) -> Any:
    """The value at ``key``: ``_MISSING`` for an absent object key, ``_ERROR`` for a bad index."""
    if isinstance(container, dict):
        return container.get(key, _MISSING) if key in container else _MISSING
    idx = _index(container, key)
    return _ERROR if isinstance(idx, str) else container[idx]


def _op_add(doc: Any, op: Mapping[str, Any]) -> Any:
    path = _path(op, "path")
    if path is None:
        raise _failed("add operation failed to decode path: missing value")
    found = _find(doc, path)
    if found is None:
        raise _failed(f'add operation does not apply: doc is missing path: "{path}": '
                      "missing value")
    container, key = found
    error = _add(container, key, copy.deepcopy(op.get("value")))
    if error:
        raise _failed(f"error in add for path: '{path}': {error}")
    return doc


def _add(container: Any, key: str, value: Any) -> str | None:
    if isinstance(container, dict):
        container[key] = value
        return None
    if key == "-":
        container.append(value)
        return None
    if _atoi(key) is None:
        return f"value was not a proper array index: '{key}': strconv.Atoi: parsing " \
               f'"{key}": invalid syntax'
    idx = _index(container, key, extra=1)
    if isinstance(idx, str):
        return idx
    container.insert(idx, value)
    return None


def _remove(container: Any, key: str) -> str | None:
    if isinstance(container, dict):
        if key not in container:
            return f"Unable to remove nonexistent key: {key}: missing value"
        del container[key]
        return None
    idx = _atoi(key)
    if idx is None:
        return f'strconv.Atoi: parsing "{key}": invalid syntax'
    if idx >= len(container) or idx < -len(container):
        return f"Unable to access invalid index: {idx}: invalid index referenced"
    del container[idx]
    return None


def _op_remove(doc: Any, op: Mapping[str, Any]) -> Any:
    path = _path(op, "path")
    if path is None:
        raise _failed("remove operation failed to decode path: missing value")
    found = _find(doc, path)
    if found is None:
        raise _failed(f'remove operation does not apply: doc is missing path: "{path}": '
                      "missing value")
    error = _remove(*found)
    if error:
        raise _failed(f"error in remove for path: '{path}': {error}")
    return doc


def _op_replace(doc: Any, op: Mapping[str, Any]) -> Any:
    path = _path(op, "path")
    if path is None:
        raise _failed("replace operation failed to decode path: operation missing path field: "
                      "missing value")
    found = _find(doc, path)
    if found is None:
        raise _failed(f"replace operation does not apply: doc is missing path: {path}: "
                      "missing value")
    container, key = found
    value = copy.deepcopy(op.get("value"))
    if isinstance(container, dict):
        container[key] = value  # a missing key is added (evanphx v4)
        return doc
    idx = _index(container, key)
    if isinstance(idx, str):
        raise _failed(f"replace operation does not apply: doc is missing key: {path}: "
                      "missing value")
    container[idx] = value
    return doc


def _op_move(doc: Any, op: Mapping[str, Any]) -> Any:
    source = _path(op, "from")
    if source is None:
        raise _failed("move operation failed to decode from: operation, missing from field: "
                      "missing value")
    found = _find(doc, source)
    if found is None:
        raise _failed(f"move operation does not apply: doc is missing from path: {source}: "
                      "missing value")
    container, key = found
    value = _get(container, key)
    if value is _ERROR:
        raise _failed(f"error in move for path: '{key}': {_index(container, key)}")
    error = _remove(container, key)
    if error:
        raise _failed(f"error in move for path: '{key}': {error}")
    path = _path(op, "path")
    if path is None:
        raise _failed("move operation failed to decode path: operation missing path field: "
                      "missing value")
    found = _find(doc, path)
    if found is None:
        raise _failed(f"move operation does not apply: doc is missing destination path: {path}: "
                      "missing value")
    error = _add(found[0], found[1], None if value is _MISSING else value)
    if error:
        raise _failed(f"error in move for path: '{path}': {error}")
    return doc


def _op_copy(doc: Any, op: Mapping[str, Any], copied: list[int] | None = None) -> Any:
    source = _path(op, "from")
    if source is None:
        raise _failed("copy operation failed to decode from: operation, missing from field: "
                      "missing value")
    found = _find(doc, source)
    if found is None:
        raise _failed(f"copy operation does not apply: doc is missing from path: {source}: "
                      "missing value")
    value = _get(*found)
    if value is _ERROR:
        raise _failed(f"error in copy for from: '{source}': {_index(found[0], found[1])}")
    path = _path(op, "path")
    if path is None:
        raise _failed("copy operation failed to decode path: missing value")
    target = _find(doc, path)
    if target is None:
        raise _failed(f"copy operation does not apply: doc is missing destination path: {path}: "
                      "missing value")
    if copied is not None and value is not _MISSING:
        copied[0] += len(json.dumps(value, separators=(",", ":"), ensure_ascii=False))
        if copied[0] > MAX_COPY_BYTES:
            raise _failed(f"Unable to copy, the accumulated size increase of copy is "
                          f"{copied[0]}, exceeding the limit {MAX_COPY_BYTES}")
    error = _add(target[0], target[1], None if value is _MISSING else copy.deepcopy(value))
    if error:
        raise _failed(f"error while adding value during copy: {error}")
    return doc


def _op_test(doc: Any, op: Mapping[str, Any]) -> Any:
    path = _path(op, "path")
    if path is None:
        raise _failed("test operation failed to decode path: operation missing path field: "
                      "missing value")
    found = _find(doc, path)
    if found is None:
        raise _failed(f"test operation does not apply: is missing path: {path}: missing value")
    value = _get(*found)
    if value is _ERROR:
        raise _failed(f"error in test for path: '{path}': {_index(found[0], found[1])}")
    failed = _failed(f"testing value {path} failed: test failed")
    if value is _MISSING or value is None:
        if "value" not in op:
            # evanphx dereferences the absent value and panics; kube's panic filter answers
            # with a plain-text 500 (server/filters/wrap.go WithPanicRecovery).
            raise PatchError(_PANIC_TEXT, status_code=500, reason="InternalError",
                             detail="nil pointer dereference in test operation",
                             plain_text=True)
        if op["value"] is None:
            return doc
        raise failed
    if "value" not in op:
        raise failed
    if not _equal(value, op["value"]):
        raise failed
    return doc


def _equal(a: Any, b: Any) -> bool:
    """evanphx ``lazyNode.equal``: objects and arrays by structure, scalars by their JSON text.

    ``a`` comes from the stored object (which kube re-encodes, so a whole float prints as an
    integer), ``b`` from the patch as the client wrote it (so ``5.0`` does not equal ``5``).
    """
    if isinstance(a, dict):
        if not isinstance(b, dict) or a.keys() != b.keys():
            return False
        return all((a[k] is None) == (b[k] is None) and (a[k] is None or _equal(a[k], b[k]))
                   for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(
            _equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(b, dict | list):
        return False
    return _stored_json(a) == json.dumps(b)


def _stored_json(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return json.dumps(value)


_OPS = {
    "add": _op_add,
    "remove": _op_remove,
    "replace": _op_replace,
    "move": _op_move,
    "copy": _op_copy,
    "test": _op_test,
}
