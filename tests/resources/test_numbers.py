"""The Number model reads and writes what the API server stores."""

from __future__ import annotations

from typing import Any

import pytest

from mathctl.resources.conditions import Condition
from mathctl.resources.group import API_VERSION
from mathctl.resources.numbers import NUMBER_CRD, Number, NumberSpec, NumberStatus
from mathctl.resources.wire import WireError

BODY: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "Number",
    "metadata": {"name": "fifteen", "namespace": "default", "uid": "u", "generation": 2,
                 "resourceVersion": "7"},
    "spec": {"value": 15},
    "status": {
        "fizzBuzz": "FizzBuzz", "isSquare": False, "observedGeneration": 2,
        "conditions": [{"type": "Ready", "status": "True", "observedGeneration": 2,
                        "lastTransitionTime": "2024-05-01T12:00:00Z", "reason": "Computed",
                        "message": "fizzBuzz and isSquare computed for value 15"}],
    },
}


def test_parses_a_server_body_and_writes_it_back() -> None:
    number = Number.from_dict(BODY)
    assert number.spec == NumberSpec(value=15)
    assert number.status is not None
    assert (number.status.fizz_buzz, number.status.is_square) == ("FizzBuzz", False)
    assert isinstance(number.status.conditions[0], Condition)
    assert number.status_is_current
    assert number.to_dict() == BODY


def test_fresh_object_has_no_status_and_is_not_current() -> None:
    fresh = Number.from_dict({**BODY, "status": {}})
    assert fresh.status == NumberStatus()
    assert not fresh.status_is_current
    created = Number.from_dict({k: v for k, v in BODY.items() if k != "status"})
    assert created.status is None and not created.status_is_current


def test_stale_status_is_not_current() -> None:
    stale = Number.from_dict({**BODY, "metadata": {**BODY["metadata"], "generation": 3}})
    assert not stale.status_is_current


def test_new_builds_a_manifest_to_create() -> None:
    assert Number.new("fifteen", 15, namespace="default").to_dict() == {
        "apiVersion": API_VERSION, "kind": "Number",
        "metadata": {"name": "fifteen", "namespace": "default"}, "spec": {"value": 15}}


def test_status_patch_with_nulls_clears_stale_fields() -> None:
    from mathctl.resources.wire import to_wire

    assert to_wire(NumberStatus(observed_generation=4), nulls=True) == {
        "fizzBuzz": None, "isSquare": None, "observedGeneration": 4, "conditions": []}


def test_a_string_value_is_refused_with_the_fix() -> None:
    with pytest.raises(WireError) as caught:
        Number.from_dict({**BODY, "spec": {"value": "15"}})
    assert str(caught.value) == (
        "spec.value: must be an integer (int64), got '15' (a string). "
        "Fix: write a whole number without quotes, e.g. `value: 15`")


def test_columns_are_value_fizzbuzz_square_age() -> None:
    assert [(c.name, c.type, c.json_path) for c in NUMBER_CRD.columns] == [
        ("Value", "integer", ".spec.value"),
        ("FizzBuzz", "string", ".status.fizzBuzz"),
        ("Square", "boolean", ".status.isSquare"),
        ("Age", "date", ".metadata.creationTimestamp"),
    ]
