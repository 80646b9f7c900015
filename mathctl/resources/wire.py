"""One declaration per model field, read three ways: CRD schema, wire dict, typed model.

Every field of the Number/Tuple/Fermat models (``number``, ``tuple``, ``fermat``, ``conditions``,
``meta``) carries a ``Wire`` in its dataclass metadata: its camelCase JSON name, a description
(which becomes ``kubectl explain`` text), whether it is required, and its bounds. From that single
declaration this module derives

- ``schema_of(cls)`` — the OpenAPI v3 schema that ``crdgen`` writes into ``crds/*.yaml``,
- ``to_wire(obj)`` — the JSON-ready dict the controllers send to the API server,
- ``from_wire(cls, data)`` — a typed, frozen model from what the API server (or a learner's
  YAML) says, or a ``WireError`` naming the field, what is wrong and how to fix it.

So a field cannot be renamed, retyped or rebounded in one place and forgotten in another: the
test in ``tests/resources/test_crdgen.py`` fails until ``crds/`` is regenerated.

Supported field types are the ones the three kinds need: ``int`` (int64 unless the field says
``format="int32"``), ``bool``, ``str``, ``datetime`` (RFC 3339 on the wire), ``tuple[T, ...]``
(a JSON list), ``Mapping[str, T]`` (a JSON object with free keys, such as annotations), nested
dataclasses (JSON objects with fixed fields), and ``T | None`` (optional: absent or null).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from mathctl.resources.limits import INT32_MAX, INT64_MAX, INT64_MIN

T = TypeVar("T")

_INT_RANGES = {"int64": (INT64_MIN, INT64_MAX), "int32": (-(2**31), INT32_MAX)}
_CONSTRAINTS = (
    "minimum", "maximum", "minLength", "maxLength", "pattern", "enum", "minItems", "maxItems",
    "default",
)


@dataclass(frozen=True)
class Wire:
    """How one model field appears on the wire and in the CRD schema."""

    name: str
    description: str
    required: bool = False
    format: str | None = None
    constraints: tuple[tuple[str, Any], ...] = ()
    list_type: str | None = None
    list_map_keys: tuple[str, ...] = ()
    example: str | None = None
    omit_empty: bool = False

    def constraint(self, key: str) -> Any:
        return dict(self.constraints).get(key)


def wire(
    name: str,
    description: str,
    *,
    required: bool = False,
    format: str | None = None,
    list_type: str | None = None,
    list_map_keys: Sequence[str] = (),
    example: str | None = None,
    omit_empty: bool = False,
    **constraints: Any,
) -> dict[str, Wire]:
    """Metadata for ``dataclasses.field(metadata=...)``: ``constraints`` are OpenAPI keywords
    (``minimum``, ``maximum``, ``minItems``, ``maxItems``, ``minLength``, ``maxLength``,
    ``pattern``, ``enum``, and ``default``, which the API server fills in when the field is
    absent — give the dataclass field the same default); ``example`` is quoted in error
    messages as the fix; an empty list in an ``omit_empty`` field is left out of ``to_wire``
    (by default ``[]`` is written, so a status that found nothing says so)."""
    unknown = set(constraints) - set(_CONSTRAINTS)
    if unknown:
        raise TypeError(f"unknown schema constraint(s) {sorted(unknown)}; known: {_CONSTRAINTS}")
    return {
        "wire": Wire(
            name=name,
            description=description,
            required=required,
            format=format,
            constraints=tuple(constraints.items()),
            list_type=list_type,
            list_map_keys=tuple(list_map_keys),
            example=example,
            omit_empty=omit_empty,
        )
    }


class WireError(ValueError):
    """A value does not fit the model; the message names the field and says how to fix it."""

    def __init__(self, path: str, problem: str, fix: str) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}. Fix: {fix}")


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC at second precision, the way ``metav1.Time`` is written."""
    if value.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone; use datetime.now(UTC) or attach tzinfo")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (``2024-05-01T12:00:00Z``) into an aware UTC datetime."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone (RFC 3339 needs 'Z' or an offset)")
    return parsed.astimezone(UTC)


# --- introspection ---------------------------------------------------------------------------


