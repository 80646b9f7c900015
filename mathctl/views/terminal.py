"""``mathctl get`` and ``mathctl tree``: the resources as rich tables and an ownership tree.

They show what ``kubectl get numbers,tuples,fermats`` shows plus what a learner watches for
(the Ready condition, ``observedGeneration/generation``, the owner), and need no kubectl.
``--watch`` redraws on every watch event until Ctrl-C. The default namespace is the learner's
workshop namespace (``$MATHCTL_NAMESPACE`` or ``workshop-<user>``), the one the notebooks use.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console, RenderableType
from rich.live import Live

from mathctl.resources.group import KINDS
from mathctl.views.show import parse_kinds
from mathctl.views.snapshot import Snapshot, take_snapshot
from mathctl.views.tables import snapshot_tables
from mathctl.views.tree import ownership_tree
from mathctl.views.watcher import SnapshotWatcher

KIND_CHOICES = sorted({n for k in KINDS for n in (k.plural, k.singular, *k.short_names)}
                      | {"all", "math"})


def _add_namespace_args(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-n", "--namespace",
                       help="namespace to show (default: $MATHCTL_NAMESPACE or workshop-<user>)")
    where.add_argument("-A", "--all-namespaces", action="store_true",
                       help="show every namespace")
    parser.add_argument("-w", "--watch", action="store_true",
                        help="keep redrawing as objects change (Ctrl-C to stop)")


def add_get_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kinds", nargs="*", metavar="KIND", default=["all"],
                        help="numbers, tuples, fermats (or num, tup, fer); default: all three")
    _add_namespace_args(parser)


def add_tree_args(parser: argparse.ArgumentParser) -> None:
    _add_namespace_args(parser)
    parser.add_argument("--max-children", type=int, default=12, metavar="N",
                        help="draw at most N children per object (default 12; 0 for all)")


def _namespace(args: argparse.Namespace) -> str | None:
    if args.all_namespaces:
        return None
    if args.namespace:
        return str(args.namespace)
    from mathctl.cluster import learner_namespace

    return learner_namespace()


def _run(args: argparse.Namespace, draw: Callable[[Snapshot], RenderableType],
         console: Console | None = None) -> int:
    from mathctl.cluster import connect

    console = console or Console()
    namespace = _namespace(args)
    try:
        api_client = connect().api_client
        snapshot = take_snapshot(api_client, namespace)
    except Exception as err:  # say what to do instead of a traceback
        console.print(f"[red]Cannot read from the cluster: {err}[/red]\n"
                      "Is it running? Start the embedded one with `mathctl up`, or point "
                      "MATHCTL_CLUSTER / KUBECONFIG at yours (see the README).")
        return 1
    if not args.watch:
        console.print(draw(snapshot))
        return 0
    with Live(draw(snapshot), console=console, auto_refresh=False) as live:
        watcher = SnapshotWatcher(api_client, namespace,
                                  on_change=lambda s: live.update(draw(s), refresh=True))
        watcher.start()
        try:
            threading.Event().wait()  # until Ctrl-C
        except KeyboardInterrupt:
            pass
        finally:
            watcher.stop()
    return 0


def cmd_get(args: argparse.Namespace, console: Console | None = None,
            now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> int:
    """``mathctl get [KIND…]``: a table per kind, with ages like kubectl's (from ``now()``)."""
    wanted = [k for k in args.kinds if k not in {"all", "math"}]
    try:
        kinds = parse_kinds(wanted or None)
    except ValueError as err:
        (console or Console()).print(f"[red]{err}[/red]")
        return 2
    return _run(args, lambda s: snapshot_tables(s, kinds, now=now()), console)


def cmd_tree(args: argparse.Namespace, console: Console | None = None) -> int:
    """``mathctl tree``: the Fermat → Tuple → Number tree from ownerReferences."""
    limit = args.max_children or None
    return _run(args, lambda s: ownership_tree(s, max_children=limit), console)
