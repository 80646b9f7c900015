"""Tests for mathctl.apiserver.endpoints.tables: the Table kube-apiserver v1.28 builds for
custom resources.

Expected cells, column definitions and ages come from running the Kubernetes v1.28.0 table
convertor (``tableconvertor.New(...).ConvertToTable``) and ``duration.HumanDuration`` on the
same inputs. The one difference is the encoding of number cells: Go prints the float 15.0 as
``15``, Python's json as ``15.0`` — the same JSON number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mathctl.apiserver.endpoints.tables import (
    NAME_DESCRIPTION,
    TableError,
    build_table,
    default_columns,
    evaluate_jsonpath,
    human_duration,
    parse_jsonpath,
)

NOW = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)

COLUMNS: list[dict[str, Any]] = [
    {"name": "Value", "type": "integer", "jsonPath": ".spec.value"},
    {"name": "FizzBuzz", "type": "string", "jsonPath": ".status.fizzBuzz",
     "description": "what it says"},
    {"name": "Square", "type": "boolean", "jsonPath": ".status.isSquare", "priority": 1},
    {"name": "Numbers", "type": "string", "jsonPath": ".spec.numbers"},
    {"name": "First", "type": "integer", "jsonPath": ".spec.numbers[0]"},
    {"name": "All", "type": "integer", "jsonPath": ".spec.numbers[*]"},
    {"name": "Last", "type": "integer", "jsonPath": ".spec.numbers[-1]"},
    {"name": "AsNum", "type": "number", "jsonPath": ".spec.value"},
    {"name": "FloatInt", "type": "integer", "jsonPath": ".spec.f"},
    {"name": "FloatStr", "type": "string", "jsonPath": ".spec.f"},
    {"name": "Obj", "type": "string", "jsonPath": ".spec.obj"},
    {"name": "Wrong", "type": "integer", "jsonPath": ".status.fizzBuzz"},
    {"name": "BoolStr", "type": "string", "jsonPath": ".status.isSquare"},
    {"name": "NameCol", "type": "string", "jsonPath": ".metadata.name", "format": "name"},
    {"name": "Bad", "type": "date", "jsonPath": ".spec.when"},
    {"name": "Quoted", "type": "string", "jsonPath": ".metadata.labels.app\\.kubernetes\\.io/name"},
    {"name": "Null", "type": "string", "jsonPath": ".spec.nul"},
    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
]

ITEMS: list[dict[str, Any]] = [
    {"apiVersion": "math.mathctl.example/v1beta1", "kind": "Number",
     "metadata": {"name": "fifteen", "namespace": "default", "resourceVersion": "7", "uid": "u1",
                  "creationTimestamp": "2000-01-01T00:00:00Z",
                  "labels": {"app.kubernetes.io/name": "x<y"}},
     "spec": {"value": 15, "numbers": [1, 4.0, 9], "f": 2.5, "obj": {"b": [1, None], "a": "<&>"},
              "when": "yesterday", "nul": None},
     "status": {"fizzBuzz": "FizzBuzz", "isSquare": False}},
    {"apiVersion": "math.mathctl.example/v1beta1", "kind": "Number",
     "metadata": {"name": "empty", "namespace": "default", "resourceVersion": "8", "uid": "u2",
                  "creationTimestamp": "2000-01-01T00:00:00Z"},
     "spec": {"value": 1e6, "numbers": []}},
]

# Cells kube-apiserver produced for ITEMS (ages adjusted to NOW: 26 years).
EXPECTED_CELLS = [
    ["fifteen", 15, "FizzBuzz", False, "[1,4,9]", 1, 1, 9, 15.0, 2, "2.5",
     '{"a":"\\u003c\\u0026\\u003e","b":[1,null]}', None, "false", "fifteen", "<invalid>", "x<y",
     "<no value>", "26y"],
    ["empty", 1000000, None, None, "[]", None, None, None, 1000000.0, None, None, None, None, None,
     "empty", None, None, None, "26y"],
]


def test_cells_match_kube() -> None:
    table = build_table(ITEMS, COLUMNS, now=NOW, list_meta={"resourceVersion": "42",
                                                            "continue": "abc"})
    assert [row["cells"] for row in table["rows"]] == EXPECTED_CELLS
    assert [type(c) for c in table["rows"][0]["cells"]] == [type(c) for c in EXPECTED_CELLS[0]]
    assert table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    assert table["metadata"] == {"resourceVersion": "42", "continue": "abc"}


def test_column_definitions_match_kube() -> None:
    headers = build_table([], COLUMNS[:3], now=NOW)["columnDefinitions"]
    assert headers == [
        {"name": "Name", "type": "string", "format": "name", "description": NAME_DESCRIPTION,
         "priority": 0},
        {"name": "Value", "type": "integer", "format": "",
         "description": "Custom resource definition column (in JSONPath format): .spec.value",
         "priority": 0},
        {"name": "FizzBuzz", "type": "string", "format": "", "description": "what it says",
         "priority": 0},
        {"name": "Square", "type": "boolean", "format": "",
         "description": "Custom resource definition column (in JSONPath format): "
                        ".status.isSquare", "priority": 1},
    ]


def test_default_age_column_when_the_crd_defines_none() -> None:
    table = build_table(ITEMS[:1], default_columns(), now=NOW)
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Age"]
    assert table["columnDefinitions"][1]["description"].startswith("CreationTimestamp is a")
    assert table["rows"][0]["cells"] == ["fifteen", "26y"]
    # A single object: the table carries its resourceVersion.
    assert table["metadata"] == {"resourceVersion": "7"}


def test_include_object_variants() -> None:
    item = ITEMS[1]
    meta = build_table([item], [], now=NOW)["rows"][0]["object"]
    assert meta == {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                    "metadata": item["metadata"]}
    assert build_table([item], [], now=NOW, include_object="Object")["rows"][0]["object"] == item
    assert build_table([item], [], now=NOW, include_object="None")["rows"][0]["object"] is None
    no_timestamp = {"metadata": {"name": "x"}}
    partial = build_table([no_timestamp], [], now=NOW)["rows"][0]["object"]
    assert partial["metadata"] == {"name": "x", "creationTimestamp": None}
    with pytest.raises(TableError) as info:
        build_table([item], [], now=NOW, include_object="Everything")
    assert info.value.message == 'unrecognized includeObject value: "Everything"'


def test_a_column_kube_cannot_parse_ends_the_column_list() -> None:
    columns = [{"name": "A", "type": "string", "jsonPath": ".a"},
               {"name": "B", "type": "string", "jsonPath": "{.b}"},
               {"name": "C", "type": "string", "jsonPath": ".c"}]
    table = build_table([{"metadata": {"name": "n"}, "a": "x"}], columns, now=NOW)
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "A"]
    assert table["rows"][0]["cells"] == ["n", "x"]


# (seconds, HumanDuration) — every line checked against Go's duration.HumanDuration
DURATIONS = list(zip(
    [0, 0.5, -0.5, -1.5, -2.5, 1, 59, 119, 120, 121, 599, 600, 601, 3599, 3600, 3660, 10799,
     10800, 28799, 28800, 172799, 172800, 176400, 691199, 691200, 63071999, 63072000, 63158400,
     252288000, 504576000],
    ["0s", "0s", "0s", "0s", "<invalid>", "1s", "59s", "119s", "2m", "2m1s", "9m59s", "10m", "10m",
     "59m", "60m", "61m", "179m", "3h", "7h59m", "8h", "47h", "2d", "2d1h", "7d23h", "8d", "729d",
     "2y", "2y1d", "8y", "16y"],
    strict=True,
))


@pytest.mark.parametrize(("seconds", "text"), DURATIONS)
def test_human_duration_matches_go(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_ages_count_from_the_given_clock() -> None:
    created = (NOW - dt.timedelta(minutes=3, seconds=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    table = build_table([{"metadata": {"name": "n", "creationTimestamp": created}}],
                        default_columns(), now=NOW)
    assert table["rows"][0]["cells"][1] == "3m7s"
    naive_now = NOW.replace(tzinfo=None)  # a naive clock is taken as UTC
    table = build_table([{"metadata": {"name": "n", "creationTimestamp": created}}],
                        default_columns(), now=naive_now)
    assert table["rows"][0]["cells"][1] == "3m7s"


@pytest.mark.parametrize(("path", "data", "expected"), [
    (".spec.value", {"spec": {"value": 3}}, [3]),
    ("{.spec.value}", {"spec": {"value": 3}}, [3]),
    (".spec.missing", {"spec": {}}, []),
    (".spec.l[1]", {"spec": {"l": [1, 2]}}, [2]),
    (".spec.l[-1]", {"spec": {"l": [1, 2]}}, [2]),
    (".spec.l[5]", {"spec": {"l": [1, 2]}}, []),
    (".spec.l[*].x", {"spec": {"l": [{"x": 1}, {"y": 2}, {"x": 3}]}}, [1, 3]),
    (".spec.l[1:3]", {"spec": {"l": [1, 2, 3, 4]}}, [2, 3]),
    (".metadata.labels['app']", {"metadata": {"labels": {"app": "v"}}}, ["v"]),
    (".metadata.labels['a.b']", {"metadata": {"labels": {"a.b": "w"}}}, []),
    (".metadata.labels.a\\.b", {"metadata": {"labels": {"a.b": "w"}}}, ["w"]),
    (".spec.m.*", {"spec": {"m": {"b": 2, "a": 1}}}, [1, 2]),
    (".", {"a": 1}, [{"a": 1}]),
    # The filter printer columns use for a condition, e.g. kubebuilder's Ready column.
    ('.status.conditions[?(@.type=="Ready")].status',
     {"status": {"conditions": [{"type": "Synced", "status": "False"},
                                {"type": "Ready", "status": "True"}]}}, ["True"]),
    (".status.conditions[?(@.type=='Ready')].reason",
     {"status": {"conditions": [{"type": "Ready", "status": "False", "reason": "Missing"}]}},
     ["Missing"]),
    ('.status.conditions[?(@.type=="Ready")].status', {"status": {}}, []),
    (".spec.l[?(@.n>1)].n", {"spec": {"l": [{"n": 1}, {"n": 2}, {"n": "3"}]}}, [2]),
    (".spec.l[?(@.x)].x", {"spec": {"l": [{"x": 0}, {"y": 1}]}}, [0]),
])
def test_jsonpath(path: str, data: Any, expected: list[Any]) -> None:
    assert evaluate_jsonpath(parse_jsonpath(path), data) == expected


def test_jsonpath_rejects_what_it_cannot_read() -> None:
    with pytest.raises(ValueError):
        parse_jsonpath(".spec[?(@.x =~ /re/)]")
