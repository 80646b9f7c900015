"""Desired state as pure functions: what each object's status and children should be.

Both controllers of the workshop's second lesson call these — the reconcile loop
(``mathctl.controllers.reconcile``) and the event-switch anti-pattern (``mathctl.scenarios``) —
so the side-by-side contrast is only about control flow, never about the arithmetic. The
notebooks (20-tuple, 30-fermat) render them with ``inspect.getsource``.

Nothing here does I/O or reads a clock: a function gets what was observed (typed models from
``mathctl.resources``) and returns what should be. Conditions need a time, so the status
functions take ``now`` as an argument; without it they leave ``conditions`` as given.

- ``number_status`` — FizzBuzz and squareness of a value.
- ``tuple_children`` / ``tuple_status`` — one Number ``<tuple>-<index>`` per entry; all squares?
- ``fermat_children`` / ``fermat_status`` — one Tuple ``<fermat>-<i>`` with ``[i, n - i]`` for
  ``i = 0 … n // 2``. ``i = 0`` is included so the tree finds the same pairs as
  ``two_squares(n)``: 25 = 0² + 5² is a pair, and so is 9 = 0² + 3². (The Go workshop started
  at ``i = 1`` and so missed them.) Above ``MAX_FERMAT_NUMBER`` there is no tree (see
  ``mathctl.resources.limits``).
- ``diff_children`` / ``apply_diff`` — Observe → Diff → Action: which children to create, update
  and delete so that the observed children become the desired ones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from mathctl.core.arithmetic import fizzbuzz, is_square, require_int
from mathctl.core.two_squares import two_squares
from mathctl.resources.conditions import READY, Condition, ConditionStatus, set_condition
from mathctl.resources.fermats import FermatStatus, Pair
from mathctl.resources.limits import DNS1123_SUBDOMAIN_MAX, MAX_FERMAT_NUMBER, MAX_TUPLE_NUMBERS
from mathctl.resources.numbers import Number, NumberSpec, NumberStatus
from mathctl.resources.tuples import Tuple, TupleSpec, TupleStatus

REASON_COMPUTED = "Computed"
REASON_ALL_CHILDREN_READY = "AllChildrenReady"
REASON_CHILDREN_NOT_READY = "ChildrenNotReady"
REASON_TOO_MANY_CHILDREN = "TooManyChildren"

_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

S = TypeVar("S")
S_co = TypeVar("S_co", covariant=True)


# --- names -----------------------------------------------------------------------------------


def check_object_name(name: str) -> str:
    """Return ``name`` if the API server would accept it for a Number/Tuple/Fermat, else raise
    a ``ValueError`` that says what a valid name looks like."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"an object name must be a non-empty string, got {name!r}")
    if len(name) > DNS1123_SUBDOMAIN_MAX:
        raise ValueError(f"name {name[:20]!r}… has {len(name)} characters; the API server "
                         f"accepts at most {DNS1123_SUBDOMAIN_MAX}")
    if not _DNS1123_SUBDOMAIN.match(name):
        raise ValueError(
            f"name {name!r} is not a DNS-1123 subdomain: use lowercase letters, digits, '-' "
            f"and '.', starting and ending with a letter or digit (e.g. {_suggest(name)!r})")
    return name


def _suggest(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9.-]+", "-", name.lower()).strip("-.")
    return cleaned or "my-object"


def child_name(parent: str, index: int) -> str:
    """``<parent>-<index>``, the name of a parent's ``index``-th child.

    Raises ``ValueError`` if the result would not be a valid object name — in practice, when
    the parent's name is so long that adding ``-<index>`` passes 253 characters.
    """
    check_object_name(parent)
    name = f"{parent}-{require_int(index, 'child_name', minimum=0)}"
    if len(name) > DNS1123_SUBDOMAIN_MAX:
        room = DNS1123_SUBDOMAIN_MAX - len(name) + len(parent)
        raise ValueError(
            f"child name {parent[:20]}…-{index} would have {len(name)} characters, more than "
            f"the {DNS1123_SUBDOMAIN_MAX} the API server accepts: give the parent a name of at "
            f"most {room} characters")
    return name


