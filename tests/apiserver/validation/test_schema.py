"""Tests for mathctl.apiserver.validation.schema: the answers kube-apiserver v1.28 gives, byte for byte.

The expected strings in the tables were produced by running the Kubernetes v1.28.0 source itself
(``apiextensions-apiserver`` ``ValidateCustomResource`` + ``listtype.ValidateListSetsAndMaps``,
``structuralpruning.PruneWithOptions``, ``structuraldefaulting.Default``,
``ValidateCustomResourceDefinition``) on the same inputs. Field order inside one object is random
in kube (Go map iteration), so the error lists are compared sorted.
"""

# ruff: noqa: E501 (the golden tables keep kube's messages on one line each)
from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathctl.apiserver.validation import schema as S
from mathctl.apiserver.validation.schema import FieldError

NUMBER_LIKE: dict[str, Any] = {
    "type": "object", "required": ["spec"], "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {"type": "object", "required": ["value"], "properties": {
            "value": {"type": "integer", "format": "int64"},
            "name": {"type": "string", "maxLength": 5, "minLength": 2, "pattern": "^[a-z]+$"},
            "color": {"type": "string", "enum": ["red", "green"]},
            "n": {"type": "number", "minimum": 0, "maximum": 10.5, "exclusiveMaximum": True},
            "i": {"type": "integer", "minimum": 0, "maximum": 100, "multipleOf": 5},
            "nums": {"type": "array", "items": {"type": "integer"}, "minItems": 1,
                     "maxItems": 3, "x-kubernetes-list-type": "set"},
            "flag": {"type": "boolean"},
            "ios": {"x-kubernetes-int-or-string": True},
            "ts": {"type": "string", "format": "date-time"},
            "d": {"type": "string", "format": "date"},
            "u": {"type": "string", "format": "uuid"},
            "i32": {"type": "integer", "format": "int32"},
            "nul": {"type": "string", "nullable": True},
            "m": {"type": "object", "additionalProperties": {"type": "integer"},
                  "maxProperties": 2, "minProperties": 1},
            "ports": {"type": "array", "x-kubernetes-list-type": "map",
                      "x-kubernetes-list-map-keys": ["port"],
                      "items": {"type": "object", "properties": {
                          "port": {"type": "integer"}, "name": {"type": "string"}}}},
            "en": {"type": "integer", "enum": [1, 2, 3]},
            "any": {"x-kubernetes-preserve-unknown-fields": True},
            # kube turns the float bound into int64 for an integer value; 2^63 overflows
            # on amd64 to the minimum int64, so this maximum rejects every integer.
            "maxx": {"type": "integer", "maximum": 9223372036854775807},
        }},
        "status": {"type": "object", "properties": {
            "isSquare": {"type": "boolean"}, "fizzBuzz": {"type": "string"}}},
    },
}

