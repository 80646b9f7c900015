"""``mathctl scenarios``: run the event-switch vs reconcile-loop scenarios, print them side by side.

Why it exists: the terminal twin of the scenarios notebook. ``mathctl scenarios`` runs every
scenario against ``mathctl.cluster.connect()`` (the embedded server, or the cluster named by
``MATHCTL_CLUSTER``/``KUBECONFIG``) and prints one table; ``mathctl scenarios NAME…`` runs
some; ``--timeline`` adds each scenario's two timelines; ``--list`` only names them. Missing
CRDs are installed on the embedded cluster (elsewhere only with ``--install-crds``: a real
cluster is not changed unasked). The exit
status is 0 when the reconcile loop converged everywhere (the event switch is expected to
drift), 1 if it did not or the harness failed, 2 for an unknown scenario name.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table

from mathctl.scenarios.catalog import SCENARIOS, UnknownScenario, get


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="scenarios to run (default: all; see --list)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--timeline", action="store_true",
                        help="also print each scenario's two timelines (events → actions)")
    parser.add_argument("--install-crds", action="store_true",
                        help="install the mathctl CRDs from crds/ if the cluster lacks them "
                             "(done without asking on the embedded cluster)")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="how long to wait for one watch event before giving up "
                             "(default: 10)")


def _list(console: Console) -> int:
    table = Table(title="Scenarios", show_lines=True)
    table.add_column("name", no_wrap=True)
    table.add_column("what it models in a real cluster")
    for scenario in SCENARIOS.values():
        table.add_row(scenario.name, f"[bold]{scenario.title}[/bold]\n{scenario.models}")
    console.print(table)
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    console = Console()
    if args.list:
        return _list(console)
    try:
        chosen = [get(name).name for name in args.names] or list(SCENARIOS)
    except UnknownScenario as exc:
        print(f"mathctl scenarios: {exc}", file=sys.stderr)
        return 2
    from mathctl.cluster import EMBEDDED, ClusterUnreachable, connect
    from mathctl.scenarios.harness import check_crds, run_scenario
    from mathctl.scenarios.report import Report
    from mathctl.scenarios.watching import HarnessError

    try:
        cluster = connect()
    except ClusterUnreachable as exc:
        print(f"mathctl scenarios: {exc}", file=sys.stderr)
        return 1
    results = []
    try:
        try:
            check_crds(cluster.api_client)
        except HarnessError:
            if not (args.install_crds or cluster.kind == EMBEDDED):
                raise
            from mathctl.notebook.crds import apply_crds
            names = apply_crds(cluster)
            print(f"mathctl scenarios: installed {', '.join(names)}", file=sys.stderr)
        for name in chosen:
            results.append(run_scenario(name, cluster.api_client, timeout=args.timeout))
    except HarnessError as exc:
        print(f"mathctl scenarios: {exc}", file=sys.stderr)
        return 1
    console.print(Report(tuple(results)))
    if args.timeline:
        for result in results:
            console.print(result)
    return 0 if all(r.reconcile.converged for r in results) else 1
