"""The ServiceExpose reconcile function: read three objects, ask the pure core, do what it says.

Why it exists: it is the I/O half of the capstone operator (notebook ``80-service-expose``).
Everything that decides — the desired Ingress, whether the current one is ours, what drifted,
which conditions to report — is pure and lives in :mod:`mathctl.core.expose`. This module only

1. **observes** the ServiceExpose, the Ingress of the same name and the backend Service,
2. hands them to :func:`mathctl.core.expose.plan`, and
3. **acts**: creates the Ingress, or replaces it (carrying the resourceVersion it read, so a
   concurrent edit answers 409 and the whole pass starts again from a fresh read), or leaves
   it alone; then writes the ServiceExpose status through its ``/status`` subresource, only
   when it changed.

It is level-based like the Number/Tuple/Fermat reconciles in
:mod:`mathctl.controllers.reconcile`: it takes a key, not an event, and a second call with
nothing changed makes no write (the returned :class:`~mathctl.controllers.outcome.Outcome`
says so). Deletion needs no code: the Ingress carries a controller ownerReference, so the
API server's garbage collector removes it with its ServiceExpose.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kubernetes.client import ApiClient, CoreV1Api, CustomObjectsApi, NetworkingV1Api
from kubernetes.client.exceptions import ApiException

from mathctl.controllers.cache import Cache
from mathctl.controllers.objects import (
    FIELD_MANAGER,
    BeforeWrite,
    describe_error,
    is_already_exists,
    is_conflict,
    is_namespace_terminating,
)
from mathctl.controllers.outcome import Outcome, Verb, Write
from mathctl.controllers.reconcile import KindInfo
from mathctl.core.expose import Action, Conflict, Create, Nothing, Update, not_ready, plan
from mathctl.resources.service_expose import (
    GROUP,
    KIND,
    PLURAL,
    SERVICE_EXPOSE,
    VERSION,
    ServiceExpose,
    ServiceExposeStatus,
)
from mathctl.resources.wire import WireError, from_wire, to_wire

Body = dict[str, Any]
Clock = Callable[[], datetime]

MAX_ATTEMPTS = 5
"""Passes per call when writes keep meeting 409 Conflict; then the dispatcher retries later."""
REJECTED = frozenset({400, 422})
"""Answers that mean "this Ingress is invalid": 422 from validation, 400 from a webhook."""


class ConflictsPersist(RuntimeError):
    """Every pass met a 409; the dispatcher's backoff retries the key later."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def reconcile_service_expose(
    api: ApiClient,
    namespace: str,
    name: str,
    *,
    before_write: BeforeWrite | None = None,
    now: Clock = utc_now,
    cache: Cache | None = None,
) -> Outcome:
    """Make the Ingress of ServiceExpose ``namespace``/``name`` what it asks for; report status.

    ``before_write`` is called before every write (tests use it to change the world between
    the read and the write, which must end in a 409 and a fresh pass, never a lost update);
    ``now()`` gives the time of condition transitions. Same contract as the reconciles in
    :mod:`mathctl.controllers.reconcile`, except that ``cache`` is accepted and not used: a
    pass is three GETs by name (no LIST to save), and two of the objects — the Ingress and
    the Service — are not in the operator's cache.
    """
    outcome = Outcome(KIND, namespace, name)
    io = _Cluster(api, namespace, outcome, before_write)
    for _ in range(MAX_ATTEMPTS):
        try:
            _reconcile_once(io, name, now)
        except ApiException as exc:
            if is_namespace_terminating(exc):
                return outcome  # the namespace controller is deleting everything: let it
            if not (is_conflict(exc) or is_already_exists(exc)):
                raise
            outcome.conflicts += 1
            continue
        return outcome
    raise ConflictsPersist(f"{KIND} {namespace}/{name}: {MAX_ATTEMPTS} passes in a row met "
                           "409 Conflict; will retry.")


SERVICE_EXPOSE_KIND = KindInfo(SERVICE_EXPOSE, reconcile_service_expose, owner=None)
"""The operator's table entry; opt-in (``Operator(service_expose=True)``,
``mathctl run --service-expose``), since it needs RBAC on Ingresses and Services."""