# (object, sorted field.Error.Error() strings kube-apiserver produces)
NUMBER_LIKE_CASES: list[tuple[Any, list[str]]] = [
    ({'spec': {'value': 1}},
     []),
    ({},
     ['spec: Required value']),
    ({'spec': {}},
     ['spec.value: Required value']),
    ({'spec': {'value': 'string'}},
     ['spec.value: Invalid value: "string": spec.value in body must be of type integer: "string"']),
    ({'spec': {'value': 1.5}},
     ['spec.value: Invalid value: "number": spec.value in body must be of type integer: "number"']),
    ({'spec': {'value': 2.0}},
     []),
    ({'spec': {'value': 9223372036854775808}},
     ['spec.value: Invalid value: "number": spec.value in body must be of type integer: "number"']),
    ({'spec': {'value': -9223372036854775809}},
     ['spec.value: Invalid value: "number": spec.value in body must be of type integer: "number"']),
    ({'spec': {'value': 9223372036854775807}},
     []),
    ({'spec': {'value': None}},
     ['spec.value: Invalid value: "null": spec.value in body must be of type integer: "null"']),
    ({'spec': {'value': True}},
     ['spec.value: Invalid value: "boolean": spec.value in body must be of type integer: "boolean"']),
    ({'spec': {'value': [1]}},
     ['spec.value: Invalid value: "array": spec.value in body must be of type integer: "array"']),
    ({'spec': {'value': {'a': 1}}},
     ['spec.value: Invalid value: "object": spec.value in body must be of type integer: "object"']),
    ({'spec': 'x'},
     ['spec: Invalid value: "string": spec in body must be of type object: "string"']),
    ({'spec': None},
     ['spec: Invalid value: "null": spec in body must be of type object: "null"']),
    ({'spec': {'value': 1, 'name': 'abcdefg'}},
     ['spec.name: Too long: may not be longer than 5']),
    ({'spec': {'value': 1, 'name': 'a'}},
     ['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long']),
    ({'spec': {'value': 1, 'name': 'AB'}},
     ['spec.name: Invalid value: "AB": spec.name in body should match \'^[a-z]+$\'']),
    ({'spec': {'value': 1, 'name': 'ab1'}},
     ['spec.name: Invalid value: "ab1": spec.name in body should match \'^[a-z]+$\'']),
    ({'spec': {'value': 1, 'color': 'blue'}},
     ['spec.color: Unsupported value: "blue": supported values: "red", "green"']),
    ({'spec': {'value': 1, 'color': 5}},
     ['spec.color: Invalid value: "integer": spec.color in body must be of type string: "integer"', 'spec.color: Unsupported value: 5: supported values: "red", "green"']),
    ({'spec': {'value': 1, 'color': None}},
     ['spec.color: Invalid value: "null": spec.color in body must be of type string: "null"', 'spec.color: Unsupported value: "null": supported values: "red", "green"']),
    ({'spec': {'value': 1, 'n': 10.5}},
     ['spec.n: Invalid value: 10.5: spec.n in body should be less than 10.5']),
    ({'spec': {'value': 1, 'n': -1}},
     ['spec.n: Invalid value: -1: spec.n in body should be greater than or equal to 0']),
    ({'spec': {'value': 1, 'n': -0.5}},
     ['spec.n: Invalid value: -0.5: spec.n in body should be greater than or equal to 0']),
    ({'spec': {'value': 1, 'n': 11}},
     ['spec.n: Invalid value: 11: spec.n in body should be less than 10']),
    ({'spec': {'value': 1, 'i': 7}},
     ['spec.i: Invalid value: 7: spec.i in body should be a multiple of 5']),
    ({'spec': {'value': 1, 'i': 105}},
     ['spec.i: Invalid value: 105: spec.i in body should be less than or equal to 100']),
    ({'spec': {'value': 1, 'i': -5}},
     ['spec.i: Invalid value: -5: spec.i in body should be greater than or equal to 0']),
    ({'spec': {'value': 1, 'i': 7.5}},
     ['spec.i: Invalid value: "number": spec.i in body must be of type integer: "number"', 'spec.i: Invalid value: 7.5: spec.i in body should be a multiple of 5']),
    ({'spec': {'value': 1, 'nums': []}},
     ['spec.nums: Invalid value: 0: spec.nums in body should have at least 1 items']),
    ({'spec': {'value': 1, 'nums': [1, 2, 3, 4]}},
     ['spec.nums: Too many: 4: must have at most 3 items']),
    ({'spec': {'value': 1, 'nums': [1, 2, 1]}},
     ['spec.nums[2]: Duplicate value: 1']),
    ({'spec': {'value': 1, 'nums': [1, 1, 1, 2, 2]}},
     ['spec.nums: Too many: 5: must have at most 3 items', 'spec.nums[1]: Duplicate value: 1', 'spec.nums[4]: Duplicate value: 2']),
    ({'spec': {'value': 1, 'nums': ['a', 2]}},
     ['spec.nums[0]: Invalid value: "string": spec.nums[0] in body must be of type integer: "string"']),
    ({'spec': {'value': 1, 'nums': 'x'}},
     ['spec.nums: Invalid value: "string": spec.nums in body must be of type array: "string"']),
    ({'spec': {'value': 1, 'flag': 'true'}},
     ['spec.flag: Invalid value: "string": spec.flag in body must be of type boolean: "string"']),
    ({'spec': {'value': 1, 'flag': 1}},
     ['spec.flag: Invalid value: "integer": spec.flag in body must be of type boolean: "integer"']),
    ({'spec': {'value': 1, 'ios': 1}},
     []),
    ({'spec': {'value': 1, 'ios': '1'}},
     []),
    ({'spec': {'value': 1, 'ios': 1.5}},
     ['spec.ios: Invalid value: "number": spec.ios in body must be of type integer,string: "number"']),
    ({'spec': {'value': 1, 'ios': True}},
     ['spec.ios: Invalid value: "boolean": spec.ios in body must be of type integer,string: "boolean"']),
    ({'spec': {'value': 1, 'ts': '2023-01-02T03:04:05Z'}},
     []),
    ({'spec': {'value': 1, 'ts': 'yesterday'}},
     ['spec.ts: Invalid value: "yesterday": spec.ts in body must be of type date-time: "yesterday"']),
    ({'spec': {'value': 1, 'ts': 5}},
     ['spec.ts: Invalid value: "int64": spec.ts in body must be of type date-time: "int64"']),
    ({'spec': {'value': 1, 'd': '2023-02-30'}},
     ['spec.d: Invalid value: "2023-02-30": spec.d in body must be of type date: "2023-02-30"']),
    ({'spec': {'value': 1, 'd': '2023-02-03'}},
     []),
    ({'spec': {'value': 1, 'u': 'not-a-uuid'}},
     ['spec.u: Invalid value: "not-a-uuid": spec.u in body must be of type uuid: "not-a-uuid"']),
    ({'spec': {'value': 1, 'u': '123e4567-e89b-12d3-a456-426614174000'}},
     []),
    ({'spec': {'value': 1, 'i32': 2147483648}},
     []),
    ({'spec': {'value': 1, 'nul': None}},
     []),
    ({'spec': {'value': 1, 'm': {}}},
     ['spec.m: Invalid value: 0: spec.m in body should have at least 1 properties']),
    ({'spec': {'value': 1, 'm': {'a': 1, 'b': 2, 'c': 3}}},
     ['spec.m: Too many: 3: must have at most 2 items']),
    ({'spec': {'value': 1, 'm': {'a': 'x'}}},
     ['spec.m.a: Invalid value: "string": spec.m.a in body must be of type integer: "string"']),
    ({'spec': {'value': 1, 'ports': [{'port': 80}, {'port': 80, 'name': 'x'}, {'name': 'y'}, {'name': 'z'}]}},
     ['spec.ports[1]: Duplicate value: map[string]interface {}{"port":80}', 'spec.ports[3]: Duplicate value: map[string]interface {}{}']),
    ({'spec': {'value': 1, 'ports': [1, {'port': 80}]}},
     ['spec.ports[0]: Invalid value: "integer": spec.ports[0] in body must be of type object: "integer"', 'spec.ports[0]: Invalid value: 1: must be an object for an array of list-type map']),
    ({'spec': {'value': 1, 'en': 4}},
     ['spec.en: Unsupported value: 4: supported values: "1", "2", "3"']),
    ({'spec': {'value': 1, 'en': 2}},
     []),
    ({'spec': {'value': 1, 'en': 2.0}},
     []),
    ({'spec': {'value': 1, 'en': '2'}},
     ['spec.en: Invalid value: "string": spec.en in body must be of type integer: "string"', 'spec.en: Unsupported value: "2": supported values: "1", "2", "3"']),
    ({'spec': {'value': 1, 'maxx': 5}},
     ['spec.maxx: Invalid value: 5: spec.maxx in body should be less than or equal to -9223372036854775808']),
    ({'spec': {'value': 1, 'maxx': 5.5}},
     ['spec.maxx: Invalid value: "number": spec.maxx in body must be of type integer: "number"']),
    ({'spec': {'value': 1, 'any': {'x': [1, {'y': None}]}}},
     []),
    ({'spec': {'value': 1}, 'status': {'isSquare': 'yes'}},
     ['status.isSquare: Invalid value: "string": status.isSquare in body must be of type boolean: "string"']),
    ({'spec': {'value': 1, 'name': 'abé\n'}},
     ['spec.name: Invalid value: "abé\\n": spec.name in body should match \'^[a-z]+$\'']),
    ({'spec': {'value': 1, 'n': 1234567.5}},
     ['spec.n: Invalid value: 1.2345675e+06: spec.n in body should be less than 10.5']),
    ({'spec': {'value': 1, 'n': 1e-07}},
     []),
]


