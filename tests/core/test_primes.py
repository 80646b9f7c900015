"""is_prime against a sieve, SymPy and the known pseudoprimes; factorize by round trips.

The pseudoprime lists are OEIS data (A001262, A217719, A014233), and each test first checks
that the number really fools the weaker test, so the list cannot silently stop testing anything.

Every test runs on both arithmetic engines (gmpy2 and pure Python: the ``engine`` fixture), and
``test_engines_agree`` compares their answers number by number.
"""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from mathctl.core import factorize, is_prime, primes
from mathctl.core.primes import (
    _extra_strong_lucas,
    _strong_probable_prime,
    _strong_to_all,
    jacobi,
    prime_powers,
    use_engine,
)

pytestmark = pytest.mark.usefixtures("engine")

LIMIT = 10**5

# Strong pseudoprimes to base 2 below 10**5 (OEIS A001262).
BASE_2_STRONG_PSEUDOPRIMES = [
    2047, 3277, 4033, 4681, 8321, 15841, 29341, 42799, 49141, 52633, 65281, 74665, 80581, 85489,
    88357, 90751,
]  # fmt: skip

# Extra strong Lucas pseudoprimes below 10**5, Baillie's parameters (OEIS A217719).
EXTRA_STRONG_LUCAS_PSEUDOPRIMES = [
    989, 3239, 5777, 10877, 27971, 29681, 30739, 31631, 39059, 72389, 73919, 75077,
]  # fmt: skip

# The least strong pseudoprime to all of the first k prime bases (OEIS A014233), with k.
FIRST_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
STRONG_PSEUDOPRIMES_TO_PRIME_BASES = [
    (2047, 1),
    (1373653, 2),
    (25326001, 3),
    (3215031751, 4),
    (2152302898747, 5),
    (3474749660383, 6),
    (341550071728321, 8),
    (3825123056546413051, 11),
    (318665857834031151167461, 12),
    (3317044064679887385961981, 13),
]

CARMICHAEL = [561, 1105, 1729, 2465, 2821, 6601, 8911, 10585, 15841, 29341, 41041, 46657, 52633]

MERSENNE_PRIME_EXPONENTS = {2, 3, 5, 7, 13, 17, 19, 31, 61, 89, 107, 127}


def sieve(limit: int) -> list[bool]:
    flags = [True] * limit
    flags[0] = flags[1] = False
    for p in range(2, math.isqrt(limit) + 1):
        if flags[p]:
            flags[p * p :: p] = [False] * len(range(p * p, limit, p))
    return flags


def strong_probable_prime(n: int, base: int) -> bool:
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    return _strong_probable_prime(n, base, d, s) is not None


def test_is_prime_agrees_with_a_sieve_below_10_to_5() -> None:
    flags = sieve(LIMIT)
    assert [n for n in range(-20, LIMIT) if is_prime(n)] == [n for n in range(LIMIT) if flags[n]]


def test_strong_base_2_test_fails_exactly_on_the_known_pseudoprimes() -> None:
    flags = sieve(LIMIT)
    fooled = [n for n in range(3, LIMIT, 2) if not flags[n] and strong_probable_prime(n, 2)]
    assert fooled == BASE_2_STRONG_PSEUDOPRIMES


def test_extra_strong_lucas_test_fails_exactly_on_the_known_pseudoprimes() -> None:
    flags = sieve(LIMIT)
    fooled = [
        n
        for n in range(3, LIMIT, 2)
        if not flags[n] and math.isqrt(n) ** 2 != n and _extra_strong_lucas(n)
    ]
    assert fooled == EXTRA_STRONG_LUCAS_PSEUDOPRIMES
    assert all(_extra_strong_lucas(p) for p in range(7, LIMIT, 2) if flags[p])


@pytest.mark.parametrize(("n", "k"), STRONG_PSEUDOPRIMES_TO_PRIME_BASES)
def test_strong_pseudoprimes_to_many_bases_are_composite(n: int, k: int) -> None:
    assert all(strong_probable_prime(n, base) for base in FIRST_PRIMES[:k])
    assert not sympy.isprime(n)
    assert not is_prime(n)


def chernick(k: int) -> int:
    """(6k + 1)(12k + 1)(18k + 1): a Carmichael number when all three factors are prime."""
    return (6 * k + 1) * (12 * k + 1) * (18 * k + 1)


def chernick_carmichaels(start: int, count: int) -> list[int]:
    found, k = [], start
    while len(found) < count:
        if all(sympy.isprime(f) for f in (6 * k + 1, 12 * k + 1, 18 * k + 1)):
            found.append(chernick(k))
        k += 1
    return found


