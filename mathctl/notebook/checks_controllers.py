"""Check cells for the learner's own controllers: their reconcile functions under real faults.

Why it exists: a reconcile that passes the happy path can still be an event handler in
disguise — it forgets a child deleted by hand, never deletes a stray, writes on every resync,
or overwrites a concurrent change. Each check here runs the learner's function (through
:func:`mathctl.controllers.learner.as_reconcile`, so their exception is one sentence with a
hint) against the real cluster — embedded or minikube, the same code path — in a scratch
namespace of its own, and scripts the faults a cluster produces: missed events while the
controller was down, a child deleted by hand, a child edited by hand, a stray child, a double
edit of the spec, a restart (a fresh import of their file: module-level memory is gone), a 409
Conflict (a real conflicting write made between their read and their write) and the object
deleted. The other kinds are reconciled by the package's model answers, as the operator does.

After each fault the check lets the controllers settle, then compares the cluster with what
should be. It prints one line: ✓ converged and the writes of a converged resync (0), or ✗ the
first fault that failed, why, and the fix. Names are fixed (``n``, ``t``, ``f``; children
``t-0`` …), so the text is deterministic. The requests the learner's code sends are recorded on
the wire, so a write without the resourceVersion it read is caught on any server (kube refuses
such a PUT with 422; a PATCH goes through and overwrites).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from kubernetes import client
from kubernetes.client.exceptions import ApiException

from mathctl.controllers.learner import (
    LearnerCodeError,
    _fresh,
    as_owner_of,
    as_reconcile,
    explain,
)
from mathctl.controllers.outcome import Outcome, Write
from mathctl.controllers.reconcile import RECONCILERS
from mathctl.core import fizzbuzz, is_square
from mathctl.core.two_squares import two_squares
from mathctl.notebook.checking import Hint, check, require_callable, short
from mathctl.resources.group import API_VERSION, FERMAT, GROUP, NUMBER, TUPLE, VERSION, KindNames
from mathctl.views.show import api_client_of

MAX_ROUNDS = 8
"""Settle rounds per fault: enough for a parent, its children and grandchildren to answer."""

Spec = dict[str, Any]


# --- the learner's requests, as they left ---------------------------------------------------


class _WireLog:
    """Wraps an ``ApiClient``'s REST client: notes each write's method, path and body."""

    def __init__(self, rest: Any) -> None:
        self._rest = rest
        self.sent: list[tuple[str, str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rest, name)

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        if method.upper() in ("POST", "PUT", "PATCH"):
            self.sent.append((method.upper(), urlsplit(url).path, kwargs.get("body")))
        return self._rest.request(method, url, **kwargs)


def _carries_resource_version(body: Any) -> bool:
    meta = body.get("metadata") if isinstance(body, Mapping) else None
    return isinstance(meta, Mapping) and bool(meta.get("resourceVersion"))


def _described_request(method: str, path: str) -> str:
    parts = path.rstrip("/").split("/")
    plural = {k.plural: k.kind for k in (NUMBER, TUPLE, FERMAT)}
    if "namespaces" in parts and len(parts) > parts.index("namespaces") + 3:
        at = parts.index("namespaces")
        kind = plural.get(parts[at + 2], parts[at + 2])
        sub = f" /{parts[at + 4]}" if len(parts) > at + 4 else ""
        return f"{method} {kind} {parts[at + 3]}{sub}"
    return method


# --- what each kind's check knows ------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """One kind under test: its object's name, its children and the status it should reach."""

    kind: KindNames
    name: str
    child: KindNames | None
    spec_key: str
    wanted: Callable[[str, Any], dict[str, Spec]]
    status: Callable[[Any, int], dict[str, Any]]
    optional_status: tuple[str, ...] = ()

    @property
    def function(self) -> str:
        return f"reconcile_{self.kind.singular}"


def _number_status(value: Any, generation: int) -> dict[str, Any]:
    return {"fizzBuzz": fizzbuzz(value), "isSquare": is_square(value),
            "observedGeneration": generation}