@pytest.mark.parametrize(("obj", "expected"), NUMBER_LIKE_CASES)
def test_validate_matches_kube(obj: Any, expected: list[str]) -> None:
    errors = S.validate(NUMBER_LIKE, copy.deepcopy(obj))
    assert sorted(str(e) for e in errors) == expected


# (schema, object, sorted errors): composition keywords, formats, root-level quirks.
OTHER_CASES: list[tuple[dict[str, Any], Any, list[str]]] = [
    ({'type': 'object', 'properties': {'a': {'type': 'string'}}},
     'notanobject',
     ['<nil>: Invalid value: "string":  in body must be of type object: "string"']),
    ({'type': 'object', 'properties': {'a': {'type': 'string'}}},
     ['x'],
     ['<nil>: Invalid value: "array":  in body must be of type object: "array"']),
    ({'type': 'object', 'additionalProperties': False, 'properties': {'a': {'type': 'string'}}},
     {'a': 'x', 'b': 1},
     ['<nil>: Invalid value: "b": .b in body is a forbidden property']),
    ({'type': 'object', 'properties': {'a': {'type': 'array', 'uniqueItems': True, 'items': {'type': 'object'}}}},
     {'a': [{'x': 1}, {'x': 1}]},
     ['a: Invalid value: "": a in body shouldn\'t contain duplicates']),
    ({'type': 'object', 'properties': {'a': {'type': 'string', 'anyOf': [{'maxLength': 2}, {'pattern': '^x'}]}}},
     {'a': 'abc'},
     ['<nil>: Invalid value: "": "a" must validate at least one schema (anyOf)', 'a: Too long: may not be longer than 2']),
    ({'type': 'object', 'properties': {'a': {'type': 'integer', 'not': {'minimum': 5}}}},
     {'a': 7},
     ['<nil>: Invalid value: "": "a" must not validate the schema (not)']),
    ({'type': 'object', 'properties': {'a': {'type': 'integer', 'allOf': [{'minimum': 5}, {'maximum': 3}]}}},
     {'a': 4},
     ['<nil>: Invalid value: "": "a" must validate all the schemas (allOf). None validated', 'a: Invalid value: 4: a in body should be greater than or equal to 5', 'a: Invalid value: 4: a in body should be less than or equal to 3']),
    ({'type': 'object', 'properties': {'a': {'type': 'integer', 'oneOf': [{'minimum': 5}, {'maximum': 10}]}}},
     {'a': 7},
     ['<nil>: Invalid value: "": "a" must validate one and only one schema (oneOf). Found 2 valid alternatives']),
    ({'type': 'object', 'properties': {'a': {'type': 'number', 'multipleOf': 0.5}}},
     {'a': 1.25},
     ['a: Invalid value: 1.25: a in body should be a multiple of 0.5']),
    ({'type': 'object', 'properties': {'a': {'type': 'integer', 'multipleOf': 0.5}}},
     {'a': 3},
     ['a: Invalid value: 0: factor MultipleOf declared for a must be positive: 0']),
    ({'type': 'object', 'properties': {'a': {'type': 'string', 'enum': ['x', 1, True, None, 2.5]}}},
     {'a': 'q'},
     ['a: Unsupported value: "q": supported values: "x", "1", "true", "null", "2.5"']),
    ({'type': 'object', 'properties': {'a': {'type': 'string', 'format': 'int64'}}},
     {'a': 5},
     ['a: Invalid value: "integer": a in body must be of type string: "integer"']),
    ({'type': 'object', 'properties': {'a': {'type': 'string', 'format': 'email'}}},
     {'a': 'nope'},
     ['a: Invalid value: "nope": a in body must be of type email: "nope"']),
    ({'type': 'object', 'properties': {'a': {'type': 'string', 'format': 'byte'}}},
     {'a': '!!'},
     ['a: Invalid value: "!!": a in body must be of type byte: "!!"']),
    ({'type': 'object', 'properties': {'a': {'type': 'string', 'format': 'ipv4'}}},
     {'a': '1.2.3'},
     ['a: Invalid value: "1.2.3": a in body must be of type ipv4: "1.2.3"']),
    ({'type': 'object', 'properties': {'a': {'type': 'string', 'format': 'hostname'}}},
     {'a': '-bad-'},
     ['a: Invalid value: "-bad-": a in body must be of type hostname: "-bad-"']),
    ({'type': 'object', 'properties': {'a': {'type': 'string', 'format': 'date-time'}}},
     {'a': {'x': 1}},
     ['a: Invalid value: "": a in body must be of type date-time: ""']),
    ({'type': 'object', 'properties': {'a': {'type': 'object', 'required': ['b', 'c']}}},
     {'a': {}},
     ['a.b: Required value', 'a.c: Required value']),
]


