"""A CRD schema compiled once into closures that say "nothing to do" fast, on every write.

``schema.py`` is the reference: it reproduces kube-apiserver's validation errors, pruned paths
and defaults word for word, and walks the schema generically (many dict look-ups and ABC
``isinstance`` checks per field), which made it the largest part of a custom resource write
(``bench/apiserver.py``). Almost every write is valid, has nothing to prune and, with the
workshop's CRDs, nothing to default, so this module compiles a schema into *acceptors*:

* ``valid(obj)`` is True only when ``schema.validate`` (with its list-type checks) finds no
  error; when it is False the handler runs ``schema.validate`` for kube's exact causes;
* ``prune_noop(obj)`` is True only when ``schema.prune`` would neither drop a field nor a null;
* ``has_defaults`` is False when the schema has no ``default`` anywhere.

An acceptor may say False for a valid object (rare keywords such as ``anyOf`` defer to the
reference validator for their subtree, and doubtful cases just take the slow path), but never
True for an object the reference would refuse: checks are never looser, only faster.
``tests/apiserver/validation/test_compiled_schema.py`` holds the two side by side. Schemas are
cached by identity (``for_schema``): the handlers' schemas come from stored CRDs, which
nobody mutates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from mathctl.apiserver.validation import schema as reference

Check = Callable[[Any], bool]

_INT64_MIN, _INT64_MAX = reference.INT64_MIN, reference.INT64_MAX
# Values under which pruning has nothing to look at.
_SCALARS = frozenset({str, int, float, bool})
# Keywords whose checks are compiled here; a node with any other keyword that validates
# (allOf, anyOf, oneOf, not, multipleOf, …) defers to the reference for its subtree.
_DESCRIPTIVE = frozenset({
    "description", "title", "example", "externalDocs", "default", "x-kubernetes-embedded-resource",
    "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type", "x-kubernetes-validations", "x-kubernetes-int-or-string",
})
_COMPILED = frozenset({
    "type", "format", "nullable", "properties", "required", "additionalProperties", "items",
    "enum", "maxLength", "minLength", "pattern", "maximum", "minimum", "exclusiveMaximum",
    "exclusiveMinimum", "minItems", "maxItems", "minProperties", "maxProperties",
    "x-kubernetes-list-type",
})


class CompiledSchema:
    """The acceptors of one openAPIV3Schema (see the module docstring)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self.valid: Check = _validator(schema)
        self.prune_noop: Check = _root_pruner(schema)
        self.has_defaults = _has_defaults(schema)


_CACHE: dict[int, CompiledSchema] = {}


def for_schema(schema: Mapping[str, Any]) -> CompiledSchema:
    """The compiled form of ``schema``, made once per schema object."""
    compiled = _CACHE.get(id(schema))
    if compiled is None or compiled.schema is not schema:
        if len(_CACHE) > 256:   # CRDs replaced many times: start again
            _CACHE.clear()
        compiled = _CACHE[id(schema)] = CompiledSchema(schema)
    return compiled


# -- validation -----------------------------------------------------------------------------

def _reference_check(schema: Mapping[str, Any]) -> Check:
    """The reference validator (and list-type checks) on a subtree: exact but slow."""

    def check(data: Any) -> bool:
        if reference._Validator._sub(schema, data, ""):
            return False
        errors: list[reference.FieldError] = []
        reference._list_types_value(schema, data, "", errors)
        return not errors

    return check


def _validator(schema: Mapping[str, Any]) -> Check:
    if not isinstance(schema, Mapping) or any(
            key not in _COMPILED and key not in _DESCRIPTIVE for key in schema):
        return _reference_check(schema)
    try:
        return _compiled_validator(schema)
    except (TypeError, ValueError, AttributeError):   # a malformed schema: the reference's way
        return _reference_check(schema)


