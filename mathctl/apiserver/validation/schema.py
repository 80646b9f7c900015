"""What a valid custom resource is: openAPIV3Schema validation, pruning, defaulting, CRD checks.

The embedded API server (``mathctl.apiserver``) calls these pure functions on every write so
that a learner sees exactly what a real kube-apiserver v1.28 answers: the same ``422 Invalid``
causes, the same field paths and the same sentences. The notebooks' "schema violation" lesson
and ``mathctl apply`` of the invalid samples show these messages.

Each behaviour follows the Kubernetes source named in its comment:

* ``validate`` — ``k8s.io/kube-openapi/pkg/validation/validate`` (the validators and their
  order), ``.../validation/errors/schema.go`` (the sentences) and
  ``apiextensions-apiserver/pkg/apiserver/validation/validation.go``
  (``kubeOpenAPIResultToFieldErrors``: which openapi error becomes which field error). Note that
  kube strips every ``format`` it does not know (``formats.go``), which includes ``int32`` and
  ``int64``: a ``format: int64`` field therefore has no range check of its own, and a number
  beyond int64 fails as ``must be of type integer: "number"`` (JSON decoding made it a float).
* ``prune`` — ``apiserver/schema/pruning/algorithm.go`` plus ``objectmeta/coerce.go`` (unknown
  ``metadata`` fields) and ``defaulting/prunenulls.go``.
* ``apply_defaults`` — ``apiserver/schema/defaulting/algorithm.go``.
* ``structural_errors`` — ``apiserver/schema/validation.go`` and ``complete.go``.
* ``validate_crd`` — the essentials of ``apis/apiextensions/validation/validation.go``.
* ``validate_object_meta`` — ``apimachinery/pkg/api/validation/objectmeta.go``.

A ``FieldError`` renders like Go's ``field.Error``: ``str(err)`` is ``Error()`` (used in the
Status message), ``err.message`` is ``ErrorBody()`` (used in ``details.causes[].message``).
"""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import ipaddress
import json
import math
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mathctl.apiserver.registry.meta import TOTAL_ANNOTATION_SIZE_LIMIT, annotations_size

__all__ = [
    "FieldError",
    "aggregate",
    "apply_crd_defaults",
    "apply_defaults",
    "go_json",
    "go_quote",
    "go_type",
    "go_value",
    "list_type_errors",
    "prune",
    "structural_errors",
    "validate",
    "validate_crd",
    "validate_object_meta",
    "validate_object_meta_update",
]

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
_MAX_JSON_FLOAT = float((1 << 53) - 1)  # go-openapi/swag/convert.go

# field.ErrorType → the words ErrorType.String() prints.
_TYPE_WORDS = {
    "FieldValueNotFound": "Not found",
    "FieldValueRequired": "Required value",
    "FieldValueDuplicate": "Duplicate value",
    "FieldValueInvalid": "Invalid value",
    "FieldValueNotSupported": "Unsupported value",
    "FieldValueForbidden": "Forbidden",
    "FieldValueTooLong": "Too long",
    "FieldValueTooMany": "Too many",
    "InternalError": "Internal error",
    "FieldValueTypeInvalid": "Invalid value",
}
# Types whose ErrorBody never shows the bad value (field/errors.go ErrorBody).
_NO_VALUE_TYPES = {
    "FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "InternalError",
}


class _Omit:
    """Go's ``field.omitValue``: a bad value that is never printed."""

    def __repr__(self) -> str:
        return "<omitted>"


OMIT = _Omit()


# --- Go formatting, so messages match byte for byte ------------------------------------------


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote`` / ``%q``: double quotes, Go escapes, printable unicode kept."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x80 or ch.isprintable():
            out.append(ch)
        elif code > 0xFFFF:
            out.append(f"\\U{code:08x}")
        else:
            out.append(f"\\u{code:04x}")
    out.append('"')
    return "".join(out)


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\v": "\\v"}


def go_float(value: float) -> str:
    """Go's ``%v`` for a float64: shortest digits, exponent form below 1e-4 and from 1e6."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    digits, exp = _shortest_digits(value)
    sign = "-" if value < 0 else ""
    # strconv.FormatFloat(f, 'g', -1, 64) as %v uses it: %e when exp < -4 || exp >= 6
    # (checked with Go: 999999 → "999999", 1234567 → "1.234567e+06").
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp >= len(digits) - 1:
        return sign + digits + "0" * (exp - len(digits) + 1)
    if exp >= 0:
        return sign + digits[: exp + 1] + "." + digits[exp + 1 :]
    return sign + "0." + "0" * (-exp - 1) + digits


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest round-tripping decimal digits of |value| and its decimal exponent."""
    mantissa, _, exponent = f"{abs(value):.17e}".partition("e")
    text = repr(abs(value))
    if "e" in text or "E" in text:
        mant, _, ex = text.lower().partition("e")
        digits = mant.replace(".", "").lstrip("0")
        point = mant.find(".")
        intlen = point if point >= 0 else len(mant)
        exp = int(ex) + intlen - 1
    else:
        intpart, _, frac = text.partition(".")
        if intpart.strip("0"):
            exp = len(intpart.lstrip("0")) - 1
            digits = (intpart.lstrip("0") + frac)
        else:
            stripped = frac.lstrip("0")
            exp = -(len(frac) - len(stripped)) - 1
            digits = stripped
    del mantissa, exponent
    digits = digits.rstrip("0") or "0"
    return digits, exp


def go_value(value: Any, *, sharp: bool = False) -> str:
    """Go's ``%v`` (or ``%#v`` with ``sharp``) of a value decoded from JSON (unstructured)."""
    if value is None:
        return "interface {}(nil)" if sharp else "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value) if sharp else value
    if isinstance(value, Mapping):
        items = sorted(value.items())
        if sharp:
            inner = ", ".join(f"{go_quote(k)}:{go_value(v, sharp=True)}" for k, v in items)
            return "map[string]interface {}{" + inner + "}"
        return "map[" + " ".join(f"{k}:{go_value(v)}" for k, v in items) + "]"
    if isinstance(value, list | tuple):
        if sharp:
            return "[]interface {}{" + ", ".join(go_value(v, sharp=True) for v in value) + "}"
        return "[" + " ".join(go_value(v) for v in value) + "]"
    return str(value)


def go_json(value: Any) -> str:
    """Go's ``json.Marshal`` of a decoded JSON value: sorted keys, no spaces, whole floats
    without ``.0``, and its default HTML-safe escaping."""
    text = json.dumps(_whole_floats_as_ints(value), separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False, default=str)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _whole_floats_as_ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, Mapping):
        return {k: _whole_floats_as_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_floats_as_ints(v) for v in value]
    return value


def go_type(value: Any) -> str:
    """Go's ``%T`` of a value decoded from JSON into ``interface{}``."""
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "<nil>"


def _error_body(reason: str, bad_value: Any, detail: str) -> str:
    """``field.Error.ErrorBody()`` (apimachinery/pkg/util/validation/field/errors.go)."""
    words = _TYPE_WORDS[reason]
    if reason in _NO_VALUE_TYPES or bad_value is OMIT:
        body = words
    else:
        value = "null" if bad_value is None else bad_value
        if isinstance(value, _GoDump):
            body = f"{words}: {value}"
        elif isinstance(value, str):
            body = f"{words}: {go_quote(value)}"
        elif isinstance(value, bool | int | float):
            body = f"{words}: {go_value(value)}"
        else:
            body = f"{words}: {go_value(value, sharp=True)}"
    if detail:
        body += f": {detail}"
    return body


@dataclass(frozen=True)
class FieldError:
    """One ``field.Error``: ``reason`` is the ``metav1.CauseType``, ``message`` its ErrorBody()."""

    reason: str
    field: str
    message: str
    bad_value: object = field(default=None, compare=False)

    @classmethod
    def make(cls, reason: str, path: str, bad_value: Any = "", detail: str = "") -> FieldError:
        return cls(reason, path, _error_body(reason, bad_value, detail), bad_value)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

    def cause(self) -> dict[str, str]:
        """The ``details.causes[]`` entry ``apierrors.NewInvalid`` builds from this error."""
        return {"reason": self.reason, "message": self.message, "field": self.field}


def aggregate(errors: list[FieldError]) -> str:
    """``ErrorList.ToAggregate().Error()``: duplicates dropped, ``[a, b]`` when more than one."""
    seen: list[str] = []
    for err in errors:
        text = str(err)
        if text not in seen:
            seen.append(text)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


def _required(path: str, detail: str = "") -> FieldError:
    return FieldError.make("FieldValueRequired", path, "", detail)


def _invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError.make("FieldValueInvalid", path, value, detail)


def _forbidden(path: str, detail: str) -> FieldError:
    return FieldError.make("FieldValueForbidden", path, "", detail)


