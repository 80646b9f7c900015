"""The rules a real kube-apiserver applies before it accepts a CRD, checked offline.

``crdgen`` refuses to write a CRD that breaks them, and ``tests/resources/test_structural.py``
proves both that our CRDs pass and that each rule catches what it should. The rules follow the
apiextensions-apiserver's validation of ``apiextensions.k8s.io/v1`` CRDs:

- **structural schema**: every node at the root, under ``properties``, ``items`` and
  ``additionalProperties`` has a non-empty ``type`` (unless ``x-kubernetes-int-or-string`` or
  ``x-kubernetes-preserve-unknown-fields`` is set); the root is ``type: object``; an array has
  a single ``items`` schema; inside ``allOf``/``anyOf``/``oneOf``/``not`` no ``type``,
  ``description``, ``default``, ``nullable``, ``additionalProperties`` or ``x-kubernetes-*``,
  and every field named there is also specified outside;
- ``properties`` and ``additionalProperties`` are mutually exclusive; no ``additionalProperties``
  at the root; no ``$ref``, ``definitions``, ``dependencies``, ``patternProperties``,
  ``additionalItems``, ``id``, ``uniqueItems: true``, ``type: null``;
- root ``metadata`` may restrict only ``name`` and ``generateName``; root ``kind`` and
  ``apiVersion`` are strings; with the status subresource the root holds only the keywords
  the server allows there;
- an integer's ``minimum``/``maximum`` must survive the float64 the server stores it as: the
  server compares an integer against ``int64(bound)``, and a bound at or beyond 2**63 (such as
  ``maximum: 9223372036854775807``, which rounds up to 2**63) overflows there and rejects
  every value — ``format: int64`` is the way to say "any int64";
- ``x-kubernetes-list-type`` is ``atomic``/``set``/``map`` on arrays only; a ``map`` list names
  required scalar ``x-kubernetes-list-map-keys``; a ``set`` holds scalars or atomic items;
- names: ``metadata.name`` is ``<plural>.<group>``; plural, singular, short names and
  categories are DNS-1035 labels; kind ≠ listKind; printer columns have a name, a known type
  and format, and a JSON path starting with ``.``; exactly one storage version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

OPENAPI_TYPES = {"string", "number", "integer", "boolean", "array", "object"}
PRINTER_COLUMN_TYPES = {"integer", "number", "string", "boolean", "date"}
PRINTER_COLUMN_FORMATS = {"int32", "int64", "float", "double", "byte", "date", "date-time",
                          "password"}
ROOT_KEYWORDS_WITH_STATUS = {
    "description", "type", "format", "title", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "multipleOf", "required", "items", "properties", "externalDocs", "example",
    "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations",
}
UNSUPPORTED = ("$ref", "definitions", "dependencies", "patternProperties", "additionalItems",
               "id")
JUNCTORS = ("allOf", "anyOf", "oneOf")
FORBIDDEN_IN_JUNCTORS = ("type", "description", "default", "nullable", "additionalProperties",
                         "title", "externalDocs", "x-kubernetes-preserve-unknown-fields",
                         "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
                         "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
                         "x-kubernetes-map-type", "x-kubernetes-validations")
SCALAR_TYPES = {"string", "number", "integer", "boolean"}
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


def structural_errors(schema: Mapping[str, Any], *, status_subresource: bool = True) -> list[str]:
    """Every rule ``schema`` (an ``openAPIV3Schema``) breaks, as ``path: problem`` strings."""
    errors: list[str] = []
    if status_subresource:
        extra = sorted(set(schema) - ROOT_KEYWORDS_WITH_STATUS)
        if extra:
            errors.append(f"openAPIV3Schema: only {sorted(ROOT_KEYWORDS_WITH_STATUS)} are "
                          f"allowed at the root with the status subresource, not {extra}")
    if schema.get("type") != "object":
        errors.append("openAPIV3Schema.type: must be object at the root")
    if "additionalProperties" in schema:
        errors.append("openAPIV3Schema.additionalProperties: must not be used at the root")
    props = schema.get("properties", {})
    for name in ("kind", "apiVersion"):
        if name in props and props[name].get("type") != "string":
            errors.append(f"openAPIV3Schema.properties[{name}].type: must be string")
    if "metadata" in props:
        errors.extend(_root_metadata_errors(props["metadata"]))
    _walk(schema, "openAPIV3Schema", errors)
    return errors


def _root_metadata_errors(meta: Mapping[str, Any]) -> list[str]:
    path = "openAPIV3Schema.properties[metadata]"
    errors = []
    if meta.get("type") != "object":
        errors.append(f"{path}.type: must be object")
    extra = sorted(set(meta) - {"type", "properties"})
    if extra:
        errors.append(f"{path}: must not specify anything other than name and generateName, "
                      f"but has {extra}")
    extra_props = sorted(set(meta.get("properties", {})) - {"name", "generateName"})
    if extra_props:
        errors.append(f"{path}.properties: only name and generateName may be restricted, "
                      f"not {extra_props}")
    return errors


def _walk(node: Mapping[str, Any], path: str, errors: list[str]) -> None:
    if not isinstance(node, Mapping):
        errors.append(f"{path}: must be a schema object")
        return
    typ = node.get("type")
    escape = node.get("x-kubernetes-int-or-string") or node.get(
        "x-kubernetes-preserve-unknown-fields")
    if not typ and not escape:
        errors.append(f"{path}.type: must not be empty")
    elif typ and typ not in OPENAPI_TYPES:
        msg = "use nullable instead of type null" if typ == "null" else f"one of {OPENAPI_TYPES}"
        errors.append(f"{path}.type: unsupported value {typ!r} ({msg})")
    for key in UNSUPPORTED:
        if key in node:
            errors.append(f"{path}.{key}: is not supported")
    if node.get("uniqueItems"):
        errors.append(f"{path}.uniqueItems: cannot be true (quadratic cost)")
    if node.get("x-kubernetes-preserve-unknown-fields") is False:
        errors.append(f"{path}.x-kubernetes-preserve-unknown-fields: must be true or undefined")
    if "properties" in node and "additionalProperties" in node and (
            node["additionalProperties"] is not True):
        errors.append(f"{path}.additionalProperties: additionalProperties and properties are "
                      "mutually exclusive")
    errors.extend(integer_bound_errors(node, path))
    if "pattern" in node:
        try:
            re.compile(node["pattern"])
        except re.error as exc:
            errors.append(f"{path}.pattern: not a valid regular expression: {exc}")
    _list_rules(node, path, errors)
    if node.get("x-kubernetes-map-type") is not None and typ != "object":
        errors.append(f"{path}.type: must be object if x-kubernetes-map-type is specified")
    if typ == "array" or "items" in node:
        items = node.get("items")
        if items is None:
            errors.append(f"{path}.items: must be specified for an array")
        elif isinstance(items, list):
            errors.append(f"{path}.items: must be a schema object, not a list")
        else:
            _walk(items, f"{path}.items", errors)
    for name, sub in node.get("properties", {}).items():
        _walk(sub, f"{path}.properties[{name}]", errors)
    extra = node.get("additionalProperties")
    if isinstance(extra, Mapping):
        _walk(extra, f"{path}.additionalProperties", errors)
    specified = set(node.get("properties", {}))
    for junctor in JUNCTORS:
        for i, sub in enumerate(node.get(junctor, [])):
            _junctor_errors(sub, f"{path}.{junctor}[{i}]", specified, errors)
    if "not" in node:
        _junctor_errors(node["not"], f"{path}.not", specified, errors)


def integer_bound_errors(node: Mapping[str, Any], path: str) -> list[str]:
    """Integer bounds that overflow when the API server converts them from float64 to int64."""
    errors = []
    if node.get("type") == "integer":
        for key in ("minimum", "maximum"):
            bound = node.get(key)
            if bound is not None and not -(2.0**63) <= float(bound) < 2.0**63:
                errors.append(
                    f"{path}.{key}: {bound} becomes {float(bound):.0f} as a float64 and overflows "
                    "the API server's int64 comparison, so every value would be rejected; drop "
                    "it (format: int64 already bounds the field)")
    return errors


def _list_rules(node: Mapping[str, Any], path: str, errors: list[str]) -> None:
    list_type = node.get("x-kubernetes-list-type")
    keys = node.get("x-kubernetes-list-map-keys")
    if keys and list_type != "map":
        errors.append(f"{path}.x-kubernetes-list-type: must be map if "
                      "x-kubernetes-list-map-keys is non-empty")
    if list_type is None:
        return
    if node.get("type") != "array":
        errors.append(f"{path}.type: must be array if x-kubernetes-list-type is specified")
        return
    if list_type not in ("atomic", "set", "map"):
        errors.append(f"{path}.x-kubernetes-list-type: {list_type!r} is not atomic, set or map")
    items = node.get("items") if isinstance(node.get("items"), Mapping) else None
    if list_type == "set" and items is not None:
        item_type = items.get("type")
        if item_type == "object" and items.get("x-kubernetes-map-type") != "atomic":
            errors.append(f"{path}.items.x-kubernetes-map-type: must be atomic as item of a "
                          "list with x-kubernetes-list-type=set")
        if item_type == "array" and items.get("x-kubernetes-list-type", "atomic") != "atomic":
            errors.append(f"{path}.items.x-kubernetes-list-type: must be atomic as item of a "
                          "list with x-kubernetes-list-type=set")
    if list_type == "map":
        if not keys:
            errors.append(f"{path}.x-kubernetes-list-map-keys: must not be empty if "
                          "x-kubernetes-list-type is map")
        if items is None or items.get("type") != "object":
            errors.append(f"{path}.items.type: must be object if x-kubernetes-list-type is map")
            return
        required = set(items.get("required", []))
        for key in keys or []:
            prop = items.get("properties", {}).get(key)
            if prop is None:
                errors.append(f"{path}.x-kubernetes-list-map-keys: {key!r} is not a property "
                              "of the items")
                continue
            if prop.get("type") not in SCALAR_TYPES:
                errors.append(f"{path}.items.properties[{key}].type: must be a scalar type "
                              "if parent array's x-kubernetes-list-type is map")
            if key not in required and "default" not in prop:
                errors.append(f"{path}.items.properties[{key}]: a list-map key must be "
                              "required or have a default")


def _junctor_errors(node: Any, path: str, specified: set[str], errors: list[str]) -> None:
    if not isinstance(node, Mapping):
        errors.append(f"{path}: must be a schema object")
        return
    for key in FORBIDDEN_IN_JUNCTORS:
        if key in node:
            errors.append(f"{path}.{key}: must be undefined to be structural")
    for name, sub in node.get("properties", {}).items():
        if name == "metadata":
            errors.append(f"{path}.properties[metadata]: must not be specified in a nested "
                          "context")
        if name not in specified:
            errors.append(f"{path}.properties[{name}]: must be specified outside of "
                          f"{path.rsplit('.', 1)[-1]} too (structural completeness)")
        _junctor_errors(sub, f"{path}.properties[{name}]", set(sub.get("properties", {}))
                        if isinstance(sub, Mapping) else set(), errors)
    for junctor in JUNCTORS:
        for i, sub in enumerate(node.get(junctor, [])):
            _junctor_errors(sub, f"{path}.{junctor}[{i}]", specified, errors)


def crd_errors(crd: Mapping[str, Any]) -> list[str]:
    """Every rule the CRD manifest ``crd`` breaks: names, versions, columns and schemas."""
    errors: list[str] = []
    if crd.get("apiVersion") != "apiextensions.k8s.io/v1":
        errors.append("apiVersion: must be apiextensions.k8s.io/v1")
    if crd.get("kind") != "CustomResourceDefinition":
        errors.append("kind: must be CustomResourceDefinition")
    spec = crd.get("spec", {})
    names = spec.get("names", {})
    group = spec.get("group", "")
    expected_name = f"{names.get('plural')}.{group}"
    if crd.get("metadata", {}).get("name") != expected_name:
        errors.append(f'metadata.name: must be spec.names.plural+"."+spec.group '
                      f"({expected_name})")
    for key in ("plural", "singular"):
        if not DNS1035_LABEL.match(names.get(key, "")):
            errors.append(f"spec.names.{key}: {names.get(key)!r} is not a DNS-1035 label")
    for key in ("kind", "listKind"):
        if not DNS1035_LABEL.match(names.get(key, "").lower()):
            errors.append(f"spec.names.{key}: {names.get(key)!r} is not a valid kind")
    if names.get("kind") and names.get("kind") == names.get("listKind"):
        errors.append("spec.names.listKind: kind and listKind may not be the same")
    for key in ("shortNames", "categories"):
        for value in names.get(key, []):
            if not DNS1035_LABEL.match(value):
                errors.append(f"spec.names.{key}: {value!r} is not a DNS-1035 label")
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        errors.append("spec.scope: must be Namespaced or Cluster")
    versions = spec.get("versions", [])
    if sum(1 for v in versions if v.get("storage")) != 1:
        errors.append("spec.versions: exactly one version must be the storage version")
    for i, version in enumerate(versions):
        vpath = f"spec.versions[{i}]"
        for j, col in enumerate(version.get("additionalPrinterColumns", [])):
            cpath = f"{vpath}.additionalPrinterColumns[{j}]"
            if not col.get("name"):
                errors.append(f"{cpath}.name: required")
            if col.get("type") not in PRINTER_COLUMN_TYPES:
                errors.append(f"{cpath}.type: must be one of {sorted(PRINTER_COLUMN_TYPES)}")
            if "format" in col and col["format"] not in PRINTER_COLUMN_FORMATS:
                errors.append(f"{cpath}.format: must be one of {sorted(PRINTER_COLUMN_FORMATS)}")
            if not str(col.get("jsonPath", "")).startswith("."):
                errors.append(f"{cpath}.jsonPath: must be a JSON path starting with '.'")
            if col.get("priority", 0) < 0:
                errors.append(f"{cpath}.priority: must not be negative")
        schema = version.get("schema", {}).get("openAPIV3Schema")
        if schema is None:
            errors.append(f"{vpath}.schema.openAPIV3Schema: required")
            continue
        has_status = "status" in (version.get("subresources") or {})
        errors.extend(f"{vpath}.schema.{e}"
                      for e in structural_errors(schema, status_subresource=has_status))
    return errors
