"""The Tuple model: 1 … 100 int64 numbers, status with allSquares and readyNumbers."""

from __future__ import annotations

from typing import Any

import pytest

from mathctl.resources.group import API_VERSION
from mathctl.resources.limits import MAX_TUPLE_NUMBERS
from mathctl.resources.tuples import TUPLE_CRD, Tuple, TupleSpec, TupleStatus
from mathctl.resources.wire import WireError

BODY: dict[str, Any] = {
    "apiVersion": API_VERSION, "kind": "Tuple",
    "metadata": {"name": "squares", "uid": "u", "generation": 1},
    "spec": {"numbers": [1, 4, 9]},
    "status": {"allSquares": True, "readyNumbers": 3, "observedGeneration": 1,
               "conditions": []},
}


def test_round_trip() -> None:
    tup = Tuple.from_dict(BODY)
    assert tup.spec == TupleSpec(numbers=(1, 4, 9))
    assert tup.status == TupleStatus(all_squares=True, ready_numbers=3, observed_generation=1)
    assert tup.status_is_current
    assert tup.to_dict() == BODY
    assert Tuple.new("squares", [1, 4, 9]).spec == tup.spec


def test_repeats_are_allowed() -> None:
    assert Tuple.from_dict({**BODY, "spec": {"numbers": [4, 4]}}).spec.numbers == (4, 4)


@pytest.mark.parametrize(
    ("numbers", "words"),
    [
        ([], "spec.numbers: must have at least 1 item(s), got 0. Fix: give 1 or more, "
             "e.g. `numbers: [1, 4, 9]`"),
        (list(range(MAX_TUPLE_NUMBERS + 1)), "must have at most 100 items"),
        ("1, 4, 9", "spec.numbers: must be a list, got '1, 4, 9' (a string)"),
        ([1, 2**63], "spec.numbers[1]: must be between"),
    ],
)
def test_bad_numbers(numbers: object, words: str) -> None:
    with pytest.raises(WireError, match=None) as caught:
        Tuple.from_dict({**BODY, "spec": {"numbers": numbers}})
    assert words in str(caught.value)


def test_columns_are_numbers_all_squares_ready_age() -> None:
    assert [(c.name, c.type, c.json_path) for c in TUPLE_CRD.columns] == [
        ("Numbers", "string", ".spec.numbers"),
        ("All Squares", "boolean", ".status.allSquares"),
        ("Ready", "integer", ".status.readyNumbers"),
        ("Age", "date", ".metadata.creationTimestamp"),
    ]
