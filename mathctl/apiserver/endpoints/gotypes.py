"""Go's JSON decoder refusals for a body whose fields have the wrong JSON type.

kube-apiserver decodes a built-in object into its Go struct; a string where ObjectMeta is
expected, a number where a ``map[string]string`` is, fail in ``encoding/json`` with an
``UnmarshalTypeError``, which the handler answers 400 as (Go 1.20, the toolchain of v1.28)::

    ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal
    string into Go struct field ConfigMap.metadata of type v1.ObjectMeta

(``Struct`` is the innermost Go struct holding the field, the field path is from the root;
encoding/json/decode.go ``UnmarshalTypeError.Error``; the prefix is the versioning codec's,
staging/src/k8s.io/apimachinery/pkg/runtime/serializer/versioning/versioning.go). This module
holds the Go shapes of the fields the kit uses, so that such a body is refused at decode time
and never stored half-typed (where it used to break ``kubectl get cm -A`` for everyone).
Custom resources get the same check for ``metadata``, which every object shares.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Union

from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.endpoints.patch import _json_kind  # Go's names of JSON kinds, one copy

INT_RANGES = {"int64": 63, "int32": 31}


class Struct:
    """A Go struct: its type name as Go prints it (``v1.ObjectMeta``) and its fields."""

    def __init__(self, go_name: str, fields: dict[str, GoType]) -> None:
        self.go_name = go_name
        self.short = go_name.rpartition(".")[2]
        self.fields = fields


class Slice:
    def __init__(self, item: GoType, go_name: str | None = None) -> None:
        self.item = item
        self.go_name = go_name or "[]" + _name(item)


class Map:
    def __init__(self, value: GoType) -> None:
        self.value = value
        self.go_name = "map[string]" + _name(value)


GoType = Union[str, Struct, Slice, Map]   # noqa: UP007 - a forward-referenced alias
"""A scalar (``string``, ``bool``, ``int64``, ``int32``, ``[]byte``, ``v1.Time``,
``intstr.IntOrString``, ``any`` or a named string type ``v1.SecretType``) or a composite."""


def _name(go: GoType) -> str:
    return go if isinstance(go, str) else go.go_name


STR_MAP = Map("string")
OWNER_REFERENCE = Struct("v1.OwnerReference", {
    "apiVersion": "string", "kind": "string", "name": "string", "uid": "types.UID",
    "controller": "bool", "blockOwnerDeletion": "bool"})
OBJECT_META = Struct("v1.ObjectMeta", {
    "name": "string", "generateName": "string", "namespace": "string", "selfLink": "string",
    "uid": "types.UID", "resourceVersion": "string", "generation": "int64",
    "creationTimestamp": "v1.Time", "deletionTimestamp": "v1.Time",
    "deletionGracePeriodSeconds": "int64", "labels": STR_MAP, "annotations": STR_MAP,
    "ownerReferences": Slice(OWNER_REFERENCE), "finalizers": Slice("string"),
    "managedFields": Slice(Struct("v1.ManagedFieldsEntry", {
        "manager": "string", "operation": "v1.ManagedFieldsOperationType",
        "apiVersion": "string", "time": "v1.Time", "fieldsType": "string",
        "fieldsV1": "any", "subresource": "string"})),
})
_LABEL_SELECTOR = Struct("v1.LabelSelector", {
    "matchLabels": STR_MAP, "matchExpressions": Slice(Struct("v1.LabelSelectorRequirement", {
        "key": "string", "operator": "v1.LabelSelectorOperator", "values": Slice("string")}))})
_LOCAL_REF = Struct("v1.LocalObjectReference", {"name": "string"})


def _top(kind: str, **fields: GoType) -> Struct:
    return Struct(f"v1.{kind}", {"apiVersion": "string", "kind": "string",
                                 "metadata": OBJECT_META, **fields})


SHAPES: dict[tuple[str, str], Struct] = {
    ("", "ConfigMap"): _top("ConfigMap", data=STR_MAP, binaryData=Map("[]byte"),
                            immutable="bool"),
    ("", "Secret"): _top("Secret", data=Map("[]byte"), stringData=STR_MAP,
                         type="v1.SecretType", immutable="bool"),
    ("", "Namespace"): _top("Namespace", spec=Struct("v1.NamespaceSpec", {
        "finalizers": Slice("v1.FinalizerName")})),
    ("", "ServiceAccount"): _top(
        "ServiceAccount", automountServiceAccountToken="bool",
        imagePullSecrets=Slice(_LOCAL_REF),
        secrets=Slice(Struct("v1.ObjectReference", {
            "kind": "string", "namespace": "string", "name": "string", "uid": "types.UID",
            "apiVersion": "string", "resourceVersion": "string", "fieldPath": "string"}))),
    ("", "Service"): _top("Service", spec=Struct("v1.ServiceSpec", {
        "ports": Slice(Struct("v1.ServicePort", {
            "name": "string", "protocol": "v1.Protocol", "appProtocol": "string",
            "port": "int32", "targetPort": "intstr.IntOrString", "nodePort": "int32"})),
        "selector": STR_MAP, "clusterIP": "string", "clusterIPs": Slice("string"),
        "type": "v1.ServiceType", "externalName": "string"})),
    ("apps", "Deployment"): _top("Deployment", spec=Struct("v1.DeploymentSpec", {
        "replicas": "int32", "selector": _LABEL_SELECTOR, "minReadySeconds": "int32",
        "revisionHistoryLimit": "int32", "paused": "bool",
        "progressDeadlineSeconds": "int32",
        "template": Struct("v1.PodTemplateSpec", {"metadata": OBJECT_META, "spec": "any"})})),
    ("networking.k8s.io", "Ingress"): _top("Ingress", spec=Struct("v1.IngressSpec", {
        "ingressClassName": "string",
        "tls": Slice(Struct("v1.IngressTLS", {"hosts": Slice("string"),
                                              "secretName": "string"})),
        "rules": Slice(Struct("v1.IngressRule", {
            "host": "string",
            "http": Struct("v1.HTTPIngressRuleValue", {"paths": Slice(Struct(
                "v1.HTTPIngressPath", {"path": "string", "pathType": "v1.PathType",
                                       "backend": "any"}))})}))})),
}
CUSTOM = Struct("unstructured.Unstructured", {"apiVersion": "string", "kind": "string",
                                              "metadata": OBJECT_META})


class GoTypeError(ValueError):
    """Go's wording for a value of the wrong JSON type; ``str()`` is the message."""