def _compiled_validator(schema: Mapping[str, Any]) -> Check:
    types = reference._schema_types(schema)
    fmt = reference._kept_format(schema)
    nullable = "null" in types or bool(schema.get("nullable"))
    enum = schema.get("enum") or None
    enum_check = _enum_check(enum) if enum else None
    none_ok = (not types or nullable) and enum is None
    type_ok = _type_check(types, fmt)
    string_check = _string_check(schema, fmt)
    number_check = _number_check(schema)
    array_check = _array_check(schema)
    object_check = _object_check(schema)

    def check(data: Any) -> bool:
        if data is None:
            return none_ok
        kind = type(data)
        if type_ok is not None and not type_ok(data):
            return False
        if enum_check is not None and not enum_check(data):
            return False
        if kind is str:
            return string_check is None or string_check(data)
        if kind is dict:
            return object_check(data)
        if kind is list:
            return array_check(data)
        if kind is int or kind is float:
            return number_check is None or number_check(data)
        return kind is bool   # else not a type JSON decoding makes: the reference says why

    # The commonest leaves answer at once for their usual values, else as above.
    if enum_check is None and not fmt and types == ["string"] and string_check is None:
        def plain_string(data: Any) -> bool:
            return type(data) is str or check(data)

        return plain_string
    if enum_check is None and not fmt and types == ["boolean"]:
        def plain_boolean(data: Any) -> bool:
            return type(data) is bool or check(data)

        return plain_boolean
    if enum_check is None and not fmt and types == ["integer"] and number_check is None:
        def plain_integer(data: Any) -> bool:
            return (type(data) is int and _INT64_MIN <= data <= _INT64_MAX) or check(data)

        return plain_integer
    return check


def _type_check(types: list[str], fmt: str) -> Check | None:
    """Passes exactly when the reference's ``_type`` adds no error (None: it never does)."""
    if not types and not fmt:
        return None
    allowed = set(types)

    def ok(data: Any) -> bool:
        sch_type, data_fmt, value = reference._go_kind(data)
        is_float_int = sch_type == "number" and "integer" in allowed and \
            reference._is_json_integer(value)
        is_int_float = sch_type == "integer" and "number" in allowed
        non_string = sch_type not in ("string", "array")
        if non_string and fmt and not (
                sch_type in allowed or data_fmt == fmt or is_float_int or is_int_float):
            return False
        if not ("number" in allowed or "integer" in allowed) and fmt and not non_string:
            return True
        return sch_type in allowed or is_float_int or is_int_float

    if fmt or "number" in allowed or "integer" in allowed:
        return ok
    # Plain string/boolean/array/object types: only the kind of the value matters.
    kinds = {"string": (str,), "boolean": (bool,), "array": (list,), "object": (dict,)}
    exact = tuple(t for name in allowed for t in kinds.get(name, ()))
    if len(exact) != len(allowed):
        return ok

    def simple(data: Any) -> bool:
        return type(data) in exact

    return simple


def _enum_check(enum: list[Any]) -> Check:
    if all(type(v) is str for v in enum):
        strings = frozenset(enum)

        def in_strings(data: Any) -> bool:
            return type(data) is str and data in strings

        return in_strings

    def in_enum(data: Any) -> bool:
        return any(reference._enum_equal(data, allowed) for allowed in enum)

    return in_enum


def _string_check(schema: Mapping[str, Any], fmt: str) -> Check | None:
    max_length = schema.get("maxLength")
    min_length = schema.get("minLength")
    pattern_text = schema.get("pattern")
    pattern: re.Pattern[str] | None = None
    if pattern_text:
        try:
            pattern = reference._compile(pattern_text)
        except re.error:
            return lambda data: False   # the reference reports the invalid pattern
    format_ok = reference._FORMAT_CHECKS.get(fmt.replace("-", "")) if fmt else None
    if max_length is None and min_length is None and pattern is None and format_ok is None:
        return None

    def check(data: str) -> bool:
        if max_length is not None and len(data) > max_length:
            return False
        if min_length is not None and len(data) < min_length:
            return False
        if pattern is not None and pattern.search(data) is None:
            return False
        return format_ok is None or format_ok(data)

    return check


