"""The Tuple kind: a list of integers in ``spec.numbers``, one child Number per entry.

The second stage of the workshop (notebook 20): the Tuple controller creates a Number
``<tuple>-<index>`` for each entry (create-or-update, delete the unwanted, re-create the deleted)
and reports ``allSquares`` once every child reports a current status. The Fermat controller
(``fermats``) creates Tuples as its children. ``TUPLE_CRD`` becomes ``crds/tuple.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from mathctl.resources.conditions import Condition
from mathctl.resources.crd import AGE, CRDSource, field_column
from mathctl.resources.group import TUPLE, KindNames
from mathctl.resources.limits import MAX_TUPLE_NUMBERS
from mathctl.resources.meta import KindObject, ObjectMeta, OwnerReference
from mathctl.resources.numbers import conditions_field, observed_generation_field
from mathctl.resources.wire import wire


@dataclass(frozen=True)
class TupleSpec:
    numbers: tuple[int, ...] = field(metadata=wire(
        "numbers",
        f"The integers (int64), 1 to {MAX_TUPLE_NUMBERS} of them, in order; repeats allowed. "
        "Entry i becomes the child Number <tuple>-<i>.",
        required=True, minItems=1, maxItems=MAX_TUPLE_NUMBERS, example="[1, 4, 9]"))


@dataclass(frozen=True, kw_only=True)
class TupleStatus:
    all_squares: bool | None = field(default=None, metadata=wire(
        "allSquares",
        "True when every wanted child Number exists, reports a current status, and is a "
        "perfect square."))
    ready_numbers: int | None = field(default=None, metadata=wire(
        "readyNumbers",
        "How many child Numbers exist for their wanted value and report a current status.",
        format="int32", minimum=0))
    observed_generation: int | None = observed_generation_field()
    conditions: tuple[Condition, ...] = conditions_field()


@dataclass(frozen=True, kw_only=True)
class Tuple(KindObject):
    """A Tuple object as the API server stores it."""

    KIND: ClassVar[KindNames] = TUPLE
    metadata: ObjectMeta = field(metadata=wire("metadata", "Standard object metadata.",
                                               required=True))
    spec: TupleSpec = field(metadata=wire("spec", "Desired state.", required=True))
    status: TupleStatus | None = field(default=None, metadata=wire("status", "Observed state."))

    @classmethod
    def new(cls, name: str, numbers: Sequence[int], *, namespace: str | None = None,
            owners: Sequence[OwnerReference] = ()) -> Tuple:
        return cls(metadata=ObjectMeta(name=name, namespace=namespace,
                                       owner_references=tuple(owners)),
                   spec=TupleSpec(numbers=tuple(numbers)))


TUPLE_CRD = CRDSource(
    names=TUPLE,
    description="Tuple is a list of integers; its controller owns one Number per entry.",
    spec=TupleSpec,
    spec_description="TupleSpec holds the integers.",
    status=TupleStatus,
    status_description="TupleStatus is written by the Tuple controller.",
    columns=(
        field_column("Numbers", "spec", TupleSpec, "numbers"),
        field_column("All Squares", "status", TupleStatus, "all_squares"),
        field_column("Ready", "status", TupleStatus, "ready_numbers"),
        AGE,
    ),
)
