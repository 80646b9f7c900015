"""The kubectl-like tables, rendered at a fixed width and compared as exact text."""

from __future__ import annotations

from datetime import UTC, datetime

from mathctl.resources.group import FERMAT, NUMBER, TUPLE
from mathctl.views.render import render_text
from mathctl.views.snapshot import Snapshot
from mathctl.views.tables import kind_table, snapshot_tables

from .objects import fermat, number, tuple_


def test_number_table_shows_status_observed_generation_and_owner() -> None:
    parent = tuple_("t", [15, 4], all_squares=False, ready=2)
    objs = [number("t-1", 4, "4", True, owner=parent),
            number("t-0", 15, "FizzBuzz", False, owner=parent, generation=2, observed=1),
            number("fresh", 7)]
    snapshot = Snapshot.of("ws", {"numbers": objs})
    text = render_text(kind_table(NUMBER, snapshot.items(NUMBER)), width=100)
    assert text == "\n".join([
        "Numbers",
        "NAME    VALUE   FIZZBUZZ   SQUARE   READY   OBSERVED   OWNER",
        "──────────────────────────────────────────────────────────────",
        "fresh   7       …          …        …       …/1",
        "t-0     15      FizzBuzz   no       True    1/2        Tuple/t",
        "t-1     4       4          yes      True    1/1        Tuple/t",
    ])


def test_age_column_follows_kubectl_rounding() -> None:
    now = datetime(2024, 5, 1, 12, 3, 7, tzinfo=UTC)  # 187 s after CREATED
    text = render_text(kind_table(FERMAT, [fermat("f", 13, found=True, pairs=[[2, 3]])],
                                  now=now))
    assert text.splitlines()[1].split() == ["NAME", "NUMBER", "FOUND", "PAIRS", "AGREES", "READY",
                                            "OBSERVED", "AGE"]
    assert text.splitlines()[3].split() == ["f", "13", "yes", "2²+3²", "…", "True", "1/1", "3m7s"]


def test_tables_are_separated_by_a_blank_line_and_empty_kinds_by_none() -> None:
    parent = tuple_("t", [4], all_squares=True, ready=1)
    snapshot = Snapshot.of("ws", {"numbers": [number("t-0", 4, "4", True, owner=parent)],
                                  "tuples": [parent], "fermats": []})
    lines = render_text(snapshot_tables(snapshot)).splitlines()
    assert lines[0] == "Numbers"
    assert lines[4:6] == ["", "Tuples"]
    assert lines[-1] == "No fermats found in ws namespace."


def test_all_namespaces_adds_a_namespace_column() -> None:
    text = render_text(kind_table(TUPLE, [tuple_("t", [1, 2, 3, 4, 5, 6, 7, 8])],
                                  namespaces=True))
    assert text.splitlines()[1].split()[:2] == ["NAMESPACE", "NAME"]
    assert "[1, 2, 3, 4, 5, 6, …]" in text


def test_empty_kinds_and_missing_crds_say_so() -> None:
    snapshot = Snapshot.of("ws", {"numbers": [], "tuples": [], "fermats": []},
                           missing_kinds=["fermats"])
    text = render_text(snapshot_tables(snapshot), width=100)
    assert text.splitlines() == [
        "No numbers found in ws namespace.",
        "No tuples found in ws namespace.",
        "Fermats: CRD fermats.math.mathctl.example is not installed; apply crds/ first.",
    ]


def test_at_80_columns_whole_columns_are_left_out_and_no_cell_is_cut() -> None:
    """``mathctl get -A`` in an 80-column terminal: each row readable, the omission said."""
    parent = tuple_("squares", [1, 4, 9], all_squares=True, ready=3)
    numbers = [number(f"squares-{i}", v, str(v), True, owner=parent, generation=2, observed=2)
               for i, v in enumerate([1, 4, 9])]
    snapshot = Snapshot.of(None, {"numbers": numbers, "tuples": [parent], "fermats": []})
    now = datetime(2024, 5, 1, 12, 3, 7, tzinfo=UTC)
    text = render_text(snapshot_tables(snapshot, now=now), width=80)
    assert "…" not in text.replace("…/", "")  # no cell cut (a pending value is "…" on its own)
    assert all(len(line) <= 80 for line in text.splitlines())
    rows = [line.split() for line in text.splitlines() if line.startswith("ws ")]
    assert rows[0][:6] == ["ws", "squares-0", "1", "1", "yes", "True"]
    assert "(left out to fit 80 columns: OWNER" in text
    wide = render_text(snapshot_tables(snapshot, now=now), width=200)
    assert "left out" not in wide and "Tuple/squares" in wide