def _not_supported(path: str, value: Any, valid: list[str]) -> FieldError:
    detail = "supported values: " + ", ".join(go_quote(v) for v in valid) if valid else ""
    return FieldError.make("FieldValueNotSupported", path, value, detail)


def _too_many(path: str, actual: int, maximum: int) -> FieldError:
    detail = f"must have at most {maximum} items" if maximum >= 0 else "has too many items"
    return FieldError.make("FieldValueTooMany", path, actual if actual >= 0 else OMIT, detail)


# --- openAPIV3Schema validation (kube-openapi) -------------------------------------------------

# Formats kube keeps (apiextensions-apiserver/pkg/apiserver/validation/formats.go); every other
# format, int32/int64/float/double included, is stripped before validation.
_SUPPORTED_FORMATS = frozenset({
    "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3",
    "uuid4", "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor",
    "byte", "password", "date", "duration", "datetime",
})


def _kept_format(schema: Mapping[str, Any]) -> str:
    fmt = schema.get("format") or ""
    return fmt if fmt.replace("-", "") in _SUPPORTED_FORMATS else ""


def _go_kind(value: Any) -> tuple[str, str, Any]:
    """(JSON type, go-openapi format, the value as Go's JSON decoding holds it)."""
    if isinstance(value, bool):
        return "boolean", "", value
    if isinstance(value, int):
        if INT64_MIN <= value <= INT64_MAX:
            return "integer", "int64", value
        return "number", "float64", float(value)  # json.Number → Int64 fails → Float64
    if isinstance(value, float):
        return "number", "float64", value
    if isinstance(value, str):
        return "string", "", value
    if isinstance(value, list):
        return "array", "", value
    if isinstance(value, Mapping):
        return "object", "", value
    return "", "", value


def _is_json_integer(value: float) -> bool:
    """go-openapi ``swag.IsFloat64AJSONInteger``."""
    if math.isnan(value) or math.isinf(value) or abs(value) > _MAX_JSON_FLOAT:
        return False
    if value == math.trunc(value):
        return True
    g = float(math.trunc(value)) if value >= 0 else 0.0
    diff = abs(value - g)
    if value == 0 or g == 0 or diff < 5e-324:
        return diff < 1e-9 * 5e-324
    return diff / min(abs(value) + abs(g), 1.7976931348623157e308) < 1e-9


def _go_int64(value: float) -> int:
    """Go's ``int64(f)`` on amd64: truncation, and the 'integer indefinite' value on overflow."""
    if math.isnan(value) or value >= 2.0**63 or value < -(2.0**63):
        return INT64_MIN
    return int(value)


def _schema_types(schema: Mapping[str, Any]) -> list[str]:
    if schema.get("x-kubernetes-int-or-string"):
        return ["integer", "string"]
    kind = schema.get("type")
    return [kind] if kind else []


class _Err:
    """An error of kube-openapi before it becomes a field error."""

    __slots__ = ("code", "message", "name", "valid", "value", "values")

    def __init__(self, code: str, name: str | None, message: str, value: Any = None,
                 valid: Any = None, values: list[Any] | None = None) -> None:
        self.code = code  # "required", "enum", "toolong", "maxitems", "maxprops", "type", …
        self.name = name  # None for composite (non-Validation) errors
        self.message = message
        self.value = value
        self.valid = valid
        self.values = values


def _type_err(path: str, type_name: str, value: Any) -> _Err:
    if isinstance(value, str):
        message = f"{path} in body must be of type {type_name}: {go_quote(value)}"
    else:
        message = f"{path} in body must be of type {type_name}"
    return _Err("type", path, message, value)


class _Validator:
    """One pass of kube-openapi's SchemaValidator over a value."""

    def __init__(self) -> None:
        self.errors: list[_Err] = []

    def run(self, schema: Mapping[str, Any], data: Any, path: str) -> None:
        errors = self.errors
        types = _schema_types(schema)
        fmt = _kept_format(schema)
        if data is None:
            if types and "null" not in types and not schema.get("nullable"):
                errors.append(_type_err(path, ",".join(types), "null"))
            self._enum(schema, data, path)
            return
        sch_type, data_fmt, data = _go_kind(data)
        # typeValidator (validate/type.go)
        if types or fmt:
            self._type(types, fmt, sch_type, data_fmt, data, path)
        # schemaPropsValidator: allOf / anyOf / oneOf / not
        if "allOf" in schema or "anyOf" in schema or "oneOf" in schema or "not" in schema:
            self._schema_props(schema, data, path)
        if sch_type == "string":
            self._string(schema, data, path)
            if fmt:
                self._format(fmt, data, path)
        elif sch_type in ("integer", "number"):
            self._number(schema, data, path)
        elif sch_type == "array":
            self._slice(schema, data, path)
        self._enum(schema, data, path)
        if sch_type == "object":
            self._object(schema, data, path)

    def _type(self, types: list[str], fmt: str, sch_type: str, data_fmt: str, data: Any,
              path: str) -> None:
        is_float_int = sch_type == "number" and "integer" in types and _is_json_integer(data)
        is_int_float = sch_type == "integer" and "number" in types
        non_string = sch_type not in ("string", "array")
        if non_string and fmt and not (
            sch_type in types or data_fmt == fmt or is_float_int or is_int_float
        ):
            self.errors.append(_type_err(path, fmt, data_fmt))
            return
        if not ("number" in types or "integer" in types) and fmt and not non_string:
            return
        if not (sch_type in types or is_float_int or is_int_float):
            self.errors.append(_type_err(path, ",".join(types), sch_type))

    def _string(self, schema: Mapping[str, Any], data: str, path: str) -> None:
        # validate/values.go: the first failing check wins.
        max_length = schema.get("maxLength")
        if max_length is not None and len(data) > max_length:
            self.errors.append(_Err("toolong", path,
                                    f"{path} in body should be at most {max_length} chars long",
                                    data, int(max_length)))
            return
        min_length = schema.get("minLength")
        if min_length is not None and len(data) < min_length:
            self.errors.append(_Err("invalid", path,
                                    f"{path} in body should be at least {min_length} chars long",
                                    data))
            return
        pattern = schema.get("pattern")
        if pattern:
            try:
                matched = _compile(pattern).search(data) is not None
                shown = pattern
            except re.error as exc:
                matched, shown = False, f"{pattern}, but pattern is invalid: {exc}"
            if not matched:
                self.errors.append(_Err("invalid", path, f"{path} in body should match '{shown}'",
                                        data))

    def _format(self, fmt: str, data: str, path: str) -> None:
        check = _FORMAT_CHECKS.get(fmt.replace("-", ""))
        if check is not None and not check(data):
            self.errors.append(_type_err(path, fmt, data))

    def _number(self, schema: Mapping[str, Any], data: int | float, path: str) -> None:
        is_int = isinstance(data, int)
        factor = schema.get("multipleOf")
        if factor is not None:
            self._multiple_of(data, float(factor), is_int, path)
        maximum = schema.get("maximum")
        if maximum is not None:
            exclusive = bool(schema.get("exclusiveMaximum"))
            bound: int | float = _go_int64(float(maximum)) if is_int else float(maximum)
            if data > bound or (exclusive and data >= bound):
                words = "less than" if exclusive else "less than or equal to"
                self.errors.append(_Err("invalid", path,
                                        f"{path} in body should be {words} {go_value(bound)}",
                                        data))
        minimum = schema.get("minimum")
        if minimum is not None:
            exclusive = bool(schema.get("exclusiveMinimum"))
            bound = _go_int64(float(minimum)) if is_int else float(minimum)
            if data < bound or (exclusive and data <= bound):
                words = "greater than" if exclusive else "greater than or equal to"
                self.errors.append(_Err("invalid", path,
                                        f"{path} in body should be {words} {go_value(bound)}",
                                        data))

    def _multiple_of(self, data: int | float, factor: float, is_int: bool, path: str) -> None:
        if is_int:
            ifactor = _go_int64(factor)
            if ifactor <= 0:
                self.errors.append(_Err("invalid", path, "factor MultipleOf declared for "
                                        f"{path} must be positive: {ifactor}", ifactor))
            elif int(data) % ifactor != 0:
                self.errors.append(_Err("invalid", path,
                                        f"{path} in body should be a multiple of {ifactor}", data))
            return
        if factor <= 0:
            self.errors.append(_Err("invalid", path, "factor MultipleOf declared for "
                                    f"{path} must be positive: {go_float(factor)}", factor))
            return
        mult = (1 / factor * data) if factor < 1 else (data / factor)
        if not _is_json_integer(mult):
            self.errors.append(_Err("invalid", path,
                                    f"{path} in body should be a multiple of {go_float(factor)}",
                                    data))

    def _slice(self, schema: Mapping[str, Any], data: list[Any], path: str) -> None:
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(data):
                self.run(items, item, f"{path}[{i}]")
        size = len(data)
        min_items = schema.get("minItems")
        if min_items is not None and size < min_items:
            self.errors.append(_Err("invalid", path,
                                    f"{path} in body should have at least {min_items} items", size))
        max_items = schema.get("maxItems")
        if max_items is not None and size > max_items:
            self.errors.append(_Err("maxitems", path,
                                    f"{path} in body should have at most {max_items} items",
                                    size, int(max_items)))
        if schema.get("uniqueItems"):
            for i, item in enumerate(data):
                if any(_deep_equal(item, other) for other in data[:i]):
                    self.errors.append(_Err("invalid", path,
                                            f"{path} in body shouldn't contain duplicates"))
                    break

    def _enum(self, schema: Mapping[str, Any], data: Any, path: str) -> None:
        enum = schema.get("enum")
        if not enum:
            return
        if data is not None and any(_enum_equal(data, allowed) for allowed in enum):
            return
        message = f"{path} in body should be one of {_go_list(enum)}"
        self.errors.append(_Err("enum", path, message, data, values=list(enum)))

    def _object(self, schema: Mapping[str, Any], data: Mapping[str, Any], path: str) -> None:
        errors = self.errors
        size = len(data)
        min_props = schema.get("minProperties")
        if min_props is not None and size < min_props:
            errors.append(_Err("invalid", path,
                               f"{path} in body should have at least {min_props} properties",
                               size))
        max_props = schema.get("maxProperties")
        if max_props is not None and size > max_props:
            errors.append(_Err("maxprops", path,
                               f"{path} in body should have at most {max_props} properties",
                               size, int(max_props)))
        properties: Mapping[str, Any] = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        if additional is False:
            for key in data:
                if key not in properties:
                    errors.append(_Err("invalid", path,
                                       f"{path}.{key} in body is a forbidden property", key))
        elif isinstance(additional, Mapping):
            for key, value in data.items():
                if key not in properties:
                    self.run(additional, value, f"{path}.{key}")
        for name, sub in properties.items():
            if name in data:
                self.run(sub, data[name], f"{path}.{name}" if path else name)
        for name in schema.get("required") or ():
            if name not in data:
                errors.append(_Err("required", f"{path}.{name}",
                                   f"{path}.{name} in body is required"))

    def _schema_props(self, schema: Mapping[str, Any], data: Any, path: str) -> None:
        # validate/schema_props.go. The real validator keeps the failures of the alternative
        # with the most passed checks; this one keeps those of the alternative with the fewest
        # errors, which is the same in the cases CRDs use (int-or-string, simple alternatives).
        any_of = schema.get("anyOf")
        if any_of:
            results = [self._sub(s, data, path) for s in any_of]
            if not any(not r for r in results):
                self.errors.append(_Err("composite", None,
                                        f"{go_quote(path)} must validate at least one schema "
                                        "(anyOf)"))
                self.errors.extend(min(results, key=len))
        one_of = schema.get("oneOf")
        if one_of:
            results = [self._sub(s, data, path) for s in one_of]
            valid = sum(1 for r in results if not r)
            if valid != 1:
                extra = "Found none valid" if valid == 0 else f"Found {valid} valid alternatives"
                self.errors.append(_Err("composite", None,
                                        f"{go_quote(path)} must validate one and only one schema "
                                        f"(oneOf). {extra}"))
                if valid == 0:
                    self.errors.extend(min(results, key=len))
        all_of = schema.get("allOf")
        if all_of:
            results = [self._sub(s, data, path) for s in all_of]
            for r in results:
                self.errors.extend(r)
            passed = sum(1 for r in results if not r)
            if passed != len(all_of):
                extra = ". None validated" if passed == 0 else ""
                self.errors.append(_Err("composite", None,
                                        f"{go_quote(path)} must validate all the schemas "
                                        f"(allOf){extra}"))
        not_schema = schema.get("not")
        if isinstance(not_schema, Mapping) and not self._sub(not_schema, data, path):
            self.errors.append(_Err("composite", None,
                                    f"{go_quote(path)} must not validate the schema (not)"))

    @staticmethod
    def _sub(schema: Mapping[str, Any], data: Any, path: str) -> list[_Err]:
        sub = _Validator()
        sub.run(schema, data, path)
        return sub.errors


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    compiled = _REGEX_CACHE.get(pattern)
    if compiled is None:
        compiled = _REGEX_CACHE[pattern] = re.compile(pattern)
    return compiled