@pytest.mark.parametrize(("schema", "obj", "expected"), OTHER_CASES)
def test_validate_other_schemas_match_kube(schema: dict[str, Any], obj: Any,
                                          expected: list[str]) -> None:
    assert sorted(str(e) for e in S.validate(schema, obj)) == expected


def test_field_error_parts_feed_the_status_causes() -> None:
    (err,) = S.validate(NUMBER_LIKE, {"spec": {"value": "string"}})
    assert err.reason == "FieldValueTypeInvalid"
    assert err.field == "spec.value"
    assert err.message == 'Invalid value: "string": spec.value in body must be of type integer: "string"'
    assert err.bad_value == "string"
    assert err.cause() == {"reason": "FieldValueTypeInvalid", "field": "spec.value",
                           "message": err.message}
    (req,) = S.validate(NUMBER_LIKE, {"spec": {}})
    assert (req.reason, req.field, req.message) == ("FieldValueRequired", "spec.value",
                                                     "Required value")


def test_aggregate_is_the_status_message_tail() -> None:
    errors = S.validate(NUMBER_LIKE, {"spec": {"value": 1, "flag": 1, "color": "blue"}})
    text = S.aggregate(sorted(errors, key=str))
    assert text == (
        '[spec.color: Unsupported value: "blue": supported values: "red", "green", '
        'spec.flag: Invalid value: "integer": spec.flag in body must be of type boolean: '
        '"integer"]'
    )
    assert S.aggregate(errors[:1]) == str(errors[0])
    assert S.aggregate([errors[0], errors[0]]) == str(errors[0])