# --- Number ----------------------------------------------------------------------------------


def _ready(conditions: Sequence[Condition], now: datetime | None, status: ConditionStatus,
           reason: str, message: str, generation: int) -> tuple[Condition, ...]:
    if now is None:
        return tuple(conditions)
    return set_condition(conditions, type=READY, status=status, reason=reason, message=message,
                         observed_generation=generation, now=now)


def number_status(value: int, generation: int, *, conditions: Sequence[Condition] = (),
                  now: datetime | None = None) -> NumberStatus:
    """The status a Number with ``spec.value == value`` at ``generation`` should report.

    With ``now``, ``conditions`` also get ``Ready=True`` (reason ``Computed``).
    """
    value = require_int(value, "number_status")
    generation = require_int(generation, "number_status", minimum=0)
    return NumberStatus(
        fizz_buzz=fizzbuzz(value),
        is_square=is_square(value),
        observed_generation=generation,
        conditions=_ready(conditions, now, "True", REASON_COMPUTED,
                          f"fizzBuzz and isSquare computed for value {value}", generation),
    )


# --- Tuple -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildNumber:
    """A Number a Tuple wants: its name and value."""

    name: str
    value: int

    @property
    def spec(self) -> NumberSpec:
        return NumberSpec(value=self.value)


def tuple_children(tuple_name: str, numbers: Sequence[int]) -> list[ChildNumber]:
    """The Numbers Tuple ``tuple_name`` owns: ``<tuple>-<index>`` with ``numbers[index]``."""
    values = [require_int(v, "tuple_children") for v in numbers]
    if len(values) > MAX_TUPLE_NUMBERS:
        raise ValueError(f"a Tuple holds at most {MAX_TUPLE_NUMBERS} numbers, got {len(values)}")
    if values:
        child_name(tuple_name, len(values) - 1)  # the longest name; raises if it does not fit
    return [ChildNumber(child_name(tuple_name, i), v) for i, v in enumerate(values)]


def number_is_ready(child: Number | None, wanted_value: int | None = None) -> bool:
    """A child Number counts as ready when it exists, is not being deleted, carries the wanted
    value (if given) and its status was computed for its current generation."""
    return (
        child is not None
        and child.metadata.deletion_timestamp is None
        and (wanted_value is None or child.spec.value == wanted_value)
        and child.status_is_current
        and child.status is not None
        and child.status.is_square is not None
    )


def tuple_status(children: Sequence[Number | None], generation: int, *,
                 numbers: Sequence[int] | None = None, conditions: Sequence[Condition] = (),
                 now: datetime | None = None) -> TupleStatus:
    """The status a Tuple at ``generation`` should report, given its observed children.

    ``children[i]`` is the observed Number for the ``i``-th wanted child (``None`` if it does
    not exist; see ``align_children``). Pass the Tuple's ``numbers`` too, so that a child still
    carrying an old value is not counted. ``allSquares`` is true only when every wanted child is
    ready (``number_is_ready``) and a square: a missing or stale child is not evidence.
    """
    generation = require_int(generation, "tuple_status", minimum=0)
    if numbers is not None and len(numbers) != len(children):
        raise ValueError(f"tuple_status got {len(children)} children for {len(numbers)} numbers; "
                         "align them with align_children(tuple_children(...), observed)")
    wanted = list(numbers) if numbers is not None else [None] * len(children)
    ready = [number_is_ready(c, w) for c, w in zip(children, wanted, strict=True)]
    squares = [r and c is not None and c.status is not None and bool(c.status.is_square)
               for r, c in zip(ready, children, strict=True)]
    count, total = sum(ready), len(children)
    cond: tuple[ConditionStatus, str, str]
    if total and count == total:
        cond = ("True", REASON_ALL_CHILDREN_READY,
                f"all {total} child Numbers report a current status")
    else:
        cond = ("False", REASON_CHILDREN_NOT_READY,
                f"{count} of {total} child Numbers report a current status")
    return TupleStatus(
        all_squares=bool(children) and all(squares),
        ready_numbers=count,
        observed_generation=generation,
        conditions=_ready(conditions, now, *cond, generation),
    )