def _go_list(values: list[Any]) -> str:
    """``fmt.Sprintf("%v", []interface{}{…})``."""
    return "[" + " ".join(go_value(v) for v in values) + "]"


def _enum_equal(data: Any, allowed: Any) -> bool:
    """reflect.DeepEqual after Go's ConvertibleTo conversion (validate/validator.go)."""
    data_num = isinstance(data, int | float) and not isinstance(data, bool)
    allowed_num = isinstance(allowed, int | float) and not isinstance(allowed, bool)
    if data_num and allowed_num:
        return float(data) == float(allowed)
    return _deep_equal(data, allowed)


def _deep_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return type(a) is type(b) and a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_deep_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _to_field_error(err: _Err) -> FieldError:
    """``kubeOpenAPIResultToFieldErrors`` with a nil root path, as the CR validator calls it."""
    if err.name is None:
        return _invalid("<nil>", "", err.message)
    name = err.name
    path = name[1:] if name.startswith(".") else name
    if not name or name == ".":
        path = "<nil>"
    value = "" if err.value is None else err.value
    code = err.code
    if code == "required":
        return _required(path)
    if code == "enum":
        valid = [v if isinstance(v, str) else _go_json(v) for v in err.values or ()]
        return _not_supported(path, err.value, valid)
    if code == "toolong":
        maximum = err.valid if isinstance(err.valid, int) else -1
        detail = f"may not be longer than {maximum}" if maximum >= 0 else "value is too long"
        return FieldError.make("FieldValueTooLong", path, value, detail)
    if code in ("maxitems", "maxprops"):
        return _too_many(path, int(err.value), int(err.valid))
    if code == "type":
        return FieldError.make("FieldValueTypeInvalid", path, value, err.message)
    return _invalid(path, value, err.message)


