"""Every way to write n as a sum of two squares, found by number theory, never by search.

The Fermat controller (notebook 60) fans a number n out into Tuples ``[i, n − i]`` and waits for
one whose Numbers are all squares; ``two_squares`` is the answer key that the notebook, the
``status.pairs`` check and the tests compare that search against. It works through the Gaussian
integers a + bi, where a² + b² = (a + bi)(a − bi):

- factorise n; a prime q ≡ 3 (mod 4) to an odd power means there is no representation;
- 2 = −i·(1 + i)², and q ≡ 3 (mod 4) stays prime, so q² = q·q only scales every answer;
- each prime p ≡ 1 (mod 4) splits as p = π·π̄ with π = a + bi: find x with x² ≡ −1 (mod p), and
  the Euclidean algorithm on (p, x) stops at a and b (Hermite–Serret, Brillhart's form);
- every representation is the product of one choice π**k · π̄**(e − k) for each p**e, times the
  2-part and the scale, up to a unit and conjugation: multiply out, normalise, deduplicate.

The work is a factorisation plus one step per answer: a 10**100-sized prime takes a quarter of
a millisecond (a millisecond without gmpy2, see ``primes``), where trying every a ≤ √n would
not finish.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from mathctl.core.arithmetic import require_int
from mathctl.core.primes import SMALL_PRIMES, factorize, jacobi, powmod, prime_powers

__all__ = ["explain_two_squares", "two_squares"]

Gaussian = tuple[int, int]  # a + bi as (a, b)

_NEGATIVE = "a² + b² is never negative"
_SHOWN = 4  # representations spelled out by explain_two_squares before "…"
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

# For odd primes q, the residues of p modulo q that make q a non-residue modulo p. When
# p ≡ 1 (mod 4), quadratic reciprocity gives (q/p) = (p/q), so one ``p % q`` finds a non-residue.
_NON_RESIDUES = {
    q: frozenset(range(1, q)) - {i * i % q for i in range(1, q)} for q in SMALL_PRIMES[1:40]
}


def two_squares(n: int) -> list[tuple[int, int]]:
    """Return every ``(a, b)`` with ``a² + b² == n`` and ``0 ≤ a ≤ b``, sorted by a.

    ``two_squares(25) == [(0, 5), (3, 4)]``, ``two_squares(0) == [(0, 0)]``, ``two_squares(3)
    == []``. Any n ≥ 0 works; the time is that of factorising n (see ``factorize``) plus a
    little per answer.
    """
    n = require_int(n, "two_squares", minimum=0, why=_NEGATIVE)
    if n == 0:
        return [(0, 0)]
    return _representations(prime_powers(n))


def explain_two_squares(n: int) -> str:
    """One or two sentences for a learner on whether and how n ≥ 0 is a sum of two squares.

    >>> explain_two_squares(7)
    '7 = 7¹: the prime 7 ≡ 3 (mod 4) appears to an odd power, so 7 is not a sum of two squares.'
    >>> explain_two_squares(13)
    '13 = 2² + 3²; 13 is a prime ≡ 1 (mod 4), and by Fermat's two-square theorem every such prime is a sum of two squares in exactly one way.'
    """  # noqa: E501
    n = require_int(n, "explain_two_squares", minimum=0, why=_NEGATIVE)
    if n == 0:
        return "0 = 0² + 0², and in no other way."
    factors = factorize(n)
    product = " · ".join(f"{p}{str(e).translate(_SUPERSCRIPTS)}" for p, e in factors.items())
    blockers = [q for q, e in factors.items() if q % 4 == 3 and e % 2]
    if blockers:
        if len(blockers) == 1:
            why = f"the prime {blockers[0]} ≡ 3 (mod 4) appears to an odd power"
        else:
            names = ", ".join(map(str, blockers[:-1])) + f" and {blockers[-1]}"
            why = f"the primes {names}, each ≡ 3 (mod 4), appear to odd powers"
        return f"{n} = {product}: {why}, so {n} is not a sum of two squares."
    pairs = _representations((p, e, 0) for p, e in factors.items())
    sums = " = ".join(f"{a}² + {b}²" for a, b in pairs[:_SHOWN])
    if len(pairs) > _SHOWN:
        sums += " = …"
    if factors == {n: 1}:
        if n == 2:
            return "2 = 1² + 1²; 2 is the only prime that is a sum of two equal squares."
        return (
            f"{n} = {sums}; {n} is a prime ≡ 1 (mod 4), and by Fermat's two-square theorem "
            "every such prime is a sum of two squares in exactly one way."
        )
    ways = "1 way" if len(pairs) == 1 else f"{len(pairs)} ways"
    if n == 1:
        return f"1 = {sums} ({ways})."
    return (
        f"{n} = {sums} ({ways}). In {n} = {product} no prime ≡ 3 (mod 4) appears to an odd power."
    )


def _representations(powers: Iterable[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Combine Gaussian factors into every normalised representation; [] if a prime rules n out.

    ``powers`` yields ``(p, e, root)`` as ``primes.prime_powers`` does; it is consumed
    lazily, so a prime q ≡ 3 (mod 4) with odd e stops the factorisation early.
    """
    scale = 1  # the real factor: 2**(e // 2) and q**(e // 2) for q ≡ 3 (mod 4)
    twist = False  # one factor (1 + i) left over from an odd power of 2
    splits: list[tuple[Gaussian, int]] = []
    for p, e, root in powers:
        if p == 2:
            scale <<= e // 2
            twist = e % 2 == 1
        elif p % 4 == 3:
            if e % 2:
                return []
            scale *= p ** (e // 2)
        else:
            splits.append((_gaussian_prime(p, root), e))
    if not twist and len(splits) == 1 and splits[0][1] == 1:  # a prime times a square: 1 answer
        a, b = splits[0][0]  # a < b, as _gaussian_prime returns them
        return [(scale * a, scale * b)]
    products: list[Gaussian] = [(1, 1) if twist else (1, 0)]
    for index, ((a, b), e) in enumerate(splits):
        # π**k · π̄**(e−k) for k = 0 … e; k and e − k give conjugate (mirror-image) products, so
        # for the first prime half the choices already reach every representation.
        choices = [(a, -b), (a, b)] if e == 1 else _power_choices((a, b), e)
        if index == 0:
            choices = choices[: e // 2 + 1]
        products = [(x * c - y * d, x * d + y * c) for x, y in products for c, d in choices]
    if len(products) == 1:
        x, y = abs(products[0][0]), abs(products[0][1])
        return [(scale * x, scale * y) if x <= y else (scale * y, scale * x)]
    pairs = {(abs(x), abs(y)) if abs(x) <= abs(y) else (abs(y), abs(x)) for x, y in products}
    return sorted((scale * a, scale * b) for a, b in pairs)


def _power_choices(prime: Gaussian, e: int) -> list[Gaussian]:
    """[π**k · π̄**(e−k) for k in 0 … e], for π = a + bi."""
    a, b = prime
    powers: list[Gaussian] = [(1, 0)]
    for _ in range(e):
        x, y = powers[-1]
        powers.append((x * a - y * b, x * b + y * a))
    return [
        (x * u + y * v, y * u - x * v)  # (x + yi)·(u − vi)
        for (x, y), (u, v) in zip(powers, reversed(powers), strict=True)
    ]


def _gaussian_prime(p: int, root: int) -> Gaussian:
    """(a, b) with a² + b² = p for a prime p ≡ 1 (mod 4), given x with x² ≡ −1 (mod p) or 0.

    The Euclidean algorithm on (p, x) passes √p; the first two remainders below it are a and b.
    """
    x = root or _sqrt_minus_one(p)
    limit = math.isqrt(p)
    a, b = p, x
    while b > limit:
        a, b = b, a % b
    c = a % b
    if b * b + c * c != p:  # only if p was not prime after all, which would be news
        raise ArithmeticError(f"{p} passed the primality test but is not a sum of two squares")
    return (c, b)


def _sqrt_minus_one(p: int) -> int:
    """x with x² ≡ −1 (mod p) for a prime p ≡ 1 (mod 4): c**((p − 1)/4) for a non-residue c."""
    if p % 8 == 5:  # (2/p) = −1 exactly when p ≡ ±3 (mod 8)
        c = 2
    else:
        for q, bad in _NON_RESIDUES.items():
            if p % q in bad:
                c = q
                break
        else:  # no small prime is a non-residue: rare, search on
            c = next(q for q in range(SMALL_PRIMES[40], p) if jacobi(q, p) == -1)
    x = powmod(c, (p - 1) // 4, p)
    if x * x % p != p - 1:
        raise ArithmeticError(f"{p} passed the primality test but −1 has no square root mod {p}")
    return x
