"""The three reconcile loops: read the object, compute what should be, make it so.

This is what the workshop teaches (notebooks 10-number, 20-tuple, 30-fermat render these
functions). Each one is a plain synchronous function on the official client — no kopf, no
event — and the same function is right whatever woke it and however often it runs:

    reconcile_number(api, namespace, name, *, before_write=None, now=utc_now, cache=None)
    reconcile_tuple(api, namespace, name, *, before_write=None, now=utc_now, cache=None)
    reconcile_fermat(api, namespace, name, *, before_write=None, now=utc_now, cache=None)

``api`` is a ``kubernetes.client.ApiClient``. ``before_write(write)`` is called before every
write (tests use it to force a real conflict); ``now()`` gives the time for condition
transitions; ``cache`` (the operator passes its watch-fed
:class:`~mathctl.controllers.cache.Cache`) serves the reads instead of the server. The returned
:class:`~mathctl.controllers.outcome.Outcome` lists the writes made.
These signatures are a contract: the operator (``dispatcher``), the scenario harness
(``mathctl.scenarios``) and ``bench/controllers.py`` call them.

One pass: **observe** — get the object (gone → nothing to do: the server's garbage collector
removes its children; being deleted, or its namespace being deleted → leave it be); **compute**
— the desired status and children with the pure functions of :mod:`mathctl.core.desired`;
**converge** — create, put back, update or delete children
(:mod:`mathctl.controllers.children`), then write the status through the ``/status`` subresource
*only if it differs*, so a converged object costs reads and no write. Every write carries the
resourceVersion it was based on; a 409 Conflict means someone wrote in between, so the pass
starts again from a fresh read of the server (at most ``MAX_ATTEMPTS`` passes, then the
dispatcher retries later with backoff). Reading from a cache, a fresh read is the cache after the
conflicting write's watch event: the reconcile stops (``Outcome.stale``) and the dispatcher
queues the key again (see :mod:`mathctl.controllers.cache` for why it does not read the server
instead).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

from mathctl.controllers.cache import Cache
from mathctl.controllers.children import (
    PARSED,
    Children,
    NamespaceTerminating,
    StaleRead,
    converge_children,
)
from mathctl.controllers.objects import BeforeWrite, Body, Objects, is_conflict
from mathctl.controllers.outcome import Outcome
from mathctl.core.desired import (
    align_children,
    fermat_children,
    fermat_status,
    number_status,
    tuple_children,
    tuple_status,
)
from mathctl.resources.conditions import READY, Condition, set_condition
from mathctl.resources.fermats import Fermat, FermatStatus
from mathctl.resources.group import FERMAT, NUMBER, TUPLE, KindNames
from mathctl.resources.numbers import Number, NumberStatus
from mathctl.resources.tuples import Tuple, TupleStatus
from mathctl.resources.wire import from_wire, to_wire

Clock = Callable[[], datetime]

MAX_ATTEMPTS = 5
"""Passes per call when writes keep meeting 409 Conflict; then the dispatcher retries later."""

REASON_CHILD_NAME_TAKEN = "ChildNameTaken"
REASON_INVALID = "InvalidSpec"


class ConflictsPersist(RuntimeError):
    """Every pass met a 409; the dispatcher's backoff retries the key later."""


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- the three reconcile loops ---------------------------------------------------------------


def reconcile_number(api: ApiClient, namespace: str, name: str, *,
                     before_write: BeforeWrite | None = None, now: Clock = utc_now,
                     cache: Cache | None = None) -> Outcome:
    """Converge Number ``namespace/name``: status ``fizzBuzz``, ``isSquare``, Ready."""

    def one_pass(objects: Objects) -> None:
        found = _observe(objects, Number, name)
        if found is None:
            return
        body, number = found
        current = number.status or NumberStatus()
        status = number_status(number.spec.value, number.metadata.generation or 0,
                               conditions=current.conditions, now=now())
        write_status_if_changed(objects, NUMBER, body, to_wire(status))

    return _with_conflict_retries(NUMBER, api, namespace, name, before_write, cache,
                                  one_pass)


