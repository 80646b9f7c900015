"""The Number kind: one integer in ``spec.value``; its FizzBuzz and squareness in ``status``.

The first stage of the workshop (notebook 10) defines this resource and its controller; the
Tuple controller (``tuples``) creates Numbers as its children. ``NUMBER_CRD`` is what
``crdgen`` turns into ``crds/number.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mathctl.resources.conditions import Condition
from mathctl.resources.crd import AGE, CRDSource, field_column
from mathctl.resources.group import NUMBER, KindNames
from mathctl.resources.meta import KindObject, ObjectMeta, OwnerReference
from mathctl.resources.wire import wire

CONDITIONS_DESCRIPTION = "Latest observations of the object's state; Ready is always set."


def conditions_field() -> Any:
    """The ``status.conditions`` field every kind declares (a list-map keyed by ``type``)."""
    return field(default=(), metadata=wire(
        "conditions", CONDITIONS_DESCRIPTION, list_type="map", list_map_keys=("type",)))


def observed_generation_field() -> Any:
    return field(default=None, metadata=wire(
        "observedGeneration",
        "The metadata.generation this status was computed for; older means stale.",
        minimum=0))


@dataclass(frozen=True)
class NumberSpec:
    value: int = field(metadata=wire(
        "value", "The integer this Number stands for (any int64).", required=True,
        example="15"))


@dataclass(frozen=True, kw_only=True)
class NumberStatus:
    fizz_buzz: str | None = field(default=None, metadata=wire(
        "fizzBuzz", 'FizzBuzz of spec.value: "Fizz", "Buzz", "FizzBuzz", or the value itself.'))
    is_square: bool | None = field(default=None, metadata=wire(
        "isSquare", "Whether spec.value is a perfect square (0, 1, 4, 9, ...)."))
    observed_generation: int | None = observed_generation_field()
    conditions: tuple[Condition, ...] = conditions_field()


@dataclass(frozen=True, kw_only=True)
class Number(KindObject):
    """A Number object as the API server stores it."""

    KIND: ClassVar[KindNames] = NUMBER
    metadata: ObjectMeta = field(metadata=wire("metadata", "Standard object metadata.",
                                               required=True))
    spec: NumberSpec = field(metadata=wire("spec", "Desired state.", required=True))
    status: NumberStatus | None = field(default=None, metadata=wire("status", "Observed state."))

    @classmethod
    def new(cls, name: str, value: int, *, namespace: str | None = None,
            owners: Sequence[OwnerReference] = ()) -> Number:
        """A Number to create (no status; the server fills uid, generation, ...)."""
        return cls(metadata=ObjectMeta(name=name, namespace=namespace,
                                       owner_references=tuple(owners)),
                   spec=NumberSpec(value=value))


NUMBER_CRD = CRDSource(
    names=NUMBER,
    description="Number is one integer; its controller reports FizzBuzz and squareness.",
    spec=NumberSpec,
    spec_description="NumberSpec holds the integer.",
    status=NumberStatus,
    status_description="NumberStatus is written by the Number controller.",
    columns=(
        field_column("Value", "spec", NumberSpec, "value"),
        field_column("FizzBuzz", "status", NumberStatus, "fizz_buzz"),
        field_column("Square", "status", NumberStatus, "is_square"),
        AGE,
    ),
)
