"""The pure core of mathctl: the arithmetic every controller and notebook relies on.

No Kubernetes here and no I/O (an import-linter contract in ``pyproject.toml`` enforces it), so
the reconcile loop, the event-switch anti-pattern, the tests and a learner's notebook cell all
call the same functions and get the same answers, with or without a cluster.
"""

from mathctl.core.arithmetic import fizzbuzz, is_square
from mathctl.core.primes import factorize, is_prime
from mathctl.core.two_squares import explain_two_squares, two_squares

__all__ = [
    # the math (arithmetic, primes, two_squares)
    "explain_two_squares",
    "factorize",
    "fizzbuzz",
    "is_prime",
    "is_square",
    "two_squares",
    # the desired-state functions (desired.py) go here
]