def reconcile_tuple(api: ApiClient, namespace: str, name: str, *,
                    before_write: BeforeWrite | None = None, now: Clock = utc_now,
                    cache: Cache | None = None) -> Outcome:
    """Converge Tuple ``namespace/name``: one Number ``<name>-<i>`` per entry, then its status."""

    def one_pass(objects: Objects) -> None:
        found = _observe(objects, Tuple, name)
        if found is None:
            return
        body, tup = found
        generation = tup.metadata.generation or 0
        conditions = (tup.status or TupleStatus()).conditions
        try:
            wanted = tuple_children(name, tup.spec.numbers)
        except ValueError as exc:
            _report_invalid(objects, TUPLE, body, str(exc), conditions, generation, now)
            return
        children = converge_children(objects, body, Number, wanted)
        objects.outcome.problems.extend(children.problems)
        observed = [PARSED.parse(Number, c) for c in children.by_name.values()]
        status = tuple_status(align_children(wanted, observed), generation,
                              numbers=tup.spec.numbers, conditions=conditions, now=now())
        status_wire = _with_problems(to_wire(status), children, generation, now)
        write_status_if_changed(objects, TUPLE, body, status_wire)

    return _with_conflict_retries(TUPLE, api, namespace, name, before_write, cache,
                                  one_pass)


def reconcile_fermat(api: ApiClient, namespace: str, name: str, *,
                     before_write: BeforeWrite | None = None, now: Clock = utc_now,
                     cache: Cache | None = None) -> Outcome:
    """Converge Fermat ``namespace/name``: Tuples ``[i, n-i]`` for i = 0 … n//2, then its status.

    Above ``MAX_FERMAT_NUMBER`` the wanted tree is empty (any earlier tree is deleted) and the
    status says ``Ready=False`` with reason ``TooManyChildren``, still reporting the answer.
    """

    def one_pass(objects: Objects) -> None:
        found = _observe(objects, Fermat, name)
        if found is None:
            return
        body, fermat = found
        n = fermat.spec.number
        generation = fermat.metadata.generation or 0
        conditions = (fermat.status or FermatStatus()).conditions
        try:
            wanted = fermat_children(name, n)
        except ValueError as exc:
            _report_invalid(objects, FERMAT, body, str(exc), conditions, generation, now)
            return
        children = converge_children(objects, body, Tuple, wanted)
        objects.outcome.problems.extend(children.problems)
        observed = [PARSED.parse(Tuple, c) for c in children.by_name.values()]
        status = fermat_status(n, align_children(wanted, observed), generation,
                               conditions=conditions, now=now())
        status_wire = _with_problems(to_wire(status), children, generation, now)
        write_status_if_changed(objects, FERMAT, body, status_wire)

    return _with_conflict_retries(FERMAT, api, namespace, name, before_write, cache,
                                  one_pass)


# --- the table the operator is built from ----------------------------------------------------


class ReconcileFn(Protocol):
    def __call__(self, api: ApiClient, namespace: str, name: str, *,
                 before_write: BeforeWrite | None = None, now: Clock = utc_now,
                 cache: Cache | None = None) -> Outcome: ...


@dataclass(frozen=True)
class KindInfo:
    """One controller: the kind it reconciles, its reconcile loop, and its children's owner."""

    names: KindNames
    reconcile: ReconcileFn
    owner: KindNames | None
    """The kind that controls objects of this kind (its events wake that owner), if any."""

    @property
    def kind(self) -> str:
        return self.names.kind


KINDS: tuple[KindInfo, ...] = (
    KindInfo(NUMBER, reconcile_number, owner=TUPLE),
    KindInfo(TUPLE, reconcile_tuple, owner=FERMAT),
    KindInfo(FERMAT, reconcile_fermat, owner=None),
)

