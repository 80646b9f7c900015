"""Conditions follow metav1.Condition; set_condition moves lastTransitionTime only on a change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathctl.resources.conditions import (
    READY,
    Condition,
    find_condition,
    is_condition_true,
    remove_condition,
    set_condition,
)
from mathctl.resources.wire import WireError, from_wire, to_wire

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)


def ready(status: str = "True", reason: str = "Computed", when: datetime = T0) -> Condition:
    return Condition(type=READY, status=status, reason=reason, message="m",  # type: ignore[arg-type]
                     observed_generation=1, last_transition_time=when)


def test_wire_shape_matches_metav1_condition() -> None:
    assert to_wire(ready()) == {
        "type": "Ready", "status": "True", "observedGeneration": 1,
        "lastTransitionTime": "2024-05-01T12:00:00Z", "reason": "Computed", "message": "m",
    }
    assert from_wire(Condition, to_wire(ready())) == ready()


def test_time_is_kept_in_utc_whole_seconds_so_read_back_compares_equal() -> None:
    local = datetime(2024, 5, 1, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    condition = ready(when=local)
    assert condition.last_transition_time == T0
    assert from_wire(Condition, to_wire(condition)) == condition


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"status": "true"}, "one of True, False, Unknown"),
        ({"reason": "too many children"}, "CamelCase identifier"),
        ({"reason": ""}, "CamelCase identifier"),
        ({"type": "not ready"}, "must be CamelCase"),
        ({"type": "R" * 317}, "at most 316"),
        ({"message": "x" * 32769}, "longer than 32768"),
        ({"observed_generation": -1}, ">= 0"),
        ({"last_transition_time": datetime(2024, 5, 1)}, r"datetime\.now\(UTC\)"),
    ],
)
def test_invalid_conditions_say_what_is_wrong(changes: dict[str, object], words: str) -> None:
    fields: dict[str, object] = {"type": READY, "status": "True", "reason": "Computed",
                                 "message": "", "last_transition_time": T0, **changes}
    with pytest.raises(ValueError, match=words):
        Condition(**fields)  # type: ignore[arg-type]


def test_prefixed_types_are_allowed_like_in_kubernetes() -> None:
    assert Condition(type="math.mathctl.example/Checked", status="Unknown", reason="Pending",
                     message="", last_transition_time=T0).type.endswith("/Checked")


def test_wire_errors_name_the_condition_field() -> None:
    bad = to_wire(ready()) | {"status": "Maybe"}
    with pytest.raises(WireError, match=r"conditions\[0\]\.status: must be one of"):
        from_wire(Condition, bad, "status.conditions[0]")


def test_set_condition_adds_a_new_condition_at_now() -> None:
    result = set_condition((), type=READY, status="False", reason="ChildrenNotReady",
                           message="0 of 3", observed_generation=2, now=T0)
    assert result == (Condition(type=READY, status="False", reason="ChildrenNotReady",
                                message="0 of 3", observed_generation=2,
                                last_transition_time=T0),)


def test_same_status_keeps_the_transition_time_but_updates_the_rest() -> None:
    before = (ready("False", "ChildrenNotReady"),)
    after = set_condition(before, type=READY, status="False", reason="StillWaiting",
                          message="1 of 3", observed_generation=3, now=T1)
    (condition,) = after
    assert condition.last_transition_time == T0
    assert (condition.reason, condition.message, condition.observed_generation) == (
        "StillWaiting", "1 of 3", 3)


def test_a_status_change_moves_the_transition_time() -> None:
    after = set_condition((ready("False"),), type=READY, status="True", reason="Done",
                          message="", observed_generation=1, now=T1)
    assert after[0].last_transition_time == T1
    assert is_condition_true(after, READY)


def test_other_conditions_are_untouched_and_keep_their_order() -> None:
    other = Condition(type="Progressing", status="True", reason="Working", message="",
                      last_transition_time=T0)
    after = set_condition((ready("False"), other), type=READY, status="True", reason="Done",
                          message="", observed_generation=1, now=T1)
    assert [c.type for c in after] == [READY, "Progressing"]
    assert after[1] is other
    assert find_condition(after, "Missing") is None
    assert remove_condition(after, READY) == (other,)
    assert not is_condition_true((other,), READY)


@given(statuses=st.lists(st.sampled_from(["True", "False", "Unknown"]), min_size=1, max_size=8))
def test_transition_time_is_the_time_of_the_last_status_change(statuses: list[str]) -> None:
    conditions: tuple[Condition, ...] = ()
    last_change = None
    previous = None
    for step, status in enumerate(statuses):
        now = T0 + timedelta(seconds=step)
        conditions = set_condition(conditions, type=READY, status=status,  # type: ignore[arg-type]
                                   reason="R", message=str(step), observed_generation=step,
                                   now=now)
        if status != previous:
            last_change = now
        previous = status
    assert len(conditions) == 1
    assert conditions[0].last_transition_time == last_change
    # Setting the same thing again with a later clock is a no-op: no spurious status write.
    again = set_condition(conditions, type=READY, status=conditions[0].status, reason="R",
                          message=conditions[0].message,
                          observed_generation=conditions[0].observed_generation,
                          now=T0 + timedelta(days=1))
    assert again == conditions
