"""One field declaration gives the schema, the wire dict and the parsed model — and clear errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathctl.resources.limits import INT64_MAX, INT64_MIN
from mathctl.resources.wire import (
    WireError,
    format_time,
    from_wire,
    parse_time,
    schema_of,
    to_wire,
    wire,
)


@dataclass(frozen=True)
class Inner:
    a: int = field(metadata=wire("a", "An int.", required=True, minimum=0))


@dataclass(frozen=True, kw_only=True)
class Sample:
    count: int = field(metadata=wire("count", "A count.", required=True, example="3"))
    small: int | None = field(default=None, metadata=wire("small", "An int32.", format="int32"))
    flag: bool | None = field(default=None, metadata=wire("flag", "A flag."))
    word: Literal["yes", "no"] | None = field(default=None, metadata=wire(
        "word", "A word.", enum=("yes", "no")))
    when: datetime | None = field(default=None, metadata=wire("when", "A time."))
    items: tuple[int, ...] = field(default=(), metadata=wire(
        "items", "Ints.", minItems=0, maxItems=3, example="[1, 2]"))
    inners: tuple[Inner, ...] = field(default=(), metadata=wire(
        "inners", "Inners.", list_type="map", list_map_keys=("a",)))
    inner: Inner | None = field(default=None, metadata=wire("inner", "One inner."))
    hidden: tuple[int, ...] = field(default=(), metadata=wire("hidden", "Quiet.",
                                                                omit_empty=True))
    not_on_wire: str = "kept out of the schema"


def test_schema_maps_python_types_to_openapi() -> None:
    schema = schema_of(Sample, "A sample.")
    props = schema["properties"]
    assert schema["type"] == "object" and schema["description"] == "A sample."
    assert schema["required"] == ["count"]
    assert props["count"] == {"description": "A count.", "type": "integer", "format": "int64"}
    assert props["small"]["format"] == "int32"
    assert props["flag"]["type"] == "boolean"
    assert props["word"] == {"description": "A word.", "type": "string", "enum": ["yes", "no"]}
    assert props["when"]["format"] == "date-time"
    assert props["items"] == {
        "description": "Ints.", "type": "array",
        "items": {"type": "integer", "format": "int64"},
        "minItems": 0, "maxItems": 3, "x-kubernetes-list-type": "atomic",
    }
    assert props["inners"]["x-kubernetes-list-type"] == "map"
    assert props["inners"]["x-kubernetes-list-map-keys"] == ["a"]
    assert props["inners"]["items"]["required"] == ["a"]
    assert props["inner"]["properties"]["a"]["minimum"] == 0
    assert "not_on_wire" not in props and "notOnWire" not in props


def test_unknown_constraints_and_types_are_refused() -> None:
    with pytest.raises(TypeError, match="unknown schema constraint"):
        wire("x", "X.", maximumm=3)

    @dataclass
    class Bad:
        x: float = field(metadata=wire("x", "X."))

    with pytest.raises(TypeError, match="no wire mapping"):
        schema_of(Bad)


def test_round_trip_and_omission() -> None:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    obj = Sample(count=3, flag=False, word="yes", when=when, items=(1, 2),
                 inners=(Inner(1), Inner(2)), inner=Inner(0))
    data = to_wire(obj)
    assert data == {"count": 3, "flag": False, "word": "yes", "when": "2024-05-01T12:00:00Z",
                    "items": [1, 2], "inners": [{"a": 1}, {"a": 2}], "inner": {"a": 0}}
    assert from_wire(Sample, data) == obj


def test_nulls_clear_fields_in_a_merge_patch() -> None:
    data = to_wire(Sample(count=1), nulls=True)
    assert data["small"] is None and data["flag"] is None and data["inner"] is None
    assert data["hidden"] == [] and data["items"] == []


def test_unknown_keys_are_ignored_like_the_server_prunes_them() -> None:
    assert from_wire(Sample, {"count": 1, "colour": "red"}) == Sample(count=1)


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        ({}, "count", "is required but missing. Fix: add `count: 3`"),
        ({"count": "3"}, "count", "must be an integer (int64), got '3' (a string)"),
        ({"count": True}, "count", "got True (a boolean)"),
        ({"count": 1.5}, "count", "1.5 (a number with a fraction"),
        ({"count": INT64_MAX + 1}, "count", f"between {INT64_MIN} and {INT64_MAX}"),
        ({"count": 1, "small": 2**31}, "small", "(int32)"),
        ({"count": 1, "flag": "true"}, "flag", "must be true or false"),
        ({"count": 1, "word": "Yes"}, "word", "must be one of yes, no, got 'Yes'"),
        ({"count": 1, "when": "yesterday"}, "when", "RFC 3339"),
        ({"count": 1, "when": "2024-05-01T12:00:00"}, "when", "no time zone"),
        ({"count": 1, "items": 5}, "items", "must be a list, got 5"),
        ({"count": 1, "items": [1, 2, 3, 4]}, "items", "at most 3 items"),
        ({"count": 1, "items": [1, "x"]}, "items[1]", "must be an integer"),
        ({"count": 1, "inners": [{"a": 1}, {"a": 1}]}, "inners[1]", "duplicates the entry"),
        ({"count": 1, "inner": {"a": -1}}, "inner.a", "between 0 and"),
        ({"count": 1, "inner": [1]}, "inner", "must be an object"),
    ],
)
def test_bad_input_names_the_field_the_problem_and_the_fix(
        data: dict[str, object], path: str, words: str) -> None:
    with pytest.raises(WireError) as caught:
        from_wire(Sample, data, "spec")
    assert caught.value.path == f"spec.{path}"
    assert words in str(caught.value)
    assert "Fix: " in str(caught.value)


def test_times_are_rfc3339_utc_seconds() -> None:
    plus2 = timezone(timedelta(hours=2))
    assert format_time(datetime(2024, 5, 1, 14, 0, 0, 999, tzinfo=plus2)) == "2024-05-01T12:00:00Z"
    assert parse_time("2024-05-01T12:00:00Z") == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert parse_time("2024-05-01T14:00:00+02:00") == datetime(2024, 5, 1, 12, tzinfo=UTC)
    with pytest.raises(ValueError, match="time zone"):
        format_time(datetime(2024, 5, 1))


@given(
    count=st.integers(INT64_MIN, INT64_MAX),
    small=st.none() | st.integers(-(2**31), 2**31 - 1),
    flag=st.none() | st.booleans(),
    items=st.lists(st.integers(INT64_MIN, INT64_MAX), max_size=3).map(tuple),
    inner=st.none() | st.integers(0, INT64_MAX).map(Inner),
)
def test_every_valid_model_survives_the_wire(count: int, small: int | None, flag: bool | None,
                                             items: tuple[int, ...], inner: Inner | None) -> None:
    obj = Sample(count=count, small=small, flag=flag, items=items, inner=inner)
    assert from_wire(Sample, to_wire(obj)) == obj
    assert from_wire(Sample, to_wire(obj, nulls=True)) == obj


@dataclass(frozen=True)
class Labelled:
    labels: Mapping[str, str] = field(default_factory=dict, metadata=wire("labels", "Labels."))


def test_free_keyed_objects_map_to_additional_properties() -> None:
    assert schema_of(Labelled)["properties"]["labels"] == {
        "description": "Labels.", "type": "object", "additionalProperties": {"type": "string"}}
    obj = from_wire(Labelled, {"labels": {"app": "web"}})
    assert obj.labels == {"app": "web"}
    assert to_wire(obj) == {"labels": {"app": "web"}}
    with pytest.raises(WireError, match=r"labels\[app\]: must be a string, got 3"):
        from_wire(Labelled, {"labels": {"app": 3}})
    with pytest.raises(WireError, match="must be an object"):
        from_wire(Labelled, {"labels": ["app"]})
