"""``mathctl demo`` (``python3 dev.py demo``): the workshop's story, headless, in a terminal.

The same steps the stage notebooks take — CRDs, Numbers and their FizzBuzz controller, the
event switch against the reconcile loop, a self-healing Tuple, a Fermat tree checked against
the pure math, a resync that writes nothing — run one after another against the current
cluster (embedded unless ``MATHCTL_CLUSTER``/``KUBECONFIG`` say otherwise), printed with the
same rich views as ``mathctl get``/``mathctl tree``. It works in its own namespace,
``mathctl-demo``, and deletes it at the end. Useful to see the whole kit work in a minute, and
as a smoke test of a cluster before a workshop.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from kubernetes import client
from kubernetes.client.rest import ApiException
from rich.console import Console
from rich.rule import Rule

from mathctl.cluster import Cluster, connect, wait_for
from mathctl.core import two_squares
from mathctl.notebook.crds import apply_crds
from mathctl.notebook.namespace import clean_namespace, ensure_namespace
from mathctl.notebook.settle import wait_settled
from mathctl.resources import FERMAT, GROUP, NUMBER, TUPLE, VERSION, Fermat, Number, Tuple
from mathctl.views.snapshot import take_snapshot
from mathctl.views.tables import snapshot_tables
from mathctl.views.tree import ownership_tree

NAMESPACE = "mathctl-demo"


class Demo:
    """One run of the story against ``cluster`` in namespace ``NAMESPACE``."""

    def __init__(self, cluster: Cluster, console: Console) -> None:
        self.cluster = cluster
        self.console = console
        self.api = client.CustomObjectsApi(cluster.api_client)
        self.ns = NAMESPACE

    def say(self, text: str) -> None:
        self.console.print(text)

    def stage(self, title: str) -> None:
        self.console.print()
        self.console.print(Rule(title, align="left", style="cyan"))

    def create(self, plural: str, body: dict[str, object]) -> None:
        self.api.create_namespaced_custom_object(GROUP, VERSION, self.ns, plural, body)

    def get(self, plural: str, name: str) -> dict[str, object]:
        return self.api.get_namespaced_custom_object(  # type: ignore[no-any-return]
            GROUP, VERSION, self.ns, plural, name)

    def tables(self, *kinds: str) -> None:
        from mathctl.views.show import parse_kinds

        chosen = parse_kinds(list(kinds) or None)
        self.console.print(snapshot_tables(take_snapshot(self.cluster.api_client, self.ns,
                                                         chosen), chosen))

    def tree(self) -> None:
        self.console.print(ownership_tree(take_snapshot(self.cluster.api_client, self.ns),
                                          max_children=8))

    def settle(self) -> None:
        wait_settled(self.cluster, self.ns)

    # -- the stages -------------------------------------------------------------------------

    def setup(self) -> None:
        self.stage("10 · a cluster")
        self.say(f"Connected to the {self.cluster.kind} cluster at {self.cluster.server}.")
        names = apply_crds(self.cluster)
        ensure_namespace(self.cluster.api_client, self.ns)
        clean_namespace(self.cluster, self.ns)
        self.say(f"CRDs applied: {', '.join(names)}; working in namespace {self.ns}.")

    def numbers(self, operator: object) -> None:
        self.stage("20 · the Number resource")
        for value in (3, 5, 15, 16):
            self.create(NUMBER.plural, Number.new(f"n{value}", value).to_dict())
        self.say("Four Numbers created; no controller yet, so no status:")
        self.tables("numbers")
        self.stage("30 · the FizzBuzz controller")
        operator.start()  # type: ignore[attr-defined]
        self.settle()
        self.say("The controller wrote each status through /status:")
        self.tables("numbers")

    def scenarios(self) -> None:
        from mathctl.scenarios import Report, run_all

        self.stage("40 · event switch vs reconcile loop, under the same faults")
        self.console.print(Report(tuple(run_all(self.cluster.api_client))))

    def tuples(self) -> None:
        self.stage("50 · the Tuple parent: children, self-healing, status from children")
        clean_namespace(self.cluster, self.ns)
        self.create(TUPLE.plural, Tuple.new("t", [3, 4, 5]).to_dict())
        self.settle()
        self.tree()
        old_uid = self.get(NUMBER.plural, "t-1")["metadata"]["uid"]  # type: ignore[index]
        self.api.delete_namespaced_custom_object(GROUP, VERSION, self.ns, NUMBER.plural, "t-1")
        started = time.perf_counter()

        def back() -> bool:
            try:
                return self.get(NUMBER.plural, "t-1")["metadata"]["uid"] != old_uid  # type: ignore[index]
            except ApiException:
                return False

        wait_for(back, 10, "t-1 to be created again")
        self.say(f"Deleted t-1 by hand; the Tuple controller put it back in "
                 f"{(time.perf_counter() - started) * 1000:.0f} ms (a new object, new uid).")
        self.settle()

    def fermat(self) -> None:
        self.stage("60 · the Fermat grand-parent: 13 = 2² + 3²")
        clean_namespace(self.cluster, self.ns)
        self.create(FERMAT.plural, Fermat.new("f13", 13).to_dict())
        self.settle()
        self.tree()
        status = self.get(FERMAT.plural, "f13")["status"]
        found = [(p["a"], p["b"]) for p in status["pairs"]]  # type: ignore[index]
        self.say(f"The tree found {found}; the pure two_squares(13) says {two_squares(13)}; "
                 f"agrees: {status['agrees']}.")  # type: ignore[index]

    def resync(self, operator: object) -> None:
        self.stage("70 · idempotency: reconcile everything again")
        outcomes = operator.resync()  # type: ignore[attr-defined]
        writes = sum(len(outcome.writes) for _, outcome in outcomes)
        self.say(f"{len(outcomes)} reconciles of converged objects made {writes} writes.")


def run(cluster: Cluster, console: Console) -> int:
    from mathctl.controllers.runner import Operator

    demo = Demo(cluster, console)
    demo.setup()
    operator = Operator(cluster, namespace=demo.ns)
    steps: list[Callable[[], None]] = [
        lambda: demo.numbers(operator), demo.scenarios, demo.tuples, demo.fermat,
        lambda: demo.resync(operator)]
    try:
        for step in steps:
            step()
    finally:
        operator.stop()
        client.CoreV1Api(cluster.api_client).delete_namespace(demo.ns)
    console.print()
    console.print("[green]Done.[/green] The notebooks tell the same story step by step: "
                  "`python3 dev.py lab`.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the story against the cluster ``connect()`` picks."""
    console = Console()
    try:
        cluster = connect()
    except Exception as err:
        console.print(f"[red]{err}[/red]")
        return 1
    return run(cluster, console)
