"""The scenario harness: one event source, two controllers, the same faults, step by step.

Why it exists: to show the event switch drift and the reconcile loop converge *on the same
cluster under the same faults*, deterministically. No kopf and no background thread runs here.
The harness itself is the event source: for each side it opens real watches on a fresh
namespace of the real API server and, whenever a step asks, reads the events that are due
(:mod:`mathctl.scenarios.watching`) and hands them to the controller one by one. Faults are
explicit: events read while the controller is stopped are dropped; a start is a new process
(empty memory) whose informer lists the namespace and delivers every object as ADDED; a watch
restart relists into the same process; one chosen event can be delivered twice; a crash is an
exception raised right after a chosen write reached the server, after which the controller is
restarted like a crashed container. Nothing waits on a clock: every read waits for a condition
(the watch has shown what a fresh list shows) with a timeout.

Writes are counted on the wire for both sides by
:class:`~mathctl.scenarios.writes.RecordingApiClient` (accepted and refused). If the watches
show more changes than the harness and the controller under test made, someone else is
writing (usually a Tuple controller left running: ``mathctl run``, a notebook's operator) and
the run stops with that message.

Any cluster: :func:`run_scenario` takes an ``ApiClient``; the CLI (``mathctl scenarios``) and
the notebook get it from ``mathctl.cluster.connect()``, which honours ``MATHCTL_CLUSTER``
(``embedded``, ``kubeconfig`` for the current context of ``KUBECONFIG``, or a context name, e.g.
``MATHCTL_CLUSTER=minikube mathctl scenarios``). The cluster needs the mathctl CRDs and must not
run another Tuple controller at the same time; the harness creates two namespaces per
scenario (``mathctl-scn-…``, labelled ``app.kubernetes.io/managed-by=mathctl-scenarios``) and
deletes them afterwards.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from typing import Any

from kubernetes.client import ApiClient, CoreV1Api, CustomObjectsApi, V1Namespace, V1ObjectMeta
from kubernetes.client.exceptions import ApiException

from mathctl.controllers.children import new_child
from mathctl.core.desired import child_name, tuple_children
from mathctl.resources.group import GROUP, NUMBER, TUPLE, VERSION
from mathctl.resources.tuples import Tuple
from mathctl.scenarios.catalog import SCENARIOS, Scenario
from mathctl.scenarios.event_switch import EventSwitch
from mathctl.scenarios.handling import ControllerFactory
from mathctl.scenarios.reconcile_loop import ReconcileLoop
from mathctl.scenarios.results import (
    Child,
    EntrySource,
    ScenarioResult,
    SideName,
    SideResult,
    TimelineEntry,
    compare,
)
from mathctl.scenarios.watching import (
    WATCHED,
    Event,
    HarnessError,
    Listing,
    NamespaceView,
    list_namespace,
)
from mathctl.scenarios.writes import InjectedCrash, RecordingApiClient

MAX_ROUNDS = 25
"""Rounds of delivery one settle may take before the harness calls it a hot loop."""
MAX_RETRIES = 5
"""How often one event may ask to be retried within a settle."""
MANAGED_BY = {"app.kubernetes.io/managed-by": "mathctl-scenarios"}

FACTORIES: dict[SideName, ControllerFactory] = {
    "reconcile loop": ReconcileLoop,
    "event switch": EventSwitch,
}


class SideRun:
    """One side of one scenario: a namespace, its watches, and the controller under test."""

    def __init__(self, api: ApiClient, namespace: str, side: SideName, tuple_name: str, *,
                 factory: ControllerFactory, timeout: float) -> None:
        config = api.configuration
        self.side = side
        self.namespace = namespace
        self.tuple_name = tuple_name
        self.factory = factory
        self.hand_api = RecordingApiClient(config)
        self.api = RecordingApiClient(config)
        self.watch_api = ApiClient(config)
        self.hand = CustomObjectsApi(self.hand_api)
        self.view = NamespaceView.open(self.watch_api, namespace, timeout=timeout)
        self.controller = factory(self.api, namespace)
        self.running = True
        self.crashed = False
        self.timeline: list[TimelineEntry] = []
        self._twice: str | None = None

    # --- by hand ---------------------------------------------------------------------------

    def _note(self, source: EntrySource, text: str, note: str = "") -> None:
        self.timeline.append(TimelineEntry(source, text, note=note))

    def create_tuple(self, numbers: Sequence[int]) -> None:
        body = Tuple.new(self.tuple_name, numbers).to_dict()
        self.hand.create_namespaced_custom_object(GROUP, VERSION, self.namespace, TUPLE.plural,
                                                  body)
        self._note("you", f"create Tuple {self.tuple_name} numbers={list(numbers)}")

    def edit_tuple(self, numbers: Sequence[int]) -> None:
        self.hand.patch_namespaced_custom_object(
            GROUP, VERSION, self.namespace, TUPLE.plural, self.tuple_name,
            {"spec": {"numbers": list(numbers)}})
        self._note("you", f"edit Tuple {self.tuple_name} numbers={list(numbers)}")

    def delete_child(self, index: int) -> None:
        name = child_name(self.tuple_name, index)
        self.hand.delete_namespaced_custom_object(GROUP, VERSION, self.namespace, NUMBER.plural,
                                                  name)
        self._note("you", f"delete Number {name}")

    def edit_child(self, index: int, value: int) -> None:
        name = child_name(self.tuple_name, index)
        self.hand.patch_namespaced_custom_object(GROUP, VERSION, self.namespace, NUMBER.plural,
                                                 name, {"spec": {"value": value}})
        self._note("you", f"edit Number {name} value={value}")

    def create_stray_child(self, index: int, value: int) -> None:
        owner = self._get_tuple(self.hand)
        name = child_name(self.tuple_name, index)
        body = new_child(NUMBER, name, {"value": value}, owner, self.namespace)
        self.hand.create_namespaced_custom_object(GROUP, VERSION, self.namespace, NUMBER.plural,
                                                  body)
        self._note("you", f"create Number {name} value={value}, labelled and owned by "
                          f"{self.tuple_name}")

    # --- the controller's life -------------------------------------------------------------

    def stop(self) -> None:
        self.running = False
        self._note("controller", "controller stops")

    def arm_crash(self, after_child_writes: int) -> None:
        self.api.arm_crash(kind=NUMBER.kind, after=after_child_writes)

    def start(self, why: str) -> None:
        """A new controller process: whatever happened while it was down is never delivered;
        its informer lists the namespace and hands every object over as ADDED."""
        listing = self._catch_up_missed()
        self.controller = self.factory(self.api, self.namespace)
        self.running, self.crashed = True, False
        self._relist(listing, f"controller {why}: new process, lists")

    def restart_watch(self) -> None:
        """Same process, new watch: deliver what is due, then relist into the same controller."""
        self.settle()
        listing = list_namespace(self.watch_api, self.namespace)
        self._relist(listing, "watch restarts: same process relists")

    def _catch_up_missed(self) -> Listing:
        listing = list_namespace(self.watch_api, self.namespace)
        for event in self._catch_up(listing):
            self._note("missed", event.describe(), "controller down")
        return listing

    def _relist(self, listing: Listing, text: str) -> None:
        counts = ", ".join(_count(len(listing.objects[k.kind]), k.kind) for k in WATCHED)
        self._note("controller", f"{text} {counts}")
        for kind in WATCHED:
            for obj in listing.objects[kind.kind]:
                if not self.running:
                    return
                self._deliver(Event("ADDED", obj, relisted=True))

    # --- delivery --------------------------------------------------------------------------

    def _catch_up(self, listing: Listing) -> list[Event]:
        writes = [w for w in (*self.api.writes, *self.hand_api.writes) if w.accepted]
        created = Counter((w.kind, w.name) for w in writes if w.verb == "create")
        events = self.view.catch_up(listing, created)
        accepted = len(writes)
        if self.view.events_seen > accepted:
            raise HarnessError(
                f"Objects in namespace {self.namespace} changed {self.view.events_seen} times, "
                f"but only {accepted} writes were made by the harness and the {self.side}. "
                "Another controller is writing there: stop any Tuple/Number controller running "
                "against this cluster (`mathctl run`, a notebook's operator, a deployed one) and "
                "run the scenarios again.")
        return events

    def settle(self, *, twice: str | None = None) -> None:
        """Deliver everything that is due, and what the controller's own writes cause, until a
        fresh list shows nothing new. A crash restarts the controller and carries on."""
        if twice is not None:
            self._twice = twice
        retries: list[Event] = []
        tries: dict[int, int] = {}
        for _round in range(MAX_ROUNDS):
            listing = list_namespace(self.watch_api, self.namespace)
            events = self._catch_up(listing)
            if not events and not retries:
                return
            batch, retries = [*events, *retries], []
            for i, event in enumerate(batch):
                if not self.running:
                    for lost in batch[i:]:
                        self._note("missed", lost.describe(), "controller down")
                    break
                if self._deliver(event):
                    tries[id(event)] = tries.get(id(event), 0) + 1
                    if tries[id(event)] <= MAX_RETRIES:
                        retries.append(event)
                if self._twice and self.running and f"{event.kind} {event.type}" == self._twice:
                    self._twice = None
                    self._deliver(event, again=True)
            if self.crashed:
                self.start("restarts after the crash")
        raise HarnessError(
            f"The {self.side} in namespace {self.namespace} was still causing new events after "
            f"{MAX_ROUNDS} rounds: it is in a hot loop (a write that changes something every "
            "time, or a no-op update the API server should not have reported).")

    def _deliver(self, event: Event, *, again: bool = False) -> bool:
        """Hand one event to the controller; True if it asked to get it again."""
        if not self.running:
            self._note("missed", event.describe(), "controller down")
            return False
        first = len(self.api.writes)
        text = event.describe() + (" (again)" if again else "")
        try:
            handling = self.controller.handle(event.as_watch_event())
        except InjectedCrash:
            actions = tuple(str(w) for w in self.api.writes[first:])
            self.timeline.append(TimelineEntry("event", text, actions, "crashed right after"))
            self.running, self.crashed = False, True
            return False
        actions = tuple(str(w) for w in self.api.writes[first:])
        self.timeline.append(TimelineEntry("event", text, actions, handling.note))
        return handling.retry

    # --- the end -----------------------------------------------------------------------------

    def result(self) -> SideResult:
        """Settle once more, then compare the children with what the Tuple asks for."""
        if not self.running:
            self.start("starts again")
        self.settle()
        owner = self._get_tuple(CustomObjectsApi(self.watch_api))
        wanted = tuple_children(self.tuple_name, owner["spec"]["numbers"])
        listing = list_namespace(self.watch_api, self.namespace)
        uid = owner["metadata"]["uid"]
        actual = {o["metadata"]["name"]: _child(o, uid) for o in listing.objects[NUMBER.kind]}
        desired = {c.name: c.value for c in wanted}
        return SideResult(
            side=self.side,
            desired=tuple(Child(c.name, c.value) for c in wanted),
            actual=tuple(actual.values()),
            differences=compare(self.tuple_name, desired, actual),
            writes=tuple(self.api.writes),
            timeline=tuple(self.timeline),
        )

    def _get_tuple(self, custom: CustomObjectsApi) -> dict[str, Any]:
        body: dict[str, Any] = custom.get_namespaced_custom_object(  # type: ignore[assignment]
            GROUP, VERSION, self.namespace, TUPLE.plural, self.tuple_name)
        return body

    def close(self) -> None:
        self.view.close()
        for client in (self.api, self.hand_api, self.watch_api):
            client.close()  # type: ignore[no-untyped-call]


def _count(n: int, kind: str) -> str:
    return f"{n} {kind}{'' if n == 1 else 's'}"


def _child(obj: dict[str, Any], owner_uid: str) -> Child:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or ()
    controlled = any(r.get("controller") and r.get("uid") == owner_uid for r in refs)
    return Child(obj["metadata"]["name"], (obj.get("spec") or {}).get("value"), controlled)


# --- namespaces ------------------------------------------------------------------------------


def _create_namespace(api: ApiClient, scenario: str, side: SideName) -> str:
    short = {"reconcile loop": "rec", "event switch": "evs"}[side]
    name = f"mathctl-scn-{scenario[:24]}-{short}-{secrets.token_hex(3)}"
    CoreV1Api(api).create_namespace(
        V1Namespace(metadata=V1ObjectMeta(name=name, labels=dict(MANAGED_BY))))
    return name


def _delete_namespace(api: ApiClient, name: str) -> None:
    try:
        CoreV1Api(api).delete_namespace(name)
    except ApiException as exc:
        if exc.status != 404:
            raise


def check_crds(api: ApiClient) -> None:
    """Fail early, and say how to fix it, if the cluster does not serve Tuples and Numbers."""
    try:
        found = CustomObjectsApi(api).get_api_resources(GROUP, VERSION)
    except ApiException as exc:
        if exc.status != 404:
            raise
        found = None
    plurals = {r.name for r in (found.resources if found else ())}
    missing = [k.plural for k in WATCHED if k.plural not in plurals]
    if missing:
        raise HarnessError(
            f"This cluster does not serve {', '.join(missing)}.{GROUP}: the mathctl CRDs are "
            "not installed. Install them with `kubectl apply -f crds/` or, from Python, "
            "`mathctl.notebook.crds.apply_crds(mathctl.cluster.connect())`, then run the "
            "scenarios again.")


def run_side(api: ApiClient, scenario: Scenario, side: SideName, *,
             timeout: float = 10.0) -> SideResult:
    """Run ``scenario``'s steps against one side in a fresh namespace, and clean up after."""
    namespace = _create_namespace(api, scenario.name, side)
    run: SideRun | None = None
    try:
        run = SideRun(api, namespace, side, scenario.tuple_name, factory=FACTORIES[side],
                      timeout=timeout)
        for step in scenario.steps:
            step.apply(run)
        return run.result()
    finally:
        if run is not None:
            run.close()
        _delete_namespace(api, namespace)


def run_scenario(scenario: Scenario | str, api: ApiClient, *,
                 timeout: float = 10.0) -> ScenarioResult:
    """Run one scenario on both sides (each in its own namespace) and return both results."""
    if isinstance(scenario, str):
        from mathctl.scenarios.catalog import get
        scenario = get(scenario)
    check_crds(api)
    return ScenarioResult(
        name=scenario.name, title=scenario.title, models=scenario.models,
        reconcile=run_side(api, scenario, "reconcile loop", timeout=timeout),
        event_switch=run_side(api, scenario, "event switch", timeout=timeout),
    )


def run_all(api: ApiClient, names: Sequence[str] | None = None, *,
            timeout: float = 10.0) -> list[ScenarioResult]:
    """Run the named scenarios (all of them by default), in catalogue order."""
    chosen = list(names) if names else list(SCENARIOS)
    return [run_scenario(name, api, timeout=timeout) for name in chosen]
