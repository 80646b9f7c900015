"""The check cells' functions: ``checks.check_<thing>(learner_function)`` → ✓ or a kind hint.

Each check compares the learner's function with the package's own (``mathctl.core``, the
models in ``mathctl.resources``) on inputs chosen to catch the usual mistakes — 0 and
negatives for FizzBuzz, huge numbers for ``is_square`` (floats cannot do it), duplicate values
for child names, ``i = 0`` for Fermat's Tuples — and says which input failed and why. The
cluster checks (``checks_cluster``, re-exported here) run the learner's code against the
cluster.

Stages: 10 ``namespace_names``; 20 ``number_manifest``; 30 ``fizzbuzz``, ``is_square``,
``number_status``; 40 ``predictions``; 50 ``tuple_children``, ``plan_children``; 60
``fermat_children``; 70 ``reconcile_number``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mathctl.core import fizzbuzz, is_square
from mathctl.core.desired import diff_children, fermat_children, number_status, tuple_children
from mathctl.notebook.checking import Hint, call, check, described, require_callable, short
from mathctl.notebook.checks_cluster import (
    check_namespace_names,
    check_number_manifest,
    check_reconcile_number,
)
from mathctl.notebook.checks_controllers import (
    check_event_switch_tuple,
    check_owner_of,
    check_reconcile_fermat,
    check_reconcile_tuple,
)
from mathctl.notebook.predictions import check_predictions
from mathctl.resources.wire import to_wire

__all__ = [
    "check_event_switch_tuple", "check_fermat_children", "check_fizzbuzz", "check_is_square",
    "check_namespace_names", "check_number_manifest", "check_number_status", "check_owner_of",
    "check_plan_children", "check_predictions", "check_reconcile_fermat",
    "check_reconcile_number", "check_reconcile_tuple", "check_tuple_children",
]

# --- stage 30: the pure pieces of the Number controller ------------------------------------

FIZZBUZZ_CASES = (1, 2, 3, 4, 5, 6, 9, 10, 15, 30, 45, 0, -3, -5, -7, -15, 2**62, 3 * 2**62,
                  10**30)


def _fizzbuzz_hint(n: int, got: Any, want: str) -> str:
    if not isinstance(got, str):
        return (f"fizzbuzz({n}) returned {described(got)}; it must return a string — "
                f"here {want!r}" + (" (use str(n))" if want == str(n) else "") + ".")
    if want == "FizzBuzz" and n == 0:
        why = "0 is divisible by 3 and by 5 (0 = 15·0), so it is 'FizzBuzz'"
    elif want == "FizzBuzz" and got in {"Fizz", "Buzz"}:
        why = (f"{n} is divisible by both 3 and 5: test for 15 (or for both) before testing "
               "3 and 5 alone")
    elif want == str(n):
        why = f"{n} is divisible by neither 3 nor 5, so the answer is str(n)"
    elif n < 0:
        why = (f"{n} is divisible by {3 if 'Fizz' in want else 5} too: Python's % handles "
               f"negatives ({n} % 3 == {n % 3}), so the same tests work")
    else:
        why = "'Fizz' for multiples of 3, 'Buzz' for multiples of 5, 'FizzBuzz' for both"
    return f"fizzbuzz({short(n, 30)}) returned {got!r}, expected {want!r}: {why}."


@check("fizzbuzz")
def check_fizzbuzz(fn: Callable[[int], str]) -> str:
    """FizzBuzz for 19 integers, 0, negatives and 2**62 included."""
    require_callable(fn, "fizzbuzz")
    for n in FIZZBUZZ_CASES:
        got = call(fn, (n,), name="fizzbuzz", todo="return 'Fizz', 'Buzz', 'FizzBuzz' or str(n)")
        want = fizzbuzz(n)
        if got != want or not isinstance(got, str):
            raise Hint(_fizzbuzz_hint(n, got, want))
    return f"all {len(FIZZBUZZ_CASES)} cases right, including 0, -15 and 2**62."


IS_SQUARE_CASES = (0, 1, 2, 3, 4, 8, 9, 15, 16, 17, 25, 26, -1, -4, 10**40, 10**40 + 1,
                   (2**200 + 1) ** 2, (2**200 + 1) ** 2 - 1)


def _is_square_hint(n: int, got: Any, want: bool) -> str:
    if not isinstance(got, bool):
        return f"is_square({short(n, 30)}) returned {described(got)}; return True or False."
    if n < 0:
        why = "a negative number is not the square of an integer: return False for n < 0 first"
    elif n > 2**52:
        why = ("floats have 53 bits, so math.sqrt cannot tell huge neighbours apart: use "
               "r = math.isqrt(n) (exact for any int) and test r * r == n")
    else:
        why = f"{n} is {'' if want else 'not '}a perfect square"
    return f"is_square({short(n, 30)}) returned {got}, expected {want}: {why}."


@check("is_square")
def check_is_square(fn: Callable[[int], bool]) -> str:
    """Perfect squares from 0 to (2**200 + 1)**2, and negatives."""
    require_callable(fn, "is_square")
    for n in IS_SQUARE_CASES:
        got = call(fn, (n,), name="is_square",
                   todo="return whether n is a perfect square, exactly for any size",
                   advise=lambda exc, n=n: (
                       "No negative number is a square: return False for n < 0 before "
                       "math.isqrt, which refuses negatives." if n < 0
                       and isinstance(exc, ValueError) else None))
        want = is_square(n)
        if got is not want:
            raise Hint(_is_square_hint(n, got, want))
    return f"all {len(IS_SQUARE_CASES)} cases right, up to (2**200 + 1)**2 and below 0."


NUMBER_STATUS_CASES = ((15, 1), (16, 3), (-7, 2), (0, 1))
_SNAKE = {"fizz_buzz": "fizzBuzz", "is_square": "isSquare",
          "observed_generation": "observedGeneration"}


@check("number_status")
def check_number_status(fn: Callable[[int, int], Mapping[str, Any]]) -> str:
    """The status dict a Number should get: fizzBuzz, isSquare, observedGeneration."""
    require_callable(fn, "number_status")
    todo = "return {'fizzBuzz': …, 'isSquare': …, 'observedGeneration': generation}"
    for value, generation in NUMBER_STATUS_CASES:
        got = call(fn, (value, generation), name="number_status", todo=todo)
        where = f"number_status({value}, {generation})"
        if not isinstance(got, Mapping):
            raise Hint(f"{where} returned {described(got)}; return a dict such as "
                       "{'fizzBuzz': 'Fizz', 'isSquare': False, 'observedGeneration': 1}.")
        for snake, camel in _SNAKE.items():
            if snake in got:
                raise Hint(f"{where} has the key {snake!r}: Kubernetes fields are camelCase, "
                           f"so write {camel!r}.")
        want = to_wire(number_status(value, generation))
        for key in ("fizzBuzz", "isSquare", "observedGeneration"):
            if key not in got:
                extra = (" — it tells readers which generation of the spec this status "
                         "describes, so set it to generation" if key == "observedGeneration"
                         else "")
                if set(got) == {"status"}:
                    extra = (": it returned {'status': …}; return the status itself (the "
                             "dict with fizzBuzz, isSquare, observedGeneration), not wrapped")
                elif key.lower() in {k.lower() for k in got if isinstance(k, str)}:
                    wrong = next(k for k in got if isinstance(k, str)
                                 and k.lower() == key.lower())
                    extra = (f": it has {wrong!r} — Kubernetes field names are case-sensitive "
                             f"camelCase, so write {key!r}")
                raise Hint(f"{where} has no {key!r} key{extra}.")
            if got[key] != want[key] or type(got[key]) is not type(want[key]):
                raise Hint(f"{where}[{key!r}] is {described(got[key])}, expected "
                           f"{described(want[key])}.")
        unknown = sorted(set(got) - {"fizzBuzz", "isSquare", "observedGeneration", "conditions"})
        if unknown:
            raise Hint(f"{where} has keys the CRD's status schema does not define: {unknown}; "
                       "the API server would prune them. Remove them.")
    return "fizzBuzz, isSquare and observedGeneration right for all "\
           f"{len(NUMBER_STATUS_CASES)} cases."


# --- stages 50 and 60: desired children --------------------------------------------------------


def _pairs(result: Any, where: str, field: str) -> list[tuple[Any, Any]]:
    """Normalise a learner's children: (name, x) tuples, {'name', field} dicts or objects."""
    if not isinstance(result, Sequence) or isinstance(result, str | bytes):
        raise Hint(f"{where} returned {described(result)}; return a list of "
                   f"(name, {field}) pairs.")
    out = []
    for item in result:
        if isinstance(item, Mapping) and "name" in item and field in item:
            out.append((item["name"], item[field]))
        elif hasattr(item, "name") and hasattr(item, field):
            out.append((item.name, getattr(item, field)))
        elif isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2:
            out.append((item[0], item[1]))
        else:
            raise Hint(f"{where} returned an item {described(item)}; each child should be a "
                       f"(name, {field}) pair.")
    return out


