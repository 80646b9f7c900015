"""The ownership tree, built from ownerReference uids, rendered as exact text."""

from __future__ import annotations

from mathctl.views.render import render_text
from mathctl.views.snapshot import Snapshot
from mathctl.views.tree import ownership_tree

from .objects import fermat, number, tuple_


def _fermat5() -> tuple[dict, list[dict], list[dict]]:  # type: ignore[type-arg]
    f = fermat("f5", 5, found=True, pairs=[[1, 2]])
    tuples = [tuple_(f"f5-{i}", [i, 5 - i], owner=f, all_squares=(i == 1), ready=2)
              for i in range(3)]
    numbers = [number(f"f5-{i}-{j}", v, str(v), v in (0, 1, 4), owner=tuples[i])
               for i in range(3) for j, v in enumerate([i, 5 - i])]
    return f, tuples, numbers


def test_tree_nests_by_owner_uid_and_limits_children() -> None:
    f, tuples, numbers = _fermat5()
    numbers[0]["metadata"]["generation"] = 2  # spec changed, controller not caught up
    snapshot = Snapshot.of("ws", {"fermats": [f], "tuples": tuples[::-1], "numbers": numbers})
    assert render_text(ownership_tree(snapshot, max_children=2)) == "\n".join([
        "namespace ws",
        "└── Fermat f5  number=5  found=yes (1²+2²)",
        "    ├── Tuple f5-0  numbers=[0, 5]  allSquares=no  ready=2/2",
        "    │   ├── Number f5-0-0  value=0  fizzBuzz=0  isSquare=yes  (observed generation 1/2)",
        "    │   └── Number f5-0-1  value=5  fizzBuzz=5  isSquare=no",
        "    ├── Tuple f5-1  numbers=[1, 4]  allSquares=yes  ready=2/2",
        "    │   ├── Number f5-1-0  value=1  fizzBuzz=1  isSquare=yes",
        "    │   └── Number f5-1-1  value=4  fizzBuzz=4  isSquare=yes",
        "    └── … and 1 more",
    ])


def test_names_do_not_make_ownership_uids_do() -> None:
    """A Number named like a child but without an ownerReference is a root of its own."""
    f, tuples, _numbers = _fermat5()
    impostor = number("f5-1-9", 9, "Fizz", True)
    orphan = number("lost", 4, "4", True, owner=tuple_("gone", [4]))
    snapshot = Snapshot.of("ws", {"fermats": [f], "tuples": tuples, "numbers": [impostor, orphan]})
    lines = render_text(ownership_tree(snapshot, max_children=None)).splitlines()
    assert lines[1] == "├── Fermat f5  number=5  found=yes (1²+2²)"
    assert lines[-2:] == [
        "├── Number f5-1-9  value=9  fizzBuzz=Fizz  isSquare=yes",
        "└── Number lost  value=4  fizzBuzz=4  isSquare=yes  (owner Tuple/gone not found)",
    ]


def test_pending_status_and_empty_namespace() -> None:
    snapshot = Snapshot.of("ws", {"numbers": [number("n", 3)]})
    assert render_text(ownership_tree(snapshot)).splitlines()[1] == (
        "└── Number n  value=3  fizzBuzz=…  isSquare=…  (no status yet)")
    assert render_text(ownership_tree(Snapshot.of(None, {}))) == (
        "all namespaces\n└── (no Numbers, Tuples or Fermats)")
