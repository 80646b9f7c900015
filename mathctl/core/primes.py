"""Primality and factorisation of integers of any size, with gmpy2 doing the arithmetic if it can.

The Fermat controller (notebook 60, ``mathctl get fermat``) decides whether ``spec.number`` is a
sum of two squares, and number theory answers that from the prime factorisation; so this module
exists to factorise quickly and to say for sure whether a cofactor is prime:

- ``is_prime``: deterministic Miller–Rabin below 2**64, Baillie–PSW above.
- ``factorize``: trial division by the primes below 1000, then Pollard–Brent rho.
- ``prime_powers``: the same factorisation as a stream, for ``two_squares``, which can stop as
  soon as one prime rules n out, and which reuses a square root of −1 that the primality test
  often finds on the way.

Nearly all the time goes into modular powers and products of big numbers. gmpy2 (GMP) does
those in C, 10 to 40 times faster than Python's ``pow``; without it the same algorithms run on
Python ints. ``use_engine("gmpy2" | "python")`` switches between the two. The answers are the
same either way: the algorithms, their parameters and the order of their steps are shared, only
who multiplies changes; and what comes out is always a plain ``int``. ``bench/two_squares.py``
measures both.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from types import ModuleType

from mathctl.core.arithmetic import require_int

try:
    import gmpy2 as _gmpy2_module
except ImportError:  # a dependency, but the pure-Python engine gives the same answers
    _gmpy2_module = None

__all__ = ["ENGINES", "engine", "factorize", "is_prime", "powmod", "prime_powers", "use_engine"]

ENGINES = ("gmpy2", "python")

# The one switch: the gmpy2 module while it is the engine, None for pure Python (use_engine).
_gmpy2: ModuleType | None = _gmpy2_module


def _sieve(limit: int) -> tuple[int, ...]:
    """The primes below ``limit`` (sieve of Eratosthenes)."""
    flags = bytearray([1]) * limit
    flags[:2] = b"\x00\x00"
    for p in range(2, math.isqrt(limit - 1) + 1):
        if flags[p]:
            flags[p * p :: p] = bytes(len(range(p * p, limit, p)))
    return tuple(i for i, flag in enumerate(flags) if flag)


SMALL_PRIMES = _sieve(1000)
_SMALL_PRIME_SET = frozenset(SMALL_PRIMES)
_PRIMORIAL = math.prod(SMALL_PRIMES)  # one gcd tells whether n has any factor below 1000
_PRIMORIAL_MPZ = None if _gmpy2_module is None else _gmpy2_module.mpz(_PRIMORIAL)  # converted once
_TRIAL_PROVES_PRIME = 1009 * 1009  # no factor below 1000 and n < 1009² (next prime²): prime

# Miller–Rabin witness sets: every n below the bound that is a strong probable prime to all the
# bases is prime. The prime-base bounds are psi_k of OEIS A014233 (Pomerance, Selfridge and
# Wagstaff 1980; Jaeschke 1993). The 7 bases for all n < 2**64 are Jim Sinclair's (2011), listed
# at https://miller-rabin.appspot.com and checked against Feitsma's list of the base-2 strong
# pseudoprimes below 2**64.
_WITNESS_SETS: tuple[tuple[int, tuple[int, ...]], ...] = (
    (1_373_653, (2, 3)),
    (25_326_001, (2, 3, 5)),
    (3_215_031_751, (2, 3, 5, 7)),
    (2_152_302_898_747, (2, 3, 5, 7, 11)),
    (3_474_749_660_383, (2, 3, 5, 7, 11, 13)),
    (2**64, (2, 325, 9375, 28178, 450775, 9780504, 1795265022)),
)

_RHO_BATCH = 64  # differences multiplied together between two gcds in Pollard–Brent rho


def engine() -> str:
    """The arithmetic engine in use: ``"gmpy2"`` (the default where installed) or ``"python"``."""
    return "python" if _gmpy2 is None else "gmpy2"


def use_engine(name: str) -> str:
    """Make ``name`` (one of ``ENGINES``) the arithmetic engine; return the previous one.

    For tests and benchmarks: the answers do not depend on the engine, only the speed does.
    """
    global _gmpy2
    if name not in ENGINES:
        raise ValueError(f"use_engine() expects one of {', '.join(ENGINES)}, got {name!r}")
    if name == "gmpy2" and _gmpy2_module is None:
        raise ValueError(
            "use_engine('gmpy2'): gmpy2 is not installed here; `pip install gmpy2`, "
            "or stay on the 'python' engine (same answers, slower)"
        )
    previous = engine()
    _gmpy2 = _gmpy2_module if name == "gmpy2" else None
    return previous


def powmod(base: int, exponent: int, modulus: int) -> int:
    """``pow(base, exponent, modulus)`` for exponent ≥ 0 and modulus ≥ 1, by the engine in use."""
    if _gmpy2 is None:
        return pow(base, exponent, modulus)
    return int(_gmpy2.powmod(base, exponent, modulus))


def is_prime(n: int) -> bool:
    """Return whether ``n`` is prime; primes are positive, so n < 2 gives False.

    Below 2**64 the answer is proved: trial division, then Miller–Rabin with a witness set known
    to be deterministic in that range (see ``_WITNESS_SETS``). From 2**64 up it is the Baillie–PSW
    test: a strong probable-prime test to base 2 and an extra strong Lucas test (a strong Lucas
    test with Q = 1, parameters P = 3, 4, 5, … chosen as Baillie suggests). That is the good
    choice for big numbers: no composite passing it is known, it has been checked exhaustively
    below 2**64, and the two halves fail on very different kinds of composite.
    """
    return _is_prime(_number(require_int(n, "is_prime")))


def factorize(n: int) -> dict[int, int]:
    """Return the prime factorisation of ``n ≥ 1`` as ``{prime: exponent}``, primes ascending.

    ``factorize(360) == {2: 3, 3: 2, 5: 1}`` and ``factorize(1) == {}`` (the empty product).
    0 is refused: every prime divides 0, so it has no factorisation. Negative n is refused too:
    factorise ``-n`` and keep the sign apart. Trial division finds the factors below 1000 and
    Pollard–Brent rho the rest, so any 64-bit number takes milliseconds; a product of two
    primes of 30+ digits each is as hard here as it is for everyone else.
    """
    n = require_int(
        n,
        "factorize",
        minimum=1,
        why="0 has no prime factorisation (every prime divides 0); "
        "for a negative number factorise -n and keep the sign apart",
    )
    return dict(sorted((p, e) for p, e, _ in prime_powers(n)))


def prime_powers(n: int) -> Iterator[tuple[int, int, int]]:
    """Yield ``(p, e, root)`` for each prime power p**e exactly dividing ``n ≥ 1``, in no order.

    Each p is yielded once, with its full exponent, as soon as it is known, so a caller may stop
    early. ``root`` is a square root of −1 modulo p if the primality test met one (it often does
    for p ≡ 1 (mod 4)), else 0. No argument check: callers validate.
    """
    n = _number(n)
    common = _small_factors(n)
    if common > 1:
        for p in SMALL_PRIMES:
            if common % p == 0:
                exponent = 0
                while n % p == 0:
                    n //= p
                    exponent += 1
                yield p, exponent, 0
                common //= p
                if common == 1:
                    break
    pending = [n] if n > 1 else []
    while pending:
        m = pending.pop()
        if m == 1:
            continue
        prime, root = (True, 0) if m < _TRIAL_PROVES_PRIME else _probable_prime(m)
        if prime:
            exponent = 1
            for i, other in enumerate(pending):
                while other % m == 0:
                    other //= m
                    exponent += 1
                pending[i] = other
            yield int(m), exponent, int(root)
        else:
            pending.extend(_split(m))


def jacobi(a: int, n: int) -> int:
    """The Jacobi symbol (a/n) for odd n > 0: −1, 0 or 1."""
    a %= n
    result = 1
    while a:
        while a % 2 == 0:
            a //= 2
            if n % 8 in (3, 5):
                result = -result
        a, n = n, a
        if a % 4 == 3 and n % 4 == 3:
            result = -result
        a %= n
    return result if n == 1 else 0


# The engine's primitives. Under gmpy2 the big numbers are mpz (and loop variables xmpz): the
# same operators (*, %, //, ==) then run in C, so the algorithms below are written once for both
# engines, and ask the engine only where gmpy2 has a whole step in C (powmod, is_strong_prp).


def _number(n: int) -> int:
    """``n`` as the engine's integer: a ``gmpy2.mpz`` (typed as int: it behaves as one) or int.

    Numbers below 2**64 stay Python ints: gmpy2's functions take them as fast, Python's own
    operators are quicker on them, and they need no converting back.
    """
    return n if _gmpy2 is None or n < 2**64 else _gmpy2.mpz(n)


def _register(n: int) -> int:
    """A number to update in place in a loop (``x *= y``): ``gmpy2.xmpz`` saves an allocation."""
    return n if _gmpy2 is None else _gmpy2.xmpz(n)


def _copy(register: int) -> int:
    """The current value of a ``_register``, which later updates in place will not change."""
    return register if _gmpy2 is None else _gmpy2.mpz(register)


def _gcd(a: int, b: int) -> int:
    return math.gcd(a, b) if _gmpy2 is None else _gmpy2.gcd(a, b)


def _small_factors(n: int) -> int:
    """The product of the distinct primes below 1000 that divide n: gcd(n, their product)."""
    return math.gcd(n, _PRIMORIAL) if _gmpy2 is None else _gmpy2.gcd(n, _PRIMORIAL_MPZ)


def _isqrt(n: int) -> int:
    return math.isqrt(n) if _gmpy2 is None else _gmpy2.isqrt(n)


def _jacobi(a: int, n: int) -> int:
    return jacobi(a, n) if _gmpy2 is None else _gmpy2.jacobi(a, n)


def _is_prime(n: int) -> bool:
    if n <= SMALL_PRIMES[-1]:
        return n in _SMALL_PRIME_SET
    if _small_factors(n) != 1:
        return False
    return n < _TRIAL_PROVES_PRIME or _probable_prime(n)[0]


def _probable_prime(n: int) -> tuple[bool, int]:
    """Test an odd n ≥ 1009² with no factor below 1000; also return a root of −1 met, or 0.

    Below 2**64 the answer is exact (Miller–Rabin with a deterministic witness set); above it is
    Baillie–PSW. Both start with base 2, which rules out nearly every composite and whose
    squaring chain is where the root of −1 comes from.
    """
    d = n - 1
    s = (d & -d).bit_length() - 1
    d >>= s
    root = _strong_probable_prime(n, 2, d, s)
    if root is None:
        return False, 0
    if n >= 2**64:
        return (True, root) if _extra_strong_lucas(n) else (False, 0)
    return (True, root) if _strong_to_all(n, _other_witnesses(n), d, s) else (False, 0)


def _other_witnesses(n: int) -> tuple[int, ...]:
    """The bases after 2 of the witness set that decides every number below 2**64 of n's size."""
    if n >= _WITNESS_SETS[-2][0]:  # the usual case: every number from 3.5·10**12 up
        return _WITNESS_SETS[-1][1][1:]
    return next(bases[1:] for bound, bases in _WITNESS_SETS if n < bound)


