"""Strategic merge patch for the built-in kinds the embedded API server stores.

``kubectl apply`` (client-side) and ``kubectl patch`` send ``application/strategic-merge-patch
+json`` for built-in kinds such as the Deployment, Service and Ingress of the later workshop
stages; the embedded server applies them with ``strategic_merge_patch`` so that a second
``kubectl apply`` that changes one container's image and drops an env var does exactly that.
Custom resources do not support this patch type (``UnsupportedStrategicMergePatch``: the server
answers 415, as kube does).

This ports the apply side of ``k8s.io/apimachinery/pkg/util/strategicpatch/patch.go``
(``mergeMap`` with ``MergeParallelList`` and ``IgnoreUnmatchedNulls``, as the apiserver calls
it): lists merge by their ``patchMergeKey``, primitive lists with ``patchStrategy: merge`` are
unioned, other lists are replaced, and the directives ``$patch: replace|delete|merge``,
``$setElementOrder/<list>``, ``$retainKeys`` and ``$deleteFromPrimitiveList/<list>`` work as in
Go — including the ordering rules of ``normalizeElementOrder``. The patch strategies come from the
Go struct tags of ``k8s.io/api`` (core/v1, apps/v1) and ``meta/v1`` ObjectMeta.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from mathctl.apiserver.endpoints.patch import PatchError
from mathctl.apiserver.validation.schema import go_type, go_value

__all__ = ["SUPPORTED_KINDS", "StrategicPatchError", "UnsupportedStrategicMergePatch",
           "strategic_merge_patch"]

_DIRECTIVE = "$patch"
_RETAIN_KEYS = "$retainKeys"
_DELETE_FROM = "$deleteFromPrimitiveList"
_SET_ORDER = "$setElementOrder"


class StrategicPatchError(PatchError):
    """A patch kube refuses; ``status_code``/``reason``/``message`` go into the Status.

    A ``PatchError``, so one ``except PatchError`` covers every patch type.
    """

    def __init__(self, message: str, *, status_code: int = 500, reason: str = "") -> None:
        super().__init__(message, status_code=status_code, reason=reason)


class UnsupportedStrategicMergePatch(StrategicPatchError):
    """Strategic merge on a kind that has none (custom resources): 415."""

    def __init__(self) -> None:
        super().__init__(
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, "
            "application/apply-patch+yaml",
            status_code=415, reason="UnsupportedMediaType")


def _bad_request(message: str) -> StrategicPatchError:
    # handlers/patch.go interpretStrategicMergePatchError
    return StrategicPatchError(message, status_code=400, reason="BadRequest")


def _unprocessable() -> StrategicPatchError:
    return StrategicPatchError("the server rejected our request due to an error in our request",
                               status_code=422, reason="Invalid")


def _unknown(message: str) -> StrategicPatchError:
    # An error that is no Status: responsewriters.ErrorToAPIStatus → 500, reason "".
    return StrategicPatchError(message, status_code=500, reason="")


# --- the patch metadata of the Go types ------------------------------------------------------


@dataclass(frozen=True)
class _Meta:
    """A field's ``patchStrategy`` / ``patchMergeKey`` and the schema of what it holds."""

    strategies: tuple[str, ...] = ()
    merge_key: str = ""
    schema: _Schema | None = None


@dataclass(frozen=True)
class _Schema:
    fields: dict[str, _Meta] = field(default_factory=dict)

    def lookup(self, key: str) -> tuple[_Schema, _Meta]:
        meta = self.fields.get(key, _Meta())
        return meta.schema or _ANY, meta


_ANY = _Schema()


def _merge(key: str = "", schema: _Schema | None = None, *extra: str) -> _Meta:
    return _Meta(("merge", *extra), key, schema)


