"""List and watch query options checked the way kube-apiserver checks them, before a list runs.

Python's ``int()`` reads ``１`` (a full-width digit), ``1_0`` and `` 7 `` as numbers; Go's
``strconv`` reads none of them, so kube refuses them. The rules here follow
staging/src/k8s.io/apimachinery/pkg/apis/meta/internalversion/validation/validation.go
(``ValidateListOptions``) and storage/api_object_versioner.go (``ParseResourceVersion``).
How ``continue`` resumes a list is the list code's business; this module only vets the query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mathctl.apiserver.endpoints import errors

_GO_INT = re.compile(r"[+-]?[0-9]+\Z", re.ASCII)
_GO_UINT = re.compile(r"[0-9]+\Z", re.ASCII)
INT64_MAX = (1 << 63) - 1
UINT64_MAX = (1 << 64) - 1


def go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64), or None when Go would refuse it."""
    if not _GO_INT.match(text):
        return None
    value = int(text)
    return value if -INT64_MAX - 1 <= value <= INT64_MAX else None


def int_param(query: Mapping[str, str], key: str) -> int | None:
    """An int64 query parameter (runtime.Convert_Slice_string_To_int64: strconv.ParseInt)."""
    text = query.get(key)
    if text in (None, ""):
        return None
    value = go_int(text)
    if value is None:
        raise errors.bad_request(f'strconv.ParseInt: parsing "{text}": invalid syntax'
                                 if not _GO_INT.match(text) else
                                 f'strconv.ParseInt: parsing "{text}": value out of range')
    return value


def resource_version(text: str) -> int:
    """APIObjectVersioner.ParseResourceVersion: "" and "0" are 0, else an unsigned integer."""
    if text in ("", "0"):
        return 0
    if not _GO_UINT.match(text) or int(text) > UINT64_MAX:
        why = "invalid syntax" if not _GO_UINT.match(text) else "value out of range"
        raise errors.bad_request(
            f'invalid resource version: strconv.ParseUint: parsing "{text}": {why}')
    return int(text)


def _forbidden(message: str) -> dict[str, Any]:
    return {"reason": "FieldValueForbidden", "field": "resourceVersionMatch",
            "message": f"Forbidden: {message}"}


def validate(query: Mapping[str, str], *, watch: bool) -> None:
    """ValidateListOptions: 422 ``ListOptions.meta.k8s.io "" is invalid`` or 400 for syntax."""
    int_param(query, "limit")
    int_param(query, "timeoutSeconds")
    rv = query.get("resourceVersion", "")
    resource_version(rv)
    match = query.get("resourceVersionMatch", "")
    causes: list[dict[str, Any]] = []
    if watch:
        if match:   # validateWatchOptions: only with sendInitialEvents (not served here)
            causes.append(_forbidden("resourceVersionMatch is forbidden for watch unless "
                                     "sendInitialEvents is provided"))
    elif match:
        if not rv:
            causes.append(_forbidden("resourceVersionMatch is forbidden unless resourceVersion "
                                     "is provided"))
        if query.get("continue"):
            causes.append(_forbidden("resourceVersionMatch is forbidden when continue is "
                                     "provided"))
        if match not in ("Exact", "NotOlderThan"):
            causes.append({"reason": "FieldValueNotSupported", "field": "resourceVersionMatch",
                           "message": f'Unsupported value: "{match}": supported values: '
                                      '"Exact", "NotOlderThan", ""'})
        if match == "Exact" and rv == "0":
            causes.append(_forbidden('resourceVersionMatch "exact" is forbidden for '
                                     'resourceVersion "0"'))
    if causes:
        raise errors.invalid("meta.k8s.io", "ListOptions", "", causes)