def _strong_probable_prime(n: int, base: int, d: int, s: int) -> int | None:
    """Miller–Rabin to one base, where n − 1 = d·2**s with d odd.

    None if ``base`` proves n composite. Otherwise the value x with x² ≡ −1 (mod n) that the
    squaring chain passed through, or 0 if it passed through none.
    """
    x = pow(base, d, n) if _gmpy2 is None else _gmpy2.powmod(base, d, n)
    minus_one = n - 1
    if x == 1 or x == minus_one:
        return 0
    for _ in range(s - 1):
        y = x * x % n
        if y == minus_one:
            return x
        if y == 1:
            return None
        x = y
    return None


def _strong_to_all(n: int, bases: tuple[int, ...], d: int, s: int) -> bool:
    """Whether n is a strong probable prime to every base (n − 1 = d·2**s, d odd, bases < n).

    Only a yes or no is needed here, which gmpy2 gives without leaving C.
    """
    if _gmpy2 is None:
        return all(_strong_probable_prime(n, base, d, s) is not None for base in bases)
    strong = _gmpy2.is_strong_prp
    try:
        for base in bases:
            if not strong(n, base):
                return False
    except ValueError:  # gmpy2 refuses a base that shares a factor with n: n is composite
        return False
    return True


def _extra_strong_lucas(n: int) -> bool:
    """The extra strong Lucas probable-prime test (Grantham), for odd n > 2**64.

    With Q = 1 and P the first of 3, 4, 5, … whose D = P² − 4 has Jacobi symbol (D/n) = −1,
    write n + 1 = d·2**s with d odd. A prime passes when U_d ≡ 0 and V_d ≡ ±2 (mod n), or
    V_(d·2**r) ≡ 0 for some 0 ≤ r < s − 1. Only V is computed (two products per bit); U_d ≡ 0
    is read from D·U_d = 2·V_(d+1) − P·V_d.

    This loop is most of the time ``is_prime`` takes on a big prime. It is the same code for
    both engines: under gmpy2 the in-place updates run on ``xmpz``, a little faster than gmpy2's
    own ``is_extra_strong_lucas_prp``, which also tracks U and Q (bench/two_squares.py).
    """
    root = _isqrt(n)
    if root * root == n:  # a square has (D/n) ≥ 0 for every D, the search below would not end
        return False
    p = 3
    while True:
        symbol = _jacobi(p * p - 4, n)
        if symbol == -1:
            break
        if symbol == 0:  # p² − 4 < n shares a factor with n
            return False
        p += 1
    d = n + 1
    s = (d & -d).bit_length() - 1
    d >>= s
    v, w = _register(2), _register(p)  # V_k, V_(k+1), from k = 0; each bit b of d: k → 2k + b
    for bit in bin(d)[2:]:
        if bit == "1":
            v *= w
            v -= p
            v %= n
            w *= w
            w -= 2
            w %= n
        else:
            w *= v
            w -= p
            w %= n
            v *= v
            v -= 2
            v %= n
    if (2 * w - p * v) % n == 0 and (v == 2 or v == n - 2):
        return True
    for _ in range(s - 1):
        if v == 0:
            return True
        v = (v * v - 2) % n
    return False