def _go_json(value: Any) -> str:
    """Go's ``json.Marshal`` of a decoded JSON value (floats that are integers print bare)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def validate(schema: Mapping[str, Any], obj: object, *, root: str = "",
             list_types: bool = True) -> list[FieldError]:
    """Validate ``obj`` against an openAPIV3Schema; the errors a CR write gets, in kube's words.

    ``root`` is the openapi path of ``obj`` (kube always passes ""; note that kube validates a
    ``/status`` write against ``properties.status`` with root "", so its causes read
    ``fizzBuzz: …``, not ``status.fizzBuzz: …``). ``list_types`` appends the
    ``x-kubernetes-list-type: set|map`` uniqueness errors (``list_type_errors``), which kube checks
    after the schema. Metadata is not the schema's business: see ``validate_object_meta``.
    """
    validator = _Validator()
    validator.run(schema, obj, root)
    errors = [_to_field_error(e) for e in validator.errors]
    if list_types and isinstance(obj, Mapping):
        errors.extend(list_type_errors(schema, obj, root=root))
    return errors


def list_type_errors(schema: Mapping[str, Any], obj: Mapping[str, Any], *,
                     root: str = "") -> list[FieldError]:
    """Duplicates in ``x-kubernetes-list-type: set`` / ``map`` lists (schema/listtype)."""
    errors: list[FieldError] = []
    _list_types_object(schema, obj, root, errors)
    return errors


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _list_types_object(schema: Mapping[str, Any], obj: Mapping[str, Any], path: str,
                       errors: list[FieldError]) -> None:
    additional = schema.get("additionalProperties")
    if isinstance(additional, Mapping):
        for key, value in obj.items():
            _list_types_value(additional, value, f"{path}[{key}]", errors)
    properties = schema.get("properties") or {}
    for key, value in obj.items():
        sub = properties.get(key)
        if sub is not None:
            _list_types_value(sub, value, _child(path, key), errors)


def _list_types_value(schema: Mapping[str, Any], value: Any, path: str,
                      errors: list[FieldError]) -> None:
    if isinstance(value, list):
        list_type = schema.get("x-kubernetes-list-type")
        if list_type == "set":
            for i in _non_unique(value):
                errors.append(FieldError.make("FieldValueDuplicate", f"{path}[{i}]", value[i]))
        elif list_type == "map":
            errors.extend(_list_map_errors(schema, value, path))
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(value):
                _list_types_value(items, item, f"{path}[{i}]", errors)
    elif isinstance(value, Mapping):
        _list_types_object(schema, value, path, errors)


_UNSPECIFIED = object()


def _set_key(value: Any) -> Any:
    if isinstance(value, Mapping | list):
        return ("compound", _go_json_sorted(value))
    if value is _UNSPECIFIED:
        return ("unspecified",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return (type(value).__name__, value)
    return (type(value).__name__, value)


def _go_json_sorted(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _non_unique(values: list[Any]) -> list[int]:
    """Indices of the second appearance of each repeated value (listtype.validateListSet)."""
    seen: dict[Any, int] = {}
    out: list[int] = []
    for i, value in enumerate(values):
        key = _set_key(value)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            out.append(i)
    return out


def _list_map_errors(schema: Mapping[str, Any], values: list[Any], path: str) -> list[FieldError]:
    for i, item in enumerate(values):
        if item is not None and not isinstance(item, Mapping):
            return [_invalid(f"{path}[{i}]", item,
                             "must be an object for an array of list-type map")]
    if len(values) <= 1:
        return []
    key_fields: list[str] = list(schema.get("x-kubernetes-list-map-keys") or ())
    keys: list[Any] = []
    for item in values:
        if len(key_fields) == 1:
            name = key_fields[0]
            keys.append(item[name] if item is not None and name in item else _UNSPECIFIED)
        else:
            keys.append({k: item[k] for k in key_fields if item is not None and k in item})
    errors = []
    for i in _non_unique(keys):
        if len(key_fields) == 1:
            shown = {} if keys[i] is _UNSPECIFIED else {key_fields[0]: keys[i]}
        else:
            shown = keys[i]
        errors.append(FieldError.make("FieldValueDuplicate", f"{path}[{i}]", shown))
    return errors


# --- string formats kube checks (go-openapi/strfmt default registry) ---------------------------

_HOSTNAME = re.compile(
    r"^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}]"
    r"(([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$"
    .replace(r"\p{S}", "").replace(r"\p{L}", "")
)
_UUID = re.compile(r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
_UUID3 = re.compile(r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
_UUID4 = re.compile(
    r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$")
_UUID5 = re.compile(
    r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$")
_DURATION = re.compile(
    r"^((\d+)\s*(ns|us|µs|ms|s|m|h|d|w)\s*)+$|^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$")
_MAC = re.compile(r"^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{4}\.){2}"
                  r"[0-9A-Fa-f]{4}$")
_HEXCOLOR = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_RGBCOLOR = re.compile(r"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?"
                       r"|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$")
_SSN = re.compile(r"^\d{3}[- ]?\d{2}[- ]?\d{4}$")
_BSON = re.compile(r"^[0-9a-fA-F]{24}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$|^.*<[^@\s<>]+@[^@\s<>]+>$")


def _ok_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _ok_datetime(value: str) -> bool:
    if not _DATETIME.match(value):
        return False
    try:
        _dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _ok_ip(version: int) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        # Go's net.ParseIP accepts an IPv4 address for the ipv6 format too.
        return version == 6 or address.version == 4
    return check


def _ok_cidr(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return "/" in value


def _ok_byte(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except ValueError:
        return False
    return True


def _ok_uri(value: str) -> bool:
    # Go's url.ParseRequestURI: an absolute URI or an absolute path, no fragment.
    if "#" in value or " " in value:
        return False
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:.+", value)) or value.startswith("/")


def _ok_uuid(value: str) -> bool:
    if not _UUID.match(value):
        return False
    uuid.UUID(value.replace("-", ""))
    return True


def _ok_isbn(value: str, lengths: tuple[int, ...] = (10, 13)) -> bool:
    digits = re.sub(r"[\s-]", "", value)
    if len(digits) == 10 and 10 in lengths and re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and 13 in lengths and digits.isdigit():
        total = sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def _ok_creditcard(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return bool(re.fullmatch(
        r"4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}"
        r"|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}", digits))


_FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    "bsonobjectid": lambda v: bool(_BSON.match(v)),
    "uri": _ok_uri,
    "email": lambda v: bool(_EMAIL.match(v)),
    "hostname": lambda v: bool(_HOSTNAME.match(v)),
    "ipv4": _ok_ip(4),
    "ipv6": _ok_ip(6),
    "cidr": _ok_cidr,
    "mac": lambda v: bool(_MAC.match(v)),
    "uuid": _ok_uuid,
    "uuid3": lambda v: bool(_UUID3.match(v)),
    "uuid4": lambda v: bool(_UUID4.match(v)),
    "uuid5": lambda v: bool(_UUID5.match(v)),
    "isbn": _ok_isbn,
    "isbn10": lambda v: _ok_isbn(v, (10,)),
    "isbn13": lambda v: _ok_isbn(v, (13,)),
    "creditcard": _ok_creditcard,
    "ssn": lambda v: bool(_SSN.match(v)),
    "hexcolor": lambda v: bool(_HEXCOLOR.match(v)),
    "rgbcolor": lambda v: bool(_RGBCOLOR.match(v)),
    "byte": _ok_byte,
    "password": lambda v: True,
    "date": _ok_date,
    "duration": lambda v: bool(_DURATION.match(v)),
    "datetime": _ok_datetime,
}


# --- pruning and defaulting --------------------------------------------------------------------

# ObjectMeta's JSON fields, and those of the structs inside it (apimachinery meta/v1/types.go).
_OBJECT_META_FIELDS = frozenset({
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
    "annotations", "ownerReferences", "finalizers", "managedFields",
})
_OWNER_REFERENCE_FIELDS = frozenset({
    "apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion",
})
_MANAGED_FIELDS_FIELDS = frozenset({
    "manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource",
})
_META_FIELDS = frozenset({"apiVersion", "kind", "metadata"})


def prune(schema: Mapping[str, Any] | None, obj: dict[str, Any]) -> list[str]:
    """Drop the fields the schema does not know, in place; return their paths.

    Mirrors the CR decoder (``unstructuredSchemaCoercer.apply``): unknown ``metadata`` fields
    first (``metadata.foo``, in key order, as strict ObjectMeta decoding reports them), then
    the pruned paths sorted (``spec.foo``, ``spec.items[0].bar``), the form the
    ``strict decoding error: unknown field "spec.foo"`` message and the Warn-mode warnings use.
    ``apiVersion``, ``kind`` and ``metadata`` are kept at the root and in
    ``x-kubernetes-embedded-resource`` objects. Finally nulls that the schema neither allows
    (``nullable``) nor defaults are dropped, as kube does before defaulting.
    """
    paths = _prune_metadata(obj)
    pruned: list[str] = []
    root = dict(schema or {})
    root["x-kubernetes-embedded-resource"] = True
    _prune(obj, root, "", pruned)
    paths.extend(sorted(pruned))
    _prune_nulls(obj, schema)
    return paths


def _prune_metadata(obj: dict[str, Any]) -> list[str]:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return []
    unknown: list[str] = []
    for key in sorted(meta):
        if key not in _OBJECT_META_FIELDS:
            unknown.append(f"metadata.{key}")
            del meta[key]
        elif key in ("ownerReferences", "managedFields") and isinstance(meta[key], list):
            allowed = _OWNER_REFERENCE_FIELDS if key == "ownerReferences" else \
                _MANAGED_FIELDS_FIELDS
            for i, entry in enumerate(meta[key]):
                if isinstance(entry, dict):
                    for name in sorted(entry):
                        if name not in allowed:
                            unknown.append(f"metadata.{key}[{i}].{name}")
                            del entry[name]
    return unknown


def _prune(value: Any, schema: Mapping[str, Any] | None, path: str, out: list[str]) -> None:
    if schema is not None and schema.get("x-kubernetes-preserve-unknown-fields"):
        _skip_prune(value, schema, path, out)
        return
    if isinstance(value, dict):
        if schema is None:
            for key in list(value):
                out.append(_child(path, key))
                del value[key]
            return
        embedded = schema.get("x-kubernetes-embedded-resource")
        properties = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        for key in list(value):
            if embedded and key in _META_FIELDS:
                continue
            if key in properties:
                _prune(value[key], properties[key], _child(path, key), out)
            elif additional is not None and additional is not False:
                sub = additional if isinstance(additional, Mapping) else None
                _prune(value[key], sub, _child(path, key), out)
            else:
                if key not in _META_FIELDS or path:
                    out.append(_child(path, key))
                del value[key]
    elif isinstance(value, list):
        items = schema.get("items") if schema is not None else None
        for i, item in enumerate(value):
            _prune(item, items if isinstance(items, Mapping) else None, f"{path}[{i}]", out)


def _skip_prune(value: Any, schema: Mapping[str, Any], path: str, out: list[str]) -> None:
    if isinstance(value, dict):
        embedded = schema.get("x-kubernetes-embedded-resource")
        properties = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        for key in list(value):
            if embedded and key in _META_FIELDS:
                continue
            if key in properties:
                _prune(value[key], properties[key], _child(path, key), out)
            elif isinstance(additional, Mapping):
                _prune(value[key], additional, _child(path, key), out)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(value):
                _skip_prune(item, items, f"{path}[{i}]", out)


def _field_schema(schema: Mapping[str, Any] | None, key: str) -> Mapping[str, Any] | None:
    if schema is None:
        return None
    properties = schema.get("properties") or {}
    if key in properties:
        sub: Mapping[str, Any] = properties[key]
        return sub
    additional = schema.get("additionalProperties")
    return additional if isinstance(additional, Mapping) else None


def _prune_nulls(value: Any, schema: Mapping[str, Any] | None) -> None:
    """defaulting.PruneNonNullableNullsWithoutDefaults."""
    if isinstance(value, dict):
        for key in list(value):
            sub = _field_schema(schema, key)
            if value[key] is None and sub is not None and not sub.get("nullable") \
                    and "default" not in sub:
                del value[key]
            else:
                _prune_nulls(value[key], sub)
    elif isinstance(value, list):
        items = schema.get("items") if schema is not None else None
        for item in value:
            _prune_nulls(item, items if isinstance(items, Mapping) else None)


def apply_defaults(schema: Mapping[str, Any] | None, obj: Any) -> None:
    """Fill in ``default:`` values in place, deep-copied (``structuraldefaulting.Default``).

    kube applies this when it decodes a request body and when it reads from storage, so a
    default added to a CRD later shows up on old objects when they are read.
    """
    if schema is None:
        return
    if isinstance(obj, dict):
        properties = schema.get("properties") or {}
        for key, sub in properties.items():
            if "default" not in sub:
                continue
            if key not in obj or (obj[key] is None and not sub.get("nullable")):
                obj[key] = copy.deepcopy(sub["default"])
        additional = schema.get("additionalProperties")
        for key in obj:
            if key in properties:
                apply_defaults(properties[key], obj[key])
            elif isinstance(additional, Mapping):
                if obj[key] is None and not additional.get("nullable") and "default" in additional:
                    obj[key] = copy.deepcopy(additional["default"])
                apply_defaults(additional, obj[key])
    elif isinstance(obj, list):
        items = schema.get("items")
        if not isinstance(items, Mapping):
            return
        for i, item in enumerate(obj):
            if item is None and not items.get("nullable") and "default" in items:
                obj[i] = copy.deepcopy(items["default"])
            apply_defaults(items, obj[i])


# --- structural schemas (apiextensions-apiserver/pkg/apiserver/schema/validation.go) ----------

_GENERIC_KEYS = ("type", "additionalProperties", "default", "title", "description", "nullable")
_EXTENSION_KEYS = (
    "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
    "x-kubernetes-int-or-string", "x-kubernetes-list-map-keys", "x-kubernetes-list-type",
    "x-kubernetes-map-type", "x-kubernetes-validations",
)
_UNSUPPORTED = (
    ("id", "id"), ("$schema", "schema"), ("$ref", "$ref"),
    ("patternProperties", "patternProperties"), ("dependencies", "dependencies"),
    ("additionalItems", "additionalItems"), ("definitions", "definitions"),
)
_INT_OR_STRING_ANY_OF = [{"type": "integer"}, {"type": "string"}]


def _key(path: str, key: str) -> str:
    return f"{path}[{key}]"


def structural_errors(schema: Mapping[str, Any], *,
                      path: str = "spec.versions[0].schema.openAPIV3Schema") -> list[FieldError]:
    """Why ``schema`` is not structural, sorted as kube sorts them; ``[]`` when it is.

    ``path`` is where the schema sits in the CRD (kube reports e.g.
    ``spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not
    be empty for specified object fields``).
    """
    unsupported = _unsupported_field(schema)
    if unsupported:
        return [_invalid(path, "", f"OpenAPIV3Schema '{unsupported}' is not supported")]
    errors = _invariants(schema, "root", path)
    errors.extend(_completeness(schema, path))
    errors.sort(key=str)
    return errors


def _unsupported_field(schema: Any) -> str | None:
    """``NewStructural`` fails on these anywhere in the tree (schema/convert.go)."""
    if not isinstance(schema, Mapping):
        return None
    for key, name in _UNSUPPORTED:
        if schema.get(key):
            return name
    for key in ("properties",):
        for sub in (schema.get(key) or {}).values():
            found = _unsupported_field(sub)
            if found:
                return found
    for key in ("items", "additionalProperties", "not"):
        found = _unsupported_field(schema.get(key))
        if found:
            return found
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or ():
            found = _unsupported_field(sub)
            if found:
                return found
    return None


def _invariants(s: Mapping[str, Any] | None, level: str, path: str) -> list[FieldError]:
    if s is None:
        return []
    errors: list[FieldError] = []
    kind = s.get("type") or ""
    items = s.get("items") if isinstance(s.get("items"), Mapping) else None
    if kind == "array" and items is None:
        errors.append(_required(f"{path}.items", "must be specified"))
    errors.extend(_invariants(items, "item", f"{path}.items"))
    properties: Mapping[str, Any] = s.get("properties") or {}
    for name, sub in properties.items():
        errors.extend(_invariants(sub, "field", _key(f"{path}.properties", name)))
    additional = s.get("additionalProperties")
    if additional is not None and additional is not False:
        if level == "root":
            errors.append(_forbidden(f"{path}.additionalProperties",
                                     "must not be used at the root"))
        if isinstance(additional, Mapping):
            errors.extend(_invariants(additional, "field", f"{path}.additionalProperties"))
    int_or_string = bool(s.get("x-kubernetes-int-or-string"))
    preserve = bool(s.get("x-kubernetes-preserve-unknown-fields"))
    embedded = bool(s.get("x-kubernetes-embedded-resource"))
    if int_or_string and preserve:
        errors.append(_invalid(f"{path}.x-kubernetes-preserve-unknown-fields", True,
                               "must be false if x-kubernetes-int-or-string is true"))
    if int_or_string and embedded:
        errors.append(_invalid(f"{path}.x-kubernetes-embedded-resource", True,
                               "must be false if x-kubernetes-int-or-string is true"))
    any_of = s.get("anyOf") or []
    all_of = s.get("allOf") or []
    skip_any_of = any_of == _INT_OR_STRING_ANY_OF
    skip_first_all_of = bool(all_of) and (all_of[0].get("anyOf") or []) == _INT_OR_STRING_ANY_OF
    errors.extend(_value_validation(s, skip_any_of, skip_first_all_of, path))
    check_metadata = level == "root" or embedded
    if embedded and kind != "object":
        if not kind:
            errors.append(_required(f"{path}.type",
                                    "must be object if x-kubernetes-embedded-resource is true"))
        else:
            errors.append(_invalid(f"{path}.type", kind,
                                   "must be object if x-kubernetes-embedded-resource is true"))
    elif not kind and not int_or_string and not preserve:
        where = {"root": "at the root", "item": "for specified array items",
                 "field": "for specified object fields"}[level]
        errors.append(_required(f"{path}.type", f"must not be empty {where}"))
    if embedded and additional is not None:
        errors.append(_forbidden(f"{path}.additionalProperties",
                                 "must not be used if x-kubernetes-embedded-resource is set"))
    if level == "root" and kind and kind != "object":
        errors.append(_invalid(f"{path}.type", kind, "must be object at the root"))
    for meta_field in ("kind", "apiVersion"):
        if meta_field in properties and check_metadata:
            sub_type = properties[meta_field].get("type") or ""
            if sub_type != "string":
                errors.append(_invalid(f"{_key(path + '.properties', meta_field)}.type", sub_type,
                                       "must be string"))
    if "metadata" in properties:
        errors.extend(_metadata_invariants(properties["metadata"], check_metadata, level,
                                           _key(f"{path}.properties", "metadata")))
    if embedded and not preserve and not properties:
        errors.append(_required(f"{path}.properties", "must not be empty if "
                                "x-kubernetes-embedded-resource is true without "
                                "x-kubernetes-preserve-unknown-fields"))
    return errors


def _metadata_invariants(s: Mapping[str, Any], check: bool, level: str,
                         path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    kind = s.get("type") or ""
    if check and kind != "object":
        errors.append(_invalid(f"{path}.type", kind, "must be object"))
    if level == "root":
        rest = {k: v for k, v in s.items() if k not in ("type", "default")}
        props = rest.get("properties")
        only_names = isinstance(props, Mapping) and set(props) <= {"name", "generateName"}
        if only_names:
            rest.pop("properties")
        if any(v not in (None, False, "", [], {}) for v in rest.values()):
            errors.append(_forbidden(path, "must not specify anything other than name and "
                                     "generateName, but metadata is implicitly specified"))
    return errors


def _value_validation(v: Mapping[str, Any], skip_any_of: bool, skip_first_all_of_any_of: bool,
                      path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if not skip_any_of:
        for i, sub in enumerate(v.get("anyOf") or ()):
            errors.extend(_nested(sub, False, f"{path}.anyOf[{i}]"))
    for i, sub in enumerate(v.get("allOf") or ()):
        errors.extend(_nested(sub, skip_first_all_of_any_of and i == 0, f"{path}.allOf[{i}]"))
    for i, sub in enumerate(v.get("oneOf") or ()):
        errors.extend(_nested(sub, False, f"{path}.oneOf[{i}]"))
    if isinstance(v.get("not"), Mapping):
        errors.extend(_nested(v["not"], False, f"{path}.not"))
    pattern = v.get("pattern")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            errors.append(_invalid(f"{path}.pattern", pattern,
                                   f"must be a valid regular expression, but isn't: {exc}"))
    return errors


def _nested(v: Mapping[str, Any], skip_any_of: bool, path: str) -> list[FieldError]:
    errors = _value_validation(v, skip_any_of, False, path)
    if isinstance(v.get("items"), Mapping):
        errors.extend(_nested(v["items"], False, f"{path}.items"))
    for name, sub in (v.get("properties") or {}).items():
        errors.extend(_nested(sub, False, _key(f"{path}.properties", name)))
    forbidden = (
        ("type", "must be empty to be structural"),
        ("additionalProperties", "must be undefined to be structural"),
        ("default", "must be undefined to be structural"),
        ("title", "must be empty to be structural"),
        ("description", "must be empty to be structural"),
        ("nullable", "must be false to be structural"),
        ("x-kubernetes-preserve-unknown-fields", "must be false to be structural"),
        ("x-kubernetes-embedded-resource", "must be false to be structural"),
        ("x-kubernetes-int-or-string", "must be false to be structural"),
        ("x-kubernetes-list-map-keys", "must be empty to be structural"),
        ("x-kubernetes-list-type", "must be undefined to be structural"),
        ("x-kubernetes-map-type", "must be undefined to be structural"),
        ("x-kubernetes-validations", "must be empty to be structural"),
    )
    for key, detail in forbidden:
        value = v.get(key)
        present = value is not None if key in ("additionalProperties", "default",
                                                "x-kubernetes-list-type",
                                                "x-kubernetes-map-type") else bool(value)
        if present:
            errors.append(_forbidden(f"{path}.{key}", detail))
    if "metadata" in (v.get("properties") or {}):
        errors.append(_forbidden(_key(f"{path}.properties", "metadata"),
                                 "must not be specified in a nested context"))
    return errors


def _completeness(s: Mapping[str, Any], path: str) -> list[FieldError]:
    """schema/complete.go: fields named inside allOf/anyOf/oneOf/not must exist outside too."""
    return _vv_complete(s, s, path, path)


def _vv_complete(v: Mapping[str, Any], s: Mapping[str, Any] | None, s_path: str,
                 v_path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if isinstance(v.get("not"), Mapping):
        errors.extend(_nested_complete(v["not"], s, s_path, f"{v_path}.not"))
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(v.get(key) or ()):
            errors.extend(_nested_complete(sub, s, s_path, f"{v_path}.{key}[{i}]"))
    return errors


def _nested_complete(v: Mapping[str, Any], s: Mapping[str, Any] | None, s_path: str,
                     v_path: str) -> list[FieldError]:
    if s is None:
        return [_required(s_path, f"because it is defined in {v_path}")]
    errors = _vv_complete(v, s, s_path, v_path)
    if isinstance(v.get("items"), Mapping):
        items = s.get("items") if isinstance(s.get("items"), Mapping) else None
        errors.extend(_nested_complete(v["items"], items, f"{s_path}.items", f"{v_path}.items"))
    s_props = s.get("properties") or {}
    for name, sub in (v.get("properties") or {}).items():
        sp, vp = _key(f"{s_path}.properties", name), _key(f"{v_path}.properties", name)
        if name not in s_props:
            errors.append(_required(sp, f"because it is defined in {vp}"))
        else:
            errors.extend(_nested_complete(sub, s_props[name], sp, vp))
    return errors


# --- CustomResourceDefinition essentials --------------------------------------------------------

_PRINTER_TYPES = ("boolean", "date", "integer", "number", "string")
_PRINTER_FORMATS = ("byte", "date", "date-time", "double", "float", "int32", "int64", "password")


def apply_crd_defaults(crd: dict[str, Any]) -> None:
    """The v1 CRD defaults kube applies on decode (``SetDefaults_CustomResourceDefinition``)."""
    spec = crd.setdefault("spec", {})
    names = spec.setdefault("names", {})
    kind = names.get("kind") or ""
    if not names.get("singular"):
        names["singular"] = kind.lower()
    if not names.get("listKind") and kind:
        names["listKind"] = kind + "List"
    spec.setdefault("conversion", {"strategy": "None"})
    status = crd.setdefault("status", {})
    if not status.get("storedVersions"):
        for version in spec.get("versions") or ():
            if version.get("storage"):
                status["storedVersions"] = [version.get("name")]
                break


def validate_crd(crd: Mapping[str, Any]) -> list[FieldError]:
    """The checks kube makes on a new v1 CRD that a workshop author can trip over.

    Call ``apply_crd_defaults`` first, as kube does. Covered: metadata (name must be
    ``<plural>.<group>``), group, scope, versions (names, exactly one storage version, schema
    present, structural, root rules), names (plural/singular/kind/listKind/shortNames/categories),
    printer columns and stored versions. Not covered: CEL rules, conversion webhooks, defaults
    checked against the schema, the OpenAPI-schema rules beyond structure.

    Like kube, this reports on the *internal* form of the CRD: when every version has the same
    schema (always so with one version) it is hoisted to ``spec.validation``, and the same for
    subresources and printer columns, so a one-version CRD's errors read
    ``spec.validation.openAPIV3Schema…`` and ``spec.additionalPrinterColumns[0]…``
    (apiextensions/v1/conversion.go). Where kube prints a Go struct dump as the bad value
    (``spec.versions``, a whole schema), the dump is rebuilt for the common cases; pointers that
    kube prints as memory addresses cannot match.
    """
    spec: Mapping[str, Any] = crd.get("spec") or {}
    names: Mapping[str, Any] = spec.get("names") or {}
    group = spec.get("group") or ""
    plural = names.get("plural") or ""
    meta: Mapping[str, Any] = crd.get("metadata") or {}

    def crd_name(name: str, prefix: bool) -> list[str]:
        msgs = _dns_subdomain(_mask_trailing_dash(name) if prefix else name)
        if name != f"{plural}.{group}":
            msgs.append('must be spec.names.plural+"."+spec.group')
        return msgs

    errors = validate_object_meta(meta, namespaced=False, name_fn=crd_name)
    if not group:
        errors.append(_required("spec.group"))
    elif _dns_subdomain(group):
        errors.append(_invalid("spec.group", group, ",".join(_dns_subdomain(group))))
    elif len(group.split(".")) < 2:
        errors.append(_invalid("spec.group", group, "should be a domain with at least one dot"))
    scope = spec.get("scope") or ""
    if not scope:
        errors.append(_required("spec.scope"))
    elif scope not in ("Cluster", "Namespaced"):
        errors.append(_not_supported("spec.scope", scope, ["Cluster", "Namespaced"]))
    versions: list[Mapping[str, Any]] = list(spec.get("versions") or [])
    hoisted = {key: _all_same(versions, key) for key in
               ("schema", "subresources", "additionalPrinterColumns")}
    top_schema = versions[0].get("schema") if versions and hoisted["schema"] else None
    top_status = bool(versions) and hoisted["subresources"] and \
        "status" in (versions[0].get("subresources") or {})
    if top_schema is None or top_schema.get("openAPIV3Schema") is None:
        for i, version in enumerate(versions):
            if (version.get("schema") or {}).get("openAPIV3Schema") is None:
                errors.append(_required(f"spec.versions[{i}].schema.openAPIV3Schema",
                                        "schemas are required"))
    storage = 0
    seen: set[str] = set()
    unique = True
    for i, version in enumerate(versions):
        vname = version.get("name") or ""
        storage += 1 if version.get("storage") else 0
        unique = unique and vname not in seen
        seen.add(vname)
        msgs = _dns1035(vname)
        if msgs:
            errors.append(_invalid(f"spec.versions[{i}].name", vname, ",".join(msgs)))
        path = f"spec.versions[{i}]"
        if not hoisted["schema"]:
            status = "status" in (version.get("subresources") or {})
            errors.extend(_schema_errors(version.get("schema"), status, f"{path}.schema"))
        if not hoisted["additionalPrinterColumns"]:
            for j, column in enumerate(version.get("additionalPrinterColumns") or ()):
                errors.extend(_column_errors(column, f"{path}.additionalPrinterColumns[{j}]"))
    if not unique:
        errors.append(_invalid("spec.versions", _VersionsDump(versions, hoisted),
                               "must contain unique version names"))
    if storage != 1:
        errors.append(_invalid("spec.versions", _VersionsDump(versions, hoisted),
                               "must have exactly one version marked as storage version"))
    if versions:
        # The internal spec.version is the first version's name (v1 conversion).
        first = versions[0].get("name") or ""
        msgs = _dns1035(first)
        if msgs:
            errors.append(_invalid("spec.version", first, ",".join(msgs)))
    for key in ("plural", "singular", "kind", "listKind"):
        if not names.get(key):
            errors.append(_required(f"spec.names.{key}"))
    errors.extend(_names_errors(names))
    if top_schema is not None:
        errors.extend(_schema_errors(top_schema, top_status, "spec.validation"))
    if hoisted["additionalPrinterColumns"] and versions:
        for j, column in enumerate(versions[0].get("additionalPrinterColumns") or ()):
            errors.extend(_column_errors(column, f"spec.additionalPrinterColumns[{j}]"))
    stored = list((crd.get("status") or {}).get("storedVersions") or [])
    stored_dump = _GoDump("[]string{" + ", ".join(go_quote(v) for v in stored) + "}"
                          if stored else "[]string(nil)")
    if not stored:
        errors.append(_invalid("status.storedVersions", stored_dump,
                               "must have at least one stored version"))
    else:
        for version in versions:
            if version.get("storage") and version.get("name") not in stored:
                errors.append(_invalid("status.storedVersions", stored_dump,
                                       "must have the storage version " + version.get("name", "")))
        known = {v.get("name") for v in versions}
        for i, name in enumerate(stored):
            if name not in known:
                errors.append(_invalid(f"status.storedVersions[{i}]", name,
                                       "must appear in spec.versions"))
    return errors


def _all_same(versions: list[Mapping[str, Any]], key: str) -> bool:
    """v1 → internal conversion hoists a per-version field when all versions agree on it."""
    if not versions:
        return False
    first = versions[0].get(key)
    return first is not None and all(v.get(key) == first for v in versions[1:])


class _GoDump(str):
    """A bad value that kube prints with ``%#v`` of a Go struct: shown as given."""


