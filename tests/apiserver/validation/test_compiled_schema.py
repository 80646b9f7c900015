"""The compiled acceptors never accept what the reference engine (``schema.py``) refuses.

Every golden case of ``test_schema.py`` (kube's own answers) and random values in every position
are run through both: ``valid`` may only be True when ``schema.validate`` finds nothing, and
``prune_noop`` only when ``schema.prune`` changes nothing. The workshop's own objects must take
the fast path, or the compiled form would be pointless.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mathctl.apiserver.validation import schema as S
from mathctl.apiserver.validation.compiled_schema import CompiledSchema, for_schema

from .test_schema import (
    NUMBER_LIKE,
    NUMBER_LIKE_CASES,
    OTHER_CASES,
    PRUNE_CASES,
    PRUNE_SCHEMA,
    json_values,
)

CRD_DIR = Path(__file__).resolve().parents[3] / "crds"


def crd_schema(name: str) -> dict[str, Any]:
    crd = yaml.safe_load((CRD_DIR / f"{name}.yaml").read_text())
    schema: dict[str, Any] = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return schema


NUMBER = crd_schema("number")
CONDITION = {"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z",
             "reason": "Computed", "message": "15 is FizzBuzz", "observedGeneration": 2}
A_NUMBER = {
    "apiVersion": "math.mathctl.example/v1beta1", "kind": "Number",
    "metadata": {"name": "n", "namespace": "default", "uid": "u", "resourceVersion": "7",
                 "generation": 2, "labels": {"a": "b"},
                 "ownerReferences": [{"apiVersion": "math.mathctl.example/v1beta1",
                                      "kind": "Tuple", "name": "t", "uid": "v"}]},
    "spec": {"value": 15},
    "status": {"fizzBuzz": "FizzBuzz", "isSquare": False, "observedGeneration": 2,
               "conditions": [CONDITION, {**CONDITION, "type": "Squared"}]},
}


def agrees(schema: dict[str, Any], obj: Any) -> None:
    """The acceptors' answers are implied by the reference's (never looser)."""
    fast = CompiledSchema(schema)
    if fast.valid(obj):
        assert S.validate(schema, obj) == [], obj
    if isinstance(obj, dict) and fast.prune_noop(obj):
        pruned = copy.deepcopy(obj)
        assert S.prune(schema, pruned) == [] and pruned == obj, obj
    if not fast.has_defaults:
        defaulted = copy.deepcopy(obj)
        S.apply_defaults(schema, defaulted)
        assert defaulted == obj


@pytest.mark.parametrize(("obj", "expected"), NUMBER_LIKE_CASES)
def test_golden_validation_cases(obj: Any, expected: list[str]) -> None:
    agrees(NUMBER_LIKE, obj)


@pytest.mark.parametrize(("schema", "obj", "expected"), OTHER_CASES)
def test_golden_cases_of_other_schemas(schema: dict[str, Any], obj: Any,
                                       expected: list[str]) -> None:
    agrees(schema, obj)


@pytest.mark.parametrize(("obj", "paths", "after"), PRUNE_CASES)
def test_golden_prune_cases(obj: dict[str, Any], paths: list[str], after: dict[str, Any]) -> None:
    agrees(PRUNE_SCHEMA, obj)
    assert CompiledSchema(PRUNE_SCHEMA).prune_noop(obj) == (not paths and obj == after)


def test_the_workshop_objects_take_the_fast_path() -> None:
    fast = CompiledSchema(NUMBER)
    assert fast.valid(A_NUMBER) and fast.prune_noop(A_NUMBER) and not fast.has_defaults
    for name in ("tuple", "fermat"):
        assert not CompiledSchema(crd_schema(name)).has_defaults
    assert CompiledSchema(crd_schema("serviceexpose")).has_defaults   # pathType: Prefix


@pytest.mark.parametrize(("where", "value"), [
    (("spec", "value"), "15"), (("spec", "value"), 1.5), (("spec", "value"), None),
    (("status", "observedGeneration"), -1), (("status", "isSquare"), "no"),
    (("status", "conditions", 0, "status"), "Maybe"), (("status", "conditions", 0, "reason"), ""),
    (("status", "conditions", 1, "type"), "Ready"), (("status", "conditions", 0, "type"), "a b"),
    (("status", "conditions", 0, "lastTransitionTime"), "yesterday"),
    (("status", "conditions", 0, "message"), "x" * 32769), (("status", "conditions", 1), None),
    (("spec", "extra"), 1), (("metadata", "bogus"), 1), (("status", "fizzBuzz"), None),
])
def test_each_broken_field_of_a_number_goes_to_the_reference(where: tuple[Any, ...],
                                                             value: Any) -> None:
    obj = copy.deepcopy(A_NUMBER)
    parent: Any = obj
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value
    fast = CompiledSchema(NUMBER)
    assert not (fast.valid(obj) and fast.prune_noop(obj))
    agrees(NUMBER, obj)


paths = st.sampled_from([("spec",), ("spec", "value"), ("status",), ("status", "conditions"),
                         ("status", "conditions", 0), ("status", "conditions", 0, "type"),
                         ("status", "conditions", 0, "observedGeneration"), ("metadata",),
                         ("metadata", "labels"), ("status", "isSquare"), ("extra",)])


@settings(max_examples=300)
@given(paths, json_values)
def test_any_value_anywhere_in_a_number(where: tuple[Any, ...], value: Any) -> None:
    obj = copy.deepcopy(A_NUMBER)
    parent: Any = obj
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value
    agrees(NUMBER, obj)


prune_paths = st.sampled_from([
    ("spec",), ("spec", "value"), ("spec", "list"), ("spec", "free"), ("spec", "free", "x"),
    ("spec", "free", "known"), ("spec", "free", "known", "k"), ("spec", "map"),
    ("spec", "map", "m"), ("spec", "map", "m", "z"), ("spec", "nul"), ("spec", "emb"),
    ("spec", "emb", "metadata"), ("spec", "emb", "spec"), ("spec", "obj"), ("status",),
    ("metadata",), ("kind",)])
A_PRUNED = {"kind": "K", "metadata": {"name": "n"}, "status": {"ok": True}, "spec": {
    "value": 1, "list": [{"a": "b"}], "nul": None, "obj": {"q": 1},
    "free": {"x": {"y": None}, "known": {"k": "v"}}, "map": {"m": {"z": 2}},
    "emb": {"apiVersion": "v1", "kind": "K", "metadata": {"name": "e"}, "spec": {}}}}


def test_a_full_object_of_the_prune_schema_takes_the_fast_path() -> None:
    assert CompiledSchema(PRUNE_SCHEMA).prune_noop(A_PRUNED)
    agrees(PRUNE_SCHEMA, A_PRUNED)


@settings(max_examples=300)
@given(prune_paths, json_values)
def test_any_value_anywhere_under_the_prune_schema(where: tuple[str, ...], value: Any) -> None:
    obj = copy.deepcopy(A_PRUNED)
    parent: Any = obj
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value
    agrees(PRUNE_SCHEMA, obj)


@settings(max_examples=200)
@given(json_values)
def test_any_value_under_the_test_schemas(value: Any) -> None:
    agrees(NUMBER_LIKE, {"spec": {"value": 1, "any": value, "m": value}})
    agrees(PRUNE_SCHEMA, {"spec": {"value": 1, "list": [value], "extra": value},
                          "other": value})


def test_defaults_anywhere_are_noticed() -> None:
    nested = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "x": {"type": "integer", "default": 1}}}}}}}}
    assert CompiledSchema(nested).has_defaults
    assert CompiledSchema({"type": "object", "additionalProperties": {
        "type": "string", "default": "a"}}).has_defaults


def test_compiled_once_per_schema_object() -> None:
    schema = json.loads(json.dumps(NUMBER))
    assert for_schema(schema) is for_schema(schema)
    assert for_schema(json.loads(json.dumps(NUMBER))) is not for_schema(schema)
