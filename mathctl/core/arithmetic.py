"""FizzBuzz, perfect squares, and the one check that an argument really is an integer.

The Number controller (notebook 10, ``mathctl get number``) writes ``status.fizzBuzz`` and
``status.isSquare`` from these two functions; the Tuple and Fermat controllers reuse
``is_square``. They are exact for integers of any size: no floats anywhere, so a learner who
types ``10**40`` gets the right answer, not a rounding error.

``require_int`` is the single argument check of ``mathctl.core``: every public function calls it,
so bad input (``True``, ``2.5``, ``"12"``, ``None``) fails the same way everywhere, with a
message that says what was expected, what was given, and how to fix it.
"""

from __future__ import annotations

import math
import operator

__all__ = ["fizzbuzz", "is_square", "require_int"]


def require_int(value: object, function: str, *, minimum: int | None = None, why: str = "") -> int:
    """Return ``value`` as a plain ``int``, or raise an error a learner can act on.

    ``function`` names the caller in the message (``"two_squares"``). Anything with
    ``__index__`` (a NumPy integer, say) is accepted; ``bool`` is refused although Python makes
    it a subclass of ``int``, because ``two_squares(True)`` is a mistake, not a question about 1.
    If ``minimum`` is given, smaller values raise ``ValueError``; ``why`` is appended to say why.
    """
    if isinstance(value, bool):
        raise TypeError(
            f"{function}() expects an int, got bool {value!r}: True and False are not numbers "
            f"here; pass {int(value)} if you mean it"
        )
    if isinstance(value, int):
        number = int(value)
    else:
        try:
            number = operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            raise TypeError(_not_an_int(value, function)) from None
    if minimum is not None and number < minimum:
        reason = f": {why}" if why else ""
        raise ValueError(f"{function}() needs n ≥ {minimum}, got {number}{reason}")
    return number


def _not_an_int(value: object, function: str) -> str:
    """Say what was given instead of an int, and the fix when there is an obvious one."""
    given = "None" if value is None else f"{type(value).__name__} {_short_repr(value)}"
    message = f"{function}() expects an int, got {given}"
    if isinstance(value, float) and value.is_integer():
        message += f"; pass int({value!r}) if you mean {int(value)}"
    elif isinstance(value, str) and _parses_as_int(value):
        message += f"; convert it first: int({value!r})"
    return message


def _short_repr(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parses_as_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def fizzbuzz(n: int) -> str:
    """Return ``"FizzBuzz"``, ``"Fizz"``, ``"Buzz"`` or ``str(n)`` for any integer ``n``.

    "Fizz" when 3 divides n, "Buzz" when 5 does, "FizzBuzz" when both do. Divisibility is
    defined for every integer: d divides n when n = d·k for some integer k. So
    ``fizzbuzz(0) == "FizzBuzz"`` (0 = 15·0) and ``fizzbuzz(-15) == "FizzBuzz"`` (−15 = 15·(−1));
    Python's ``%`` agrees, since ``-15 % 3 == 0``. Other negatives keep their sign:
    ``fizzbuzz(-7) == "-7"``.
    """
    n = require_int(n, "fizzbuzz")
    if n % 15 == 0:
        return "FizzBuzz"
    if n % 3 == 0:
        return "Fizz"
    if n % 5 == 0:
        return "Buzz"
    return str(n)


def is_square(n: int) -> bool:
    """Return whether ``n`` is a perfect square (0, 1, 4, 9, …), exactly, for ints of any size.

    Uses ``math.isqrt`` (an integer square root), never ``math.sqrt``: a float has 53 bits of
    precision, so ``math.sqrt(10**40 + 1)`` cannot tell 10**40 + 1 from 10**40. Negative numbers
    are not squares of integers, so they give False.
    """
    n = require_int(n, "is_square")
    if n < 0:
        return False
    root = math.isqrt(n)
    return root * root == n
