"""How fast is ``mathctl.core.two_squares`` next to SymPy, and do the two agree?

Run ``python bench/two_squares.py`` (200 numbers a row) or ``--quick`` (20 a row); ``make bench``
runs it with the other benchmarks. Each row is timed best-of-``--repeat`` in CPU time of this
process (``time.process_time``: the machines are shared, and wall time there mostly measures the
neighbours), SymPy's factor cache cleared before each of its runs, and every answer is checked
against SymPy's (exit status 1 on a disagreement). Nothing here asserts on time: the table is the
result.

The numbers, all from ``random.Random(seed)`` so every run sees the same ones:

- primes ≡ 1 (mod 4) near 10**k: the first such prime after 10**k + a random offset below
  10**k / 10 (SymPy's ``nextprime`` finds them, so mathctl does not pick its own inputs);
- composites near 10**k, alternating two kinds. Even places: a product built to have
  representations: maybe a factor 2, maybe q² for a small prime q ≡ 3 (mod 4), then two to four
  primes ≡ 1 (mod 4) whose digit counts split the rest at random cut points (so some are
  balanced semiprimes, the hard case for factoring). Odd places: 10**k + a random offset below
  10**k / 10, whatever its factors (about one in eight of those has representations).

SymPy's ``sum_of_squares(n, 2, zeros=True)`` (``sympy.solvers.diophantine.diophantine``) yields
each pair once, smaller first, ``(0, b)`` included with ``zeros=True``, in no particular order.
For a prime it uses the Euclidean algorithm, but for a composite that has representations it
tries every a up to √n (``pow_rep_recursive``), about 10**9 steps near 10**18. So the composite
rows near 10**18 compare with ``diop_DN(-1, n)``, SymPy's number-theoretic solver of
x² + y² = n (it returns signed, ordered pairs; they are normalised before comparing), and one
row near 10**10 shows ``sum_of_squares`` itself on composites.

A fair race: SymPy uses gmpy2 on its own when it is installed (``GROUND_TYPES`` "gmpy": its
``isprime`` is then gmpy2's C ``is_strong_bpsw_prp``), and so does mathctl (its default engine).
The header prints both sides' arithmetic and warns if only one side has gmpy2. For the race
without gmpy2 on either side: ``SYMPY_GROUND_TYPES=python python bench/two_squares.py --engine
python``.

``--parts`` adds a table of where the time goes on the prime rows (µs per number): mathctl's
``is_prime``, the Lucas half of its Baillie–PSW test, gmpy2's C version of that same Lucas test,
and gmpy2's strong Baillie–PSW, which SymPy's ``sum_of_squares`` runs twice per prime (its
``isprime``, once to choose the method and once inside it).
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sympy
from sympy.external.gmpy import GROUND_TYPES
from sympy.ntheory.factor_ import factor_cache
from sympy.solvers.diophantine.diophantine import diop_DN, sum_of_squares

from mathctl.core import primes
from mathctl.core.two_squares import two_squares

Pairs = list[tuple[int, int]]


@dataclass(frozen=True)
class Row:
    """One line of the table: the numbers and the SymPy call they are compared with."""

    label: str
    numbers: list[int]
    reference_name: str
    reference: Callable[[int], Iterable[tuple[int, int]]]


def sympy_sum_of_squares(n: int) -> Pairs:
    return list(sum_of_squares(n, 2, zeros=True))


def sympy_diop_dn(n: int) -> Pairs:
    return diop_DN(-1, n)


def normalise(pairs: Iterable[tuple[int, int]]) -> Pairs:
    """Signed or ordered pairs → sorted unique (a, b) with 0 ≤ a ≤ b."""
    return sorted({(min(abs(a), abs(b)), max(abs(a), abs(b))) for a, b in pairs})


def prime_one_mod_four_after(start: int) -> int:
    p = sympy.nextprime(start)
    while p % 4 != 1:
        p = sympy.nextprime(p)
    return int(p)


def primes_near(exponent: int, count: int, rng: random.Random) -> list[int]:
    base = 10**exponent
    return [prime_one_mod_four_after(base + rng.randrange(base // 10)) for _ in range(count)]


def constructed_composite(exponent: int, rng: random.Random) -> int:
    """A number ≥ 10**exponent that is a sum of two squares, with a random shape of factors."""
    n = 1
    if rng.random() < 0.5:
        n *= 2
    if rng.random() < 0.5:
        n *= rng.choice((3, 7, 11, 19, 23, 31, 43, 47)) ** 2
    parts = rng.choice((2, 3, 4))
    digits = exponent - math.log10(n)
    cuts = sorted(rng.uniform(0, digits) for _ in range(parts - 1))
    for low, high in zip([0.0, *cuts[:-1]], cuts, strict=True):
        n *= prime_one_mod_four_after(int(10 ** (high - low)))
    return n * prime_one_mod_four_after(-(-(10**exponent) // n))


def composites_near(exponent: int, count: int, rng: random.Random) -> list[int]:
    base = 10**exponent
    return [
        constructed_composite(exponent, rng) if i % 2 == 0 else base + rng.randrange(base // 10)
        for i in range(count)
    ]


def build_rows(count: int, seed: int) -> list[Row]:
    rng = random.Random(seed)
    sos = "sum_of_squares(n, 2, zeros=True)"
    rows = [
        Row(
            f"primes ≡ 1 (mod 4) near 10^{k}", primes_near(k, count, rng), sos, sympy_sum_of_squares
        )
        for k in (6, 18, 40, 100)
    ]
    rows.append(
        Row(
            "composites near 10^18",
            composites_near(18, count, rng),
            "diop_DN(-1, n)",
            sympy_diop_dn,
        )
    )
    rows.append(
        Row("composites near 10^10", composites_near(10, count, rng), sos, sympy_sum_of_squares)
    )
    return rows


def best_time(
    function: Callable[[int], Iterable[tuple[int, int]]], numbers: list[int], repeat: int
) -> tuple[float, list[Iterable[tuple[int, int]]]]:
    """(best CPU seconds over up to ``repeat`` runs, the answers of the last run).

    A run that takes more than a second is not repeated: its noise is small already.
    """
    best = math.inf
    answers: list[Iterable[tuple[int, int]]] = []
    for _ in range(repeat):
        factor_cache.clear()
        start = time.process_time()
        answers = [function(n) for n in numbers]
        best = min(best, time.process_time() - start)
        if best > 1.0:
            break
    return best, answers


def arithmetic() -> str:
    """Both sides' big-integer arithmetic, and a warning if only one side has gmpy2."""
    ours = primes.engine()
    if ours == "gmpy2":
        import gmpy2

        ours += f" {gmpy2.version()} ({gmpy2.mp_version()})"
    line = f"mathctl engine: {ours}; SymPy ground types: {GROUND_TYPES}"
    if (primes.engine() == "gmpy2") != (GROUND_TYPES == "gmpy"):
        line += (
            "\nUNFAIR: only one side uses gmpy2. Same arithmetic on both sides: the defaults "
            "with gmpy2 installed, or SYMPY_GROUND_TYPES=python with --engine python."
        )
    return line


