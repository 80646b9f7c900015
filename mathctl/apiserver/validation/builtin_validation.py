"""kube's validation of the built-in kinds the kit stores, with kube's field paths and words.

Custom resources are validated by their OpenAPI schema; built-ins have hand-written rules in
kube (pkg/apis/core/validation/validation.go, pkg/apis/apps/validation/validation.go). Without
them the server stored a ConfigMap with a NUL key or a negative Deployment replica count
that no real cluster holds. The wrong-*type* cases (``data: 5``) are refused earlier, at
decode time (:mod:`mathctl.apiserver.endpoints.gotypes`); these are the value rules, answered 422.
Each function returns the ``causes`` of a ``Status`` (empty when valid); ``VALIDATORS`` maps
a storage key to its function, as ``Handlers.validators`` expects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

MAX_CONFIG_MAP_SIZE = 1024 * 1024   # core.MaxConfigMapSize
MAX_SECRET_SIZE = 1024 * 1024       # core.MaxSecretSize
_CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+\Z")
# validation.IsConfigMapKey (apimachinery/pkg/util/validation/validation.go) via RegexError
_CONFIG_KEY_MESSAGE = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
    "'[-._a-zA-Z0-9]+')")
_PROTOCOLS = ("SCTP", "TCP", "UDP")

Cause = dict[str, Any]


def go_quote(text: str) -> str:
    """strconv.Quote as ``%q`` prints it: control characters as ``\\x00``."""
    quoted = json.dumps(text, ensure_ascii=False)
    return re.sub(r"\\u00([0-7][0-9a-f])", r"\\x\1", quoted)


def _invalid(field: str, value: str, message: str) -> Cause:
    return {"reason": "FieldValueInvalid", "field": field,
            "message": f"Invalid value: {value}: {message}"}


def config_key_problems(key: str) -> list[str]:
    """validation.IsConfigMapKey."""
    problems = []
    if len(key) > 253:
        problems.append("must be no more than 253 characters")
    if not _CONFIG_KEY.match(key):
        problems.append(_CONFIG_KEY_MESSAGE)
    if key == ".":
        problems.append("must not be '.'")
    elif key == "..":
        problems.append("must not be '..'")
    elif key.startswith(".."):
        problems.append("must not start with '..'")
    return problems


def _keys(field: str, data: Any) -> list[Cause]:
    if not isinstance(data, dict):
        return []
    return [_invalid(f"{field}[{key}]", go_quote(key), problem)
            for key in data for problem in config_key_problems(key)]


def validate_config_map(obj: dict[str, Any]) -> list[Cause]:
    """ValidateConfigMap (core/validation/validation.go)."""
    data = obj.get("data") or {}
    binary = obj.get("binaryData") or {}
    causes = _keys("data", data) + _keys("binaryData", binary)
    causes += [_invalid(f"binaryData[{key}]", go_quote(key), "duplicate of key present in data")
               for key in binary if key in data]
    size = sum(len(str(v).encode()) for v in data.values()) + sum(
        len(str(v)) * 3 // 4 for v in binary.values())
    if size > MAX_CONFIG_MAP_SIZE:
        causes.append({"reason": "FieldValueTooLong", "field": "",
                       "message": f"Too long: must have at most {MAX_CONFIG_MAP_SIZE} bytes"})
    return causes


def validate_secret(obj: dict[str, Any]) -> list[Cause]:
    """ValidateSecret: keys as a ConfigMap's, 1 MiB of data, the keys a typed Secret needs."""
    data = obj.get("data") or {}
    causes = _keys("data", data) + _keys("stringData", obj.get("stringData") or {})
    if sum(len(str(v)) * 3 // 4 for v in data.values()) > MAX_SECRET_SIZE:
        causes.append({"reason": "FieldValueTooLong", "field": "data",
                       "message": f"Too long: must have at most {MAX_SECRET_SIZE} bytes"})
    kind = obj.get("type") or "Opaque"
    needed = {"kubernetes.io/tls": ("tls.crt", "tls.key"),
              "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
              "kubernetes.io/dockercfg": (".dockercfg",)}.get(kind, ())
    have = set(data) | set(obj.get("stringData") or {})
    causes += [{"reason": "FieldValueRequired", "field": f"data[{key}]",
                "message": "Required value"} for key in needed if key not in have]
    return causes


def validate_service(obj: dict[str, Any]) -> list[Cause]:
    """validateServicePort: port numbers and protocols (core/validation/validation.go)."""
    spec = obj.get("spec") or {}
    causes: list[Cause] = []
    for i, port in enumerate(spec.get("ports") or []):
        if not isinstance(port, dict):
            continue
        number = port.get("port")
        if not isinstance(number, int) or not 1 <= number <= 65535:
            causes.append(_invalid(f"spec.ports[{i}].port", str(number or 0),
                                   "must be between 1 and 65535, inclusive"))
        protocol = port.get("protocol")
        if protocol is not None and protocol not in _PROTOCOLS:
            causes.append({"reason": "FieldValueNotSupported",
                           "field": f"spec.ports[{i}].protocol",
                           "message": f"Unsupported value: {go_quote(str(protocol))}: "
                                      'supported values: "SCTP", "TCP", "UDP"'})
    return causes


def validate_deployment(obj: dict[str, Any]) -> list[Cause]:
    """ValidateDeploymentSpec (apps/validation/validation.go): replicas are not negative."""
    spec = obj.get("spec") or {}
    replicas = spec.get("replicas")
    if isinstance(replicas, int) and replicas < 0:
        # ValidateNonnegativeField: apimachinery's validation.InclusiveRangeError wording
        return [_invalid("spec.replicas", str(replicas), "must be greater than or equal to 0")]
    return []


_PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")


def validate_ingress(obj: dict[str, Any]) -> list[Cause]:
    """validateHTTPIngressPath (pkg/apis/networking/validation/validation.go): every path has
    a supported ``pathType``, and Exact/Prefix paths are absolute."""
    causes: list[Cause] = []
    for i, rule in enumerate((obj.get("spec") or {}).get("rules") or []):
        http = rule.get("http") if isinstance(rule, dict) else None
        for j, path in enumerate((http or {}).get("paths") or []):
            if not isinstance(path, dict):
                continue
            at = f"spec.rules[{i}].http.paths[{j}]"
            kind = path.get("pathType")
            if kind is None:
                causes.append({"reason": "FieldValueRequired", "field": f"{at}.pathType",
                               "message": "Required value: pathType must be specified"})
            elif kind not in _PATH_TYPES:
                causes.append({"reason": "FieldValueNotSupported", "field": f"{at}.pathType",
                               "message": f"Unsupported value: {go_quote(str(kind))}: supported "
                                          'values: "Exact", "ImplementationSpecific", "Prefix"'})
            text = path.get("path") or ""
            if kind in ("Exact", "Prefix") and not text.startswith("/"):
                causes.append(_invalid(f"{at}.path", go_quote(text), "must be an absolute path"))
    return causes


VALIDATORS: dict[str, Callable[[dict[str, Any]], list[Cause]]] = {
    "configmaps": validate_config_map,
    "secrets": validate_secret,
    "services": validate_service,
    "apps/deployments": validate_deployment,
    "networking.k8s.io/ingresses": validate_ingress,
}