_OBJECT_META = _Schema({
    "ownerReferences": _merge("uid"),
    "finalizers": _merge(),
})
_CONDITIONS = {"conditions": _merge("type")}
_CONTAINER = _Schema({
    "ports": _merge("containerPort"),
    "env": _merge("name"),
    "volumeMounts": _merge("mountPath"),
    "volumeDevices": _merge("devicePath"),
})
_POD_SPEC = _Schema({
    "volumes": _Meta(("merge", "retainKeys"), "name"),
    "initContainers": _merge("name", _CONTAINER),
    "containers": _merge("name", _CONTAINER),
    "ephemeralContainers": _merge("name", _CONTAINER),
    "imagePullSecrets": _merge("name"),
    "hostAliases": _merge("ip"),
    "topologySpreadConstraints": _merge("topologyKey"),
    "schedulingGates": _merge("name"),
    "resourceClaims": _Meta(("merge", "retainKeys"), "name"),
})
_POD_TEMPLATE = _Schema({"metadata": _Meta(schema=_OBJECT_META), "spec": _Meta(schema=_POD_SPEC)})
_POD_STATUS = _Schema({
    **_CONDITIONS,
    "podIPs": _merge("ip"),
    "hostIPs": _merge("ip"),
    "resourceClaimStatuses": _Meta(("merge", "retainKeys"), "name"),
})


def _kind(spec: _Schema | None = None, status: _Schema | None = None,
          **top: _Meta) -> _Schema:
    fields = {"metadata": _Meta(schema=_OBJECT_META), **top}
    if spec is not None:
        fields["spec"] = _Meta(schema=spec)
    if status is not None:
        fields["status"] = _Meta(schema=status)
    return _Schema(fields)


_WORKLOAD_SPEC = _Schema({"template": _Meta(schema=_POD_TEMPLATE)})
_KINDS: dict[str, _Schema] = {
    "Deployment": _kind(
        _Schema({"template": _Meta(schema=_POD_TEMPLATE), "strategy": _Meta(("retainKeys",))}),
        _Schema(_CONDITIONS)),
    "ReplicaSet": _kind(_WORKLOAD_SPEC, _Schema(_CONDITIONS)),
    "StatefulSet": _kind(_WORKLOAD_SPEC, _Schema(_CONDITIONS)),
    "DaemonSet": _kind(_WORKLOAD_SPEC, _Schema(_CONDITIONS)),
    "Pod": _kind(_POD_SPEC, _POD_STATUS),
    "Service": _kind(_Schema({"ports": _merge("port")}), _Schema(_CONDITIONS)),
    "Namespace": _kind(None, _Schema(_CONDITIONS)),
    "ServiceAccount": _kind(secrets=_merge("name")),
    "Ingress": _kind(),
    "ConfigMap": _kind(),
    "Secret": _kind(),
    "Role": _kind(),
    "ClusterRole": _kind(),
    "RoleBinding": _kind(),
    "ClusterRoleBinding": _kind(),
    "Event": _kind(),
    "Lease": _kind(),
}
SUPPORTED_KINDS = frozenset(_KINDS)


def strategic_merge_patch(target: dict[str, Any], patch: dict[str, Any], kind: str
                          ) -> dict[str, Any]:
    """Apply a strategic merge patch to a built-in object; returns a new object.

    Raises ``UnsupportedStrategicMergePatch`` (415) for kinds without patch metadata (custom
    resources) and ``StrategicPatchError`` with kube's status for malformed directives.
    """
    schema = _KINDS.get(kind)
    if schema is None:
        raise UnsupportedStrategicMergePatch()
    if not isinstance(patch, dict):
        raise _bad_request("invalid JSON document")
    return _merge_map(copy.deepcopy(target), copy.deepcopy(patch), schema)


# --- mergeMap and friends ----------------------------------------------------------------------


def _retain_and_primary(strategies: tuple[str, ...]) -> str:
    """``extractRetainKeysPatchStrategy``: the strategy other than retainKeys."""
    others = [s for s in strategies if s != "retainKeys"]
    if len(strategies) > 2 or len(others) > 1:
        raise _unknown(f"unexpected patch strategy: [{' '.join(strategies)}]")
    return others[0] if others else ""


