"""two_squares against brute force below 20 000, and against r2(n) and SymPy far beyond.

Big inputs are built from known primes, so the expected answer is known without searching:
by Jacobi's two-square theorem, r2(n) = 4·∏(e + 1) over the primes p ≡ 1 (mod 4) when every
prime ≡ 3 (mod 4) has an even exponent, else 0, and r2 counts signed, ordered pairs.

Every test runs on both arithmetic engines of ``mathctl.core.primes`` (the ``engine`` fixture).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.solvers.diophantine.diophantine import diop_DN, sum_of_squares

from mathctl.core import explain_two_squares, two_squares
from mathctl.core.two_squares import _representations

BRUTE_LIMIT = 20_000


pytestmark = pytest.mark.usefixtures("engine")


@pytest.fixture(scope="module")
def brute_force() -> dict[int, list[tuple[int, int]]]:
    """Every representation of every n ≤ BRUTE_LIMIT, from one pass over a ≤ b."""
    table: dict[int, list[tuple[int, int]]] = {}
    for a in range(math.isqrt(BRUTE_LIMIT) + 1):
        for b in range(a, math.isqrt(BRUTE_LIMIT - a * a) + 1):
            table.setdefault(a * a + b * b, []).append((a, b))
    return table


def test_every_n_up_to_20000_matches_brute_force(brute_force: dict) -> None:
    wrong = [n for n in range(BRUTE_LIMIT + 1) if two_squares(n) != brute_force.get(n, [])]
    assert wrong == []


def test_examples() -> None:
    assert two_squares(0) == [(0, 0)]
    assert two_squares(1) == [(0, 1)]
    assert two_squares(2) == [(1, 1)]
    assert two_squares(3) == []
    assert two_squares(25) == [(0, 5), (3, 4)]
    assert two_squares(50) == [(1, 7), (5, 5)]
    assert two_squares(325) == [(1, 18), (6, 17), (10, 15)]


def expected_count(factors: dict[int, int]) -> int:
    """How many (a, b) with 0 ≤ a ≤ b, from r2(n) = 4·B (see the module docstring).

    Each pair with 0 < a < b stands for 8 signed, ordered pairs; (0, b) and (a, a) for 4 each.
    So the count is (B + [n is a square] + [n is twice a square]) / 2.
    """
    if any(p % 4 == 3 and e % 2 for p, e in factors.items()):
        return 0
    b = math.prod(e + 1 for p, e in factors.items() if p % 4 == 1)
    square = all(e % 2 == 0 for e in factors.values())
    twice_square = factors.get(2, 0) % 2 == 1 and all(
        e % 2 == 0 for p, e in factors.items() if p != 2
    )
    return (b + square + twice_square) // 2


def assert_well_formed(n: int, pairs: list[tuple[int, int]]) -> None:
    assert all(a * a + b * b == n and 0 <= a <= b for a, b in pairs)
    assert pairs == sorted(set(pairs))


def test_count_formula_agrees_with_brute_force(brute_force: dict) -> None:
    for n in range(1, BRUTE_LIMIT + 1):
        assert expected_count(sympy.factorint(n)) == len(brute_force.get(n, [])), n


ONE_MOD_4 = [5, 13, 17, 29, 37, 41, 1009, 65537, 10**9 + 9, 10**18 - 11]
THREE_MOD_4 = [3, 7, 11, 19, 1019, 2**31 - 1, 2**61 - 1]


@pytest.mark.parametrize("p", ONE_MOD_4 + THREE_MOD_4)
def test_prime_pools_are_what_they_claim(p: int) -> None:
    assert sympy.isprime(p)
    assert p % 4 == (1 if p in ONE_MOD_4 else 3)


def products() -> st.SearchStrategy[dict[int, int]]:
    """Factorisations with at most one prime above 2**31, so factorising stays fast."""
    small = [p for p in ONE_MOD_4 + THREE_MOD_4 if p < 2**31] + [2]
    big = [p for p in ONE_MOD_4 + THREE_MOD_4 if p > 2**31]
    return st.builds(
        lambda factors, p, e: {**factors, p: e} if e else factors,
        st.dictionaries(st.sampled_from(small), st.integers(1, 5), max_size=6),
        st.sampled_from(big),
        st.integers(0, 3),
    )


@settings(max_examples=200, deadline=None)
@given(products())
def test_big_products_of_known_primes_have_the_predicted_number_of_pairs(
    factors: dict[int, int],
) -> None:
    n = math.prod(p**e for p, e in factors.items())
    pairs = two_squares(n)
    assert_well_formed(n, pairs)
    assert len(pairs) == expected_count(factors)


@settings(max_examples=30, deadline=None)
@given(products())
def test_big_products_agree_with_sympy(factors: dict[int, int]) -> None:
    n = math.prod(p**e for p, e in factors.items())
    reference = sorted({(min(abs(x), abs(y)), max(abs(x), abs(y))) for x, y in diop_DN(-1, n)})
    assert two_squares(n) == reference


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(THREE_MOD_4),
    st.integers(0, 3),
    st.integers(min_value=1, max_value=10**20),
)
def test_a_prime_3_mod_4_to_an_odd_power_rules_n_out(q: int, k: int, m: int) -> None:
    while m % q == 0:
        m //= q
    assert two_squares(q ** (2 * k + 1) * m) == []


def primes_one_mod_four_after(start: int, count: int) -> Iterator[int]:
    p = start
    for _ in range(count):
        p = sympy.nextprime(p)
        while p % 4 != 1:
            p = sympy.nextprime(p)
        yield int(p)


@pytest.mark.parametrize("exponent", [6, 18, 40, 100])
def test_big_primes_1_mod_4_have_exactly_one_pair(exponent: int) -> None:
    for p in primes_one_mod_four_after(10**exponent, 5):
        pairs = two_squares(p)
        assert len(pairs) == 1
        assert_well_formed(p, pairs)
        assert pairs == sorted(sum_of_squares(p, 2))


def test_answers_are_plain_ints() -> None:
    # Controllers write them into status (JSON), which has no idea what a gmpy2.mpz is.
    p = next(primes_one_mod_four_after(10**40, 1))
    for n in (p, 2 * 9 * p, p * 13 * 17, (2**64 + 13) * 5):
        pairs = two_squares(n)
        assert pairs and all(type(a) is int and type(b) is int for a, b in pairs), n


def test_big_primes_3_mod_4_and_their_squares() -> None:
    p = 2**127 - 1  # a prime ≡ 3 (mod 4)
    assert two_squares(p) == []
    assert two_squares(25 * p) == []
    assert two_squares(p * p) == [(0, p)]
    assert two_squares(2 * p * p) == [(p, p)]


def test_factorisation_stops_at_the_first_prime_that_rules_n_out() -> None:
    consumed = []

    def powers() -> Iterator[tuple[int, int, int]]:
        for item in [(5, 1, 0), (7, 1, 0), (13, 1, 0)]:
            consumed.append(item[0])
            yield item
        raise AssertionError("read past the prime 7")

    assert _representations(powers()) == []
    assert consumed == [5, 7]


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 = 0² + 0², and in no other way."),
        (1, "1 = 0² + 1² (1 way)."),
        (2, "2 = 1² + 1²; 2 is the only prime that is a sum of two equal squares."),
        (
            7,
            "7 = 7¹: the prime 7 ≡ 3 (mod 4) appears to an odd power, "
            "so 7 is not a sum of two squares.",
        ),
        (
            13,
            "13 = 2² + 3²; 13 is a prime ≡ 1 (mod 4), and by Fermat's two-square theorem "
            "every such prime is a sum of two squares in exactly one way.",
        ),
        (
            25,
            "25 = 0² + 5² = 3² + 4² (2 ways). "
            "In 25 = 5² no prime ≡ 3 (mod 4) appears to an odd power.",
        ),
        (
            63,
            "63 = 3² · 7¹: the prime 7 ≡ 3 (mod 4) appears to an odd power, "
            "so 63 is not a sum of two squares.",
        ),
        (
            231,
            "231 = 3¹ · 7¹ · 11¹: the primes 3, 7 and 11, each ≡ 3 (mod 4), appear to odd "
            "powers, so 231 is not a sum of two squares.",
        ),
        (
            5525,
            "5525 = 7² + 74² = 14² + 73² = 22² + 71² = 25² + 70² = … (6 ways). "
            "In 5525 = 5² · 13¹ · 17¹ no prime ≡ 3 (mod 4) appears to an odd power.",
        ),
    ],
)
def test_explain_two_squares(n: int, text: str) -> None:
    assert explain_two_squares(n) == text


def test_explanations_agree_with_two_squares() -> None:
    for n in range(2, 2000):
        text = explain_two_squares(n)
        assert text.endswith("is not a sum of two squares.") == (two_squares(n) == [])


@pytest.mark.parametrize("function", [two_squares, explain_two_squares])
@pytest.mark.parametrize(
    ("value", "given"),
    [(True, "bool True"), (2.5, "float 2.5"), ("25", "str '25'"), (None, "None")],
)
def test_bad_input_is_a_type_error(function: object, value: object, given: str) -> None:
    name = function.__name__  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=rf"^{name}\(\) expects an int, got {given}"):
        function(value)  # type: ignore[operator]


def test_two_squares_message_for_a_float() -> None:
    with pytest.raises(TypeError) as error:
        two_squares(2.5)  # type: ignore[arg-type]
    assert str(error.value) == "two_squares() expects an int, got float 2.5"


@pytest.mark.parametrize("function", [two_squares, explain_two_squares])
def test_negative_n_is_a_value_error(function: object) -> None:
    name = function.__name__  # type: ignore[attr-defined]
    with pytest.raises(ValueError) as error:
        function(-5)  # type: ignore[operator]
    assert str(error.value) == f"{name}() needs n ≥ 0, got -5: a² + b² is never negative"