class _VersionsDump(_GoDump):
    """``%#v`` of ``[]apiextensions.CustomResourceDefinitionVersion`` (internal form)."""

    def __new__(cls, versions: list[Mapping[str, Any]],
                hoisted: Mapping[str, bool]) -> _VersionsDump:
        items = []
        for v in versions:
            warning = v.get("deprecationWarning")
            shown_warning = "(*string)(nil)" if warning is None else "(*string)(0xc000000000)"
            schema = "(*apiextensions.CustomResourceValidation)(nil)" \
                if hoisted["schema"] or v.get("schema") is None \
                else "(*apiextensions.CustomResourceValidation)(0xc000000000)"
            subresources = "(*apiextensions.CustomResourceSubresources)(nil)" \
                if hoisted["subresources"] or v.get("subresources") is None \
                else "(*apiextensions.CustomResourceSubresources)(0xc000000000)"
            columns = "[]apiextensions.CustomResourceColumnDefinition(nil)" \
                if hoisted["additionalPrinterColumns"] or not v.get("additionalPrinterColumns") \
                else "[]apiextensions.CustomResourceColumnDefinition{…}"
            items.append(
                "apiextensions.CustomResourceDefinitionVersion{"
                f"Name:{go_quote(v.get('name') or '')}, "
                f"Served:{go_value(bool(v.get('served')))}, "
                f"Storage:{go_value(bool(v.get('storage')))}, "
                f"Deprecated:{go_value(bool(v.get('deprecated')))}, "
                f"DeprecationWarning:{shown_warning}, Schema:{schema}, "
                f"Subresources:{subresources}, AdditionalPrinterColumns:{columns}}}"
            )
        return super().__new__(
            cls, "[]apiextensions.CustomResourceDefinitionVersion{" + ", ".join(items) + "}")