RECONCILERS: dict[str, ReconcileFn] = {k.kind: k.reconcile for k in KINDS}
"""``{"Number": reconcile_number, "Tuple": reconcile_tuple, "Fermat": reconcile_fermat}``."""


# --- shared steps ----------------------------------------------------------------------------


def write_status_if_changed(objects: Objects, kind: KindNames, body: Mapping[str, Any],
                            status: Mapping[str, Any]) -> bool:
    """PUT ``status`` to the ``/status`` subresource unless the object already has exactly it.

    The PUT carries the resourceVersion that was read, so it fails with 409 if anything wrote
    in between — the status is never computed from one version and written onto another.
    """
    if body.get("status") == status:
        return False
    updated = copy.deepcopy(dict(body))
    updated["status"] = dict(status)
    objects.update_status(kind, updated)
    return True


def _with_conflict_retries(kind: KindNames, api: ApiClient, namespace: str, name: str,
                           before_write: BeforeWrite | None, cache: Cache | None,
                           one_pass: Callable[[Objects], None]) -> Outcome:
    outcome = Outcome(kind.kind, namespace, name)
    objects = Objects(api, namespace, outcome, before_write, cache)
    for _ in range(MAX_ATTEMPTS):
        outcome.problems.clear()  # problems describe the last pass; writes all happened
        try:
            one_pass(objects)
            return outcome
        except NamespaceTerminating:
            return outcome  # the namespace controller is deleting everything: let it
        except StaleRead:
            outcome.conflicts += 1
        except ApiException as exc:
            if not is_conflict(exc):
                raise
            outcome.conflicts += 1
        if cache is not None:  # the cache is behind: its next state arrives with the watch
            outcome.stale = True
            return outcome
    raise ConflictsPersist(
        f"{kind.kind} {namespace}/{name}: {MAX_ATTEMPTS} passes in a row met a 409 Conflict "
        "(something else keeps writing to it); retrying later")


def _observe(objects: Objects, model: Any, name: str) -> tuple[Body, Any] | None:
    """The object as read and as its typed model, or None when there is nothing to do: it is
    gone, being deleted, or does not fit the model (then that is the outcome's problem)."""
    body = objects.get(model.KIND, name)
    if body is None:
        objects.outcome.found = False
        return None
    if (body.get("metadata") or {}).get("deletionTimestamp"):
        return None  # leave it to the garbage collector and whoever holds a finalizer
    try:
        return body, PARSED.parse(model, body)
    except ValueError as exc:
        objects.outcome.problems.append(f"{REASON_INVALID}: {exc}")
        return None


def _report_invalid(objects: Objects, kind: KindNames, body: Mapping[str, Any], message: str,
                    conditions: Sequence[Condition], generation: int, now: Clock) -> None:
    """Spec the API accepted but the controller cannot act on: say so in Ready, keep the rest."""
    objects.outcome.problems.append(f"{REASON_INVALID}: {message}")
    ready = set_condition(conditions, type=READY, status="False", reason=REASON_INVALID,
                          message=message, observed_generation=generation, now=now())
    status = dict(body.get("status") or {})
    status["observedGeneration"] = generation
    status["conditions"] = [to_wire(c) for c in ready]
    write_status_if_changed(objects, kind, body, status)


def _with_problems(status: dict[str, Any], children: Children, generation: int,
                   now: Clock) -> dict[str, Any]:
    """Override Ready with ``ChildNameTaken`` when a wanted child's name is held by another."""
    if not children.problems:
        return status
    current = [_condition(c) for c in status.get("conditions") or ()]
    ready = set_condition(current, type=READY, status="False", reason=REASON_CHILD_NAME_TAKEN,
                          message=" ".join(children.problems), observed_generation=generation,
                          now=now())
    return {**status, "conditions": [to_wire(c) for c in ready]}


def _condition(wire: Mapping[str, Any]) -> Condition:
    return from_wire(Condition, wire)