def _merge_map(original: dict[str, Any] | None, patch: dict[str, Any], schema: _Schema
               ) -> dict[str, Any]:
    if _DIRECTIVE in patch:
        directive = patch[_DIRECTIVE]
        if directive == "replace":
            del patch[_DIRECTIVE]
            return patch
        if directive == "delete":
            return {}
        raise _unknown(f"unknown patch type: {_go(directive)} in map: {_go(patch)}")
    if original is None:
        original = {}
    _apply_retain_keys(original, patch)
    _merge_set_element_orders(original, patch, schema)
    for key in list(patch):
        value = patch[key]
        is_delete_list = False
        if key.startswith(_DELETE_FROM):
            key = _extract_key(key, _DELETE_FROM)
            is_delete_list = True
        if value is None:
            original.pop(key, None)
            continue
        if key not in original or _go_type(original[key]) != _go_type(value):
            if not is_delete_list:
                _discard_nulls(value)
                kept, keep = _remove_directives(value)
                if keep:
                    original[key] = kept
                else:
                    original.pop(key, None)
            continue
        current = original[key]
        if isinstance(current, dict):
            subschema, meta = schema.lookup(key)
            strategy = _retain_and_primary(meta.strategies)
            original[key] = value if strategy == "replace" else _merge_map(current, value,
                                                                           subschema)
        elif isinstance(current, list):
            subschema, meta = schema.lookup(key)
            strategy = _retain_and_primary(meta.strategies)
            if strategy == "merge" or is_delete_list:
                original[key] = _merge_slice(current, value, subschema, meta.merge_key,
                                             is_delete_list)
            else:
                original[key] = value
        else:
            kept, keep = _remove_directives(value)
            if keep:
                original[key] = kept
            else:
                original.pop(key, None)
    return original


def _extract_key(key: str, prefix: str) -> str:
    parts = key.split("/", 1)
    if len(parts) <= 1 or parts[0] != prefix:
        if prefix == _DELETE_FROM:
            raise _bad_request("invalid patch format of primitive list")
        raise _bad_request("invalid patch format of setElementOrder list")
    return parts[1]


def _apply_retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    if _RETAIN_KEYS not in patch:
        return
    retain = patch.pop(_RETAIN_KEYS)
    if not isinstance(retain, list):
        raise _bad_request("invalid patch format of retainKeys")
    keep = {v for v in retain if isinstance(v, str)}
    for key, value in patch.items():
        if value is None or key.startswith((_DELETE_FROM, _SET_ORDER)):
            continue
        if key not in keep:
            raise _bad_request("invalid patch format of retainKeys")
    for key in list(original):
        if key not in keep:
            del original[key]


def _merge_set_element_orders(original: dict[str, Any], patch: dict[str, Any],
                              schema: _Schema) -> None:
    """``mergePatchIntoOriginal``: lists that come with ``$setElementOrder/<list>``."""
    for directive_key in [k for k in patch if k.startswith(_SET_ORDER)]:
        order = patch.pop(directive_key)
        if not isinstance(order, list):
            raise _unknown(f"expected a []interface {{}}, but received a {go_type(order)}")
        key = _extract_key(directive_key, _SET_ORDER)
        found_original, found_patch = key in original, key in patch
        original_list = original.get(key) if found_original else None
        patch_list = patch.get(key) if found_patch else None
        for value in (original_list, patch_list):
            if value is not None and not isinstance(value, list):
                raise _unknown(f"expected a []interface {{}}, but received a {go_type(value)}")
        subschema, meta = schema.lookup(key)
        strategy = _retain_and_primary(meta.strategies)
        _validate_set_order(patch_list or [], order, meta.merge_key)
        if found_original and not found_patch:
            merged = list(original_list or [])
        elif found_patch and not found_original:
            cleaned, keep = _remove_directives(patch_list)
            if not keep:
                continue
            merged = list(cleaned or [])
        elif found_original and found_patch:
            if strategy == "merge":
                merged = _merge_slice(original_list or [], patch_list or [], subschema,
                                      meta.merge_key, False)
            else:
                merged = list(patch_list or [])
        else:
            continue
        if meta.merge_key:
            patch_items, server_only = _partition_maps(merged, order, meta.merge_key)
        else:
            patch_items, server_only = _partition_primitives(merged, order)
        kind = _element_kind(original_list or [], patch_list or [])
        original[key] = _normalize_order(patch_items, server_only, order, original_list or [],
                                         meta.merge_key, kind)
        patch.pop(key, None)