def _number_check(schema: Mapping[str, Any]) -> Check | None:
    maximum, minimum = schema.get("maximum"), schema.get("minimum")
    if maximum is None and minimum is None:
        return None
    excl_max, excl_min = bool(schema.get("exclusiveMaximum")), bool(schema.get("exclusiveMinimum"))
    int_max = reference._go_int64(float(maximum)) if maximum is not None else None
    int_min = reference._go_int64(float(minimum)) if minimum is not None else None

    def check(data: Any) -> bool:
        _, _, value = reference._go_kind(data)
        is_int = isinstance(value, int)
        if maximum is not None:
            bound = int_max if is_int else float(maximum)
            if value > bound or (excl_max and value >= bound):
                return False
        if minimum is not None:
            bound = int_min if is_int else float(minimum)
            if value < bound or (excl_min and value <= bound):
                return False
        return True

    return check


def _array_check(schema: Mapping[str, Any]) -> Check:
    items = schema.get("items")
    item_check = _validator(items) if isinstance(items, Mapping) else None
    min_items, max_items = schema.get("minItems"), schema.get("maxItems")
    list_type = schema.get("x-kubernetes-list-type")
    keys = list(schema.get("x-kubernetes-list-map-keys") or ())
    if list_type == "set":
        unique: Check | None = _set_unique
    elif list_type == "map":
        unique = _map_unique(keys)
    else:
        unique = None

    def check(data: list[Any]) -> bool:
        if item_check is not None:
            for item in data:
                if not item_check(item):
                    return False
        if min_items is not None and len(data) < min_items:
            return False
        if max_items is not None and len(data) > max_items:
            return False
        return unique is None or unique(data)

    return check


def _scalar_key(value: Any) -> tuple[type, Any] | None:
    """A key that tells values apart as ``reference._set_key`` does (None: not a scalar)."""
    if value is None or type(value) in (str, int, float, bool):
        return (type(value), value)
    return None


def _set_unique(data: list[Any]) -> bool:
    seen = set()
    for value in data:
        key = _scalar_key(value)
        if key is None or key in seen:
            return False   # compound values or a duplicate: the reference decides
        seen.add(key)
    return True


def _map_unique(keys: list[str]) -> Check:
    if len(keys) != 1:
        return lambda data: len(data) <= 1 and all(
            item is None or type(item) is dict for item in data)
    name = keys[0]

    def check(data: list[Any]) -> bool:
        seen = set()
        for item in data:
            if type(item) is not dict:
                return False   # not an object (or null): the reference decides
            key = _scalar_key(item[name]) if name in item else (object, None)
            if key is None or key in seen:
                return False
            seen.add(key)
        return True

    return check


def _object_check(schema: Mapping[str, Any]) -> Check:
    properties = schema.get("properties") or {}
    checks = {name: _validator(sub) for name, sub in properties.items()}
    required = tuple(schema.get("required") or ())
    additional = schema.get("additionalProperties")
    extra_check = _validator(additional) if isinstance(additional, Mapping) else None
    if extra_check is not None and properties:
        # The list-type walk visits properties through additionalProperties too: rare, exact.
        return _reference_check(schema)
    forbid_extra = additional is False
    min_props, max_props = schema.get("minProperties"), schema.get("maxProperties")
    prop_items = tuple(checks.items())

    def check(data: dict[str, Any]) -> bool:
        if min_props is not None and len(data) < min_props:
            return False
        if max_props is not None and len(data) > max_props:
            return False
        if forbid_extra or extra_check is not None:
            for key, value in data.items():
                if key not in checks and (
                        forbid_extra or not extra_check(value)):   # type: ignore[misc]
                    return False
        for name, sub in prop_items:
            if name in data and not sub(data[name]):
                return False
        return all(name in data for name in required)

    return check


# -- pruning --------------------------------------------------------------------------------

def _root_pruner(schema: Mapping[str, Any]) -> Check:
    """True when ``reference.prune(schema, obj)`` would change nothing."""
    root = dict(schema or {})
    root["x-kubernetes-embedded-resource"] = True
    keeps = _pruner(root)
    no_nulls = _null_pruner(schema)
    meta_fields = reference._OBJECT_META_FIELDS

    def check(obj: dict[str, Any]) -> bool:
        meta = obj.get("metadata")
        if isinstance(meta, dict):
            for key, value in meta.items():
                if key not in meta_fields:
                    return False
                if key in ("ownerReferences", "managedFields") and type(value) is list:
                    allowed = reference._OWNER_REFERENCE_FIELDS if key == "ownerReferences" \
                        else reference._MANAGED_FIELDS_FIELDS
                    for entry in value:
                        if isinstance(entry, dict) and not entry.keys() <= allowed:
                            return False
        return keeps(obj) and no_nulls(obj)

    return check


