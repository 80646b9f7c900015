"""A kubectl-like table per kind: what ``mathctl get`` prints and the notebooks show.

The columns follow the CRDs' printer columns (value, fizzbuzz, square; numbers, all squares;
number, found, pairs) and add what a learner needs to see the controller work: the ``Ready``
condition, ``observedGeneration/generation`` (``1/2`` means "not caught up yet"), and the
owner. ``AGE`` is optional so notebook snapshots stay byte-for-byte deterministic.

Like ``kubectl get`` (whose ``-o wide`` columns only show when asked), a table never cuts its
cells to fit: where the screen is narrower than the table (a terminal of 80 columns), it leaves
out whole columns, least needed first (:data:`DROP_ORDER`), and says which.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
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


DROP_ORDER = ("OWNER", "AGREES", "OBSERVED", "READY NUMBERS", "AGE", "NAMESPACE")
"""Columns left out when a table does not fit, first to last; NAME, spec, status and READY stay."""


def _ready_numbers(obj: Obj) -> str:
    ready = d.status(obj).get("readyNumbers")
    wanted = len(d.spec(obj).get("numbers") or ())
    return d.PENDING if ready is None else f"{ready}/{wanted}"


def kind_table(kind: KindNames, objects: Sequence[Obj], *, now: datetime | None = None,
               namespaces: bool = False, leave_out: Sequence[str] = ()) -> Table:
    """One table for ``objects`` of ``kind``; ``now`` adds an AGE column, ``namespaces`` a
    NAMESPACE column (for ``--all-namespaces``); ``leave_out`` names columns not to show."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, header_style="bold",
                  title=f"{kind.kind}s", title_justify="left", title_style="bold cyan")
    columns: list[tuple[str, Callable[[Obj], str]]] = []
    if namespaces:
        columns.append(("NAMESPACE", lambda o: str(d.meta(o).get("namespace", ""))))
    columns.append(("NAME", d.name))
    columns += COLUMNS[kind.plural]
    if now is not None:
        columns.append(("AGE", lambda o: d.human_age(d.meta(o).get("creationTimestamp"), now)))
    columns = [c for c in columns if c[0] not in leave_out]
    for header, _ in columns:
        table.add_column(header, no_wrap=header != "PAIRS",
                         style="bold" if header == "NAME" else None)
    for obj in objects:
        table.add_row(*(value(obj) for _, value in columns),
                      style="yellow" if d.is_stale(obj) else None)
    return table


class FittedTable:
    """:func:`kind_table` with whole columns left out until it fits the width it is drawn in."""

    def __init__(self, kind: KindNames, objects: Sequence[Obj], *, now: datetime | None = None,
                 namespaces: bool = False) -> None:
        self.kind, self.objects, self.now, self.namespaces = kind, objects, now, namespaces

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        left_out: list[str] = []
        table = kind_table(self.kind, self.objects, now=self.now, namespaces=self.namespaces)
        headers = {str(c.header) for c in table.columns}
        unbounded = options.update_width(10_000)  # a measurement is capped at the width asked
        for header in DROP_ORDER:
            if Measurement.get(console, unbounded, table).maximum <= options.max_width:
                break
            if header in headers:
                left_out.append(header)
                table = kind_table(self.kind, self.objects, now=self.now,
                                   namespaces=self.namespaces, leave_out=left_out)
        yield table
        if left_out:
            yield Text(f"(left out to fit {options.max_width} columns: {', '.join(left_out)}; "
                       "a wider window shows them)", style="dim")


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
            parts.append(FittedTable(kind, items, now=now, namespaces=snapshot.namespace is None))
        else:
            parts.append(_nothing(kind, snapshot))
    return Group(*parts)
