"""The Fermat → Tuple → Number ownership tree, built from ownerReferences alone.

What makes a child belong to its parent in Kubernetes is the child's
``metadata.ownerReferences`` (the uid of its controller), not its name, so the tree is built
from those uids: an object whose owner is not in the snapshot is a root and says so. Each node
shows the status the controller wrote, so a learner sees status flow upward. ``mathctl tree``
prints it; stages 50 and 60 show it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from rich.console import RenderableType
from rich.text import Text
from rich.tree import Tree

from mathctl.resources.group import FERMAT, KINDS, NUMBER, TUPLE
from mathctl.views import describe as d
from mathctl.views.snapshot import Obj, Snapshot, sort_key


def _kind(obj: Obj) -> str:
    return str(obj.get("kind", "?"))


def label(obj: Obj) -> Text:
    """One line: kind, name, spec, status, and a warning when the status is stale."""
    kind, spec, status = _kind(obj), d.spec(obj), d.status(obj)
    text = Text()
    text.append(f"{kind} ", style="cyan")
    text.append(d.name(obj), style="bold")
    if kind == FERMAT.kind:
        text.append(f"  number={spec.get('number', '?')}")
        text.append(f"  found={d.yes_no(status.get('twoSquaresFound'))}")
        if status.get("pairs"):
            text.append(f" ({d.pairs_text(status.get('pairs'))})", style="green")
    elif kind == TUPLE.kind:
        text.append(f"  numbers={d.numbers_text(spec.get('numbers'))}")
        text.append(f"  allSquares={d.yes_no(status.get('allSquares'))}")
        if status.get("readyNumbers") is not None:
            wanted = len(spec.get("numbers") or ())
            text.append(f"  ready={status['readyNumbers']}/{wanted}")
    elif kind == NUMBER.kind:
        text.append(f"  value={spec.get('value', '?')}")
        text.append(f"  fizzBuzz={status.get('fizzBuzz', d.PENDING)}")
        text.append(f"  isSquare={d.yes_no(status.get('isSquare'))}")
    cond = d.condition(obj)
    if cond is not None and cond.get("status") != "True":
        text.append(f"  Ready={d.ready_text(obj)}", style="red")
    if not d.status(obj):
        text.append("  (no status yet)", style="yellow")
    elif d.is_stale(obj):
        text.append(f"  (observed generation {d.observed_text(obj)})", style="yellow")
    return text


def _children_by_owner(objects: Sequence[Obj]) -> Mapping[str, list[Obj]]:
    children: dict[str, list[Obj]] = defaultdict(list)
    for obj in objects:
        ref = d.controller_ref(obj)
        if ref and ref.get("uid"):
            children[str(ref["uid"])].append(obj)
    for siblings in children.values():
        siblings.sort(key=sort_key)
    return children


def ownership_tree(snapshot: Snapshot, *, max_children: int | None = 12) -> RenderableType:
    """The ownership forest of ``snapshot`` under one root line naming the namespace.

    At most ``max_children`` children are drawn per node (a Fermat(1009) owns 505 Tuples);
    the rest are counted in a ``… and N more`` line.
    """
    objects = [obj for kind in reversed(KINDS) for obj in snapshot.items(kind)]  # parents first
    uids = {str(d.meta(o).get("uid")) for o in objects}
    children = _children_by_owner(objects)
    where = "all namespaces" if snapshot.namespace is None else f"namespace {snapshot.namespace}"
    root = Tree(Text(where, style="bold"), guide_style="dim")

    def add(parent: Tree, obj: Obj, note: str = "") -> None:
        node = parent.add(label(obj).append(note, style="red") if note else label(obj))
        kids = children.get(str(d.meta(obj).get("uid")), [])
        shown = kids if max_children is None else kids[:max_children]
        for kid in shown:
            add(node, kid)
        if len(kids) > len(shown):
            node.add(Text(f"… and {len(kids) - len(shown)} more", style="dim"))

    roots = 0
    for obj in objects:
        ref = d.controller_ref(obj)
        if ref and str(ref.get("uid")) in uids:
            continue
        # An owner missing from the snapshot is gone (or elsewhere): say so rather than hide it.
        add(root, obj, f"  (owner {ref.get('kind')}/{ref.get('name')} not found)" if ref else "")
        roots += 1
    if roots == 0:
        root.add(Text("(no Numbers, Tuples or Fermats)", style="dim"))
    return root