TUPLE_CASES: tuple[tuple[str, list[int]], ...] = (
    ("pair", [3, 4]), ("t", [9, 16, 25]), ("twins", [4, 4]), ("big", [2**62, -1]), ("none", []))


@check("tuple_children")
def check_tuple_children(fn: Callable[[str, list[int]], Any]) -> str:
    """Child Numbers of a Tuple: ``<tuple>-<index>`` with ``numbers[index]``."""
    require_callable(fn, "tuple_children")
    todo = "return one (name, value) pair per entry of numbers, named <tuple>-<index>"
    for name, numbers in TUPLE_CASES:
        where = f"tuple_children({name!r}, {numbers})"
        got = _pairs(call(fn, (name, list(numbers)), name="tuple_children", todo=todo),
                     where, "value")
        want = [(c.name, c.value) for c in tuple_children(name, numbers)]
        if got == want:
            continue
        if len(got) != len(want):
            raise Hint(f"{where} returned {len(got)} children, expected {len(want)}: one child "
                       "Number per entry of numbers, duplicates included.")
        for (g_name, g_value), (w_name, w_value) in zip(got, want, strict=True):
            if g_name != w_name:
                why = (" — name children by position, not by value: equal values would "
                       "collide" if str(g_name).endswith(f"-{w_value}") else "")
                raise Hint(f"{where}: a child is named {g_name!r}, expected {w_name!r}{why}.")
            if g_value != w_value:
                raise Hint(f"{where}: child {w_name!r} has value {short(g_value)}, "
                           f"expected {w_value}.")
    return f"names and values right for all {len(TUPLE_CASES)} Tuples, duplicates included."