def is_carmichael(n: int) -> bool:
    """Korselt's criterion: n composite, squarefree, and p − 1 divides n − 1 for every p | n."""
    factors = sympy.factorint(n)
    return (
        len(factors) > 1
        and all(e == 1 for e in factors.values())
        and all((n - 1) % (p - 1) == 0 for p in factors)
    )


def test_carmichael_numbers_are_composite() -> None:
    numbers = CARMICHAEL + chernick_carmichaels(10**3, 5) + chernick_carmichaels(10**7, 5)
    numbers += chernick_carmichaels(10**9, 2)  # about 10**30, past 2**64: Baillie–PSW decides
    for n in numbers:
        assert is_carmichael(n), n
        assert pow(2, n - 1, n) == 1  # they fool Fermat's test
        assert not is_prime(n), n


def test_mersenne_numbers() -> None:
    for exponent in range(2, 128):
        assert is_prime(2**exponent - 1) == (exponent in MERSENNE_PRIME_EXPONENTS), exponent
    assert is_prime(2**521 - 1)
    assert is_prime(2**607 - 1)
    assert not is_prime(2**523 - 1)


def test_squares_and_products_of_big_primes_are_composite() -> None:
    p, q = 2**89 - 1, 2**107 - 1
    assert not is_prime(p * p)
    assert not is_prime(p * q)
    assert not is_prime((2**61 - 1) ** 2)


@settings(max_examples=300)
@given(st.integers(min_value=-10, max_value=2**64 + 10**6))
def test_is_prime_agrees_with_sympy_below_2_to_64(n: int) -> None:
    assert is_prime(n) == sympy.isprime(n)


@settings(max_examples=100)
@given(st.integers(min_value=2, max_value=2**64).map(sympy.nextprime))
def test_is_prime_on_primes_below_2_to_64(p: int) -> None:
    assert is_prime(p)
    assert not is_prime(p * sympy.nextprime(p))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=2**64, max_value=2**400))
def test_is_prime_agrees_with_sympy_above_2_to_64(n: int) -> None:
    assert is_prime(n) == sympy.isprime(n)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=2**64, max_value=2**400).map(sympy.nextprime))
def test_is_prime_on_primes_above_2_to_64(p: int) -> None:
    assert is_prime(p)


def test_jacobi_symbol_matches_sympy() -> None:
    for n in range(1, 200, 2):
        for a in range(-50, 200):
            assert jacobi(a, n) == sympy.jacobi_symbol(a, n), (a, n)


def product(factors: dict[int, int]) -> int:
    return math.prod(p**e for p, e in factors.items())


def test_factorize_small_numbers_round_trip() -> None:
    flags = sieve(5000)
    assert factorize(1) == {}
    for n in range(2, 5000):
        factors = factorize(n)
        assert product(factors) == n
        assert all(flags[p] and e > 0 for p, e in factors.items())
        assert list(factors) == sorted(factors)


@pytest.mark.parametrize(
    "factors",
    [
        {2: 3, 3: 2, 5: 1},
        {193707721: 1, 761838257287: 1},  # 2**67 − 1, Cole's factorisation
        {2147483647: 1, 4294967291: 1},  # two primes near 2**32: the hard 64-bit case
        {1009: 7},  # the smallest prime that trial division does not remove
        {1009: 3, 1013: 3},
        {2**61 - 1: 5},  # a perfect power of a big prime: rho alone would not finish
        {3: 1, 1000003: 1, 2**89 - 1: 2},  # rho finds 1000003, the rest is a square
        {2: 1, 10**9 + 7: 1, 10**18 + 9: 1},
    ],
    ids=lambda factors: "·".join(f"{p}^{e}" for p, e in factors.items()),
)
def test_factorize_known_factorisations(factors: dict[int, int]) -> None:
    assert all(sympy.isprime(p) for p in factors)
    assert factorize(product(factors)) == dict(sorted(factors.items()))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=2**64))
def test_factorize_agrees_with_sympy_on_64_bit_numbers(n: int) -> None:
    assert factorize(n) == sympy.factorint(n)


SMALLER_PRIMES = [2, 3, 5, 7, 997, 1009, 65537, 2**31 - 1, 10**9 + 7]
BIG_PRIMES = [2**61 - 1, 10**18 + 9, 2**89 - 1]


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from(SMALLER_PRIMES), st.integers(1, 4), max_size=5),
    st.sampled_from(BIG_PRIMES),
    st.integers(0, 3),
)
def test_factorize_round_trips_products_of_known_primes(
    factors: dict[int, int], big: int, exponent: int
) -> None:
    # At most one big prime: rho needs about √p steps for the second-largest prime p.
    if exponent:
        factors = {**factors, big: exponent}
    assert factorize(product(factors)) == dict(sorted(factors.items()))


