"""The Fermat kind: is ``spec.number`` a sum of two squares? Answered by a tree of Tuples.

The third stage of the workshop (notebook 30): the Fermat controller owns one Tuple
``<fermat>-<i>`` with numbers ``[i, n - i]`` for each ``i = 0 … n // 2``; a Tuple whose two
Numbers are both squares is a pair ``(a, b)`` with ``a² + b² = n``. The status reports the pairs
the tree found beside ``expectedPairs``, the pure answer of ``mathctl.core.two_squares``, so a
learner sees the controller agree with the math. Above ``MAX_FERMAT_NUMBER`` no tree is built
(see ``limits``). ``FERMAT_CRD`` becomes ``crds/fermat.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from mathctl.resources.conditions import Condition
from mathctl.resources.crd import AGE, READY, REASON, CRDSource, field_column
from mathctl.resources.group import FERMAT, KindNames
from mathctl.resources.meta import KindObject, ObjectMeta, OwnerReference
from mathctl.resources.numbers import conditions_field, observed_generation_field
from mathctl.resources.wire import wire


@dataclass(frozen=True)
class Pair:
    """``a² + b² = n`` with ``0 ≤ a ≤ b``."""

    a: int = field(metadata=wire("a", "The smaller root.", required=True, minimum=0))
    b: int = field(metadata=wire("b", "The larger root.", required=True, minimum=0))


@dataclass(frozen=True)
class FermatSpec:
    # No `maximum`: format int64 already caps it, and an explicit 9223372036854775807 would be
    # rounded to 2**63 as a float64 and overflow the API server's integer comparison,
    # rejecting every value (see structural.integer_bound_errors).
    number: int = field(metadata=wire(
        "number", "The non-negative integer (int64) to write as a sum of two squares.",
        required=True, minimum=0, example="13"))


@dataclass(frozen=True, kw_only=True)
class FermatStatus:
    two_squares_found: bool | None = field(default=None, metadata=wire(
        "twoSquaresFound",
        "True once a child Tuple is all squares; false when the whole tree reports and none "
        "is; unset while the answer is still open or no tree is built."))
    pairs: tuple[Pair, ...] = field(default=(), metadata=wire(
        "pairs", "The pairs (a, b) the Tuple tree found, a ascending."))
    expected_pairs: tuple[Pair, ...] = field(default=(), metadata=wire(
        "expectedPairs", "The pairs computed directly (the cross-check), a ascending."))
    agrees: bool | None = field(default=None, metadata=wire(
        "agrees", "Whether the complete tree found exactly expectedPairs; unset until the "
        "tree is complete."))
    observed_generation: int | None = observed_generation_field()
    conditions: tuple[Condition, ...] = conditions_field()


@dataclass(frozen=True, kw_only=True)
class Fermat(KindObject):
    """A Fermat object as the API server stores it."""

    KIND: ClassVar[KindNames] = FERMAT
    metadata: ObjectMeta = field(metadata=wire("metadata", "Standard object metadata.",
                                               required=True))
    spec: FermatSpec = field(metadata=wire("spec", "Desired state.", required=True))
    status: FermatStatus | None = field(default=None, metadata=wire("status", "Observed state."))

    @classmethod
    def new(cls, name: str, number: int, *, namespace: str | None = None,
            owners: Sequence[OwnerReference] = ()) -> Fermat:
        return cls(metadata=ObjectMeta(name=name, namespace=namespace,
                                       owner_references=tuple(owners)),
                   spec=FermatSpec(number=number))


FERMAT_CRD = CRDSource(
    names=FERMAT,
    description="Fermat asks whether spec.number is a sum of two squares; its controller owns "
                "one Tuple [i, n-i] per i = 0 .. n/2.",
    spec=FermatSpec,
    spec_description="FermatSpec holds the number.",
    status=FermatStatus,
    status_description="FermatStatus is written by the Fermat controller.",
    columns=(
        field_column("Number", "spec", FermatSpec, "number"),
        field_column("Found", "status", FermatStatus, "two_squares_found"),
        field_column("Pairs", "status", FermatStatus, "pairs"),
        # Above MAX_FERMAT_NUMBER no tree is built: Found and Pairs stay empty, while Expected
        # holds the answer computed directly and Reason says TooManyChildren.
        field_column("Expected", "status", FermatStatus, "expected_pairs"),
        READY,
        REASON,
        AGE,
    ),
)