def _zero(go: GoType) -> Any:
    """What Go leaves for a JSON ``null`` inside a slice or map: the element's zero value
    (``[null]`` of structs is ``[{}]``, which validation then judges like any other)."""
    if isinstance(go, Struct):
        return {}
    if go == "bool":
        return False
    if go in INT_RANGES:
        return 0
    if isinstance(go, str) and go not in ("any", "v1.Time", "intstr.IntOrString"):
        return ""
    return None


def _number_text(value: int | float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def check(shape: Struct, obj: dict[str, Any]) -> None:
    """Raise :class:`GoTypeError` for the first field Go could not decode (iterative)."""
    stack: list[tuple[Any, GoType, Struct, str]] = [
        (obj.get(k), t, shape, k) for k, t in shape.fields.items() if k in obj]
    while stack:
        value, go, owner, path = stack.pop()
        if value is None or go == "any":
            continue
        if isinstance(go, Struct):
            if not isinstance(value, dict):
                _fail(value, go.go_name, owner, path)
            stack.extend((value.get(k), t, go, f"{path}.{k}")
                         for k, t in go.fields.items() if k in value)
        elif isinstance(go, Slice):
            if not isinstance(value, list):
                _fail(value, go.go_name, owner, path)
            value[:] = [_zero(go.item) if item is None else item for item in value]
            stack.extend((item, go.item, owner, path) for item in value)
        elif isinstance(go, Map):
            if not isinstance(value, dict):
                _fail(value, go.go_name, owner, path)
            for key, item in value.items():
                if item is None:
                    value[key] = _zero(go.value)
            stack.extend((item, go.value, owner, path) for item in value.values())
        else:
            _scalar(value, go, owner, path)


def _scalar(value: Any, go: str, owner: Struct, path: str) -> None:
    if go == "bool":
        if not isinstance(value, bool):
            _fail(value, go, owner, path)
    elif go in INT_RANGES:
        bits = INT_RANGES[go]
        if isinstance(value, bool) or not isinstance(value, int | float):
            _fail(value, go, owner, path)
        if isinstance(value, float) or not -(1 << bits) <= value < (1 << bits):
            raise GoTypeError(f"json: cannot unmarshal number {_number_text(value)} into Go "
                              f"struct field {owner.short}.{path} of type {go}")
    elif go == "intstr.IntOrString":
        if not isinstance(value, str | int) or isinstance(value, bool):
            # intstr.go UnmarshalJSON falls back to json.Unmarshal into an int32
            _fail(value, "int32", owner, path)
    elif go == "[]byte":
        if not isinstance(value, str):
            _fail(value, go, owner, path)
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise GoTypeError(f"illegal base64 data at input byte {_bad_byte(value)}") from None
    elif go == "v1.Time":
        if not isinstance(value, str):
            # metav1.Time.UnmarshalJSON unmarshals into a string first
            raise GoTypeError(f"json: cannot unmarshal {_json_kind(value)} into Go value of "
                              "type string")
    elif not isinstance(value, str):
        _fail(value, go, owner, path)


def _bad_byte(text: str) -> int:
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    for i, char in enumerate(text):
        if char not in alphabet:
            return i if char != "=" or len(text) % 4 else len(text)
    return len(text) - len(text) % 4


def _fail(value: Any, go: str, owner: Struct, path: str) -> None:
    raise GoTypeError(f"json: cannot unmarshal {_json_kind(value)} into Go struct field "
                      f"{owner.short}.{path} of type {go}")


def check_resource(group: str, kind: str, version: str, is_custom: bool,
                   obj: dict[str, Any]) -> None:
    """400 ``<Kind> in version "<v>" cannot be handled as a <Kind>: json: ...``."""
    shape = CUSTOM if is_custom else SHAPES.get((group, kind))
    if shape is None:
        shape = _top(kind)
    try:
        check(shape, obj)
    except GoTypeError as exc:
        raise errors.bad_request(
            f'{kind} in version "{version}" cannot be handled as a {kind}: {exc}') from None
