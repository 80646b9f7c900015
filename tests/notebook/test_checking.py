"""A printed verdict wraps between words, so JupyterLab never has to break one mid-word."""

from __future__ import annotations

from mathctl.notebook.checking import Verdict


def test_a_long_hint_wraps_at_word_boundaries_with_an_indented_continuation() -> None:
    verdict = Verdict("fizzbuzz", False, (
        "fizzbuzz(15) returned 'Fizz' (str), expected 'FizzBuzz' (str). Check 15 — divisible "
        "by both 3 and 5 — before 3 and 5 on their own."))
    assert verdict.wrapped().splitlines() == [
        "✗ fizzbuzz: fizzbuzz(15) returned 'Fizz' (str), expected 'FizzBuzz' (str). Check 15 —",
        "  divisible by both 3 and 5 — before 3 and 5 on their own.",
    ]
    assert str(verdict).count("\n") == 0  # the verdict itself stays one line


def test_a_word_longer_than_the_line_is_kept_whole() -> None:
    url = "https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/custom-resources/"
    lines = Verdict("crd", False, f"read {url} then retry").wrapped(width=40).splitlines()
    assert lines == ["✗ crd: read", f"  {url}", "  then retry"]


def test_a_short_verdict_is_one_unchanged_line() -> None:
    ok = Verdict("is_square", True, "right for 0, 1, 4, 2**52 + 1 and -4.")
    assert ok.wrapped() == str(ok) == "✓ is_square: right for 0, 1, 4, 2**52 + 1 and -4."
