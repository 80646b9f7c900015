"""The offline CRD rules accept our CRDs and catch what a real API server would reject."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mathctl.resources.crd import build_crd
from mathctl.resources.fermats import FERMAT_CRD
from mathctl.resources.numbers import NUMBER_CRD
from mathctl.resources.structural import crd_errors, structural_errors
from mathctl.resources.tuples import TUPLE_CRD


@pytest.mark.parametrize("source", [NUMBER_CRD, TUPLE_CRD, FERMAT_CRD],
                         ids=lambda s: s.names.kind)
def test_our_crds_pass(source: Any) -> None:
    assert crd_errors(build_crd(source)) == []


def root(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"spec": {"type": "object", "properties": props}}}


BAD_SCHEMAS = [
    (root(value={"description": "no type"}), "properties[value].type: must not be empty"),
    (root(value={"type": "null"}), "use nullable instead"),
    (root(value={"type": "array"}), "items: must be specified"),
    (root(value={"type": "array", "items": [{"type": "string"}]}), "not a list"),
    (root(value={"type": "array", "items": {}}), "items.type: must not be empty"),
    (root(value={"type": "object", "properties": {"a": {"type": "string"}},
                 "additionalProperties": {"type": "string"}}), "mutually exclusive"),
    ({"type": "object", "additionalProperties": {"type": "string"}}, "not be used at the root"),
    ({"type": "string"}, "must be object at the root"),
    (root(value={"$ref": "#/definitions/x"}), "$ref: is not supported"),
    (root(value={"type": "array", "items": {"type": "string"}, "uniqueItems": True}),
     "uniqueItems"),
    (root(value={"type": "string", "pattern": "("}), "not a valid regular expression"),
    (root(value={"type": "integer", "anyOf": [{"type": "integer", "minimum": 1}]}),
     "anyOf[0].type: must be undefined"),
    (root(value={"type": "object", "properties": {"a": {"type": "string"}},
                 "oneOf": [{"properties": {"b": {"minLength": 1}}}]}),
     "must be specified outside"),
    (root(value={"type": "string", "x-kubernetes-list-type": "atomic"}),
     "must be array if x-kubernetes-list-type"),
    (root(value={"type": "array", "items": {"type": "string"},
                 "x-kubernetes-list-type": "bag"}), "is not atomic, set or map"),
    (root(value={"type": "array", "items": {"type": "object", "properties": {
        "a": {"type": "string"}}}, "x-kubernetes-list-type": "set"}),
     "must be atomic as item of a list with x-kubernetes-list-type=set"),
    (root(value={"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}}}, "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["name"]}), "must be required or have a default"),
    (root(value={"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "object"}}, "required": ["name"]}, "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["name"]}), "must be a scalar type"),
    (root(value={"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "map"}),
     "x-kubernetes-list-map-keys: must not be empty"),
    (root(value={"type": "array", "items": {"type": "string"},
                 "x-kubernetes-list-map-keys": ["a"]}), "must be map if"),
    (root(value={"type": "string", "x-kubernetes-preserve-unknown-fields": False}),
     "must be true or undefined"),
    ({"type": "object", "properties": {"metadata": {"type": "object", "properties": {
        "labels": {"type": "object"}}}}}, "only name and generateName"),
    ({"type": "object", "properties": {"metadata": {"type": "object", "description": "x"}}},
     "must not specify anything other than name and generateName"),
    ({"type": "object", "properties": {"kind": {"type": "integer"}}}, "kind].type: must be string"),
    ({"type": "object", "default": {}}, "allowed at the root with the status subresource"),
    (root(value={"type": "integer", "format": "int64", "maximum": 2**63 - 1}),
     "maximum: 9223372036854775807 becomes 9223372036854775808 as a float64"),
    (root(value={"type": "integer", "minimum": -(2**64)}), "overflows"),
]


@pytest.mark.parametrize(("schema", "words"), BAD_SCHEMAS, ids=[w for _, w in BAD_SCHEMAS])
def test_each_rule_catches_its_mistake(schema: dict[str, Any], words: str) -> None:
    errors = structural_errors(schema)
    assert any(words in e for e in errors), errors


def test_integer_bounds_that_fit_are_fine() -> None:
    assert structural_errors(root(
        a={"type": "integer", "format": "int64", "minimum": -(2**63), "maximum": 2**53},
        b={"type": "number", "maximum": 1e300},
    )) == []


def test_escapes_that_need_no_type() -> None:
    assert structural_errors(root(
        free={"x-kubernetes-preserve-unknown-fields": True},
        port={"x-kubernetes-int-or-string": True},
        meta={"type": "object", "properties": {"labels": {"type": "object"}}},  # not root
        restricted_name={"type": "object"},
    )) == []
    assert structural_errors({"type": "object", "properties": {"metadata": {
        "type": "object", "properties": {"name": {"type": "string", "maxLength": 40}}}}}) == []


def mutate(path: list[str | int], value: Any) -> list[str]:
    crd = copy.deepcopy(build_crd(NUMBER_CRD))
    node: Any = crd
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return crd_errors(crd)


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (["metadata", "name"], "numbers.example.com", 'must be spec.names.plural+"."'),
        (["spec", "names", "plural"], "Numbers", "not a DNS-1035 label"),
        (["spec", "names", "shortNames"], ["n_1"], "not a DNS-1035 label"),
        (["spec", "names", "listKind"], "Number", "kind and listKind may not be the same"),
        (["spec", "scope"], "Global", "Namespaced or Cluster"),
        (["spec", "versions", 0, "storage"], False, "exactly one version"),
        (["spec", "versions", 0, "additionalPrinterColumns"],
         [{"name": "X", "type": "array", "jsonPath": ".spec.value"}], "type: must be one of"),
        (["spec", "versions", 0, "additionalPrinterColumns"],
         [{"name": "X", "type": "string", "jsonPath": "spec.value"}], "starting with '.'"),
        (["spec", "versions", 0, "additionalPrinterColumns"],
         [{"name": "", "type": "string", "jsonPath": ".a"}], "name: required"),
        (["apiVersion"], "apiextensions.k8s.io/v1beta1", "must be apiextensions.k8s.io/v1"),
    ],
)
def test_crd_level_rules(path: list[str | int], value: Any, words: str) -> None:
    errors = mutate(path, value)
    assert any(words in e for e in errors), errors
