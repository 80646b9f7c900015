"""The side-by-side renderings: exact text at a fixed width, folded timelines, escaped HTML."""

from __future__ import annotations

from mathctl.scenarios.report import Report, render_text, timeline_lines
from mathctl.scenarios.results import ScenarioResult, SideResult, TimelineEntry
from mathctl.scenarios.writes import WriteRecord

CREATE = WriteRecord("create", "Number", "t-0", None, 201)
REFUSED = WriteRecord("create", "Number", "t-0", None, 409, "AlreadyExists")
TIMELINE = (
    TimelineEntry("you", "create Tuple t numbers=[3]"),
    TimelineEntry("event", "Tuple t ADDED numbers=[3]", ("create Number t-0",), "created"),
    TimelineEntry("event", "Number t-0 ADDED value=3", (), "ignored"),
    TimelineEntry("event", "Number t-1 ADDED value=4", (), "ignored"),
    TimelineEntry("event", "Number t-1 DELETED", (), "ignored"),
    TimelineEntry("missed", "Number t-2 DELETED", (), "controller down"),
    TimelineEntry("controller", "controller starts again"),
)


def _result(title: str = "Happy <path>") -> ScenarioResult:
    return ScenarioResult(
        "happy-path", title, "Models & more.",
        SideResult("reconcile loop", (), (), (), (CREATE,), TIMELINE),
        SideResult("event switch", (), (), ("missing t-1",), (CREATE, REFUSED), TIMELINE))


def test_quiet_events_of_one_kind_and_type_fold_into_one_line() -> None:
    side = _result().reconcile
    assert [line for _, line in timeline_lines(side)] == [
        "you: create Tuple t numbers=[3]",
        "→ Tuple t ADDED numbers=[3] ⇒ create Number t-0 (created)",
        "→ Number t-0, t-1 ADDED (ignored)",
        "→ Number t-1 DELETED (ignored)",
        "✗ missed: Number t-2 DELETED (controller down)",
        "⟳ controller starts again",
    ]


def test_the_summary_table_reads_the_same_every_time() -> None:
    text = render_text(Report((_result("Happy path"),)), width=80)
    assert text.splitlines() == [
        "             Event switch vs reconcile loop, under the same faults",
        "┏━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ scenario   ┃ reconcile loop ┃ event switch                                  ┃",
        "┡━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ Happy path │ ✔ converged    │ ✘ diverged                                    │",
        "│            │ 1 child write  │   missing t-1                                 │",
        "│            │                │ 2 child writes (1 refused: 409 AlreadyExists) │",
        "└────────────┴────────────────┴───────────────────────────────────────────────┘",
        "             converged: reconcile loop 1 of 1, event switch 0 of 1",
    ]


def test_html_is_escaped_and_holds_both_timelines() -> None:
    html = _result()._repr_html_()
    assert "Happy &lt;path&gt;" in html and "Models &amp; more." in html
    assert html.count("→ Number t-0, t-1 ADDED (ignored)") == 2
    assert '<li class="missed">' in html
    assert "Happy &lt;path&gt;" in Report((_result(),))._repr_html_()


def test_str_of_a_result_is_plain_text_with_both_sides() -> None:
    text = str(_result())
    assert "reconcile loop" in text and "event switch" in text and "missing t-1" in text
    assert "\x1b[" not in text