def lucas_parameter(n: int) -> int:
    """Baillie's P for the extra strong Lucas test: the first of 3, 4, … with (P²−4 / n) = −1.

    Worked out before timing gmpy2's test, which takes P as given (mathctl's finds its own).
    """
    p = 3
    while primes.jacobi(p * p - 4, n) != -1:
        p += 1
    return p


def parts(rows: list[Row], repeat: int) -> None:
    """Where the time goes on the prime rows, µs per number."""
    import gmpy2

    columns: list[tuple[str, Callable[[int], object]]] = [
        ("two_squares", two_squares),
        ("is_prime", primes.is_prime),
        ("our Lucas", lambda n: primes._extra_strong_lucas(primes._number(n))),
        ("gmpy2 Lucas", lambda n: gmpy2.is_extra_strong_lucas_prp(n, parameters[n])),
        ("gmpy2 BPSW", gmpy2.is_strong_bpsw_prp),
        ("sympy isprime", sympy.isprime),
    ]
    parameters = {n: lucas_parameter(n) for row in rows for n in row.numbers if n > 2**64}
    header = f"{'µs per number':<32}" + "".join(f"{name:>14}" for name, _ in columns)
    print(f"\n{header}\n{'-' * len(header)}")
    for row in rows:
        if "primes" not in row.label:
            continue
        cells = []
        for name, function in columns:
            if "Lucas" in name and row.numbers[0] < 2**64:  # Miller–Rabin decides alone there
                cells.append(f"{'-':>14}")
                continue
            seconds, _ = best_time(function, row.numbers, repeat)  # type: ignore[arg-type]
            cells.append(f"{seconds / len(row.numbers) * 1e6:>14.1f}")
        print(f"{row.label:<32}" + "".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 numbers a row instead of 200")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row, best one counts")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--engine", choices=primes.ENGINES, help="mathctl's arithmetic (default: gmpy2 if there)"
    )
    parser.add_argument("--parts", action="store_true", help="also time the pieces (prime rows)")
    args = parser.parse_args(argv)
    count = 20 if args.quick else 200
    if args.engine:
        primes.use_engine(args.engine)

    print(
        f"two_squares vs SymPy {sympy.__version__} on Python {platform.python_version()}; "
        f"{count} numbers a row, best of {args.repeat}, seed {args.seed}\n{arithmetic()}"
    )
    rows = build_rows(count, args.seed)
    two_squares(10**18 + 9)  # warm up both sides (imports, sieve tables)
    sympy_sum_of_squares(10**18 + 9)

    header = f"{'row':<32} {'n':>4} {'mathctl ms':>11} {'sympy ms':>10} {'ratio':>7}  sympy call"
    print(header)
    print("-" * len(header))
    failures = 0
    for row in rows:
        ours_s, ours = best_time(two_squares, row.numbers, args.repeat)
        theirs_s, theirs = best_time(row.reference, row.numbers, args.repeat)
        for n, mine, reference in zip(row.numbers, ours, theirs, strict=True):
            if mine != normalise(reference):
                failures += 1
                print(f"DISAGREE on {n}: mathctl {mine}, sympy {normalise(reference)}")
        print(
            f"{row.label:<32} {len(row.numbers):>4} {ours_s * 1e3:>11.1f} {theirs_s * 1e3:>10.1f}"
            f" {theirs_s / ours_s:>6.1f}×  {row.reference_name}"
        )
    represented = sum(bool(two_squares(n)) for n in rows[4].numbers)
    print(f"\ncomposites near 10^18 that are sums of two squares: {represented}/{count}")
    if args.parts:
        parts(rows, args.repeat)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