def test_status_subresource_paths_are_relative_to_status_as_in_kube() -> None:
    # customresource/validator.go ValidateStatusUpdate validates .status against
    # properties.status with a nil path: the cause reads "isSquare", not "status.isSquare".
    status_schema = NUMBER_LIKE["properties"]["status"]
    (err,) = S.validate(status_schema, {"isSquare": "yes"})
    assert str(err) == ('isSquare: Invalid value: "string": isSquare in body must be of type '
                        'boolean: "string"')


@pytest.mark.parametrize(("value", "text"), [
    (1e6, "1e+06"), (123456789.0, "1.23456789e+08"), (999999.0, "999999"), (1.5, "1.5"),
    (100.0, "100"), (0.0001, "0.0001"), (1e-05, "1e-05"), (9.223372036854776e18,
                                                           "9.223372036854776e+18"),
    (-2.5, "-2.5"), (1234567.5, "1.2345675e+06"),
])
def test_go_float_formatting(value: float, text: str) -> None:
    # Checked against Go's fmt %v.
    assert S.go_float(value) == text


def test_go_value_sharp_of_maps_and_lists() -> None:
    value = {"b": "x", "a": 1, "c": [1.5, True, None]}
    assert S.go_value(value, sharp=True) == (
        'map[string]interface {}{"a":1, "b":"x", "c":[]interface {}{1.5, true, '
        "interface {}(nil)}}"
    )
    assert S.go_quote('a"b\\\n\x01é') == '"a\\"b\\\\\\n\\x01é"'


# --- pruning and defaulting ------------------------------------------------------------------

PRUNE_SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    "spec": {"type": "object", "properties": {
        "value": {"type": "integer"}, "def": {"type": "integer", "default": 7},
        "list": {"type": "array", "items": {"type": "object", "properties": {
            "a": {"type": "string"}, "d": {"type": "string", "default": "x"}}}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                 "properties": {"known": {"type": "object",
                                          "properties": {"k": {"type": "string"}}}}},
        "map": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"z": {"type": "integer", "default": 1}}}},
        "nul": {"type": "string", "nullable": True},
        "emb": {"type": "object", "x-kubernetes-embedded-resource": True,
                "properties": {"spec": {"type": "object"}}},
        "obj": {"type": "object", "default": {"q": 1}, "properties": {"q": {"type": "integer"}}},
    }},
    "status": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
}}

# (object, removed paths, object after pruning) — kube's pruning + null pruning + ObjectMeta
# strict decoding.
PRUNE_CASES: list[tuple[dict[str, Any], list[str], dict[str, Any]]] = [
    ({"apiVersion": "a/v1", "kind": "K", "metadata": {"name": "x", "foo": 1, "labels": {"a": "b"}},
      "spec": {"value": 1, "foo": 2, "bar": {"x": 1}}, "zzz": 1},
     ["metadata.foo", "spec.bar", "spec.foo", "zzz"],
     {"apiVersion": "a/v1", "kind": "K", "metadata": {"name": "x", "labels": {"a": "b"}},
      "spec": {"value": 1}}),
    ({"spec": {"list": [{"a": "x", "b": 1}, {"c": 2}],
               "free": {"any": 1, "known": {"k": "v", "drop": 1}}}},
     ["spec.free.known.drop", "spec.list[0].b", "spec.list[1].c"],
     {"spec": {"list": [{"a": "x"}, {}], "free": {"any": 1, "known": {"k": "v"}}}}),
    ({"spec": {"map": {"m1": {"z": 2, "y": 3}}, "value": None, "nul": None, "def": None}},
     ["spec.map.m1.y"],
     {"spec": {"map": {"m1": {"z": 2}}, "nul": None, "def": None}}),
    ({"spec": {"emb": {"apiVersion": "v1", "kind": "X", "metadata": {"name": "n"},
                       "spec": {"a": 1}, "other": 1}}},
     ["spec.emb.other", "spec.emb.spec.a"],
     {"spec": {"emb": {"apiVersion": "v1", "kind": "X", "metadata": {"name": "n"},
                       "spec": {}}}}),
    ({"metadata": {"name": "x", "ownerReferences": [
        {"apiVersion": "v1", "kind": "K", "name": "n", "uid": "u", "extra": 1}]},
      "status": {"ok": True, "junk": 1}},
     ["metadata.ownerReferences[0].extra", "status.junk"],
     {"metadata": {"name": "x", "ownerReferences": [
         {"apiVersion": "v1", "kind": "K", "name": "n", "uid": "u"}]}, "status": {"ok": True}}),
    ({"spec": {"list": [None, {"a": None}]}}, [], {"spec": {"list": [None, {}]}}),
    ({}, [], {}),
]