@functools.cache
def wire_fields(cls: type) -> tuple[tuple[dataclasses.Field[Any], Wire, Any], ...]:
    """``(field, Wire, resolved type)`` for every wire field of dataclass ``cls``, in order.
    Cached: resolving type hints is the slow part of parsing, and classes do not change."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        meta = f.metadata.get("wire")
        if isinstance(meta, Wire):
            out.append((f, meta, _literal_as_str(hints[f.name])))
    return tuple(out)


def _literal_as_str(tp: Any) -> Any:
    """``Literal["True", "False"]`` is a string on the wire (its values go in ``enum=``)."""
    inner, optional = unwrap_optional(tp)
    if optional:
        return _literal_as_str(inner) | None
    if typing.get_origin(tp) is typing.Literal:
        if not all(isinstance(a, str) for a in typing.get_args(tp)):
            raise TypeError(f"only string literals are supported, not {tp}")
        return str
    return tp


def unwrap_optional(tp: Any) -> tuple[Any, bool]:
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"only `T | None` unions are supported, not {tp}")
        return args[0], True
    return tp, False


def value_type(tp: Any) -> Any | None:
    """``T`` for ``Mapping[str, T]`` (a free-keyed JSON object), else ``None``."""
    if typing.get_origin(tp) in (Mapping, dict):
        key, value = typing.get_args(tp)
        if key is not str:
            raise TypeError(f"JSON object keys are strings: use Mapping[str, T], not {tp}")
        return value
    return None


def item_type(tp: Any) -> Any | None:
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
        raise TypeError(f"use tuple[T, ...] for lists, not {tp}")
    return None


# --- schema ----------------------------------------------------------------------------------


def schema_of(cls: type, description: str | None = None) -> dict[str, Any]:
    """The structural OpenAPI v3 object schema of dataclass ``cls`` (see module docstring)."""
    schema: dict[str, Any] = {}
    if description:
        schema["description"] = description
    schema["type"] = "object"
    properties: dict[str, Any] = {}
    required: list[str] = []
    for _f, w, tp in wire_fields(cls):
        properties[w.name] = _field_schema(tp, w)
        if w.required:
            required.append(w.name)
    schema["properties"] = properties
    if required:
        schema["required"] = required
    return schema


def _field_schema(tp: Any, w: Wire) -> dict[str, Any]:
    schema = _field_schema_without_default(tp, w)
    if "default" in dict(w.constraints):
        schema["default"] = _value_to_wire(w.constraint("default"), nulls=False)
    return schema


def _field_schema_without_default(tp: Any, w: Wire) -> dict[str, Any]:
    tp, _optional = unwrap_optional(tp)
    item = item_type(tp)
    if item is not None:
        schema: dict[str, Any] = {"description": w.description, "type": "array"}
        schema["items"] = _type_schema(item, None)
        for key in ("minItems", "maxItems"):
            if w.constraint(key) is not None:
                schema[key] = w.constraint(key)
        schema["x-kubernetes-list-type"] = w.list_type or "atomic"
        if w.list_map_keys:
            schema["x-kubernetes-list-map-keys"] = list(w.list_map_keys)
        return schema
    if dataclasses.is_dataclass(tp):
        return schema_of(tp, w.description)  # type: ignore[arg-type]
    value = value_type(tp)
    if value is not None:
        return {"description": w.description, "type": "object",
                "additionalProperties": _type_schema(value, None)}
    schema = {"description": w.description, **_type_schema(tp, w)}
    return schema


def _type_schema(tp: Any, w: Wire | None) -> dict[str, Any]:
    if dataclasses.is_dataclass(tp):
        return schema_of(tp)  # type: ignore[arg-type]
    schema: dict[str, Any]
    if tp is bool:
        schema = {"type": "boolean"}
    elif tp is int:
        schema = {"type": "integer", "format": (w.format if w and w.format else "int64")}
    elif tp is str:
        schema = {"type": "string"}
    elif tp is datetime:
        schema = {"type": "string", "format": "date-time"}
    else:
        raise TypeError(f"no wire mapping for type {tp!r}")
    if w is not None:
        for key, value in w.constraints:
            if key not in ("minItems", "maxItems", "default"):
                schema[key] = list(value) if key == "enum" else value
    return schema


# --- model -> wire ---------------------------------------------------------------------------


def to_wire(obj: Any, *, nulls: bool = False) -> dict[str, Any]:
    """The JSON-ready dict of model ``obj``. Unset optional fields are left out — or, with
    ``nulls=True``, written as ``null``, which a JSON merge patch needs to *clear* a field that
    an earlier write had set."""
    out: dict[str, Any] = {}
    for f, w, _tp in wire_fields(type(obj)):
        value = getattr(obj, f.name)
        if value is None:
            if nulls:
                out[w.name] = None
            continue
        if w.omit_empty and value == () and not nulls:
            continue
        out[w.name] = _value_to_wire(value, nulls)
    return out


def _value_to_wire(value: Any, nulls: bool) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_wire(value, nulls=nulls)
    if isinstance(value, tuple):
        return [_value_to_wire(v, nulls) for v in value]
    if isinstance(value, Mapping):
        return {k: _value_to_wire(v, nulls) for k, v in value.items()}
    if isinstance(value, datetime):
        return format_time(value)
    return value


# --- wire -> model ---------------------------------------------------------------------------

_KIND_WORDS = {bool: "true or false", int: "an integer", str: "a string", datetime: "a timestamp"}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{value!r} (a boolean)"
    if isinstance(value, str):
        return f"{value!r} (a string)"
    if isinstance(value, int):
        return f"{value} (an integer)"
    if isinstance(value, float):
        return f"{value!r} (a number with a fraction or exponent)"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    if value is None:
        return "null"
    return f"{value!r} ({type(value).__name__})"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def from_wire(cls: type[T], data: Any, path: str = "") -> T:
    """Build dataclass ``cls`` from ``data`` (a dict from JSON/YAML), checking every type and
    bound the CRD schema declares. Unknown keys are ignored, as the API server prunes them."""
    where = path or cls.__name__
    if not isinstance(data, Mapping):
        raise WireError(where, f"must be an object (a YAML mapping), got {_describe(data)}",
                        f"write `{path.rsplit('.', 1)[-1] or 'it'}:` followed by indented "
                        "`key: value` lines")
    kwargs: dict[str, Any] = {}
    for f, w, tp in wire_fields(cls):
        fpath = _join(path, w.name)
        inner, optional = unwrap_optional(tp)
        if w.name not in data or data[w.name] is None:
            if w.required:
                example = f"`{w.name}: {w.example}`" if w.example else f"`{w.name}: ...`"
                raise WireError(fpath, "is required but missing",
                                f"add {example} under `{path or cls.__name__}`")
            if not optional and f.default is dataclasses.MISSING and (
                    f.default_factory is dataclasses.MISSING):
                raise TypeError(f"{cls.__name__}.{f.name} is neither required nor defaulted")
            continue
        kwargs[f.name] = _value_from_wire(inner, w, data[w.name], fpath)
    try:
        return cls(**kwargs)
    except WireError:
        raise
    except ValueError as exc:  # a model's own __post_init__ check
        raise WireError(where, str(exc), "correct the value named above") from exc


def _value_from_wire(tp: Any, w: Wire, value: Any, path: str) -> Any:
    item = item_type(tp)
    if item is not None:
        return _list_from_wire(item, w, value, path)
    if dataclasses.is_dataclass(tp):
        return from_wire(tp, value, path)  # type: ignore[arg-type]
    mapped = value_type(tp)
    if mapped is not None:
        if not isinstance(value, Mapping):
            raise WireError(path, f"must be an object (key: value pairs), got {_describe(value)}",
                            f"write `{w.name}:` followed by indented `key: value` lines")
        return {k: _scalar_from_wire(mapped, None, v, f"{path}[{k}]") for k, v in value.items()}
    return _scalar_from_wire(tp, w, value, path)


def _list_from_wire(item: Any, w: Wire, value: Any, path: str) -> tuple[Any, ...]:
    example = f"`{w.name}: {w.example}`" if w.example else "a YAML list `[a, b, ...]`"
    if not isinstance(value, list | tuple):
        raise WireError(path, f"must be a list, got {_describe(value)}", f"write {example}")
    low, high = w.constraint("minItems"), w.constraint("maxItems")
    if low is not None and len(value) < low:
        raise WireError(path, f"must have at least {low} item(s), got {len(value)}",
                        f"give {low} or more, e.g. {example}")
    if high is not None and len(value) > high:
        raise WireError(path, f"must have at most {high} items, got {len(value)}",
                        f"split the list over several objects of at most {high} items each")
    items = tuple(
        from_wire(item, v, f"{path}[{i}]") if dataclasses.is_dataclass(item)
        else _scalar_from_wire(item, None, v, f"{path}[{i}]")
        for i, v in enumerate(value)
    )
    if w.list_type == "map":
        seen: set[tuple[Any, ...]] = set()
        for i, v in enumerate(items):
            key = tuple(getattr(v, k) for k in _attr_names(item, w.list_map_keys))
            if key in seen:
                raise WireError(f"{path}[{i}]", f"duplicates the entry with key {key!r}",
                                f"keep one entry per {'/'.join(w.list_map_keys)}")
            seen.add(key)
    elif w.list_type == "set" and len(set(items)) != len(items):
        raise WireError(path, "must not contain duplicates", "remove the repeated values")
    return items


def _attr_names(cls: Any, wire_names: Sequence[str]) -> list[str]:
    by_wire = {w.name: f.name for f, w, _tp in wire_fields(cls)}
    return [by_wire[n] for n in wire_names]


def _scalar_from_wire(tp: Any, w: Wire | None, value: Any, path: str) -> Any:
    example = f", e.g. `{w.name}: {w.example}`" if w and w.example else ""
    if tp is bool:
        if not isinstance(value, bool):
            raise WireError(path, f"must be true or false, got {_describe(value)}",
                            "write true or false without quotes")
        return value
    if tp is int:
        return _int_from_wire(w, value, path, example)
    if tp is str:
        if not isinstance(value, str):
            raise WireError(path, f"must be a string, got {_describe(value)}",
                            "put the value in quotes")
        _check_string(w, value, path)
        return value
    if tp is datetime:
        try:
            return parse_time(value) if isinstance(value, str) else _not_a_time(value)
        except ValueError as exc:
            raise WireError(path, f"must be an RFC 3339 timestamp: {exc}",
                            "write it like 2024-05-01T12:00:00Z") from exc
    raise TypeError(f"no wire mapping for type {tp!r}")


def _not_a_time(value: Any) -> datetime:
    raise ValueError(f"got {_describe(value)}")


def _int_from_wire(w: Wire | None, value: Any, path: str, example: str) -> int:
    fmt = (w.format if w and w.format else "int64")
    if isinstance(value, bool) or not isinstance(value, int):
        raise WireError(path, f"must be an integer ({fmt}), got {_describe(value)}",
                        f"write a whole number without quotes{example}")
    low, high = _INT_RANGES[fmt]
    if w is not None:
        low = max(low, w.constraint("minimum") if w.constraint("minimum") is not None else low)
        high = min(high, w.constraint("maximum") if w.constraint("maximum") is not None else high)
    if not low <= value <= high:
        raise WireError(path, f"must be between {low} and {high} ({fmt}), got {value}",
                        f"use a whole number from {low} to {high}")
    return value


def _check_string(w: Wire | None, value: str, path: str) -> None:
    if w is None:
        return
    enum = w.constraint("enum")
    if enum is not None and value not in enum:
        raise WireError(path, f"must be one of {', '.join(enum)}, got {value!r}",
                        f"use one of {', '.join(enum)} (case matters)")
    low, high = w.constraint("minLength"), w.constraint("maxLength")
    if low is not None and len(value) < low:
        raise WireError(path, f"must have at least {low} character(s)", "give a non-empty value")
    if high is not None and len(value) > high:
        raise WireError(path, f"must have at most {high} characters, got {len(value)}",
                        f"shorten it to {high} characters or fewer")
    pattern = w.constraint("pattern")
    if pattern is not None and not re.search(pattern, value):
        raise WireError(path, f"{value!r} does not match the pattern {pattern}",
                        "see `kubectl explain` for the field's expected shape")
