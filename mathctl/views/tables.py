"""A kubectl-like table per kind: what ``mathctl get`` prints and the notebooks show.

The columns follow the CRDs' printer columns (value, fizzbuzz, square; numbers, all squares;
number, found, pairs) and add what a learner needs to see the controller work: the ``Ready``
condition, ``observedGeneration/generation`` (``1/2`` means "not caught up yet"), and the
owner. ``AGE`` is optional so notebook snapshots stay byte-for-byte deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mathctl.resources.group import FERMAT, KINDS, NUMBER, TUPLE, KindNames
from mathctl.views import describe as d
from mathctl.views.snapshot import Obj, Snapshot

Column = tuple[str, Callable[[Obj], str]]

COLUMNS: dict[str, Sequence[Column]] = {
    NUMBER.plural: (
        ("VALUE", lambda o: str(d.spec(o).get("value", ""))),
        ("FIZZBUZZ", lambda o: str(d.status(o).get("fizzBuzz", d.PENDING))),
        ("SQUARE", lambda o: d.yes_no(d.status(o).get("isSquare"))),
        ("READY", d.ready_text),
        ("OBSERVED", d.observed_text),
        ("OWNER", d.owner_text),
    ),
    TUPLE.plural: (
        ("NUMBERS", lambda o: d.numbers_text(d.spec(o).get("numbers"))),
        ("ALL SQUARES", lambda o: d.yes_no(d.status(o).get("allSquares"))),
        ("READY NUMBERS", lambda o: _ready_numbers(o)),
        ("READY", d.ready_text),
        ("OBSERVED", d.observed_text),
        ("OWNER", d.owner_text),
    ),
    FERMAT.plural: (
        ("NUMBER", lambda o: str(d.spec(o).get("number", ""))),
        ("FOUND", lambda o: d.yes_no(d.status(o).get("twoSquaresFound"))),
        ("PAIRS", lambda o: d.pairs_text(d.status(o).get("pairs"))),
        ("AGREES", lambda o: d.yes_no(d.status(o).get("agrees"))),
        ("READY", d.ready_text),
        ("OBSERVED", d.observed_text),
    ),
}


def _ready_numbers(obj: Obj) -> str:
    ready = d.status(obj).get("readyNumbers")
    wanted = len(d.spec(obj).get("numbers") or ())
    return d.PENDING if ready is None else f"{ready}/{wanted}"


def kind_table(kind: KindNames, objects: Sequence[Obj], *, now: datetime | None = None,
               namespaces: bool = False) -> Table:
    """One table for ``objects`` of ``kind``; ``now`` adds an AGE column, ``namespaces`` a
    NAMESPACE column (for ``--all-namespaces``)."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, header_style="bold",
                  title=f"{kind.kind}s", title_justify="left", title_style="bold cyan")
    if namespaces:
        table.add_column("NAMESPACE", no_wrap=True)
    table.add_column("NAME", no_wrap=True, style="bold")
    for header, _ in COLUMNS[kind.plural]:
        table.add_column(header, no_wrap=header != "PAIRS")
    if now is not None:
        table.add_column("AGE", no_wrap=True)
    for obj in objects:
        row = [d.name(obj)]
        if namespaces:
            row.insert(0, str(d.meta(obj).get("namespace", "")))
        row += [value(obj) for _, value in COLUMNS[kind.plural]]
        if now is not None:
            row.append(d.human_age(d.meta(obj).get("creationTimestamp"), now))
        table.add_row(*row, style="yellow" if d.is_stale(obj) else None)
    return table


def _nothing(kind: KindNames, snapshot: Snapshot) -> Text:
    where = "any namespace" if snapshot.namespace is None else f"{snapshot.namespace} namespace"
    if kind.plural in snapshot.missing_kinds:
        return Text(f"{kind.kind}s: CRD {kind.crd_name} is not installed; "
                    "apply crds/ first.", style="red")
    return Text(f"No {kind.plural} found in {where}.", style="dim")


def snapshot_tables(snapshot: Snapshot, kinds: Sequence[KindNames] = KINDS, *,
                    now: datetime | None = None) -> RenderableType:
    """A table per kind (parents last, as the workshop builds them), or a line saying none."""
    parts: list[RenderableType] = []
    for kind in kinds:
        items = snapshot.items(kind)
        if items:
            if parts:
                parts.append(Text(""))
            parts.append(kind_table(kind, items, now=now, namespaces=snapshot.namespace is None))
        else:
            parts.append(_nothing(kind, snapshot))
    return Group(*parts)
