"""What kube validates in the ConfigMaps and Secrets this server stores.

Why it exists: a ConfigMap whose ``data`` is a number, or a key with a NUL byte, used to be
stored as sent; then every ``kubectl get cm -A`` failed for every user, because table printing
and the typed client expect kube's shapes. kube refuses them at the door: a wrong JSON type is
a decode error (400, in :mod:`mathctl.apiserver.decode`), a bad key or an oversized object a
422 from pkg/apis/core/validation/validation.go (``ValidateConfigMap``, ``ValidateSecret``,
``IsConfigMapKey`` in apimachinery pkg/util/validation).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+")
MAX_TOTAL = 1024 * 1024  # corev1.MaxSecretSize; ConfigMaps share the limit
_KEY_MESSAGE = ("a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
                "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation "
                "is '[-._a-zA-Z0-9]+')")


def _invalid(field: str, value: Any, detail: str) -> dict[str, Any]:
    shown = '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return {"reason": "FieldValueInvalid", "field": field,
            "message": f"Invalid value: {shown}: {detail}"}


def _keys(obj: dict[str, Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    causes: list[dict[str, Any]] = []
    for field in fields:
        for key in obj.get(field) or {}:
            if len(key) > 253:
                causes.append(_invalid(f"{field}[{key}]", key,
                                       "must be no more than 253 characters"))
            elif not CONFIG_KEY.fullmatch(key) or key in (".", ".."):
                causes.append(_invalid(f"{field}[{key}]", key, _KEY_MESSAGE))
    return causes


def validate_configmap(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """``ValidateConfigMap``: keys, and at most 1 MiB of data and binaryData together."""
    causes = _keys(obj, ("data", "binaryData"))
    size = sum(len(k) + len(v.encode()) for k, v in (obj.get("data") or {}).items()) + sum(
        len(k) + len(v) * 3 // 4 for k, v in (obj.get("binaryData") or {}).items())
    if size > MAX_TOTAL:
        causes.append({"reason": "FieldValueTooLong", "field": "",
                       "message": f"Too long: must have at most {MAX_TOTAL} bytes"})
    return causes


def validate_secret(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """``ValidateSecret``: keys, base64 values, at most 1 MiB."""
    causes = _keys(obj, ("data", "stringData"))
    total = 0
    for key, value in (obj.get("data") or {}).items():
        try:
            total += len(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            causes.append(_invalid(f"data[{key}]", "<secret contents redacted>",
                                   "illegal base64 data"))
    if total > MAX_TOTAL:
        causes.append({"reason": "FieldValueTooLong", "field": "data",
                       "message": f"Too long: must have at most {MAX_TOTAL} bytes"})
    return causes