@pytest.mark.parametrize(("obj", "paths", "after"), PRUNE_CASES)
def test_prune_matches_kube(obj: dict[str, Any], paths: list[str], after: dict[str, Any]) -> None:
    obj = copy.deepcopy(obj)
    assert S.prune(PRUNE_SCHEMA, obj) == paths
    assert obj == after


# (object before defaulting, after) — kube's PruneNonNullableNullsWithoutDefaults + Default.
DEFAULT_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"spec": {}}, {"spec": {"def": 7, "obj": {"q": 1}}}),
    ({"spec": {"def": None, "value": None, "nul": None}},
     {"spec": {"def": 7, "nul": None, "obj": {"q": 1}}}),
    ({"spec": {"list": [{"a": "x"}, {"d": "y"}], "map": {"m": {}}, "def": 3}},
     {"spec": {"list": [{"a": "x", "d": "x"}, {"d": "y"}], "map": {"m": {"z": 1}}, "def": 3,
               "obj": {"q": 1}}}),
    ({}, {}),
]


@pytest.mark.parametrize(("before", "after"), DEFAULT_CASES)
def test_defaults_match_kube(before: dict[str, Any], after: dict[str, Any]) -> None:
    obj = copy.deepcopy(before)
    S.prune(PRUNE_SCHEMA, obj)
    S.apply_defaults(PRUNE_SCHEMA, obj)
    assert obj == after


def test_defaults_are_deep_copies() -> None:
    obj: dict[str, Any] = {"spec": {}}
    S.apply_defaults(PRUNE_SCHEMA, obj)
    obj["spec"]["obj"]["q"] = 99
    again: dict[str, Any] = {"spec": {}}
    S.apply_defaults(PRUNE_SCHEMA, again)
    assert again["spec"]["obj"] == {"q": 1}


# --- CRDs --------------------------------------------------------------------------------------

def _crd(**changes: Any) -> dict[str, Any]:
    crd: dict[str, Any] = {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "numbers.math.mathctl.example"},
        "spec": {"group": "math.mathctl.example", "scope": "Namespaced",
                 "names": {"plural": "numbers", "singular": "number", "kind": "Number",
                           "listKind": "NumberList", "shortNames": ["num"],
                           "categories": ["math"]},
                 "versions": [{"name": "v1beta1", "served": True, "storage": True,
                               "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                   "spec": {"type": "object", "properties": {
                                       "value": {"type": "integer"}}}}}},
                               "subresources": {"status": {}},
                               "additionalPrinterColumns": [
                                   {"name": "Value", "type": "integer",
                                    "jsonPath": ".spec.value"}]}]}}
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node: Any = crd
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return crd


def _schema(openapi: dict[str, Any]) -> dict[str, Any]:
    return {"spec__versions__0__schema": {"openAPIV3Schema": openapi}}


DNS1035 = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
           "with an alphabetic character, and end with an alphanumeric character (e.g. "
           "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")

