"""The pure check cells: the right function passes, each usual mistake gets its own hint."""

from __future__ import annotations

import math
from typing import Any

import pytest

from mathctl.core import fizzbuzz, is_square
from mathctl.core.desired import fermat_children, tuple_children
from mathctl.notebook import checks


def stub(*_: Any) -> Any:
    raise NotImplementedError("x is not written yet")


def test_the_reference_functions_pass() -> None:
    assert checks.check_fizzbuzz.verdict(fizzbuzz)
    assert checks.check_is_square.verdict(is_square)
    assert checks.check_tuple_children.verdict(tuple_children)
    assert checks.check_fermat_children.verdict(fermat_children)
    assert str(checks.check_fizzbuzz.verdict(fizzbuzz)) == (
        "✓ fizzbuzz: all 19 cases right, including 0, -15 and 2**62.")


@pytest.mark.parametrize("check", [
    checks.check_fizzbuzz, checks.check_is_square, checks.check_number_status,
    checks.check_tuple_children, checks.check_fermat_children])
def test_an_unwritten_stub_gets_not_written_yet(check: checks.Check) -> None:
    verdict = check.verdict(stub)
    assert not verdict
    assert str(verdict).startswith(f"✗ {check.name}: not written yet: ")
    assert f"`%solution {check.name}`" in str(verdict)


def test_check_cells_print_the_verdict_wrapped_and_return_nothing(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert checks.check_fizzbuzz(stub) is None
    out = capsys.readouterr().out
    assert out.startswith("✗ fizzbuzz: not written yet: return 'Fizz', 'Buzz', 'FizzBuzz'")
    assert "Traceback" not in out
    assert out == checks.check_fizzbuzz.verdict(stub).wrapped() + "\n"


def _fizz_without_15(n: int) -> str:
    if n % 3 == 0:
        return "Fizz"
    if n % 5 == 0:
        return "Buzz"
    return str(n)


def _fizz_int(n: int) -> Any:
    return fizzbuzz(n) if n % 3 == 0 or n % 5 == 0 else n


def _fizz_crash(n: int) -> str:
    return ["Fizz"][n]


@pytest.mark.parametrize(("fn", "hint"), [
    (_fizz_without_15, "fizzbuzz(15) returned 'Fizz', expected 'FizzBuzz': 15 is divisible by "
                       "both 3 and 5: test for 15 (or for both) before testing 3 and 5 alone."),
    (_fizz_int, "fizzbuzz(1) returned 1 (int); it must return a string — here '1' (use str(n))."),
    (_fizz_crash, "fizzbuzz(1) raised IndexError: list index out of range (line "),
    (fizzbuzz(3), "pass the function itself, e.g. check_fizzbuzz(fizzbuzz) — not its result "
                  "(got 'Fizz' (str))."),
])
def test_fizzbuzz_hints(fn: Any, hint: str) -> None:
    assert hint in str(checks.check_fizzbuzz.verdict(fn))


def test_is_square_hints_name_floats_and_negatives() -> None:
    def with_floats(n: int) -> bool:
        return n >= 0 and math.sqrt(n).is_integer()

    def with_isqrt_only(n: int) -> bool:
        return math.isqrt(n) ** 2 == n

    assert "floats have 53 bits" in str(checks.check_is_square.verdict(with_floats))
    assert "raised ValueError" in str(checks.check_is_square.verdict(with_isqrt_only))
    assert "return True or False" in str(checks.check_is_square.verdict(lambda n: 1))


def test_number_status_hints() -> None:
    def snake(value: int, generation: int) -> dict[str, Any]:
        return {"fizz_buzz": fizzbuzz(value)}

    def no_generation(value: int, generation: int) -> dict[str, Any]:
        return {"fizzBuzz": fizzbuzz(value), "isSquare": is_square(value)}

    def right(value: int, generation: int) -> dict[str, Any]:
        return {"fizzBuzz": fizzbuzz(value), "isSquare": is_square(value),
                "observedGeneration": generation}

    assert "camelCase, so write 'fizzBuzz'" in str(checks.check_number_status.verdict(snake))
    assert "no 'observedGeneration' key" in str(checks.check_number_status.verdict(no_generation))
    assert checks.check_number_status.verdict(right)
    extra = checks.check_number_status.verdict(lambda v, g: {**right(v, g), "note": "hi"})
    assert "the API server would prune them" in str(extra)


def test_tuple_children_hints_and_accepted_shapes() -> None:
    def by_value(name: str, numbers: list[int]) -> list[tuple[str, int]]:
        return [(f"{name}-{v}", v) for v in numbers]

    def as_dicts(name: str, numbers: list[int]) -> list[dict[str, Any]]:
        return [{"name": f"{name}-{i}", "value": v} for i, v in enumerate(numbers)]

    assert "name children by position, not by value" in str(
        checks.check_tuple_children.verdict(by_value))
    assert checks.check_tuple_children.verdict(as_dicts)
    assert "one child Number per entry" in str(checks.check_tuple_children.verdict(
        lambda name, numbers: [(f"{name}-{i}", v) for i, v in enumerate(sorted(set(numbers)))]))


def test_fermat_children_hints() -> None:
    def from_one(name: str, n: int) -> list[tuple[str, list[int]]]:
        return [(f"{name}-{i}", [i, n - i]) for i in range(1, n // 2 + 1)]

    def short_by_one(name: str, n: int) -> list[tuple[str, list[int]]]:
        return [(f"{name}-{i}", [i, n - i]) for i in range(n // 2)]

    def too_far(name: str, n: int) -> list[tuple[str, list[int]]]:
        return [(f"{name}-{i}", [i, n - i]) for i in range(n + 1)]

    assert "start at i = 0" in str(checks.check_fermat_children.verdict(from_one))
    assert "range(n // 2 + 1)" in str(checks.check_fermat_children.verdict(short_by_one))
    assert "stop at i = n // 2" in str(checks.check_fermat_children.verdict(too_far))
    assert checks.check_fermat_children.verdict(
        lambda name, n: [(f"{name}-{i}", (i, n - i)) for i in range(n // 2 + 1)])


@pytest.mark.parametrize(("check", "fn", "named"), [
    # issue 11: hints that were false or vague, each naming what came back and what to change
    (checks.check_fermat_children,
     lambda name, n: [(f"{name}-{i}", [i, n - i]) for i in range(1, n // 2 + 1)],
     "the Tuple [0, 13] is the one that finds n when n is itself a square"),
    (checks.check_number_status,
     lambda v, g: {"fizzbuzz": fizzbuzz(v), "isSquare": is_square(v), "observedGeneration": g},
     "it has 'fizzbuzz' — Kubernetes field names are case-sensitive camelCase"),
    (checks.check_number_status,
     lambda v, g: {"status": {"fizzBuzz": fizzbuzz(v)}},
     "it returned {'status': …}; return the status itself"),
    (checks.check_is_square, lambda n: math.isqrt(n) ** 2 == n,
     "return False for n < 0 before math.isqrt"),
])
def test_hints_name_what_came_back_and_the_fix(check: Any, fn: Any, named: str) -> None:
    verdict = check.verdict(fn)
    assert not verdict
    assert named in " ".join(str(verdict).split())