def _tuple_status(numbers: Any, generation: int) -> dict[str, Any]:
    return {"readyNumbers": len(numbers), "allSquares": all(is_square(v) for v in numbers),
            "observedGeneration": generation}


def _fermat_status(n: Any, generation: int) -> dict[str, Any]:
    pairs = [{"a": a, "b": b} for a, b in two_squares(n)]
    return {"twoSquaresFound": bool(pairs), "pairs": pairs, "observedGeneration": generation}


_NUMBER = _Plan(NUMBER, "n", None, "value", lambda _n, _v: {}, _number_status)
_TUPLE = _Plan(TUPLE, "t", NUMBER, "numbers",
               lambda name, numbers: {f"{name}-{i}": {"value": v}
                                      for i, v in enumerate(numbers)},
               _tuple_status)
_FERMAT = _Plan(FERMAT, "f", TUPLE, "number",
                lambda name, n: {f"{name}-{i}": {"numbers": [i, n - i]}
                                 for i in range(n // 2 + 1)},
                _fermat_status, optional_status=("pairs",))


# --- a controller run step by step on the cluster ----------------------------------------------


@dataclass
class _Bench:
    """The learner's reconcile for one object and the package's for everything under it."""

    fn: Callable[..., Any]
    plan: _Plan
    admin: client.ApiClient
    namespace: str
    learner_api: client.ApiClient = field(init=False)
    wire: _WireLog = field(init=False)

    def __post_init__(self) -> None:
        self.woken = False
        self.api = client.CustomObjectsApi(self.admin)
        self.learner_api = client.ApiClient(self.admin.configuration)
        self.wire = _WireLog(self.learner_api.rest_client)
        self.learner_api.rest_client = self.wire  # type: ignore[assignment]
        self.start()

    @property
    def function(self) -> str:
        """The learner's function's own name, as their cell spells it."""
        return str(getattr(self.fn, "__name__", self.plan.function))

    def start(self) -> None:
        """A fresh process: the learner's file imported again (its module memory is gone)."""
        fn = _fresh(self.fn)
        self.rec = as_reconcile(_with_api_client(fn), self.plan.kind)

    def close(self) -> None:
        self.learner_api.close()

    # the cluster, by hand

    def get(self, kind: KindNames, name: str) -> dict[str, Any]:
        return self.api.get_namespaced_custom_object(  # type: ignore[no-any-return]
            GROUP, VERSION, self.namespace, kind.plural, name)

    def items(self, kind: KindNames) -> dict[str, dict[str, Any]]:
        listed = self.api.list_namespaced_custom_object(GROUP, VERSION, self.namespace,
                                                        kind.plural)["items"]
        return {o["metadata"]["name"]: o for o in listed
                if not o["metadata"].get("deletionTimestamp")}

    def create(self, kind: KindNames, name: str, spec: Spec,
               owner: Mapping[str, Any] | None = None) -> None:
        meta: dict[str, Any] = {"name": name}
        if owner is not None:
            meta["ownerReferences"] = [{
                "apiVersion": API_VERSION, "kind": owner["kind"],
                "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                "controller": True, "blockOwnerDeletion": True}]
        self.api.create_namespaced_custom_object(GROUP, VERSION, self.namespace, kind.plural, {
            "apiVersion": API_VERSION, "kind": kind.kind, "metadata": meta, "spec": spec})

    def edit(self, kind: KindNames, name: str, spec: Spec) -> None:
        self.api.patch_namespaced_custom_object(GROUP, VERSION, self.namespace, kind.plural,
                                                name, {"spec": spec})

    def delete(self, kind: KindNames, name: str) -> None:
        self.api.delete_namespaced_custom_object(GROUP, VERSION, self.namespace, kind.plural,
                                                 name)

    def touch(self) -> None:
        """A concurrent write to the object under test: its resourceVersion moves on, and its
        event wakes the controller again (as the operator's watch would)."""
        self.woken = True
        self.api.patch_namespaced_custom_object(
            GROUP, VERSION, self.namespace, self.plan.kind.plural, self.plan.name,
            {"metadata": {"annotations": {f"{GROUP}/check": "a concurrent write"}}})

    # the controllers

    def learner(self, after: str,
                before_write: Callable[[Write], None] | None = None) -> Outcome:
        """One call of the learner's reconcile; its mistakes become the check's hint."""
        self.wire.sent.clear()
        try:
            outcome = self.rec(self.learner_api, self.namespace, self.plan.name,
                               before_write=before_write)
        except LearnerCodeError as exc:
            raise Hint(exc.summary if exc.not_written else f"{after}: {exc.summary}") from None
        self._judge_requests(after, outcome)
        return outcome

    def _judge_requests(self, after: str, outcome: Outcome) -> None:
        fn, kind, name = self.function, self.plan.kind.kind, self.plan.name
        if Write("update", kind, name) in outcome.writes:
            raise Hint(
                f"{after} your {fn} wrote {kind} {name} itself through the main endpoint, "
                "where the server ignores status and the spec is the user's — write only its "
                "status, with patch_namespaced_custom_object_status (or replace_…_status).")
        for method, path, body in self.wire.sent:
            if method in ("PUT", "PATCH") and not _carries_resource_version(body):
                raise Hint(
                    f"{after} your {fn} sent {_described_request(method, path)} without "
                    "metadata.resourceVersion, so it would overwrite a change made since its "
                    "read (kube refuses such a PUT with 422; a PATCH overwrites) — send back "
                    "the object you read, which carries its resourceVersion: a concurrent "
                    "change then gets 409.")

    def settle(self, after: str, before_write: Callable[[Write], None] | None = None) -> None:
        """Reconcile everything until a whole round writes nothing (at most ``MAX_ROUNDS``)."""
        below = {NUMBER.kind: (), TUPLE.kind: (NUMBER,), FERMAT.kind: (TUPLE, NUMBER)}
        for _ in range(MAX_ROUNDS):
            outcomes: list[Outcome] = []
            if self.plan.name in self.items(self.plan.kind):
                outcomes.append(self.learner(after, before_write))
            for kind in below[self.plan.kind.kind]:  # the package's controllers, parent first
                outcomes.extend(RECONCILERS[kind.kind](self.admin, self.namespace, name)
                                for name in sorted(self.items(kind)))
            woken, self.woken = self.woken, False
            if not woken and not any(o.writes or o.stale for o in outcomes):
                return

    def resync_writes(self, after: str) -> list[Write]:
        return list(self.learner(after).writes)

    # what should be

    def verify(self, step: _Step) -> None:
        plan, fn = self.plan, self.function
        parent = self.get(plan.kind, plan.name)
        spec = parent["spec"][plan.spec_key]
        after = step.after
        if plan.child is not None:
            wanted = plan.wanted(plan.name, spec)
            existing = self.items(plan.child)
            for name in wanted:
                if name not in existing:
                    what = "it" if name == step.deleted else name
                    raise Hint(
                        f"{after} your {fn} ran but did not create {what}"
                        f"{' again' if name == step.deleted else ''} — compare the wanted "
                        "children with the ones that exist, not with the last change.")
            for name in wanted:
                refs = existing[name]["metadata"].get("ownerReferences") or []
                if not any(r.get("controller") and r.get("uid") == parent["metadata"]["uid"]
                           for r in refs):
                    raise Hint(
                        f"{after} your {fn} created {name} without a controller "
                        f"ownerReference to the {plan.kind.kind} {plan.name} — put "
                        "metadata.ownerReferences = [{apiVersion, kind, name, uid of the "
                        "parent, controller: True, blockOwnerDeletion: True}] in each child, so "
                        "its changes reach the parent (owner_of) and the garbage collector "
                        "deletes it with the parent.")
            for name, child_spec in wanted.items():
                got = {k: existing[name]["spec"].get(k) for k in child_spec}
                if got != child_spec:
                    raise Hint(
                        f"{after} your {fn} ran but {name} has spec {short(got)}, not "
                        f"{short(child_spec)} — compare each existing child's spec with the "
                        "wanted one and update it back when they differ.")
            for name in sorted(existing.keys() - wanted.keys()):
                raise Hint(
                    f"{after} your {fn} ran but {name} is still there — delete the children "
                    f"the {plan.kind.kind} controls but does not want: list the existing ones "
                    "and delete those not in the wanted set.")
        want = plan.status(spec, parent["metadata"]["generation"])
        status = parent.get("status") or {}
        got = {k: status.get(k) for k in want if k in status or k not in plan.optional_status}
        want = {k: want[k] for k in got}
        if got != want:
            bad = {k: got[k] for k in want if got[k] != want[k]}
            raise Hint(f"{after} your {fn} ran but the status has {short(bad, 200)}, expected "
                       f"{short({k: want[k] for k in bad}, 200)} — {step.fix}.")


def _with_api_client(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Stage 70's first form took ``(api_client, namespace, name)``: hand it the ApiClient."""
    try:
        first = next(iter(inspect.signature(fn).parameters), "")
    except (TypeError, ValueError):
        return fn
    if first != "api_client":
        return fn

    def adapted(api: client.CustomObjectsApi, namespace: str, name: str) -> Any:
        return fn(api.api_client, namespace, name)

    adapted.__name__ = getattr(fn, "__name__", "reconcile")
    return adapted


@contextlib.contextmanager
def scratch_namespace(api_client: client.ApiClient,
                      prefix: str = "mathctl-check-") -> Iterator[str]:
    """A namespace of its own for one check (``generateName``), deleted afterwards."""
    core = client.CoreV1Api(api_client)
    ns = core.create_namespace(client.V1Namespace(
        metadata=client.V1ObjectMeta(generate_name=prefix,
                                     labels={"app.kubernetes.io/managed-by": "mathctl-check"})))
    try:
        yield ns.metadata.name
    finally:
        with contextlib.suppress(ApiException):
            core.delete_namespace(ns.metadata.name)


# --- the faults ----------------------------------------------------------------------------------

STATUS_FIX = ("compute the status from the object as it is now and write it through /status "
              "when it differs")
STATE_FIX = ("compute from the object as it is now, not from what changed since the last call "
             "(a reconcile gets no event, only a name)")


@dataclass(frozen=True)
class _Step:
    """A fault: what is done by hand (``act``), while the controller is down or not."""

    after: str
    act: Callable[[_Bench], None]
    deleted: str = ""
    down: bool = False
    conflict: bool = False
    fix: str = STATUS_FIX


def _conflict_hook(bench: _Bench) -> Callable[[Write], None]:
    fired: list[Write] = []

    def before_write(write: Write) -> None:
        plan = bench.plan
        if not fired and write.kind == plan.kind.kind and write.name == plan.name \
                and write.verb in ("status", "update"):
            fired.append(write)
            bench.touch()

    return before_write


def _run(bench: _Bench, steps: list[_Step], faults: str) -> str:
    plan, fn = bench.plan, bench.function
    before = f"before the {plan.kind.kind} {plan.name} exists"
    if bench.learner(before).writes:
        raise Hint(f"{before}, your {fn} wrote something — return when the object is gone.")
    for step in steps:
        step.act(bench)
        if step.down:
            bench.start()
        bench.settle(step.after, _conflict_hook(bench) if step.conflict else None)
        bench.verify(step)
        writes = bench.resync_writes(f"a resync {step.after}")
        if writes:
            listed = ", ".join(f"{w.verb} {w.kind} {w.name}" for w in writes)
            raise Hint(
                f"{step.after} it converged, but a resync of the converged {plan.kind.kind} "
                f"made {len(writes)} write(s) ({listed}) — compare the wanted state with the "
                "current one and write only what differs: a converged object costs 0 writes.")
    bench.delete(plan.kind, plan.name)
    gone = f"after the {plan.kind.kind} {plan.name} was deleted"
    if bench.learner(gone).writes:
        raise Hint(f"{gone}, your {fn} still wrote — on a 404, return: nothing is left to do.")
    return (f"converged under every fault ({faults}); a resync of the converged "
            f"{plan.kind.kind} made 0 writes.")


@contextlib.contextmanager
def _bench(fn: Callable[..., Any], plan: _Plan, cluster: Any) -> Iterator[_Bench]:
    require_callable(fn, plan.function)
    admin = api_client_of(cluster)
    try:
        client.CustomObjectsApi(admin).list_namespaced_custom_object(
            GROUP, VERSION, "default", plan.kind.plural, limit=1)
    except ApiException as exc:
        if exc.status == 404:
            raise Hint("the API server does not know the mathctl kinds yet: run the cell with "
                       "apply_crds above first.") from None
        raise
    with scratch_namespace(admin) as namespace:
        bench = _Bench(fn, plan, admin, namespace)
        try:
            yield bench
        finally:
            bench.close()


@check("reconcile_number")
def check_reconcile_number(fn: Callable[..., Any], cluster: Any) -> str:
    """The learner's reconcile_number under missed events, hand edits, a restart and a 409."""
    def value(v: int) -> Callable[[_Bench], None]:
        return lambda b: b.edit(NUMBER, "n", {"value": v})

    def twice(b: _Bench) -> None:
        value(16)(b)
        value(25)(b)

    def by_hand(b: _Bench) -> None:
        b.api.patch_namespaced_custom_object_status(GROUP, VERSION, b.namespace, NUMBER.plural,
                                                    "n", {"status": {"fizzBuzz": "Fizz"}})

    steps = [
        _Step("after the Number n was created (value 15)",
              lambda b: b.create(NUMBER, "n", {"value": 15})),
        _Step("after spec.value was edited twice (16, then 25)", twice),
        _Step("after its status was edited by hand", by_hand, fix=STATE_FIX),
        _Step("after spec.value became 9 while the controller was down, and a restart",
              value(9), down=True),
        _Step("after a 409 Conflict on its write (value 30; someone wrote the Number between "
              "its read and its write)", value(30),
              conflict=True),
    ]
    with _bench(fn, _NUMBER, cluster) as bench:
        return _run(bench, steps, "missed events while down, a status edited by hand, a "
                                  "double edit, a restart, a 409 Conflict, the object deleted")


CHILD_FAULTS = ("missed events while down, a child deleted by hand, a child edited by hand, a "
                "stray child, a double edit, a restart, a 409 Conflict, the object deleted")


def _parent_steps(plan: _Plan, first: Any, edits: tuple[Any, Any], down: Any,
                  conflict: Any, edited: Spec) -> list[_Step]:
    kind, name, child = plan.kind, plan.name, plan.child
    assert child is not None
    key = plan.spec_key

    def stray(b: _Bench) -> None:
        b.create(child, f"{name}-7", edited, owner=b.get(kind, name))

    def twice(b: _Bench) -> None:
        b.edit(kind, name, {key: edits[0]})
        b.edit(kind, name, {key: edits[1]})

    def while_down(b: _Bench) -> None:
        b.delete(child, f"{name}-0")
        b.edit(kind, name, {key: down})

    return [
        _Step(f"after the {kind.kind} {name} was created ({key} {short(first)})",
              lambda b: b.create(kind, name, {key: first})),
        _Step(f"after {name}-1 was deleted by hand", lambda b: b.delete(child, f"{name}-1"),
              deleted=f"{name}-1"),
        _Step(f"after {name}-2 was edited by hand", lambda b: b.edit(child, f"{name}-2", edited)),
        _Step(f"after {name}-0 was deleted and spec.{key} became {short(down)} while the "
              "controller was down, and a restart", while_down, deleted=f"{name}-0", down=True,
              fix=STATE_FIX),
        _Step(f"after a stray {child.kind} {name}-7 controlled by {name} was created by hand",
              stray),
        _Step(f"after spec.{key} was edited twice ({short(edits[0])}, then {short(edits[1])})",
              twice),
        _Step(f"after a 409 Conflict on its write ({key} {short(conflict)}; someone wrote the "
              f"{kind.kind} between its read and its write)",
              lambda b: b.edit(kind, name, {key: conflict}), conflict=True),
    ]


@check("reconcile_tuple")
def check_reconcile_tuple(fn: Callable[..., Any], cluster: Any) -> str:
    """The learner's reconcile_tuple: children healed, strays deleted, status from children."""
    steps = _parent_steps(_TUPLE, [3, 4, 5], ([4, 9], [16, 9]), [1], [1, 2], {"value": 99})
    with _bench(fn, _TUPLE, cluster) as bench:
        return _run(bench, steps, CHILD_FAULTS)


@check("reconcile_fermat")
def check_reconcile_fermat(fn: Callable[..., Any], cluster: Any) -> str:
    """The learner's reconcile_fermat over the package's Tuple and Number controllers."""
    steps = _parent_steps(_FERMAT, 5, (4, 6), 2, 4, {"numbers": [7, 7]})
    with _bench(fn, _FERMAT, cluster) as bench:
        return _run(bench, steps, CHILD_FAULTS)


# --- owner_of (pure) ------------------------------------------------------------------------------


def _child(refs: list[dict[str, Any]] | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "t-0", "namespace": "ns"}
    if refs is not None:
        meta["ownerReferences"] = refs
    return {"apiVersion": API_VERSION, "kind": "Number", "metadata": meta,
            "spec": {"value": 3}}


def _ref(kind: str, name: str, controller: bool | None) -> dict[str, Any]:
    ref = {"apiVersion": API_VERSION, "kind": kind, "name": name, "uid": f"uid-{name}"}
    if controller is not None:
        ref["controller"] = controller
    return ref


OWNER_CASES: tuple[tuple[str, dict[str, Any], tuple[str, str, str] | None, str], ...] = (
    ("a Number controlled by Tuple t", _child([_ref("Tuple", "t", True)]), ("Tuple", "ns", "t"),
     "return (ref['kind'], obj['metadata']['namespace'], ref['name']) of the entry with "
     "controller: True"),
    ("a Number with no ownerReferences key", _child(None), None,
     "read obj['metadata'].get('ownerReferences') or [] — most objects have no owner"),
    ("a Number with ownerReferences: []", _child([]), None,
     "an empty list means no owner: return None"),
    ("a Number owned, but not controlled, by Tuple a", _child([_ref("Tuple", "a", False)]),
     None, "only the entry with controller: True counts; return None when there is none"),
    ("a Number with an owner without 'controller', then controlled by Tuple b",
     _child([_ref("Tuple", "a", None), _ref("Tuple", "b", True)]), ("Tuple", "ns", "b"),
     "pick the entry whose controller is True (ref.get('controller')), not the first one"),
    ("a Tuple controlled by Fermat f",
     {**_child([_ref("Fermat", "f", True)]), "kind": "Tuple"}, ("Fermat", "ns", "f"),
     "take the kind from the ownerReference, not a fixed 'Tuple'"),
)


@check("owner_of")
def check_owner_of(fn: Callable[[Mapping[str, Any]], Any]) -> str:
    """The learner's owner_of: the controller owner's (kind, namespace, name), or None."""
    require_callable(fn, "owner_of")
    owner = as_owner_of(fn)
    for what, obj, want, fix in OWNER_CASES:
        try:
            got = owner(obj)
        except LearnerCodeError as exc:
            raise Hint(f"for {what}: {exc.summary}") from None
        if got != want:
            raise Hint(f"for {what}, owner_of returned {short(got)}, expected {short(want)} — "
                       f"{fix}.")
    return (f"{len(OWNER_CASES)} objects right: the controller owner's (kind, namespace, name), "
            "None without one.")


# --- stage 40 (optional): the learner's event switch and reconcile, side by side ---------------


class _LearnerLoop:
    """The scenario harness's reconcile side with the learner's ``reconcile_tuple``: each event
    names its Tuple (itself, or a Number's controller), whose key is reconciled. Their calls go
    through the harness's own recording client, which counts every write."""

    def __init__(self, fn: Callable[..., Any], api: client.ApiClient, namespace: str) -> None:
        self.fn = _with_api_client(_fresh(fn))  # a start is a new process: memory is gone
        self.api = client.CustomObjectsApi(api)
        self.namespace = namespace

    def handle(self, event: Any) -> Any:
        from mathctl.scenarios.handling import Handling, short_error
        from mathctl.scenarios.reconcile_loop import tuple_key

        key = tuple_key(event["object"])
        if key is None:
            return Handling("no Tuple controls it: nothing to reconcile")
        try:
            self.fn(self.api, self.namespace, key)
        except ApiException as exc:
            if exc.status == 409:
                return Handling(f"reconcile {key}: {short_error(exc)}, requeued", retry=True)
            return Handling(explain(exc, _name(self.fn), kind=TUPLE.kind, name=key).summary)
        except Exception as exc:
            return Handling(explain(exc, _name(self.fn), kind=TUPLE.kind, name=key).summary)
        return Handling(f"reconcile {key}")


def _name(fn: Callable[..., Any]) -> str:
    return str(getattr(fn, "__name__", "reconcile_tuple"))


def _side(api: client.ApiClient, scenario: Any, factory: Any) -> Any:
    from mathctl.scenarios.harness import SideRun

    with scratch_namespace(api, prefix="mathctl-check-scn-") as namespace:
        run = SideRun(api, namespace, "event switch", scenario.tuple_name, factory=factory,
                      timeout=10.0)
        try:
            for step in scenario.steps:
                step.apply(run)
            return run.result()
        finally:
            run.close()


@check("event_switch_tuple")
def check_event_switch_tuple(fn: Callable[..., Any], cluster: Any,
                             reconcile_tuple: Callable[..., Any] | None = None) -> str:
    """Stage 40 (optional): every scenario's faults against the learner's event switch and
    their reconcile_tuple (the package's if not given), side by side."""
    from mathctl.controllers.learner import as_event_switch
    from mathctl.scenarios.catalog import SCENARIOS
    from mathctl.scenarios.reconcile_loop import ReconcileLoop

    require_callable(fn, "event_switch_tuple")
    api = api_client_of(cluster)
    switch = as_event_switch(fn)
    loop: Any = ReconcileLoop if reconcile_tuple is None else \
        (lambda a, ns: _LearnerLoop(reconcile_tuple, a, ns))
    whose = "the package's reconcile_tuple" if reconcile_tuple is None else \
        f"your {getattr(reconcile_tuple, '__name__', 'reconcile_tuple')}"
    diverged: list[str] = []
    for scenario in SCENARIOS.values():
        looped = _side(api, scenario, loop)
        if not looped.converged:
            raise Hint(f"in scenario {scenario.name} ({scenario.title.lower()}) {whose} "
                       f"{looped.verdict()} — check_reconcile_tuple({_name(reconcile_tuple)}, "
                       "cluster) names the fault and its fix." if reconcile_tuple else
                       f"in scenario {scenario.name} {whose} {looped.verdict()}.")
        switched = _side(api, scenario, switch)
        errors = [e.note for e in switched.timeline
                  if " raised " in e.note or "is not written yet" in e.note]
        if any("is not written yet" in note for note in errors):
            raise Hint(next(n for n in errors if "is not written yet" in n))
        if scenario.name == "happy-path" and not switched.converged:
            raise Hint(f"on the happy path your event_switch_tuple {switched.verdict()}"
                       + (f" ({errors[0]})" if errors else "") + " — on ADDED create a Number "
                       "per entry, on MODIFIED create, update and delete to match the new "
                       "spec, on DELETED nothing (the garbage collector removes the children).")
        if not switched.converged:
            diverged.append(f"{scenario.name} ({'; '.join(switched.differences)})")
    total = len(SCENARIOS)
    return (f"{whose} converged in all {total} scenarios; your event_switch_tuple converged in "
            f"{total - len(diverged)} of {total}"
            + (f" and diverged in: {', '.join(diverged)}" if diverged else "")
            + " — it acts on what changed, so a missed or replayed event leaves it wrong.")