def _validate_set_order(patch_list: list[Any], order: list[Any], merge_key: str) -> None:
    if not order or not patch_list:
        return
    non_delete = _split_deletes(patch_list)[0] if merge_key else patch_list
    i = j = 0
    while i < len(non_delete) and j < len(order):
        if isinstance(non_delete[i], dict) and _DIRECTIVE in non_delete[i]:
            i += 1
            continue
        if _merge_key_equal(non_delete[i], order[j], merge_key):
            i += 1
        j += 1
    if i < len(non_delete) and j >= len(order):
        raise _unknown(f"The order in patch list:\n{_go(patch_list)}\n doesn't match "
                       f"$setElementOrder list:\n{_go(order)}\n")


def _merge_key_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return _same(left, right)
    if not isinstance(left, dict) or not isinstance(right, dict):
        raise _unknown("expected a map[string]interface {}, but received a "
                       f"{go_type(left if not isinstance(left, dict) else right)}")
    for item in (left, right):
        if merge_key not in item:
            raise _unknown(f"map: {_go(item)} does not contain declared merge key: {merge_key}")
    return _same(left[merge_key], right[merge_key])


def _merge_slice(original: list[Any], patch: list[Any], schema: _Schema, merge_key: str,
                 is_delete_list: bool) -> list[Any]:
    if not original and not patch:
        return original
    kind = _element_kind(original, patch)
    if kind != "map":
        if is_delete_list:
            delete = {_hashable(v) for v in patch}
            return [v for v in original if _hashable(v) not in delete]
        merged = _dedup_scalars(original + patch)
    else:
        if not merge_key:
            raise _unknown("cannot merge lists without merge key for ")
        original, patch = _special_elements(original, patch, merge_key)
        merged = _merge_without_special(original, patch, merge_key, schema)
    if merge_key:
        patch_items, server_only = _partition_maps(merged, patch, merge_key)
    else:
        patch_items, server_only = _partition_primitives(merged, patch)
    return _normalize_order(patch_items, server_only, patch, original, merge_key, kind)


def _special_elements(original: list[Any], patch: list[Any], merge_key: str
                      ) -> tuple[list[Any], list[Any]]:
    """``mergeSliceWithSpecialElements``: ``$patch: delete`` items and ``$patch: replace``."""
    without: list[Any] = []
    replace = False
    for item in patch:
        if _DIRECTIVE not in item:
            without.append(item)
            continue
        directive = item[_DIRECTIVE]
        if directive == "delete":
            if merge_key not in item:
                raise _unknown(f"map: {_go(item)} does not contain declared merge key: "
                               f"{merge_key}")
            original = [o for o in original
                        if not (isinstance(o, dict) and merge_key in o
                                and _same(o[merge_key], item[merge_key]))]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise _unknown("merging lists cannot yet be specified in the patch")
        else:
            raise _unknown(f"unknown patch type: {_go(directive)} in map: {_go(item)}")
    if replace:
        return without, []
    return original, without


def _merge_without_special(original: list[Any], patch: list[Any], merge_key: str,
                           schema: _Schema) -> list[Any]:
    original = list(original)
    for item in patch:
        if merge_key not in item:
            raise _unknown(f"map: {_go(item)} does not contain declared merge key: {merge_key}")
        for index, existing in enumerate(original):
            if not isinstance(existing, dict):
                raise _unknown(f"value for key {index} is not a map")
            if merge_key in existing and _same(existing[merge_key], item[merge_key]):
                original[index] = _merge_map(existing, item, schema)
                break
        else:
            original.append(item)
    return original