PLAN_CASES: tuple[tuple[str, dict[str, int], dict[str, int]], ...] = (
    ("nothing there yet", {"t-0": 3, "t-1": 4}, {}),
    ("already right", {"t-0": 3, "t-1": 4}, {"t-0": 3, "t-1": 4}),
    ("one child deleted by hand", {"t-0": 3, "t-1": 4, "t-2": 5}, {"t-0": 3, "t-2": 5}),
    ("one child edited by hand", {"t-0": 3, "t-1": 4}, {"t-0": 3, "t-1": 8}),
    ("the spec got shorter", {"t-0": 3}, {"t-0": 3, "t-1": 4, "t-2": 5}),
    ("everything at once", {"t-0": 9, "t-1": 4, "t-3": 1}, {"t-0": 3, "t-1": 4, "t-2": 5}),
)


def _names(value: Any, where: str, what: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence | set | frozenset):
        raise Hint(f"{where}: the {what} part is {described(value)}; give a list of names.")
    return sorted(str(v[0]) if isinstance(v, tuple) else str(v) for v in value)


@check("plan_children")
def check_plan_children(fn: Callable[[dict[str, int], dict[str, int]], Any]) -> str:
    """Observe → Diff: which children to create, update and delete."""
    require_callable(fn, "plan_children")
    todo = "return (names to create, names to update, names to delete)"
    for title, desired, observed in PLAN_CASES:
        where = f"plan_children({desired}, {observed}) [{title}]"
        got = call(fn, (dict(desired), dict(observed)), name="plan_children", todo=todo)
        if not isinstance(got, Sequence) or isinstance(got, str) or len(got) != 3:
            raise Hint(f"{where} returned {described(got)}; return three lists: "
                       "(to_create, to_update, to_delete).")
        want = diff_children(desired, observed)
        expected = {"create": sorted(n for n, _ in want.create),
                    "update": sorted(n for n, _ in want.update),
                    "delete": sorted(want.delete)}
        for (what, names), value in zip(expected.items(), got, strict=True):
            found = _names(value, where, what)
            if found != names:
                why = {"create": "wanted but not observed",
                       "update": "observed with a different value than wanted",
                       "delete": "observed but not wanted"}[what]
                raise Hint(f"{where}: to {what} you said {found}, expected {names} — the "
                           f"children {why}.")
    return f"right in all {len(PLAN_CASES)} situations, from an empty start to all at once."


FERMAT_CASES = (("f", 13), ("sq", 25), ("zero", 0), ("one", 1), ("two", 2), ("f", 50))


@check("fermat_children")
def check_fermat_children(fn: Callable[[str, int], Any]) -> str:
    """Child Tuples of a Fermat: ``<fermat>-<i>`` with ``[i, n - i]`` for i = 0 … n // 2."""
    require_callable(fn, "fermat_children")
    todo = "return one (name, [i, n - i]) pair for each i from 0 to n // 2"
    for name, n in FERMAT_CASES:
        where = f"fermat_children({name!r}, {n})"
        got = _pairs(call(fn, (name, n), name="fermat_children", todo=todo), where, "numbers")
        got = [(g_name, list(g_numbers) if isinstance(g_numbers, Sequence) else g_numbers)
               for g_name, g_numbers in got]
        want = [(c.name, list(c.numbers)) for c in fermat_children(name, n)]
        if got == want:
            continue
        got_names = [g for g, _ in got]
        if want[0][0] not in got_names:
            raise Hint(f"{where} has no child {want[0][0]!r} with {want[0][1]}: start at i = 0 "
                       f"— the Tuple [0, {n}] is the one that finds n when n is itself a "
                       "square (25 = 0² + 5²).")
        if len(got) < len(want):
            raise Hint(f"{where} returned {len(got)} Tuples, expected {len(want)}: go up to "
                       f"and including i = n // 2 = {n // 2}, i.e. range(n // 2 + 1).")
        if len(got) > len(want):
            raise Hint(f"{where} returned {len(got)} Tuples, expected {len(want)}: stop at "
                       f"i = n // 2 = {n // 2}; beyond it the pairs repeat reversed.")
        for (g_name, g_numbers), (w_name, w_numbers) in zip(got, want, strict=True):
            if (g_name, g_numbers) != (w_name, w_numbers):
                raise Hint(f"{where}: got {g_name!r} with {short(g_numbers)}, expected "
                           f"{w_name!r} with {w_numbers} (i and n - i, smaller first).")
    return f"all {len(FERMAT_CASES)} Fermats right, from n = 0 to n = 50, i = 0 included."

