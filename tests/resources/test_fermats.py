"""The Fermat model: a non-negative int64, status with found and expected pairs."""

from __future__ import annotations

from typing import Any

import pytest

from mathctl.resources.fermats import FERMAT_CRD, Fermat, FermatSpec, FermatStatus, Pair
from mathctl.resources.group import API_VERSION
from mathctl.resources.limits import INT64_MAX
from mathctl.resources.wire import WireError, to_wire

BODY: dict[str, Any] = {
    "apiVersion": API_VERSION, "kind": "Fermat",
    "metadata": {"name": "twenty-five", "uid": "u", "generation": 1},
    "spec": {"number": 25},
    "status": {"twoSquaresFound": True, "pairs": [{"a": 0, "b": 5}, {"a": 3, "b": 4}],
               "expectedPairs": [{"a": 0, "b": 5}, {"a": 3, "b": 4}], "agrees": True,
               "observedGeneration": 1, "conditions": []},
}


def test_round_trip() -> None:
    fermat = Fermat.from_dict(BODY)
    assert fermat.spec == FermatSpec(number=25)
    assert fermat.status is not None
    assert fermat.status.pairs == (Pair(a=0, b=5), Pair(a=3, b=4))
    assert fermat.status.agrees is True
    assert fermat.to_dict() == BODY
    assert Fermat.new("twenty-five", 25).spec == fermat.spec


def test_an_empty_answer_is_written_as_empty_lists() -> None:
    assert to_wire(FermatStatus(two_squares_found=False, agrees=True)) == {
        "twoSquaresFound": False, "pairs": [], "expectedPairs": [], "agrees": True,
        "conditions": []}


@pytest.mark.parametrize(
    ("number", "words"),
    [(-1, "spec.number: must be between 0 and"), (INT64_MAX + 1, "must be between 0 and"),
     ("13", "must be an integer")],
)
def test_bad_numbers(number: object, words: str) -> None:
    with pytest.raises(WireError) as caught:
        Fermat.from_dict({**BODY, "spec": {"number": number}})
    assert words in str(caught.value)


def test_int64_max_is_a_valid_question() -> None:
    assert Fermat.from_dict({**BODY, "spec": {"number": INT64_MAX}}).spec.number == INT64_MAX


def test_columns_are_number_found_pairs_expected_ready_reason_age() -> None:
    """A Fermat too big for a tree shows its answer (Expected) and why (Reason)."""
    assert [(c.name, c.type, c.json_path) for c in FERMAT_CRD.columns] == [
        ("Number", "integer", ".spec.number"),
        ("Found", "boolean", ".status.twoSquaresFound"),
        ("Pairs", "string", ".status.pairs"),
        ("Expected", "string", ".status.expectedPairs"),
        ("Ready", "string", '.status.conditions[?(@.type=="Ready")].status'),
        ("Reason", "string", '.status.conditions[?(@.type=="Ready")].reason'),
        ("Age", "date", ".metadata.creationTimestamp"),
    ]