def _dedup_scalars(values: list[Any]) -> list[Any]:
    """``deduplicateScalars``, including its habit of moving the last item into a gap."""
    s = list(values)
    length = len(s) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if _same(s[i], s[j]):
                s[j] = s[length]
                s = s[:length]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return s


def _partition_primitives(merged: list[Any], by: list[Any]) -> tuple[list[Any], list[Any]]:
    wanted = {_hashable(v) for v in by}
    patch_items = [v for v in merged if _hashable(v) in wanted]
    server_only = [v for v in merged if _hashable(v) not in wanted]
    return patch_items, server_only


def _partition_maps(merged: list[Any], by: list[Any], merge_key: str
                    ) -> tuple[list[Any], list[Any]]:
    patch_items: list[Any] = []
    server_only: list[Any] = []
    for item in merged:
        if not isinstance(item, dict):
            raise _unknown(f"expected a map[string]interface {{}}, but received a "
                           f"{go_type(item)}")
        if merge_key not in item:
            raise _unknown(f"map: {_go(item)} does not contain declared merge key: {merge_key}")
        found = any(isinstance(b, dict) and merge_key in b and _same(b[merge_key], item[merge_key])
                    for b in by)
        (patch_items if found else server_only).append(item)
    return patch_items, server_only


def _split_deletes(items: list[Any]) -> tuple[list[Any], list[Any]]:
    keep, delete = [], []
    for item in items:
        if not isinstance(item, dict):
            raise _unknown(f"expected a map[string]interface {{}}, but received a "
                           f"{go_type(item)}")
        (delete if item.get(_DIRECTIVE) == "delete" else keep).append(item)
    return keep, delete


def _index(values: list[Any], item: Any, merge_key: str, kind: str) -> int:
    def value(x: Any) -> Any:
        if kind == "map":
            return x.get(merge_key) if isinstance(x, dict) else None
        return x

    target = value(item)
    for i, candidate in enumerate(values):
        if _same(value(candidate), target):
            return i
    return -1


def _normalize_slice(items: list[Any], order: list[Any], merge_key: str, kind: str) -> list[Any]:
    deletes: list[Any] = []
    if kind == "map":
        for item in items + order:
            if isinstance(item, dict) and merge_key not in item:
                raise _unknown(f"map: {_go(item)} does not contain declared merge key: "
                               f"{merge_key}")
        items, deletes = _split_deletes(items)
    # sort.SliceStable with kube's less(): items found in `order` by position, others "less".
    ranked = list(items)
    _stable_sort(ranked, lambda a, b: _less(a, b, order, merge_key, kind))
    return ranked + deletes


def _less(a: Any, b: Any, order: list[Any], merge_key: str, kind: str) -> bool:
    ia = _index(order, a, merge_key, kind)
    if ia >= 0:
        ib = _index(order, b, merge_key, kind)
        if ib >= 0:
            return ia < ib
    return True


def _stable_sort(items: list[Any], less: Any) -> None:
    """Go's ``sort.SliceStable`` (insertion sort for short slices, as Go does below 20)."""
    # Go's stable sort is insertion sort on blocks of 20 followed by symMerge; for the list
    # sizes of a pod spec (< 20) it is plain insertion sort, which this reproduces exactly.
    if len(items) > 20:
        _go_stable(items, less)
        return
    for i in range(1, len(items)):
        j = i
        while j > 0 and less(items[j], items[j - 1]):
            items[j], items[j - 1] = items[j - 1], items[j]
            j -= 1


def _go_stable(data: list[Any], less: Any) -> None:
    """Go's ``stable``: insertion sort per block of 20, then ``symMerge`` of the blocks."""
    n, block = len(data), 20
    a, b = 0, block
    while b <= n:
        _insertion(data, a, b, less)
        a, b = b, b + block
    _insertion(data, a, n, less)
    while block < n:
        a, b = 0, 2 * block
        while b <= n:
            _sym_merge(data, a, a + block, b, less)
            a, b = b, b + 2 * block
        m = a + block
        if m < n:
            _sym_merge(data, a, m, n, less)
        block *= 2