# Fields kube allows at the root of a schema when the status subresource is on
# (validation.go allowedFieldsAtRootSchema), by their JSON names.
_ROOT_ALLOWED = {
    "description": "Description", "type": "Type", "format": "Format", "title": "Title",
    "maximum": "Maximum", "exclusiveMaximum": "ExclusiveMaximum", "minimum": "Minimum",
    "exclusiveMinimum": "ExclusiveMinimum", "maxLength": "MaxLength", "minLength": "MinLength",
    "pattern": "Pattern", "maxItems": "MaxItems", "minItems": "MinItems",
    "uniqueItems": "UniqueItems", "multipleOf": "MultipleOf", "required": "Required",
    "items": "Items", "properties": "Properties", "externalDocs": "ExternalDocs",
    "example": "Example", "x-kubernetes-preserve-unknown-fields": "XPreserveUnknownFields",
    "x-kubernetes-validations": "XValidations",
}


def _schema_errors(validation: Mapping[str, Any] | None, status_enabled: bool,
                   path: str) -> list[FieldError]:
    """``validateCustomResourceDefinitionValidation`` for one ``schema:`` block."""
    schema = (validation or {}).get("openAPIV3Schema")
    if not isinstance(schema, Mapping):
        return []
    errors: list[FieldError] = []
    schema_path = f"{path}.openAPIV3Schema"
    if status_enabled:
        if schema.get("type") and schema.get("type") != "object":
            errors.append(_invalid(f"{schema_path}.type", schema.get("type"),
                                   'only "object" is allowed as the type at the root of the '
                                   "schema if the status subresource is enabled"))
        elif any(v not in (None, False, "", [], {}) for k, v in schema.items()
                 if k not in _ROOT_ALLOWED):
            allowed = " ".join(_ROOT_ALLOWED.values())
            errors.append(_invalid(schema_path, _GoDump(go_value(dict(schema), sharp=True)),
                                   f"only [{allowed}] fields are allowed at the root of the "
                                   "schema if the status subresource is enabled"))
    if schema.get("nullable"):
        errors.append(_forbidden(f"{schema_path}.nullable", "nullable cannot be true at the root"))
    errors.extend(structural_errors(schema, path=schema_path))
    return errors


