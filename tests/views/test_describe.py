"""Field texts shared by the views; ages round like kubectl's (apimachinery HumanDuration)."""

from __future__ import annotations

import pytest

from mathctl.views.describe import human_duration, pairs_text, ready_text

from .objects import number


@pytest.mark.parametrize(("seconds", "text"), [
    (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (119, "119s"), (120, "2m"), (135, "2m15s"),
    (599, "9m59s"), (600, "10m"), (3 * 3600 - 1, "179m"), (3 * 3600, "3h"),
    (3 * 3600 + 60, "3h1m"), (8 * 3600, "8h"), (47 * 3600, "47h"), (48 * 3600, "2d"),
    (50 * 3600, "2d2h"), (8 * 86400, "8d"), (2 * 365 * 86400, "2y"),
    (2 * 365 * 86400 + 86400, "2y1d"), (9 * 365 * 86400, "9y")])
def test_human_duration_matches_kubectl(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def test_pairs_and_ready() -> None:
    assert pairs_text([{"a": 0, "b": 5}, {"a": 3, "b": 4}]) == "0²+5², 3²+4²"
    assert pairs_text([]) == "none" and pairs_text(None) == "…"
    obj = number("n", 3, "Fizz")
    assert ready_text(obj) == "True"
    obj["status"]["conditions"][0].update(status="False", reason="Pending")
    assert ready_text(obj) == "False (Pending)"
    assert ready_text(number("m", 3)) == "…"
