"""fizzbuzz and is_square on every kind of integer, and require_int's errors for everything else."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathctl.core import fizzbuzz, is_square
from mathctl.core.arithmetic import require_int

LABELS = {"Fizz", "Buzz", "FizzBuzz"}


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1"),
        (3, "Fizz"),
        (5, "Buzz"),
        (15, "FizzBuzz"),
        (0, "FizzBuzz"),  # 0 = 15·0
        (-15, "FizzBuzz"),  # −15 = 15·(−1)
        (-3, "Fizz"),
        (-10, "Buzz"),
        (-7, "-7"),
        (98, "98"),
        (10**30, "Buzz"),
        (3 * 10**30, "FizzBuzz"),
        (10**30 + 1, str(10**30 + 1)),
    ],
)
def test_fizzbuzz_examples(n: int, expected: str) -> None:
    assert fizzbuzz(n) == expected


@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_fizzbuzz_repeats_every_15_and_is_symmetric(n: int) -> None:
    label = fizzbuzz(n)
    assert label in LABELS or label == str(n)
    shifted = fizzbuzz(n + 15)
    assert shifted == label if label in LABELS else shifted == str(n + 15)
    mirrored = fizzbuzz(-n)
    assert mirrored == label if label in LABELS else mirrored == str(-n)


def test_is_square_small() -> None:
    squares = {k * k for k in range(200)}
    assert [n for n in range(-50, 200**2) if is_square(n)] == sorted(squares)


@given(st.integers(min_value=2**200, max_value=2**400))
def test_is_square_past_2_to_200_agrees_with_isqrt(k: int) -> None:
    assert is_square(k * k)
    assert not is_square(k * k + 1)
    assert not is_square(k * k - 1)
    assert is_square(k) == (math.isqrt(k) ** 2 == k)


def test_is_square_is_not_fooled_by_float_rounding() -> None:
    near = (2**53 + 1) ** 2
    assert math.sqrt(near - 1).is_integer()  # a float would call this a square
    assert not is_square(near - 1)
    assert is_square(near)


def test_negative_numbers_are_not_squares() -> None:
    assert not is_square(-1)
    assert not is_square(-(10**40))


class Index:
    """Anything with __index__ (a NumPy integer, say) counts as an int."""

    def __index__(self) -> int:
        return 49


def test_objects_with_index_are_accepted() -> None:
    assert is_square(Index())  # type: ignore[arg-type]
    assert fizzbuzz(Index()) == "49"  # type: ignore[arg-type]


@pytest.mark.parametrize("function", [fizzbuzz, is_square])
@pytest.mark.parametrize(
    ("value", "given"),
    [
        (True, "bool True"),
        (False, "bool False"),
        (2.5, "float 2.5"),
        (4.0, "float 4.0"),
        ("12", "str '12'"),
        (None, "None"),
        ([4], "list [4]"),
    ],
)
def test_bad_input_is_a_type_error_that_names_what_was_given(
    function: object, value: object, given: str
) -> None:
    name = function.__name__  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=rf"^{name}\(\) expects an int, got {re.escape(given)}"):
        function(value)  # type: ignore[operator]


def test_require_int_messages_suggest_the_fix() -> None:
    with pytest.raises(TypeError) as bool_error:
        require_int(True, "two_squares")
    assert str(bool_error.value) == (
        "two_squares() expects an int, got bool True: True and False are not numbers here; "
        "pass 1 if you mean it"
    )
    with pytest.raises(TypeError) as float_error:
        require_int(2.5, "two_squares")
    assert str(float_error.value) == "two_squares() expects an int, got float 2.5"
    with pytest.raises(TypeError, match=r"got float 4\.0; pass int\(4\.0\) if you mean 4$"):
        require_int(4.0, "two_squares")
    with pytest.raises(TypeError, match=r"got str '12'; convert it first: int\('12'\)$"):
        require_int("12", "two_squares")
    with pytest.raises(TypeError, match=r"got str 'twelve'$"):
        require_int("twelve", "two_squares")
    with pytest.raises(TypeError, match=r"got str '1{38}…$"):
        require_int("1" * 100 + "x", "two_squares")


def test_require_int_minimum() -> None:
    assert require_int(0, "f", minimum=0) == 0
    with pytest.raises(ValueError) as error:
        require_int(-5, "two_squares", minimum=0, why="a² + b² is never negative")
    assert str(error.value) == "two_squares() needs n ≥ 0, got -5: a² + b² is never negative"
    with pytest.raises(ValueError, match=r"^f\(\) needs n ≥ 1, got 0$"):
        require_int(0, "f", minimum=1)


def test_require_int_returns_a_plain_int() -> None:
    class Big(int):
        pass

    value = require_int(Big(7), "f")
    assert value == 7
    assert type(value) is int
