"""The scenario catalogue: names, sentences, and a clear error for a wrong name (no cluster)."""

from __future__ import annotations

import pytest

from mathctl.scenarios.catalog import SCENARIOS, UnknownScenario, get

REQUIRED = {
    "happy-path", "down-child-deleted", "down-spec-edited", "edited-twice", "duplicate-event",
    "watch-restart", "child-edited", "crash-mid-create", "stray-child",
}


def test_every_fault_the_lesson_needs_is_there_with_a_sentence() -> None:
    assert set(SCENARIOS) >= REQUIRED
    for scenario in SCENARIOS.values():
        assert scenario.models.endswith(".") and len(scenario.models.split()) >= 8
        assert scenario.steps


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownScenario) as info:
        get("happy")
    assert str(info.value).startswith("There is no scenario 'happy'. The scenarios are: "
                                      "happy-path, down-child-deleted,")
