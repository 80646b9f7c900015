"""The kopf wiring: a fresh registry whose handlers only turn events into keys.

Why kopf's ``@kopf.on.create`` / ``@kopf.on.update`` alone would be *edge-based*: they run
once per detected change (kopf calls it "edge-based triggering" in its docs). kopf decides
what changed by diffing the object against the last state it handled, which it stores in an
annotation on the object, and it adds a finalizer so it can run ``on.delete``. A handler that
was not running when a child was deleted by hand, or that crashed between two writes, is not
called again until the *parent* changes — and an operator that is down blocks every deletion.
So this wiring uses only ``@kopf.on.event``: it adds no finalizer and no annotation, kopf
lists every object when it starts (a free resync after a restart), and the handler does not
act on the event at all — it hands the object's key, and its controller owner's key, to the
:class:`~mathctl.controllers.dispatcher.Dispatcher`, which runs one level-based reconcile per
key. A periodic resync in the dispatcher covers anything still missed.

Handlers must return ``None``: kopf stores a handler's return value in the object's status.

kopf settings tuned here (see :func:`configure_settings`) and why:

- ``posting.enabled = False`` — no Kubernetes Events from kopf itself (it would post one per
  handler run, converged or not). The operator records its own Events, only for changes
  (:mod:`mathctl.controllers.events`), so a converged system still makes zero writes.
- ``process.ultimate_exiting_timeout = None`` (notebook and ``mathctl run``) — otherwise kopf
  SIGKILLs the *whole process* if the operator ever ends other than through its stop flag: in a
  notebook that is the kernel. ``kopf run`` (a pod) keeps kopf's default safety net.
- ``watching.server_timeout = 300``, ``client_timeout = 330``, ``connect_timeout = 10`` — ask
  the API server to end each watch after five minutes and give up on a silent connection a
  little later, so a half-open TCP connection (laptop sleep, a proxy) cannot leave the
  operator deaf; kopf resumes from the last resourceVersion, so nothing is missed.
- ``networking.request_timeout = 60`` — kopf's own list/discovery requests fail (and are
  retried) in a minute rather than five.
- ``peering.standalone = True`` — no peering objects to look for: one operator per scope (the
  notebook runner enforces it in a process).
- ``scanning.disabled = True`` — kopf discovers the three kinds once at start instead of
  watching every CRD and namespace cluster-wide: a learner whose RBAC covers only their own
  namespace can still run it, and the runner checks that the CRDs are served before it starts
  (kopf would otherwise wait for them without a word).
- ``persistence`` stays at kopf's defaults but is never used: with only ``on.event`` handlers
  kopf has no progress or diff-base to store. The integration tests check that no object ever
  gets a kopf annotation or finalizer.

Used by :mod:`mathctl.controllers.runner` (notebook and ``mathctl run``) and
:mod:`mathctl.controllers.kopf_main` (``kopf run``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import kopf

from mathctl.controllers.dispatcher import Dispatcher, Key
from mathctl.resources.group import KindNames
from mathctl.resources.service_expose import SERVICE_EXPOSE

LoginFn = Callable[..., kopf.ConnectionInfo | None]


def configure_settings(settings: kopf.OperatorSettings, *, embedded_in_process: bool = True,
                       ) -> kopf.OperatorSettings:
    """Apply mathctl's kopf settings (listed in the module docstring) to ``settings``."""
    settings.posting.enabled = False
    settings.peering.standalone = True
    settings.scanning.disabled = True
    settings.watching.server_timeout = 300
    settings.watching.client_timeout = 330
    settings.watching.connect_timeout = 10
    settings.networking.request_timeout = 60
    if embedded_in_process:
        settings.process.ultimate_exiting_timeout = None
    return settings


def build_registry(
    dispatcher: Dispatcher,
    *,
    registry: kopf.OperatorRegistry | None = None,
    login: LoginFn | None = None,
) -> kopf.OperatorRegistry:
    """Register the event handlers (and ``login``, if given) on a fresh registry.

    Pass ``registry=kopf.get_default_registry()`` only for ``kopf run``; everywhere else a fresh
    registry per start keeps re-run notebook cells from registering every handler twice.
    """
    registry = registry if registry is not None else kopf.OperatorRegistry()

    @kopf.on.startup(registry=registry, id="mathctl-start-dispatcher")
    async def start_dispatcher(**_: Any) -> None:
        await dispatcher.start()

    @kopf.on.cleanup(registry=registry, id="mathctl-stop-dispatcher")
    async def stop_dispatcher(**_: Any) -> None:
        await dispatcher.stop()

    for info in dispatcher.kinds.values():
        _register_kind(registry, dispatcher, info.names)
    if SERVICE_EXPOSE.kind in dispatcher.kinds:
        _register_service_expose_wakers(registry, dispatcher)

    if login is not None:
        kopf.on.login(registry=registry, id="mathctl-login")(login)
    return registry


def _register_kind(registry: kopf.OperatorRegistry, dispatcher: Dispatcher,
                   names: KindNames) -> None:
    @kopf.on.event(names.group, names.version, names.plural, registry=registry,
                   id=f"mathctl-{names.plural}")
    async def on_event(type: str | None, body: kopf.Body, **_: Any) -> None:
        dispatcher.observe(names.kind, type, body)


def _register_service_expose_wakers(registry: kopf.OperatorRegistry,
                                    dispatcher: Dispatcher) -> None:
    """A ServiceExpose also depends on objects that name no owner it could be found by: the
    Ingress of its name (its own, or someone else's that blocks it and may go away) and its
    backend Service. Their events wake the ServiceExposes of their namespace that the
    dispatcher knows; the reconcile reads everything else."""
    kind = SERVICE_EXPOSE.kind

    @kopf.on.event("networking.k8s.io", "v1", "ingresses", registry=registry,
                   id="mathctl-ingresses")
    async def on_ingress(body: kopf.Body, **_: Any) -> None:
        key = Key(kind, body.metadata.namespace or "", body.metadata.name or "")
        if key in dispatcher.known:
            dispatcher.enqueue(key)

    @kopf.on.event("", "v1", "services", registry=registry, id="mathctl-services")
    async def on_service(body: kopf.Body, **_: Any) -> None:
        for key in dispatcher.known:
            if key.kind == kind and key.namespace == body.metadata.namespace:
                dispatcher.enqueue(key)
