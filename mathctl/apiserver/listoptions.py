"""The query options of a LIST or WATCH, refused where kube refuses them.

Why it exists: Python's ``int()`` reads ``１`` (a full-width digit) and ``1_0`` as numbers and
the handlers used to ignore ``resourceVersionMatch``, so requests kube answers with 400 or 422
were served here. kube validates them before it reads the store:

- ``resourceVersionMatch`` (apimachinery pkg/apis/meta/internalversion/validation/
  validation.go ``ValidateListOptions``): forbidden for a watch, without a resourceVersion,
  with a continue token, ``Exact`` with resourceVersion ``0``; only ``Exact`` and
  ``NotOlderThan`` exist. A refusal is 422 ``ListOptions.meta.k8s.io "" is invalid``.
- ``resourceVersion`` must parse as an unsigned integer (apiserver pkg/storage
  APIObjectVersioner.ParseResourceVersion, ``strconv.ParseUint``): 400 ``invalid resource
  version``.
- integer parameters (``limit``, ``timeoutSeconds``) parse as Go's ``strconv.ParseInt`` does:
  ASCII digits with an optional sign, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mathctl.apiserver import errors

_GO_INT = re.compile(r"[+-]?[0-9]+", re.ASCII)
_GO_UINT = re.compile(r"[0-9]+", re.ASCII)
MATCHES = ("Exact", "NotOlderThan")


def go_int(query: Mapping[str, str], key: str) -> int | None:
    """``query[key]`` as Go's ``strconv.ParseInt`` reads it; None when absent or empty."""
    text = query.get(key)
    if text in (None, ""):
        return None
    if not _GO_INT.fullmatch(text):
        raise errors.bad_request(f'invalid value for {key}: "{text}"')
    return int(text)


def check(query: Mapping[str, str], *, watch: bool) -> None:
    """Refuse the list/watch options kube refuses (see the module docstring)."""
    rv = query.get("resourceVersion", "")
    if rv and not _GO_UINT.fullmatch(rv):
        raise errors.bad_request(
            f'invalid resource version: resourceVersion: Invalid value: "{rv}": '
            f'strconv.ParseUint: parsing "{rv}": invalid syntax')
    match = query.get("resourceVersionMatch", "")
    if not match:
        return
    causes: list[dict[str, Any]] = []

    def forbidden(why: str) -> None:
        causes.append({"reason": "FieldValueForbidden", "field": "resourceVersionMatch",
                       "message": f"Forbidden: {why}"})

    if watch:
        forbidden("resourceVersionMatch is forbidden for watch")
    if not rv:
        forbidden("resourceVersionMatch is forbidden unless resourceVersion is provided")
    if query.get("continue"):
        forbidden("resourceVersionMatch is forbidden when continue is provided")
    if match == "Exact" and rv == "0":
        forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"')
    elif match not in MATCHES:
        supported = ", ".join(f'"{m}"' for m in (*MATCHES, ""))
        causes.append({"reason": "FieldValueNotSupported", "field": "resourceVersionMatch",
                       "message": f'Unsupported value: "{match}": supported values: '
                                  f"{supported}"})
    if causes:
        raise errors.invalid("meta.k8s.io", "ListOptions", "", causes)
