"""The comparison of end states and the summaries the table prints (pure, no cluster)."""

from __future__ import annotations

from mathctl.scenarios.results import Child, SideResult, TimelineEntry, compare
from mathctl.scenarios.writes import WriteRecord


def test_compare_reports_missing_extra_wrong_value_and_owner_in_child_order() -> None:
    desired = {"t-0": 3, "t-1": 4, "t-2": 5, "t-10": 7}
    actual = {
        "t-0": Child("t-0", 8),
        "t-2": Child("t-2", 5, controlled=False),
        "t-9": Child("t-9", 81),
        "t-10": Child("t-10", 7),
    }
    assert compare("t", desired, actual) == (
        "t-0 value 8 ≠ 3",
        "missing t-1",
        "t-2 not controlled by t",
        "extra t-9",
    )


def test_compare_of_equal_states_is_empty() -> None:
    assert compare("t", {"t-0": 1}, {"t-0": Child("t-0", 1)}) == ()


def _side(writes: tuple[WriteRecord, ...], differences: tuple[str, ...] = ()) -> SideResult:
    return SideResult("event switch", (), (), differences, writes, ())


def test_writes_summary_counts_child_writes_refusals_and_status() -> None:
    side = _side((
        WriteRecord("create", "Number", "t-0", None, 201),
        WriteRecord("create", "Number", "t-0", None, 409, "AlreadyExists"),
        WriteRecord("delete", "Number", "t-3", None, 404, "NotFound"),
        WriteRecord("update", "Tuple", "t", "status", 200),
    ))
    assert side.writes_summary() == (
        "3 child writes (2 refused: 404 NotFound, 409 AlreadyExists) + 1 status")
    assert side.child_writes == 3 and side.other_writes == 1


def test_verdict_lists_the_differences() -> None:
    assert _side((), ("missing t-1", "extra t-9")).verdict() == (
        "diverged: missing t-1; extra t-9")
    assert _side(()).verdict() == "converged"
    assert _side((WriteRecord("create", "Number", "t-0", None, 201),)).writes_summary() == (
        "1 child write")


def test_timeline_entry_reads_as_a_line() -> None:
    entry = TimelineEntry("event", "Tuple t ADDED numbers=[1]", ("create Number t-0",),
                          "created 1 children")
    assert str(entry) == "→ Tuple t ADDED numbers=[1] ⇒ create Number t-0 (created 1 children)"
    assert str(TimelineEntry("missed", "Number t-1 DELETED", note="controller down")) == (
        "✗ missed: Number t-1 DELETED (controller down)")


def test_write_record_text_shows_refusals() -> None:
    assert str(WriteRecord("create", "Number", "t-0", None, 409, "AlreadyExists")) == (
        "create Number t-0 ✗ 409 AlreadyExists")
    assert str(WriteRecord("update", "Tuple", "t", "status", 200)) == "update Tuple t status"
