"""The desired-state functions: statuses, children, names, and a diff that always converges."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathctl.core.desired import (
    REASON_ALL_CHILDREN_READY,
    REASON_CHILDREN_NOT_READY,
    REASON_COMPUTED,
    REASON_TOO_MANY_CHILDREN,
    ChildDiff,
    ChildNumber,
    ChildTuple,
    align_children,
    apply_diff,
    check_object_name,
    child_name,
    desired_specs,
    diff_children,
    fermat_children,
    fermat_status,
    number_status,
    tuple_children,
    tuple_status,
)
from mathctl.resources.conditions import READY, find_condition
from mathctl.resources.fermats import Pair
from mathctl.resources.limits import MAX_FERMAT_NUMBER
from mathctl.resources.meta import ObjectMeta
from mathctl.resources.numbers import Number, NumberSpec, NumberStatus
from mathctl.resources.tuples import Tuple, TupleSpec

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def brute_force_pairs(n: int) -> list[tuple[int, int]]:
    """Our own expectation, independent of mathctl.core.two_squares: try every a."""
    return [(a, math.isqrt(n - a * a)) for a in range(math.isqrt(n // 2) + 1)
            if math.isqrt(n - a * a) ** 2 == n - a * a]


# --- observed objects, as a controller would read them ---------------------------------------


def number(name: str, value: int, *, generation: int = 1, observed: int | None = 1,
           deleting: bool = False, status: NumberStatus | None = None) -> Number:
    if status is None and observed is not None:
        status = number_status(value, observed)
    return Number(metadata=ObjectMeta(name=name, generation=generation,
                                      deletion_timestamp=NOW if deleting else None),
                  spec=NumberSpec(value=value), status=status)


def reported_tuple(name: str, numbers: tuple[int, ...], *, generation: int = 1,
                   observed: int = 1) -> Tuple:
    """A Tuple whose children all reported, and which reported about them."""
    children = [number(c.name, c.value) for c in tuple_children(name, numbers)]
    return Tuple(metadata=ObjectMeta(name=name, generation=generation),
                 spec=TupleSpec(numbers=numbers),
                 status=tuple_status(children, observed, numbers=numbers))


def reported_tree(fermat: str, n: int) -> list[Tuple | None]:
    return [reported_tuple(c.name, c.numbers) for c in fermat_children(fermat, n)]


# --- Number ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fizz_buzz", "square"),
    [(15, "FizzBuzz", False), (16, "16", True), (9, "Fizz", True), (25, "Buzz", True),
     (0, "FizzBuzz", True), (-4, "-4", False), (2**62, "4611686018427387904", True)],
)
def test_number_status(value: int, fizz_buzz: str, square: bool) -> None:
    status = number_status(value, 3)
    assert (status.fizz_buzz, status.is_square, status.observed_generation) == (
        fizz_buzz, square, 3)
    assert status.conditions == ()


def test_number_status_with_now_sets_ready_and_keeps_its_time() -> None:
    first = number_status(15, 1, now=NOW)
    ready = find_condition(first.conditions, READY)
    assert ready is not None
    assert (ready.status, ready.reason, ready.observed_generation) == ("True", REASON_COMPUTED, 1)
    again = number_status(15, 1, conditions=first.conditions, now=NOW + timedelta(hours=1))
    assert again == first  # nothing changed: the reconcile writes an identical status


def test_number_status_refuses_non_integers() -> None:
    with pytest.raises(TypeError, match="expects an int, got bool"):
        number_status(True, 1)
    with pytest.raises(ValueError, match="needs n ≥ 0"):
        number_status(1, -1)


# --- names -----------------------------------------------------------------------------------


def test_child_names_and_the_253_character_limit() -> None:
    assert child_name("squares", 2) == "squares-2"
    assert child_name("a" * 251, 9) == "a" * 251 + "-9"
    with pytest.raises(ValueError, match="give the parent a name of at most 250 characters"):
        child_name("a" * 251, 10)


@pytest.mark.parametrize("name", ["", "Squares", "my_tuple", "-x", "x-", "a" * 254, "a..b"])
def test_invalid_parent_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="name"):
        check_object_name(name)


def test_invalid_name_message_suggests_a_fix() -> None:
    with pytest.raises(ValueError, match=r"e\.g\. 'my-tuple'"):
        tuple_children("My_Tuple", [1])


# --- Tuple -----------------------------------------------------------------------------------


def test_tuple_children_are_named_by_index() -> None:
    assert tuple_children("squares", [1, 4, 9]) == [
        ChildNumber("squares-0", 1), ChildNumber("squares-1", 4), ChildNumber("squares-2", 9)]
    assert tuple_children("squares", [4, 4])[1] == ChildNumber("squares-1", 4)
    assert tuple_children("squares", []) == []
    assert ChildNumber("x-0", 7).spec == NumberSpec(value=7)


def test_tuple_children_limits() -> None:
    with pytest.raises(ValueError, match="at most 100 numbers"):
        tuple_children("t", range(101))
    with pytest.raises(ValueError, match="would have 254 characters"):
        tuple_children("a" * 251, range(11))  # the last child, "-10", does not fit
    assert len(tuple_children("a" * 250, range(10))) == 10


def squares_children(*, value_for_1: int = 4, **overrides: Number | None) -> list[Number | None]:
    children: dict[str, Number | None] = {
        "t-0": number("t-0", 1), "t-1": number("t-1", value_for_1), "t-2": number("t-2", 9)}
    children.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return list(children.values())


def test_tuple_status_all_squares_when_every_child_reports_a_square() -> None:
    status = tuple_status(squares_children(), 5, numbers=(1, 4, 9), now=NOW)
    assert (status.all_squares, status.ready_numbers, status.observed_generation) == (True, 3, 5)
    ready = find_condition(status.conditions, READY)
    assert ready is not None and (ready.status, ready.reason) == ("True",
                                                                   REASON_ALL_CHILDREN_READY)


def test_a_non_square_child_makes_all_squares_false_but_is_ready() -> None:
    status = tuple_status(squares_children(value_for_1=5), 1, numbers=(1, 5, 9))
    assert (status.all_squares, status.ready_numbers) == (False, 3)


@pytest.mark.parametrize(
    ("child", "why"),
    [
        (None, "missing"),
        (number("t-1", 4, generation=2, observed=1), "stale: status is for generation 1"),
        (number("t-1", 4, observed=None), "no status yet"),
        (number("t-1", 4, deleting=True), "being deleted"),
        (number("t-1", 4, status=NumberStatus(observed_generation=1)), "status without isSquare"),
    ],
)
def test_a_child_that_is_not_ready_is_not_evidence(child: Number | None, why: str) -> None:
    status = tuple_status(squares_children(t_1=child), 1, numbers=(1, 4, 9), now=NOW)
    assert (status.all_squares, status.ready_numbers) == (False, 2), why
    ready = find_condition(status.conditions, READY)
    assert ready is not None
    assert (ready.status, ready.reason, ready.message) == (
        "False", REASON_CHILDREN_NOT_READY, "2 of 3 child Numbers report a current status")


def test_a_child_still_carrying_an_old_value_is_not_counted() -> None:
    # The Tuple now wants [1, 5, 9]; t-1 still holds 4 (a square) until the update lands.
    children = squares_children()
    assert tuple_status(children, 2).all_squares is True  # without numbers: cannot tell
    status = tuple_status(children, 2, numbers=(1, 5, 9))
    assert (status.all_squares, status.ready_numbers) == (False, 2)


def test_tuple_status_edge_cases() -> None:
    assert tuple_status([], 1).all_squares is False
    with pytest.raises(ValueError, match="align them with align_children"):
        tuple_status([None], 1, numbers=(1, 2))


def test_align_children_matches_by_name() -> None:
    wanted = tuple_children("t", [1, 4, 9])
    observed = [number("t-2", 9), number("t-0", 1), number("stranger", 3)]
    aligned = align_children(wanted, observed)
    assert [c.metadata.name if c else None for c in aligned] == ["t-0", None, "t-2"]


# --- Fermat ----------------------------------------------------------------------------------


def test_fermat_children_include_zero() -> None:
    assert fermat_children("thirteen", 13) == [
        ChildTuple(f"thirteen-{i}", (i, 13 - i)) for i in range(7)]
    assert fermat_children("z", 0) == [ChildTuple("z-0", (0, 0))]
    assert ChildTuple("f-0", (0, 25)) in fermat_children("f", 25)  # 25 = 0² + 5²
    assert fermat_children("f", 4)[0].spec == TupleSpec(numbers=(0, 4))


def test_fermat_fan_out_stops_at_the_limit() -> None:
    assert len(fermat_children("f", MAX_FERMAT_NUMBER)) == MAX_FERMAT_NUMBER // 2 + 1
    assert fermat_children("f", MAX_FERMAT_NUMBER + 1) == []


def test_fermat_children_check_the_whole_tree_fits_in_names() -> None:
    with pytest.raises(ValueError, match="grandchild Numbers would get names too long"):
        fermat_children("a" * 250, 10)  # a…-5 fits (252); its Number a…-5-1 (254) would not
    assert len(fermat_children("a" * 249, 10)) == 6
    with pytest.raises(ValueError, match="never negative"):
        fermat_children("f", -1)


@pytest.mark.parametrize(("n", "pairs"), [
    (13, [(2, 3)]), (25, [(0, 5), (3, 4)]), (7, []), (0, [(0, 0)]), (1, [(0, 1)]),
    (2, [(1, 1)]), (50, [(1, 7), (5, 5)]),
])
def test_a_complete_tree_finds_the_pairs_and_agrees(n: int, pairs: list[tuple[int, int]]) -> None:
    status = fermat_status(n, reported_tree("f", n), 4, now=NOW)
    assert [(p.a, p.b) for p in status.pairs] == pairs
    assert [(p.a, p.b) for p in status.expected_pairs] == pairs
    assert status.agrees is True
    assert status.two_squares_found is bool(pairs)
    assert status.observed_generation == 4
    ready = find_condition(status.conditions, READY)
    assert ready is not None and (ready.status, ready.reason) == ("True",
                                                                   REASON_ALL_CHILDREN_READY)


@given(st.integers(0, 200))
def test_the_tree_agrees_with_the_math_for_every_small_n(n: int) -> None:
    status = fermat_status(n, reported_tree("f", n), 1)
    expected = brute_force_pairs(n)
    assert [(p.a, p.b) for p in status.pairs] == expected
    assert [(p.a, p.b) for p in status.expected_pairs] == expected
    assert status.agrees is True and status.two_squares_found is bool(expected)


def test_an_incomplete_tree_does_not_claim_an_answer_yet() -> None:
    tree = reported_tree("f", 7)
    tree[2] = None
    status = fermat_status(7, tree, 1, now=NOW)
    assert (status.two_squares_found, status.agrees, status.pairs) == (None, None, ())
    ready = find_condition(status.conditions, READY)
    assert ready is not None and ready.message == "3 of 4 child Tuples report a current status"


def test_one_found_pair_is_enough_for_found_before_the_tree_completes() -> None:
    tree = reported_tree("f", 25)
    tree[0] = None  # [0, 25] has not reported
    status = fermat_status(25, tree, 1)
    assert status.two_squares_found is True
    assert status.pairs == (Pair(3, 4),)
    assert status.agrees is None


def test_stale_or_mismatched_children_are_ignored() -> None:
    tree = reported_tree("f", 13)
    tree[4] = reported_tuple("f-4", (4, 9), generation=2, observed=1)  # stale
    assert fermat_status(13, tree, 1).pairs == ()
    tree[4] = reported_tuple("f-4", (9, 4))  # not the wanted [4, 9] (yet)
    assert fermat_status(13, tree, 1).pairs == ()


def test_a_tuple_whose_numbers_have_not_reported_is_not_evidence() -> None:
    tree = reported_tree("f", 13)
    early = tree[4]
    assert early is not None and early.status is not None
    # [4, 9] reported before its Numbers did: allSquares false, readyNumbers 0.
    tree[4] = replace(early, status=replace(early.status, all_squares=False, ready_numbers=0))
    status = fermat_status(13, tree, 1)
    assert (status.two_squares_found, status.agrees) == (None, None)


def test_a_wrong_tree_is_caught_by_the_cross_check() -> None:
    tree = reported_tree("f", 13)
    liar = tree[1]
    assert liar is not None and liar.status is not None
    tree[1] = replace(liar, status=replace(liar.status, all_squares=True))  # [1, 12]: no!
    status = fermat_status(13, tree, 1)
    assert status.agrees is False
    assert Pair(1, 3) in status.pairs  # what the tree claimed (isqrt(12) = 3)


def test_above_the_limit_there_is_no_tree_but_still_an_answer() -> None:
    n = MAX_FERMAT_NUMBER + 1  # 10001 = 73 · 137, a sum of two squares in two ways
    status = fermat_status(n, [], 2, now=NOW)
    assert status.pairs == () and status.two_squares_found is None and status.agrees is None
    assert [(p.a, p.b) for p in status.expected_pairs] == brute_force_pairs(n)
    ready = find_condition(status.conditions, READY)
    assert ready is not None
    assert (ready.status, ready.reason) == ("False", REASON_TOO_MANY_CHILDREN)
    assert "10000" in ready.message and "expectedPairs" in ready.message


def test_fermat_status_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="needs 7 children"):
        fermat_status(13, [None], 1)
    with pytest.raises(ValueError, match="never negative"):
        fermat_status(-2, [], 1)


# --- diff ------------------------------------------------------------------------------------


def test_diff_example() -> None:
    desired = desired_specs(tuple_children("t", [1, 5, 9]))
    observed = {"t-0": NumberSpec(1), "t-1": NumberSpec(4), "t-7": NumberSpec(2)}
    diff = diff_children(desired, observed)
    assert diff == ChildDiff(create=(("t-2", NumberSpec(9)),), update=(("t-1", NumberSpec(5)),),
                             delete=("t-7",))
    assert apply_diff(observed, diff) == desired
    assert not diff.empty and diff_children(desired, desired).empty


def test_desired_specs_refuses_duplicate_names() -> None:
    with pytest.raises(ValueError, match="both named 'x-0'"):
        desired_specs([ChildNumber("x-0", 1), ChildNumber("x-0", 2)])


names = st.sampled_from([f"p-{i}" for i in range(8)])
specs = st.dictionaries(names, st.integers(-3, 3).map(NumberSpec), max_size=8)


@given(desired=specs, observed=specs)
def test_applying_the_diff_yields_the_desired_state(desired: dict[str, NumberSpec],
                                                    observed: dict[str, NumberSpec]) -> None:
    diff = diff_children(desired, observed)
    after = apply_diff(observed, diff)
    assert after == desired
    assert diff_children(desired, after).empty  # a second reconcile has nothing to do
    created = {n for n, _ in diff.create}
    updated = {n for n, _ in diff.update}
    assert created.isdisjoint(observed) and updated <= set(observed) & set(desired)
    assert set(diff.delete) == set(observed) - set(desired)


@given(desired=specs)
def test_the_diff_of_desired_against_itself_is_empty(desired: dict[str, NumberSpec]) -> None:
    assert diff_children(desired, desired) == ChildDiff()


@given(n=st.integers(0, 60), old=st.integers(0, 60))
def test_changing_a_fermat_number_rebuilds_exactly_the_new_tree(n: int, old: int) -> None:
    observed = desired_specs(fermat_children("f", old))
    desired = desired_specs(fermat_children("f", n))
    diff = diff_children(desired, observed)
    assert apply_diff(observed, diff) == desired
    assert len(diff.delete) == max(0, old // 2 - n // 2)
    assert all(spec.numbers[0] + spec.numbers[1] == n for _, spec in (*diff.create, *diff.update))