# --- Fermat ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildTuple:
    """A Tuple a Fermat wants: ``<fermat>-<i>`` with numbers ``(i, n - i)``."""

    name: str
    numbers: tuple[int, int]

    @property
    def spec(self) -> TupleSpec:
        return TupleSpec(numbers=self.numbers)


def fermat_children(fermat_name: str, n: int) -> list[ChildTuple]:
    """The Tuples Fermat ``fermat_name`` owns for ``n``: ``[i, n - i]`` for ``i = 0 … n // 2``.

    Empty above ``MAX_FERMAT_NUMBER``: the controller builds no tree there (and so deletes the
    tree of an earlier, smaller ``n``). Raises ``ValueError`` if a child's or grandchild's name
    (``<fermat>-<i>-<j>``) would be longer than the API server accepts.
    """
    n = require_int(n, "fermat_children", minimum=0, why="a sum of two squares is never negative")
    check_object_name(fermat_name)
    if n > MAX_FERMAT_NUMBER:
        return []
    longest = child_name(fermat_name, n // 2)
    try:
        child_name(longest, 1)
    except ValueError as exc:
        raise ValueError(f"Fermat {fermat_name!r}'s grandchild Numbers would get names too long "
                         f"for the API server ({exc})") from None
    return [ChildTuple(child_name(fermat_name, i), (i, n - i)) for i in range(n // 2 + 1)]


def tuple_is_ready(child: Tuple | None, wanted: Sequence[int] | None = None) -> bool:
    """A child Tuple counts as ready when it exists, is not being deleted, carries the wanted
    numbers (if given), its status was computed for its current generation, and every one of
    its Numbers had reported (``readyNumbers``): a Tuple that wrote ``allSquares: false``
    before its Numbers answered is not evidence yet."""
    return (
        child is not None
        and child.metadata.deletion_timestamp is None
        and (wanted is None or tuple(child.spec.numbers) == tuple(wanted))
        and child.status_is_current
        and child.status is not None
        and child.status.all_squares is not None
        and child.status.ready_numbers == len(child.spec.numbers)
    )


def fermat_status(n: int, children: Sequence[Tuple | None], generation: int, *,
                  conditions: Sequence[Condition] = (),
                  now: datetime | None = None) -> FermatStatus:
    """The status a Fermat for ``n`` at ``generation`` should report, given its observed tree.

    ``children[i]`` is the observed Tuple ``[i, n - i]`` (``None`` if missing); a ready child
    that is all squares is the pair ``(√i, √(n - i))``. ``expectedPairs`` is ``two_squares(n)``,
    the pure answer, and ``agrees`` says whether the complete tree found exactly those pairs.
    ``twoSquaresFound`` is true as soon as one pair is found, false once the whole tree reports
    none, and unset before that. Above ``MAX_FERMAT_NUMBER`` there is no tree: ``Ready=False``
    with reason ``TooManyChildren``, and ``expectedPairs`` still answers the question.
    """
    n = require_int(n, "fermat_status", minimum=0, why="a sum of two squares is never negative")
    generation = require_int(generation, "fermat_status", minimum=0)
    expected = tuple(Pair(a=a, b=b) for a, b in two_squares(n))
    if n > MAX_FERMAT_NUMBER:
        message = (f"spec.number {n} is above MAX_FERMAT_NUMBER ({MAX_FERMAT_NUMBER}): no Tuple "
                   f"tree is built for it (it would need {n // 2 + 1} Tuples); "
                   "status.expectedPairs still holds the answer")
        return FermatStatus(
            expected_pairs=expected, observed_generation=generation,
            conditions=_ready(conditions, now, "False", REASON_TOO_MANY_CHILDREN, message,
                              generation))
    total = n // 2 + 1
    if len(children) != total:
        raise ValueError(f"fermat_status({n}) needs {total} children (i = 0 … {n // 2}), got "
                         f"{len(children)}; align them with align_children(fermat_children(...), "
                         "observed)")
    found: list[Pair] = []
    count = 0
    for i, child in enumerate(children):
        if not tuple_is_ready(child, (i, n - i)):
            continue
        count += 1
        assert child is not None and child.status is not None
        if child.status.all_squares:
            found.append(Pair(a=math.isqrt(i), b=math.isqrt(n - i)))
    complete = count == total
    cond: tuple[ConditionStatus, str, str]
    if complete:
        cond = ("True", REASON_ALL_CHILDREN_READY,
                f"all {total} child Tuples report a current status; {len(found)} pair(s) found")
    else:
        cond = ("False", REASON_CHILDREN_NOT_READY,
                f"{count} of {total} child Tuples report a current status")
    return FermatStatus(
        two_squares_found=True if found else (False if complete else None),
        pairs=tuple(found),
        expected_pairs=expected,
        agrees=(tuple(found) == expected) if complete else None,
        observed_generation=generation,
        conditions=_ready(conditions, now, *cond, generation),
    )


# --- Observe → Diff → Action -----------------------------------------------------------------


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _HasMeta(Protocol):
    @property
    def metadata(self) -> _MetaName: ...


class _MetaName(Protocol):
    @property
    def name(self) -> str: ...


ObjT = TypeVar("ObjT", bound=_HasMeta)


def align_children(wanted: Sequence[_Named], observed: Iterable[ObjT]) -> list[ObjT | None]:
    """``observed`` objects reordered to match ``wanted`` by name; ``None`` where one is missing.
    This is the ``children`` argument of ``tuple_status`` and ``fermat_status``."""
    by_name = {o.metadata.name: o for o in observed}
    return [by_name.get(w.name) for w in wanted]


class _Child(Protocol[S_co]):
    @property
    def name(self) -> str: ...

    @property
    def spec(self) -> S_co: ...


def desired_specs(children: Iterable[_Child[S]]) -> dict[str, S]:
    """``{name: spec}`` of the wanted children, the ``desired`` argument of ``diff_children``."""
    out: dict[str, S] = {}
    for child in children:
        if child.name in out:
            raise ValueError(f"two wanted children are both named {child.name!r}")
        out[child.name] = child.spec
    return out


@dataclass(frozen=True)
class ChildDiff(Generic[S]):
    """What to do so the observed children become the desired ones, in desired order."""

    create: tuple[tuple[str, S], ...] = ()
    update: tuple[tuple[str, S], ...] = ()
    delete: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing to do: the observed children already are the desired ones."""
        return not (self.create or self.update or self.delete)


def diff_children(desired: Mapping[str, S], observed: Mapping[str, S]) -> ChildDiff[S]:
    """Compare desired and observed children (both ``name → spec``).

    ``observed`` must hold only the children this parent owns (filter by ownerReference
    first): anything in it that is not desired is deleted. A child whose spec differs is
    updated in place, never deleted and re-created, so its uid and history survive.
    """
    return ChildDiff(
        create=tuple((n, s) for n, s in desired.items() if n not in observed),
        update=tuple((n, s) for n, s in desired.items() if n in observed and observed[n] != s),
        delete=tuple(n for n in observed if n not in desired),
    )


def apply_diff(observed: Mapping[str, S], diff: ChildDiff[S]) -> dict[str, S]:
    """The children after performing ``diff`` on ``observed`` — what the API calls would leave
    behind. Used to check that a diff converges, and by the scenarios' dry runs."""
    after = {n: s for n, s in observed.items() if n not in set(diff.delete)}
    for name, spec in (*diff.update, *diff.create):
        after[name] = spec
    return after