def _reconcile_once(io: _Cluster, name: str, now: Clock) -> None:
    # Observe: the ServiceExpose, the Ingress of the same name, the backend Service.
    body = io.get(io.custom_get, name)
    if body is None:
        io.outcome.found = False
        return  # plan(None, …) is Nothing: the garbage collector deletes an Ingress we owned
    ingress = io.get(io.networking.read_namespaced_ingress, name)
    try:
        se = ServiceExpose.from_dict(body)
    except WireError as err:  # a body the CRD schema did not stop (or an older CRD)
        message = f"{err} The Ingress is left as it is."
        io.outcome.problems.append(message)
        _write_status(io, body, not_ready(_status_of(body), _generation(body), "InvalidSpec",
                                          message, now=now()))
        return
    service = io.get(io.core.read_namespaced_service, se.spec.service_name)
    # Diff: everything that decides is pure.
    result = plan(se, io.namespace, ingress, service, now=now())
    if result.status is None:  # being deleted: leave it to the garbage collector
        return
    status = result.status
    if isinstance(result.action, Conflict | Nothing) and result.action.reason not in {
            "InSync", "Gone"}:
        io.outcome.problems.append(result.action.message)
    # Action.
    try:
        _act(io, result.action)
    except ApiException as exc:
        if exc.status not in REJECTED:
            raise
        # The server refused the Ingress (an annotation key it does not accept, or an
        # admission webhook such as ingress-nginx's said no). No retry can help until the
        # ServiceExpose changes, so the status says what to fix.
        message = (f"The API server rejected the Ingress: {describe_error(exc)}. Fix the "
                   "ServiceExpose spec (often spec.annotations).")
        io.outcome.problems.append(message)
        status = not_ready(status, se.metadata.generation, "IngressRejected", message,
                           now=now())
    _write_status(io, body, status)


def _act(io: _Cluster, action: Action) -> None:
    if isinstance(action, Create):
        io.write("create", "Ingress", action.ingress["metadata"]["name"],
                 lambda: io.networking.create_namespaced_ingress(
                     io.namespace, action.ingress, field_manager=FIELD_MANAGER,
                     _preload_content=False))
    elif isinstance(action, Update):
        io.write("update", "Ingress", action.ingress["metadata"]["name"],
                 lambda: io.networking.replace_namespaced_ingress(
                     action.ingress["metadata"]["name"], io.namespace, action.ingress,
                     field_manager=FIELD_MANAGER, _preload_content=False))
    # Nothing and Conflict write nothing to the Ingress: that is the point of them.


def _write_status(io: _Cluster, body: Body, status: ServiceExposeStatus) -> None:
    """PUT the status through ``/status`` if it differs from what was read (with the
    resourceVersion that was read: a spec change since then answers 409 and we start over)."""
    wanted = to_wire(status)
    if (body.get("status") or {}) == wanted:
        return
    name = body["metadata"]["name"]
    io.write("status", KIND, name, lambda: io.custom.replace_namespaced_custom_object_status(
        GROUP, VERSION, io.namespace, PLURAL, name, {**body, "status": wanted},
        field_manager=FIELD_MANAGER, _preload_content=False))


def _status_of(body: Body) -> ServiceExposeStatus | None:
    try:
        return from_wire(ServiceExposeStatus, body.get("status") or {}, "status")
    except WireError:
        return None


def _generation(body: Body) -> int | None:
    generation = (body.get("metadata") or {}).get("generation")
    return generation if isinstance(generation, int) else None


class _Cluster:
    """Reads of the three objects (None when absent) and counted writes, for one namespace."""

    def __init__(self, api: ApiClient, namespace: str, outcome: Outcome,
                 before_write: BeforeWrite | None) -> None:
        self.namespace = namespace
        self.outcome = outcome
        self.before_write = before_write
        self.custom = CustomObjectsApi(api)
        self.networking = NetworkingV1Api(api)
        self.core = CoreV1Api(api)

    def custom_get(self, name: str, namespace: str, **kwargs: Any) -> Any:
        return self.custom.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL,
                                                        name, **kwargs)

    def get(self, read: Callable[..., Any], name: str) -> Body | None:
        """``read(name, namespace)`` as the raw JSON the server sent, or None on 404.

        Raw, not the client's typed model: a model round-trip renames fields and reformats
        timestamps, and the diff must compare exactly what the server holds.
        """
        try:
            response = read(name, self.namespace, _preload_content=False)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise
        return json.loads(response.data)  # type: ignore[no-any-return]

    def write(self, verb: Verb, kind: str, name: str, send: Callable[[], Any]) -> None:
        write = Write(verb, kind, name)
        if self.before_write is not None:
            self.before_write(write)
        send()
        self.outcome.writes.append(write)