# (changes to a valid CRD, sorted errors kube reports)
CRD_CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({}, []),
    ({"metadata": {"name": "numbers.wrong.example"}},
     ['metadata.name: Invalid value: "numbers.wrong.example": must be '
      'spec.names.plural+"."+spec.group']),
    ({"metadata": {"name": "numbers.math"}, "spec__group": "math"},
     ['spec.group: Invalid value: "math": should be a domain with at least one dot']),
    ({"spec__scope": "Global"},
     ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']),
    ({"spec__scope": None}, ["spec.scope: Required value"]),
    ({"spec__versions__0__storage": False},
     ['spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{'
      'apiextensions.CustomResourceDefinitionVersion{Name:"v1beta1", Served:true, '
      'Storage:false, Deprecated:false, DeprecationWarning:(*string)(nil), '
      'Schema:(*apiextensions.CustomResourceValidation)(nil), '
      'Subresources:(*apiextensions.CustomResourceSubresources)(nil), '
      'AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil)}}: '
      'must have exactly one version marked as storage version',
      'status.storedVersions: Invalid value: []string(nil): must have at least one stored '
      'version']),
    ({"spec__names__listKind": "Number"},
     ['spec.names.listKind: Invalid value: "Number": kind and listKind may not be the same']),
    ({"spec__names__shortNames": ["n_m"]},
     [f'spec.names.shortNames[0]: Invalid value: "n_m": {DNS1035}']),
    ({"spec__versions__0__name": "V1"},
     [f'spec.version: Invalid value: "V1": {DNS1035}',
      f'spec.versions[0].name: Invalid value: "V1": {DNS1035}']),
    ({"spec__versions__0__schema": None},
     ["spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required"]),
    (_schema({"type": "object", "properties": {"spec": {"properties": {
        "value": {"type": "integer"}}}}}),
     ["spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be "
      "empty for specified object fields"]),
    (_schema({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "v": {"type": "array"}}}}}),
     ["spec.validation.openAPIV3Schema.properties[spec].properties[v].items: Required value: "
      "must be specified"]),
    (_schema({"type": "string"}),
     ['spec.validation.openAPIV3Schema.type: Invalid value: "string": must be object at the '
      'root',
      'spec.validation.openAPIV3Schema.type: Invalid value: "string": only "object" is '
      'allowed as the type at the root of the schema if the status subresource is enabled']),
    (_schema({"properties": {"spec": {"type": "object"}}}),
     ["spec.validation.openAPIV3Schema.type: Required value: must not be empty at the root"]),
    (_schema({"type": "object", "properties": {"metadata": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 10}}}}}), []),
    (_schema({"type": "object", "properties": {"metadata": {"type": "object", "properties": {
        "labels": {"type": "object"}}}}}),
     ["spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify "
      "anything other than name and generateName, but metadata is implicitly specified"]),
    (_schema({"type": "object", "properties": {"kind": {"type": "integer"}}}),
     ['spec.validation.openAPIV3Schema.properties[kind].type: Invalid value: "integer": must '
      'be string']),
    (_schema({"type": "object", "properties": {"spec": {"type": "object", "anyOf": [
        {"type": "object", "properties": {"a": {"type": "string"}}}]}}}),
     ["spec.validation.openAPIV3Schema.properties[spec].anyOf[0].properties[a].type: "
      "Forbidden: must be empty to be structural",
      "spec.validation.openAPIV3Schema.properties[spec].anyOf[0].type: Forbidden: must be "
      "empty to be structural"]),
    (_schema({"type": "object", "properties": {"x": {
        "x-kubernetes-int-or-string": True,
        "anyOf": [{"type": "integer"}, {"type": "string"}]}}}), []),
    (_schema({"type": "object", "properties": {"x": {
        "x-kubernetes-int-or-string": True, "x-kubernetes-preserve-unknown-fields": True}}}),
     ["spec.validation.openAPIV3Schema.properties[x].x-kubernetes-preserve-unknown-fields: "
      "Invalid value: true: must be false if x-kubernetes-int-or-string is true"]),
    (_schema({"type": "object", "properties": {"x": {
        "type": "object", "x-kubernetes-embedded-resource": True}}}),
     ["spec.validation.openAPIV3Schema.properties[x].properties: Required value: must not be "
      "empty if x-kubernetes-embedded-resource is true without "
      "x-kubernetes-preserve-unknown-fields"]),
    ({"spec__versions__0__additionalPrinterColumns": [
        {"name": "", "type": "int", "format": "weird", "jsonPath": "spec.value"},
        {"name": "A", "type": "", "jsonPath": ""}]},
     ['spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.value": must be a '
      'simple json path starting with .',
      'spec.additionalPrinterColumns[0].format: Invalid value: "weird": must be one of '
      'byte,date,date-time,double,float,int32,int64,password',
      'spec.additionalPrinterColumns[0].type: Invalid value: "int": must be one of '
      'boolean,date,integer,number,string',
      "spec.additionalPrinterColumns[0].name: Required value",
      "spec.additionalPrinterColumns[1].JSONPath: Required value",
      "spec.additionalPrinterColumns[1].type: Required value: must be one of "
      "boolean,date,integer,number,string"]),
]


@pytest.mark.parametrize(("changes", "expected"), CRD_CASES)
def test_validate_crd_matches_kube(changes: dict[str, Any], expected: list[str]) -> None:
    crd = _crd(**changes)
    S.apply_crd_defaults(crd)
    assert sorted(str(e) for e in S.validate_crd(crd)) == sorted(expected)


def test_crd_defaults_fill_singular_list_kind_and_stored_versions() -> None:
    crd = _crd(spec__names__singular=None, spec__names__listKind=None)
    S.apply_crd_defaults(crd)
    assert crd["spec"]["names"]["singular"] == "number"
    assert crd["spec"]["names"]["listKind"] == "NumberList"
    assert crd["status"]["storedVersions"] == ["v1beta1"]
    assert crd["spec"]["conversion"] == {"strategy": "None"}


def test_per_version_schemas_are_reported_per_version() -> None:
    crd = _crd()
    second = copy.deepcopy(crd["spec"]["versions"][0])
    second.update(name="v1", storage=False)
    second["schema"]["openAPIV3Schema"]["properties"]["spec"].pop("type")
    crd["spec"]["versions"].append(second)
    S.apply_crd_defaults(crd)
    assert [str(e) for e in S.validate_crd(crd)] == [
        "spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must "
        "not be empty for specified object fields"]


