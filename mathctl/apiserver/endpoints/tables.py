"""``meta.k8s.io/v1`` Tables for custom resources, built as the CR table convertor does.

``kubectl get numbers`` asks for ``Accept: application/json;as=Table;v=v1;g=meta.k8s.io`` and
prints whatever columns the server sends; the embedded API server answers with ``build_table``
so learners see the CRD's ``additionalPrinterColumns`` (Value, FizzBuzz, Square, Age) exactly as
on a real cluster. The notebooks' ``mathctl get`` views read the same cells.

Sources: ``apiextensions-apiserver/pkg/registry/customresource/tableconvertor/tableconvertor.go``
(columns, ``cellForJSONValue``), ``apiextensions-apiserver/pkg/apiserver/helpers.go`` (the
default ``Age`` column when a CRD defines none), ``apimachinery/pkg/api/meta/table/table.go`` and
``apimachinery/pkg/util/duration/duration.go`` (``HumanDuration``),
``apiserver/pkg/endpoints/handlers/response.go`` (``includeObject``), and
``client-go/util/jsonpath`` (the column paths and how a ``string`` column prints its value).
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any

from mathctl.apiserver.validation.schema import go_float, go_json

__all__ = ["TableError", "build_table", "default_columns", "evaluate_jsonpath", "human_duration",
           "parse_jsonpath"]

# metav1.ObjectMeta{}.SwaggerDoc()["name"] / ["creationTimestamp"]
NAME_DESCRIPTION = (
    "Name must be unique within a namespace. Is required when creating resources, although "
    "some resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
CREATION_TIMESTAMP_DESCRIPTION = (
    "CreationTimestamp is a timestamp representing the server time when this object was "
    "created. It is not guaranteed to be set in happens-before order across separate "
    "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
    "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)


class TableError(ValueError):
    """A table request the server refuses (``400 BadRequest``) with this ``message``."""

    status_code = 400
    reason = "BadRequest"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def default_columns() -> list[dict[str, Any]]:
    """The columns kube serves for a CRD version without ``additionalPrinterColumns``."""
    return [{"name": "Age", "type": "date", "description": CREATION_TIMESTAMP_DESCRIPTION,
             "jsonPath": ".metadata.creationTimestamp"}]


# --- a small JSONPath (the subset CRD columns use) ------------------------------------------------

_Step = tuple[str, Any]  # ("field", name) | ("index", int) | ("all", None) | ("slice", (a, b))
#                          | ("filter", (steps, op, literal)): [?(@.type=="Ready")]

_TOKEN = re.compile(
    r"""\.(?P<field>(?:\\\.|[^.\[\]\\])+)  # .name, dots escaped as \.
      | \[(?P<quote>['"])(?P<qfield>.*?)(?P=quote)\]   # ['name']
      | \[(?P<index>-?\d+)\]            # [0]
      | \[(?P<star>\*)\]                # [*]
      | \.?\[(?P<start>-?\d*):(?P<end>-?\d*)\]         # [a:b]
      | \[\?\((?P<filter>[^()]*)\)\]      # [?(@.type=="Ready")]
    """,
    re.VERBOSE,
)


def parse_jsonpath(path: str) -> list[_Step]:
    """Parse ``.spec.value``, ``{.spec.value}``, ``.items[0].name``, ``.spec.numbers[*]``…

    Raises ``ValueError`` for anything else (kube then drops the column, see ``build_table``).
    """
    text = path.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    if text in ("", "."):
        return []
    if text.startswith("$"):
        text = text[1:]
    steps: list[_Step] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"unrecognized column definition {path!r}")
        if match.group("field") == "*":
            steps.append(("all", None))
        elif match.group("field") is not None:
            steps.append(("field", match.group("field").replace("\\.", ".")))
        elif match.group("qfield") is not None:
            # client-go reads ['a.b'] as the fields a, b (checked against it).
            steps.extend(("field", part) for part in match.group("qfield").split("."))
        elif match.group("index") is not None:
            steps.append(("index", int(match.group("index"))))
        elif match.group("star"):
            steps.append(("all", None))
        elif match.group("filter") is not None:
            steps.append(("filter", _parse_filter(match.group("filter"), path)))
        else:
            start, end = match.group("start"), match.group("end")
            steps.append(("slice", (int(start) if start else None, int(end) if end else None)))
        pos = match.end()
    return steps


_FILTER = re.compile(
    r"""^\s*@(?P<path>(?:\.[\w-]+)*)\s*
        (?:(?P<op>==|!=|<=|>=|<|>)\s*
           (?:(?P<quote>['"])(?P<text>.*?)(?P=quote)|(?P<number>-?\d+(?:\.\d+)?)))?\s*$""",
    re.VERBOSE,
)
_COMPARE: dict[str, Any] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


def _parse_filter(text: str, path: str) -> tuple[list[_Step], str | None, Any]:
    """``@.type=="Ready"``, ``@.count>2`` or ``@.name`` (present): what printer columns such as
    ``.status.conditions[?(@.type=="Ready")].status`` need, as client-go's jsonpath reads them."""
    match = _FILTER.match(text)
    if match is None:
        raise ValueError(f"unrecognized column definition {path!r}")
    steps: list[_Step] = [("field", name) for name in match.group("path").split(".")[1:]]
    if match.group("op") is None:
        return steps, None, None
    literal: Any = match.group("text")
    if literal is None:
        number = match.group("number")
        literal = float(number) if "." in number else int(number)
    return steps, match.group("op"), literal


def _passes(item: Any, test: tuple[list[_Step], str | None, Any]) -> bool:
    steps, op, literal = test
    found = evaluate_jsonpath(steps, item)
    if op is None:
        return bool(found)
    for value in found:
        comparable = (isinstance(value, str) and isinstance(literal, str)) or (
            isinstance(value, int | float) and not isinstance(value, bool)
            and isinstance(literal, int | float))
        if comparable and _COMPARE[op](value, literal):
            return True
    return False


def evaluate_jsonpath(steps: list[_Step], data: Any) -> list[Any]:
    """All values the path reaches; missing keys and out-of-range indices reach nothing."""
    current = [data]
    for kind, arg in steps:
        following: list[Any] = []
        for value in current:
            if kind == "field":
                if isinstance(value, Mapping) and arg in value:
                    following.append(value[arg])
            elif kind == "index":
                if isinstance(value, list) and -len(value) <= arg < len(value):
                    following.append(value[arg])
            elif kind == "all":
                if isinstance(value, list):
                    following.extend(value)
                elif isinstance(value, Mapping):
                    following.extend(value[k] for k in sorted(value))
            elif kind == "slice" and isinstance(value, list):
                following.extend(value[arg[0]:arg[1]])
            elif kind == "filter" and isinstance(value, list):
                following.extend(item for item in value if _passes(item, arg))
        current = following
    return current


# --- cells ---------------------------------------------------------------------------------------


def human_duration(seconds: float) -> str:
    """``duration.HumanDuration``: ``5s``, ``119s``, ``2m5s``, ``3h10m``, ``2d3h``, ``3y45d``."""
    nanos = round(seconds * 1_000_000_000)
    whole_seconds = int(nanos / 1_000_000_000)  # Go's int(d.Seconds()) truncates toward zero
    if whole_seconds < -1:
        return "<invalid>"
    if whole_seconds < 0:
        return "0s"
    if whole_seconds < 60 * 2:
        return f"{whole_seconds}s"
    minutes = nanos // 60_000_000_000
    if minutes < 10:
        s = (nanos // 1_000_000_000) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = nanos // 3_600_000_000_000
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _parse_time(text: str) -> _dt.datetime | None:
    """``metav1.Time.UnmarshalQueryParameter`` (RFC 3339); None when it does not parse."""
    match = _RFC3339.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    zone = match.group(8)
    try:
        offset = _dt.timedelta(0) if zone == "Z" else _dt.timedelta(
            hours=int(zone[1:3]), minutes=int(zone[4:6])) * (1 if zone[0] == "+" else -1)
        return _dt.datetime(year, month, day, hour, minute, second,
                            tzinfo=_dt.timezone(offset))
    except ValueError:
        return None


def _age(timestamp: Any, now: _dt.datetime) -> str:
    """``ConvertToHumanReadableDateType`` of a stored timestamp (second precision)."""
    if timestamp in (None, "", "null"):
        return "<unknown>"
    when = _parse_time(timestamp) if isinstance(timestamp, str) else None
    if when is None:
        return "<invalid>"
    return human_duration((now - when).total_seconds())


def _print_text(value: Any) -> str:
    """How a ``type: string`` column prints its value (jsonpath ``PrintResults``)."""
    if value is None:
        return "<no value>"  # text/template's rendering of a nil interface
    if isinstance(value, Mapping | list):
        return go_json(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def _cell(column_type: str, value: Any, now: _dt.datetime) -> Any:
    """``cellForJSONValue`` for the non-string column types."""
    if value is None:
        return None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if column_type == "integer" and number:
        return int(value)  # float64 → int64 truncates
    if column_type == "number" and number:
        return float(value)
    if column_type == "boolean" and isinstance(value, bool):
        return value
    if column_type == "date" and isinstance(value, str):
        return _age(value, now)
    return None


# --- the table -----------------------------------------------------------------------------------


def _headers(columns: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[list[_Step]]]:
    headers = [{"name": "Name", "type": "string", "format": "name",
                "description": NAME_DESCRIPTION, "priority": 0}]
    paths: list[list[_Step]] = []
    for column in columns:
        json_path = column.get("jsonPath") or column.get("JSONPath") or ""
        try:
            # kube parses "{" + jsonPath + "}", so a path that brings its own braces fails.
            if json_path.lstrip().startswith("{"):
                raise ValueError(json_path)
            steps = parse_jsonpath(json_path)
        except ValueError:
            # tableconvertor.New stops at the first column it cannot parse; the server logs it
            # and serves the columns built so far.
            break
        paths.append(steps)
        headers.append({
            "name": column.get("name", ""),
            "type": column.get("type", ""),
            "format": column.get("format", ""),
            "description": column.get("description") or
            f"Custom resource definition column (in JSONPath format): {json_path}",
            "priority": int(column.get("priority") or 0),
        })
    return headers, paths


def _row_object(obj: dict[str, Any], include_object: str) -> Any:
    if include_object == "Object":
        return copy.deepcopy(obj)
    if include_object == "None":
        return None
    metadata = copy.deepcopy(obj.get("metadata") or {})
    metadata.setdefault("creationTimestamp", None)  # ObjectMeta always serialises it
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": metadata}


def build_table(objects: list[dict[str, Any]], columns: list[dict[str, Any]], *,
                now: _dt.datetime, include_object: str = "Metadata",
                list_meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``meta.k8s.io/v1`` Table kube-apiserver returns for these custom resources.

    ``columns`` are the version's ``additionalPrinterColumns`` — pass ``default_columns()`` when
    the CRD defines none, as kube does. ``now`` is the server's clock (ages are computed from
    it). ``include_object`` is the ``?includeObject=`` value: ``Metadata`` (default, a
    ``PartialObjectMetadata``), ``Object`` or ``None``; anything else raises ``TableError``.
    ``list_meta`` is the list's metadata (``resourceVersion``, ``continue``,
    ``remainingItemCount``); for a single-object GET pass ``None`` and the object's
    resourceVersion is used.
    """
    if include_object not in ("Metadata", "", "Object", "None"):
        raise TableError(f'unrecognized includeObject value: "{include_object}"')
    if now.tzinfo is None:
        now = now.replace(tzinfo=_dt.UTC)
    headers, paths = _headers(columns)
    rows = []
    for obj in objects:
        cells: list[Any] = [(obj.get("metadata") or {}).get("name", "")]
        for header, steps in zip(headers[1:], paths, strict=True):
            results = evaluate_jsonpath(steps, obj)
            if not results:
                cells.append(None)
                continue
            value = results[0]  # kube keeps only the first result
            if header["type"] == "string":
                cells.append(_print_text(value))
            else:
                cells.append(_cell(header["type"], value, now))
        rows.append({"cells": cells, "object": _row_object(obj, include_object or "Metadata")})
    metadata: dict[str, Any] = {}
    source = list_meta if list_meta is not None else (
        (objects[0].get("metadata") or {}) if len(objects) == 1 else {})
    for key in ("resourceVersion", "continue", "remainingItemCount"):
        if source.get(key) not in (None, ""):
            metadata[key] = source[key]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
            "columnDefinitions": headers, "rows": rows}
