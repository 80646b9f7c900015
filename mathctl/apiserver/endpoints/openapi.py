"""``/openapi/v2`` and ``/openapi/v3``: just enough OpenAPI for kubectl.

kubectl downloads OpenAPI before ``apply`` and ``explain``: the v3 index (``/openapi/v3``)
lists one document per group/version, and each document tells kubectl which operations take
the ``fieldValidation`` parameter (so it leaves validation to the server, sending
``fieldValidation=Strict``) and, for custom resources, the CRD's ``openAPIV3Schema``. The v2
document is served empty-but-valid for older clients.
"""

from __future__ import annotations

from typing import Any

from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.registry.registry import Registry, Resource

_PARAMS = [{"name": n, "in": "query", "schema": {"type": "string"}, "uniqueItems": True}
           for n in ("dryRun", "fieldManager", "fieldValidation")]


def _field(number: int, payload: bytes) -> bytes:
    """One length-delimited protobuf field (wire type 2); payloads here are < 128 bytes."""
    return bytes([number << 3 | 2, len(payload)]) + payload


# gnostic openapi_v2.Document{swagger: "2.0", info: {title, version}, paths: {}} as protobuf:
# kubectl asks for /openapi/v2 in this encoding before `apply`.
V2_PROTOBUF = (_field(1, b"2.0") + _field(2, _field(1, b"Kubernetes") + _field(2, b"v1.28.0"))
               + _field(8, b""))
V2_PROTOBUF_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"


def document(registry: Registry, parts: list[str]) -> dict[str, Any]:
    if parts == ["v2"]:
        return {"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.28.0"},
                "paths": {}, "definitions": {}}
    if parts == ["v3"]:
        paths = {}
        for group, versions in registry.groups():
            for version in versions:
                key = f"apis/{group}/{version}" if group else f"api/{version}"
                paths[key] = {"serverRelativeURL": f"/openapi/v3/{key}"}
        return {"paths": paths}
    if len(parts) >= 3 and parts[0] == "v3":
        if parts[1] == "api" and len(parts) == 3:
            group, version = "", parts[2]
        elif parts[1] == "apis" and len(parts) == 4:
            group, version = parts[2], parts[3]
        else:
            raise errors.no_route()
        if not registry.has_group_version(group, version):
            raise errors.no_route()
        return _group_version_document(registry.in_group_version(group, version))
    raise errors.no_route()


def _schema_name(resource: Resource) -> str:
    group = ".".join(reversed(resource.group.split("."))) if resource.group else "io.k8s.api.core"
    return f"{group}.{resource.version}.{resource.kind}"


def _group_version_document(resources: list[Resource]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for resource in resources:
        prefix = f"/apis/{resource.group}/{resource.version}" if resource.group else \
            f"/api/{resource.version}"
        scope = "/namespaces/{namespace}" if resource.namespaced else ""
        ref = {"$ref": f"#/components/schemas/{_schema_name(resource)}"}
        body = {"content": {"application/json": {"schema": ref}}}
        gvk = {"group": resource.group, "version": resource.version, "kind": resource.kind}
        write = {"parameters": _PARAMS, "requestBody": body,
                 "responses": {"200": {"content": {"application/json": {"schema": ref}}}},
                 "x-kubernetes-group-version-kind": gvk}
        item = {"get": {"responses": {"200": {}}}, "put": write, "patch": write,
                "delete": {"responses": {"200": {}}}}
        paths[f"{prefix}{scope}/{resource.plural}"] = {"get": {"responses": {"200": {}}},
                                                       "post": write}
        paths[f"{prefix}{scope}/{resource.plural}/{{name}}"] = item
        schema = dict(resource.schema or {"type": "object",
                                          "x-kubernetes-preserve-unknown-fields": True})
        schema["x-kubernetes-group-version-kind"] = [
            {"group": resource.group, "version": resource.version, "kind": resource.kind}]
        schemas[_schema_name(resource)] = schema
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.28.0"},
            "paths": paths, "components": {"schemas": schemas}}