def _insertion(data: list[Any], a: int, b: int, less: Any) -> None:
    for i in range(a + 1, b):
        j = i
        while j > a and less(data[j], data[j - 1]):
            data[j], data[j - 1] = data[j - 1], data[j]
            j -= 1


def _sym_merge(data: list[Any], a: int, m: int, b: int, less: Any) -> None:
    if m - a == 1:
        i, j = m, b
        while i < j:
            h = (i + j) // 2
            if less(data[h], data[a]):
                i = h + 1
            else:
                j = h
        for k in range(a, i - 1):
            data[k], data[k + 1] = data[k + 1], data[k]
        return
    if b - m == 1:
        i, j = a, m
        while i < j:
            h = (i + j) // 2
            if not less(data[m], data[h]):
                i = h + 1
            else:
                j = h
        for k in range(m, i, -1):
            data[k], data[k - 1] = data[k - 1], data[k]
        return
    mid = (a + b) // 2
    n = mid + m
    if m > mid:
        start, r = n - b, mid
    else:
        start, r = a, m
    p = n - 1
    while start < r:
        c = (start + r) // 2
        if not less(data[p - c], data[c]):
            start = c + 1
        else:
            r = c
    end = n - start
    if start < m < end:
        data[start:end] = data[m:end] + data[start:m]
    if a < start < mid:
        _sym_merge(data, a, start, mid, less)
    if mid < end < b:
        _sym_merge(data, mid, end, b, less)


def _normalize_order(patch_items: list[Any], server_only: list[Any], patch_order: list[Any],
                     server_order: list[Any], merge_key: str, kind: str) -> list[Any]:
    """``normalizeElementOrder`` + ``mergeSortedSlice``."""
    left = _normalize_slice(server_only, server_order, merge_key, kind)
    right = _normalize_slice(patch_items, patch_order, merge_key, kind)
    out: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            out.append(right[j])
            j += 1
        elif j >= len(right):
            out.append(left[i])
            i += 1
        else:
            li = _index(server_order, left[i], merge_key, kind)
            ri = _index(server_order, right[j], merge_key, kind)
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def _remove_directives(value: Any) -> tuple[Any, bool]:
    if value is None:
        return None, True
    if isinstance(value, dict):
        if _DIRECTIVE in value:
            return None, False
        for key in list(value):
            kept, keep = _remove_directives(value[key])
            if keep:
                value[key] = kept
            else:
                del value[key]
        return value, True
    if isinstance(value, list):
        out = []
        for item in value:
            kept, keep = _remove_directives(item)
            if keep:
                out.append(kept)
        return out, True
    return value, True


def _discard_nulls(value: Any) -> None:
    if isinstance(value, dict):
        for key in [k for k, v in value.items() if v is None]:
            del value[key]
        for item in value.values():
            _discard_nulls(item)
    elif isinstance(value, list):
        for item in value:
            _discard_nulls(item)


def _element_kind(*lists: list[Any]) -> str:
    """``sliceElementType``: the common kind of the elements, errors as kube words them."""
    kind = ""
    for values in lists:
        for value in values:
            current = _go_type(value)
            if not kind:
                if current == "slice":
                    raise _unprocessable()  # ErrNoListOfLists → 422
                kind = current
            elif current != kind:
                raise _unknown(f"list element types are not identical: {_go(list(lists))}")
    if not kind:
        raise _unknown("no elements in any of the given slices")
    return kind


def _go_type(value: Any) -> str:
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "slice"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "nil"




def _same(a: Any, b: Any) -> bool:
    """Go's ``==`` on interface values: same dynamic type and equal value."""
    return _go_type(a) == _go_type(b) and a == b


def _hashable(value: Any) -> Any:
    return (_go_type(value), value if not isinstance(value, dict | list) else repr(value))


def _go(value: Any) -> str:
    return go_value(value)