def test_structural_errors_default_path_and_sorting() -> None:
    errors = S.structural_errors({"properties": {"b": {}, "a": {}}})
    assert [str(e) for e in errors] == [
        "spec.versions[0].schema.openAPIV3Schema.properties[a].type: Required value: must not "
        "be empty for specified object fields",
        "spec.versions[0].schema.openAPIV3Schema.properties[b].type: Required value: must not "
        "be empty for specified object fields",
        "spec.versions[0].schema.openAPIV3Schema.type: Required value: must not be empty at "
        "the root",
    ]
    assert [str(e) for e in S.structural_errors({"type": "object", "$ref": "#/x"})] == [
        "spec.versions[0].schema.openAPIV3Schema: Invalid value: \"\": OpenAPIV3Schema '$ref' "
        "is not supported"]


# --- ObjectMeta --------------------------------------------------------------------------------

SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
             "characters, '-' or '.', and must start and end with an alphanumeric character "
             "(e.g. 'example.com', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
QNAME = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
         "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
         "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, "
               "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
               "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
               "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")

META_CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({"name": "ok", "namespace": "default"}, []),
    ({"namespace": "default"},
     ["metadata.name: Required value: name or generateName is required"]),
    ({"name": "Bad_Name", "namespace": "default"},
     [f'metadata.name: Invalid value: "Bad_Name": {SUBDOMAIN}']),
    ({"name": "x" * 254, "namespace": "default"},
     [f'metadata.name: Invalid value: "{"x" * 254}": must be no more than 253 characters']),
    ({"name": "ok"}, ["metadata.namespace: Required value"]),
    ({"name": "ok", "namespace": "default", "labels": {"bad key!": "v", "k": "bad value!"}},
     [f'metadata.labels: Invalid value: "bad key!": {QNAME}',
      f'metadata.labels: Invalid value: "bad value!": {LABEL_VALUE}']),
    ({"name": "ok", "namespace": "default", "annotations": {"/x": "y"}},
     ['metadata.annotations: Invalid value: "/x": prefix part must be non-empty']),
    ({"name": "ok", "namespace": "default", "generation": -1},
     ["metadata.generation: Invalid value: -1: must be greater than or equal to 0"]),
    ({"name": "ok", "namespace": "default", "finalizers": ["a/b/c"]},
     ['metadata.finalizers: Invalid value: "a/b/c": a qualified name must consist of '
      "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
      "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
      "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and "
      "'/' (e.g. 'example.com/MyName')"]),
    ({"name": "ok", "namespace": "default",
      "ownerReferences": [{"apiVersion": "", "kind": "", "name": "", "uid": ""}]},
     ['metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty']),
]


@pytest.mark.parametrize(("meta", "expected"), META_CASES)
def test_validate_object_meta_matches_kube(meta: dict[str, Any], expected: list[str]) -> None:
    got = S.validate_object_meta(meta, namespaced=True)
    assert sorted(str(e) for e in got) == sorted(expected)


def test_generate_name_masks_the_trailing_dash_like_kube() -> None:
    # kube validates after the name was generated, so a name is present.
    meta = {"generateName": "number-", "name": "number-x7k2p"}
    assert S.validate_object_meta(meta, namespaced=None) == []
    (err,) = S.validate_object_meta({"generateName": "Number-", "name": "n"}, namespaced=None)
    assert err.field == "metadata.generateName"


def test_object_meta_update_rules() -> None:
    old = {"name": "a", "uid": "1", "resourceVersion": "5", "generation": 2,
           "deletionTimestamp": "2024-01-01T00:00:00Z", "finalizers": ["x/y"]}
    new = {"name": "b", "uid": "1", "resourceVersion": "", "generation": 1,
           "deletionTimestamp": "2024-01-01T00:00:00Z", "finalizers": ["x/y", "x/z"]}
    assert [str(e) for e in S.validate_object_meta_update(new, old)] == [
        'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being '
        'deleted, found new finalizers []string{"x/z"}',
        'metadata.resourceVersion: Invalid value: "": must be specified for an update',
        "metadata.generation: Invalid value: 1: must not be decremented",
        'metadata.name: Invalid value: "b": field is immutable',
    ]


# --- properties ----------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=3),
    max_leaves=10,
)


@given(json_values)
def test_validate_never_raises_and_returns_field_errors(value: Any) -> None:
    for err in S.validate(NUMBER_LIKE, {"spec": {"value": 1, "any": value, "m": value}}):
        assert isinstance(err, FieldError)
        assert str(err).startswith(err.field + ": ")


@given(json_values)
def test_prune_is_idempotent_and_reports_nothing_the_second_time(value: Any) -> None:
    obj = {"spec": {"value": 1, "list": [value], "extra": value}, "other": value}
    S.prune(PRUNE_SCHEMA, obj)
    snapshot = json.dumps(obj, sort_keys=True)
    assert S.prune(PRUNE_SCHEMA, obj) == []
    assert json.dumps(obj, sort_keys=True) == snapshot