def _split(m: int) -> list[int]:
    """Two or more factors of an odd composite m with no factor below 1000, product m."""
    for k in range(2, m.bit_length() // 9 + 1):  # m = f**k with f ≥ 1009 > 2**9 has k < bits/9
        if k in _SMALL_PRIME_SET:
            root = _integer_root(m, k)
            if root**k == m:
                return [root] * k
    factor = _pollard_brent(m)
    return [factor, m // factor]


def _integer_root(m: int, k: int) -> int:
    """⌊m ** (1/k)⌋ for m ≥ 1, by Newton's method on integers (GMP's ``iroot`` under gmpy2)."""
    if _gmpy2 is not None:
        return _gmpy2.iroot(m, k)[0]
    if k == 2:
        return math.isqrt(m)
    x = 1 << -(-m.bit_length() // k)  # ≥ the root
    while True:
        y = ((k - 1) * x + m // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


def _pollard_brent(n: int) -> int:
    """A non-trivial factor of the odd composite n that is not a perfect power (Brent 1980).

    Iterates y ↦ y² + c mod n with Brent's cycle finding, multiplies ``_RHO_BATCH`` differences
    together before each gcd, and steps back one at a time if a batch overshoots to gcd = n.
    c = 1, 2, … in turn, so the result is deterministic. y and q are updated in place (``xmpz``
    under gmpy2, even below 2**64, where that is 2× faster than Python ints); x and ``saved``
    keep copies of y.
    """
    n = n if _gmpy2 is None else _gmpy2.mpz(n)
    for c in range(1, n):
        y, r, q, g = _register(2), 1, _register(1), 1
        x = saved = _copy(y)
        while g == 1:
            x = _copy(y)
            for _ in range(r):
                y *= y
                y += c
                y %= n
            k = 0
            while k < r and g == 1:
                saved = _copy(y)
                for _ in range(min(_RHO_BATCH, r - k)):
                    y *= y
                    y += c
                    y %= n
                    q *= x - y
                    q %= n
                g = _gcd(q, n)
                k += _RHO_BATCH
            r *= 2
        if g == n:
            g = 1
            while g == 1:
                saved = (saved * saved + c) % n
                g = _gcd(x - saved, n)
        if g != n:
            return g
    raise ArithmeticError(f"Pollard rho found no factor of {n}; is it prime?")