def _column_errors(column: Mapping[str, Any], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if not column.get("name"):
        errors.append(_required(f"{path}.name"))
    kind = column.get("type") or ""
    types = ",".join(_PRINTER_TYPES)
    if not kind:
        errors.append(_required(f"{path}.type", f"must be one of {types}"))
    elif kind not in _PRINTER_TYPES:
        errors.append(_invalid(f"{path}.type", kind, f"must be one of {types}"))
    fmt = column.get("format") or ""
    if fmt and fmt not in _PRINTER_FORMATS:
        errors.append(_invalid(f"{path}.format", fmt,
                               f"must be one of {','.join(_PRINTER_FORMATS)}"))
    json_path = column.get("jsonPath") or ""
    # The internal type's field is JSONPath, and that is the name kube reports.
    if not json_path:
        errors.append(_required(f"{path}.JSONPath"))
    elif not json_path.startswith("."):
        errors.append(_invalid(f"{path}.JSONPath", json_path,
                               "must be a simple json path starting with ."))
    return errors


def _names_errors(names: Mapping[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    for key in ("plural", "singular"):
        value = names.get(key) or ""
        msgs = _dns1035(value)
        if value and msgs:
            errors.append(_invalid(f"spec.names.{key}", value, ",".join(msgs)))
    for key in ("kind", "listKind"):
        value = names.get(key) or ""
        msgs = _dns1035(value.lower())
        if value and msgs:
            errors.append(_invalid(f"spec.names.{key}", value,
                                   "may have mixed case, but should otherwise match: "
                                   + ",".join(msgs)))
    for i, short in enumerate(names.get("shortNames") or ()):
        msgs = _dns1035(short)
        if msgs:
            errors.append(_invalid(f"spec.names.shortNames[{i}]", short, ",".join(msgs)))
    kind = names.get("kind") or ""
    if kind and kind == names.get("listKind"):
        errors.append(_invalid("spec.names.listKind", kind,
                               "kind and listKind may not be the same"))
    for i, category in enumerate(names.get("categories") or ()):
        msgs = _dns1035(category)
        if msgs:
            errors.append(_invalid(f"spec.names.categories[{i}]", category, ",".join(msgs)))
    return errors


# --- ObjectMeta (apimachinery/pkg/api/validation/objectmeta.go) --------------------------------

_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME = re.compile(f"^{_QNAME_FMT}$")
_QNAME_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
              "with an alphanumeric character")
_LABEL_VALUE_FMT = f"({_QNAME_FMT})?"
_LABEL_VALUE = re.compile(f"^{_LABEL_VALUE_FMT}$")
_LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric "
                    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                    "character")
_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL = re.compile(f"^{_DNS1123_LABEL_FMT}$")
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN = re.compile(f"^{_DNS1123_SUBDOMAIN_FMT}$")
_DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035 = re.compile(f"^{_DNS1035_FMT}$")


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    """``validation.RegexError``."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def _full(pattern: re.Pattern[str], value: str) -> bool:
    # Go's $ matches only at the very end; Python's also before a final newline.
    return "\n" not in value and pattern.match(value) is not None


def _dns_subdomain(value: str) -> list[str]:
    msgs = []
    if len(value) > 253:
        msgs.append("must be no more than 253 characters")
    if not _full(_DNS1123_SUBDOMAIN, value):
        msgs.append(_regex_error("a lowercase RFC 1123 subdomain must consist of lower case "
                                 "alphanumeric characters, '-' or '.', and must start and end "
                                 "with an alphanumeric character", _DNS1123_SUBDOMAIN_FMT,
                                 "example.com"))
    return msgs


def _dns_label(value: str) -> list[str]:
    msgs = []
    if len(value) > 63:
        msgs.append("must be no more than 63 characters")
    if not _full(_DNS1123_LABEL, value):
        if _full(_DNS1123_SUBDOMAIN, value):
            msgs.append("must not contain dots")
        else:
            msgs.append(_regex_error("a lowercase RFC 1123 label must consist of lower case "
                                     "alphanumeric characters or '-', and must start and end "
                                     "with an alphanumeric character", _DNS1123_LABEL_FMT,
                                     "my-name", "123-abc"))
    return msgs


def _dns1035(value: str) -> list[str]:
    msgs = []
    if len(value) > 63:
        msgs.append("must be no more than 63 characters")
    if not _full(_DNS1035, value):
        msgs.append(_regex_error("a DNS-1035 label must consist of lower case alphanumeric "
                                 "characters or '-', start with an alphabetic character, and end "
                                 "with an alphanumeric character", _DNS1035_FMT, "my-name",
                                 "abc-123"))
    return msgs


def qualified_name_errors(value: str) -> list[str]:
    """``validation.IsQualifiedName``: label keys, annotation keys, finalizers."""
    msgs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            msgs.append("prefix part must be non-empty")
        else:
            msgs.extend("prefix part " + m for m in _dns_subdomain(prefix))
    else:
        return [
            "a qualified name " + _regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name",
                                               "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        msgs.append("name part must be non-empty")
    elif len(name) > 63:
        msgs.append("name part must be no more than 63 characters")
    if not _full(_QNAME, name):
        msgs.append("name part " + _regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name",
                                                "123-abc"))
    return msgs


def label_value_errors(value: str) -> list[str]:
    """``validation.IsValidLabelValue``."""
    msgs = []
    if len(value) > 63:
        msgs.append("must be no more than 63 characters")
    if not _full(_LABEL_VALUE, value):
        msgs.append(_regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value",
                                 "12345"))
    return msgs


def _mask_trailing_dash(name: str) -> str:
    # generic.go maskTrailingDash: drops the last *two* characters and appends "a".
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    """``NameIsDNSSubdomain`` (custom resources, most built-ins)."""
    return _dns_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    """``NameIsDNSLabel`` (namespaces)."""
    return _dns_label(_mask_trailing_dash(name) if prefix else name)


_FINALIZER_ORPHAN = "orphan"
_FINALIZER_DELETE = "foregroundDeletion"


def validate_object_meta(meta: Mapping[str, Any], *, namespaced: bool | None = None,
                         name_fn: Callable[[str, bool], list[str]] = name_is_dns_subdomain,
                         ) -> list[FieldError]:
    """``ValidateObjectMetaAccessor`` for a create: names, namespace, labels, annotations, …

    ``namespaced`` True requires ``metadata.namespace``, False forbids it, None skips the check
    (the server fills the namespace from the URL first, as kube does). ``name_fn`` is the
    resource's name rule (DNS-1123 subdomain for custom resources, label for namespaces).
    """
    errors: list[FieldError] = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        errors.extend(_invalid("metadata.generateName", generate_name, m)
                      for m in name_fn(generate_name, True))
    name = meta.get("name") or ""
    if not name:
        errors.append(_required("metadata.name", "name or generateName is required"))
    else:
        errors.extend(_invalid("metadata.name", name, m) for m in name_fn(name, False))
    namespace = meta.get("namespace") or ""
    if namespaced is True:
        if not namespace:
            errors.append(_required("metadata.namespace"))
        else:
            errors.extend(_invalid("metadata.namespace", namespace, m)
                          for m in name_is_dns_label(namespace, False))
    elif namespaced is False and namespace:
        errors.append(_forbidden("metadata.namespace", "not allowed on this type"))
    generation = meta.get("generation")
    if isinstance(generation, int) and generation < 0:
        errors.append(_invalid("metadata.generation", generation,
                               "must be greater than or equal to 0"))
    errors.extend(_labels_and_annotations(meta))
    errors.extend(_owner_references(meta.get("ownerReferences") or []))
    errors.extend(_finalizers(meta.get("finalizers") or []))
    errors.extend(_managed_fields(meta.get("managedFields") or []))
    return errors


def validate_object_meta_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> list[FieldError]:
    """``ValidateObjectMetaAccessorUpdate``: immutable fields, resourceVersion, finalizers."""
    errors: list[FieldError] = []
    if old.get("deletionTimestamp"):
        extra = sorted(set(new.get("finalizers") or []) - set(old.get("finalizers") or []))
        if extra:
            shown = "[]string{" + ", ".join(go_quote(f) for f in extra) + "}"
            errors.append(_forbidden("metadata.finalizers", "no new finalizers can be added if the "
                                     f"object is being deleted, found new finalizers {shown}"))
    if not new.get("resourceVersion"):
        errors.append(_invalid("metadata.resourceVersion", new.get("resourceVersion") or "",
                               "must be specified for an update"))
    if (new.get("generation") or 0) < (old.get("generation") or 0):
        errors.append(_invalid("metadata.generation", new.get("generation") or 0,
                               "must not be decremented"))
    for key in ("name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                "deletionGracePeriodSeconds"):
        if new.get(key) != old.get(key):
            errors.append(_invalid(f"metadata.{key}", new.get(key) if new.get(key) is not None
                                   else "", "field is immutable"))
    errors.extend(_labels_and_annotations(new))
    errors.extend(_owner_references(new.get("ownerReferences") or []))
    errors.extend(_managed_fields(new.get("managedFields") or []))
    return errors


def _labels_and_annotations(meta: Mapping[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    for key, value in (meta.get("labels") or {}).items():
        errors.extend(_invalid("metadata.labels", key, m) for m in qualified_name_errors(key))
        errors.extend(_invalid("metadata.labels", value, m)
                      for m in label_value_errors(str(value)))
    annotations: Mapping[str, Any] = meta.get("annotations") or {}
    for key in annotations:
        errors.extend(_invalid("metadata.annotations", key, m)
                      for m in qualified_name_errors(key.lower()))
    if annotations_size(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT:
        errors.append(FieldError.make("FieldValueTooLong", "metadata.annotations", "",
                                      f"must have at most {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"))
    return errors


def _owner_references(refs: list[Mapping[str, Any]]) -> list[FieldError]:
    errors: list[FieldError] = []
    path = "metadata.ownerReferences"
    first_controller = ""
    for ref in refs:
        api_version = ref.get("apiVersion") or ""
        version = api_version.rsplit("/", 1)[-1] if api_version.count("/") <= 1 else ""
        if not version:
            errors.append(_invalid(f"{path}.apiVersion", api_version, "version must not be empty"))
        if not ref.get("kind"):
            errors.append(_invalid(f"{path}.kind", ref.get("kind") or "", "kind must not be empty"))
        if not ref.get("name"):
            errors.append(_invalid(f"{path}.name", ref.get("name") or "", "name must not be empty"))
        if not ref.get("uid"):
            errors.append(_invalid(f"{path}.uid", ref.get("uid") or "", "uid must not be empty"))
        if api_version == "v1" and ref.get("kind") == "Event":
            errors.append(_invalid(path, dict(ref), "/v1, Kind=Event is disallowed from being an "
                                   "owner"))
        if ref.get("controller"):
            current = f"{ref.get('kind', '')}/{ref.get('name', '')}"
            if first_controller:
                errors.append(_invalid(path, list(refs), "Only one reference can have Controller "
                                       f'set to true. Found "true" in references for '
                                       f"{first_controller} and {current}"))
            else:
                first_controller = current
    return errors


def _finalizers(finalizers: list[str]) -> list[FieldError]:
    errors: list[FieldError] = []
    for finalizer in finalizers:
        errors.extend(_invalid("metadata.finalizers", finalizer, m)
                      for m in qualified_name_errors(finalizer))
    if _FINALIZER_ORPHAN in finalizers and _FINALIZER_DELETE in finalizers:
        errors.append(_invalid("metadata.finalizers", list(finalizers),
                               "finalizer orphan and foregroundDeletion cannot be both set"))
    return errors


def _managed_fields(entries: list[Mapping[str, Any]]) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, entry in enumerate(entries):
        path = f"metadata.managedFields[{i}]"
        if entry.get("operation") not in ("Apply", "Update"):
            errors.append(_invalid(f"{path}.operation", entry.get("operation") or "",
                                   "must be `Apply` or `Update`"))
        fields_type = entry.get("fieldsType") or ""
        if fields_type and fields_type != "FieldsV1":
            errors.append(_invalid(f"{path}.fieldsType", fields_type, "must be `FieldsV1`"))
    return errors