@pytest.mark.parametrize("function", [is_prime, factorize])
@pytest.mark.parametrize(
    ("value", "given"), [(True, "bool True"), (7.0, "float 7.0"), ("7", "str '7'"), (None, "None")]
)
def test_bad_input_is_a_type_error(function: object, value: object, given: str) -> None:
    name = function.__name__  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=rf"^{name}\(\) expects an int, got {given}"):
        function(value)  # type: ignore[operator]


@pytest.mark.parametrize("n", [0, -1, -12])
def test_factorize_refuses_n_below_1(n: int) -> None:
    with pytest.raises(ValueError, match=rf"^factorize\(\) needs n ≥ 1, got {n}: 0 has no prime"):
        factorize(n)


SAMPLE = [
    *range(1, 3000),
    *BASE_2_STRONG_PSEUDOPRIMES,
    *EXTRA_STRONG_LUCAS_PSEUDOPRIMES,
    *CARMICHAEL,
    *(n for n, _ in STRONG_PSEUDOPRIMES_TO_PRIME_BASES if n < 2**64),
    407521 * 1000003,  # shares a factor with the witness 9780504
    299210837 * 1000000007,  # and with 1795265022
    2**61 - 1,
    (2**61 - 1) * (2**31 - 1),
    2**64 - 59,  # the largest prime below 2**64
    2**64 + 13,  # the smallest prime above it
    (2**32 + 15) * (2**32 + 15),
    10**18 + 9,
    (10**9 + 7) * (10**9 + 9) * 2**5 * 3**3,
    2**89 - 1,
    (2**89 - 1) * 1000003,
    sympy.nextprime(10**40),
    sympy.nextprime(10**100),
    chernick(10**9),  # a Carmichael number past 2**64
]


HARD_TO_FACTOR = [n for n, _ in STRONG_PSEUDOPRIMES_TO_PRIME_BASES if n >= 2**64]


def answers() -> list[object]:
    found: list[object] = [is_prime(n) for n in HARD_TO_FACTOR]
    for n in map(int, SAMPLE):
        powers = sorted(prime_powers(n))
        assert all(root == 0 or root * root % p == p - 1 for p, _, root in powers), n
        found.append((is_prime(n), factorize(n), powers))
    return found


def test_engines_agree(engine: str) -> None:
    if engine != "gmpy2":
        pytest.skip("compared once, from the gmpy2 run")
    with_gmpy2 = answers()
    use_engine("python")
    try:
        assert answers() == with_gmpy2  # roots of −1 included: the same steps meet the same one
    finally:
        use_engine("gmpy2")


def test_answers_are_plain_ints() -> None:
    big = int(sympy.nextprime(10**40)) * int(sympy.nextprime(10**5)) ** 2
    for p, e, root in prime_powers(big):
        assert type(p) is int and type(e) is int and type(root) is int
    assert all(type(p) is int for p in factorize(big))
    assert type(primes.powmod(3, 10**40, 10**41 + 1)) is int


def test_witness_sets_start_with_base_2() -> None:
    # _probable_prime runs base 2 first (it finds the root of −1) and the rest from index 1.
    assert all(bases[0] == 2 for _, bases in primes._WITNESS_SETS)
    assert primes._WITNESS_SETS[-1][0] == 2**64


@pytest.mark.parametrize(
    ("n", "base"), [(407521 * 1000003, 9780504), (299210837 * 1000000007, 1795265022)]
)
def test_a_base_sharing_a_factor_with_n_proves_it_composite(n: int, base: int) -> None:
    assert math.gcd(n, base) > 1 and math.gcd(n, primes._PRIMORIAL) == 1
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    assert not _strong_to_all(n, (base,), d, s)
    assert not is_prime(n)


def test_use_engine() -> None:
    current = primes.engine()
    assert use_engine(current) == current
    with pytest.raises(ValueError, match=r"^use_engine\(\) expects one of gmpy2, python, got 'x'"):
        use_engine("x")
    assert primes.engine() == current


def test_use_engine_without_gmpy2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(primes, "_gmpy2_module", None)
    with pytest.raises(ValueError, match=r"gmpy2 is not installed here; `pip install gmpy2`"):
        use_engine("gmpy2")