def _keeps_without_schema(value: Any) -> bool:
    """``reference._prune`` with no schema drops every key of every object."""
    if type(value) is dict:
        return not value
    if type(value) is list:
        return all(_keeps_without_schema(item) for item in value)
    return not isinstance(value, Mapping)


def _pruner(schema: Mapping[str, Any] | None) -> Check:
    """True when ``reference._prune`` would drop nothing from a value under ``schema``."""
    if schema is None:
        return _keeps_without_schema
    return _object_pruner(schema, keep_unknown=bool(
        schema.get("x-kubernetes-preserve-unknown-fields")))


def _always(value: Any) -> bool:
    return True


def _object_pruner(schema: Mapping[str, Any], *, keep_unknown: bool) -> Check:
    """``reference._prune`` (unknown fields go) or, with ``keep_unknown``, ``_skip_prune``
    (x-kubernetes-preserve-unknown-fields: they stay, known ones are pruned below)."""
    embedded = bool(schema.get("x-kubernetes-embedded-resource"))
    properties = schema.get("properties") or {}
    subs = {key: _pruner(sub) for key, sub in properties.items()}
    additional = schema.get("additionalProperties")
    items = schema.get("items")
    extra: Check | None
    if keep_unknown:
        extra = _pruner(additional) if isinstance(additional, Mapping) else None
        item_check = _object_pruner(items, keep_unknown=True) if isinstance(items, Mapping) \
            else _always
    else:
        open_ended = additional is not None and additional is not False
        extra = _pruner(additional if isinstance(additional, Mapping) else None) \
            if open_ended else None
        item_check = _pruner(items if isinstance(items, Mapping) else None)
    meta_fields = reference._META_FIELDS

    def check(value: Any) -> bool:
        if type(value) is dict:
            for key, sub_value in value.items():
                if embedded and key in meta_fields:
                    continue
                sub = subs.get(key)
                if sub is None:
                    if extra is None:
                        if keep_unknown:
                            continue
                        return False   # an unknown field
                    sub = extra
                if type(sub_value) not in _SCALARS and not sub(sub_value):
                    return False
            return True
        if type(value) is list:
            return all(item_check(item) for item in value)
        return not isinstance(value, Mapping | list)   # other mapping types: be careful

    return check


def _null_pruner(schema: Mapping[str, Any] | None) -> Check:
    """True when ``reference._prune_nulls`` would drop no null under ``schema``."""
    if schema is None:
        return lambda value: True   # without a schema no null is dropped, at any depth
    properties = schema.get("properties") or {}
    additional = schema.get("additionalProperties")
    extra_schema = additional if isinstance(additional, Mapping) else None
    subs = {key: (_null_pruner(sub), _drops_null(sub)) for key, sub in properties.items()}
    extra = (_null_pruner(extra_schema), _drops_null(extra_schema))
    items = schema.get("items")
    item_check = _null_pruner(items if isinstance(items, Mapping) else None)

    def check(value: Any) -> bool:
        if type(value) is dict:
            for key, sub_value in value.items():
                if type(sub_value) in _SCALARS:
                    continue   # nothing below a scalar to drop
                sub_check, drops = subs.get(key, extra)
                if sub_value is None:
                    if drops:
                        return False
                elif not sub_check(sub_value):
                    return False
            return True
        if type(value) is list:
            return all(item_check(item) for item in value)
        return not isinstance(value, Mapping | list)

    return check


def _drops_null(schema: Mapping[str, Any] | None) -> bool:
    return schema is not None and not schema.get("nullable") and "default" not in schema


# -- defaulting -----------------------------------------------------------------------------

def _has_defaults(schema: Any) -> bool:
    """Whether ``reference.apply_defaults`` could ever change anything under ``schema``."""
    if not isinstance(schema, Mapping):
        return False
    if "default" in schema:
        return True
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and any(_has_defaults(s) for s in properties.values()):
        return True
    return _has_defaults(schema.get("additionalProperties")) or _has_defaults(
        schema.get("items"))
