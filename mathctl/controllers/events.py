"""Kubernetes Events for what the controllers did, so ``kubectl describe`` tells the story.

Why it exists: a learner who deletes ``t-1`` by hand and runs ``kubectl describe tuple t``
expects to read "Recreated Number t-1", as a Deployment's describe shows its ReplicaSets being
scaled. Controllers record Events through ``events.k8s.io/v1`` (client-go's
``tools/events`` recorder): the object an Event is about (``regarding``), the one it acted on
(``related``), what it did (``action``), why (``reason``) and a sentence (``note``).

The recorder listens to the dispatcher's outcomes (:data:`~mathctl.controllers.dispatcher.
OutcomeListener`), so every reconcile the operator runs — the package's or the learner's —
gets its Events, and the reconcile functions stay free of them (the scenario harness and the
tests count their writes exactly). Only a *change* is recorded: a write the reconcile made, or
a ``Ready=False`` reason that a person must act on appearing (``ChildNameTaken``,
``InvalidSpec``, ``TooManyChildren``). A converged
resync makes no write and repeats no problem, so it records nothing — the workshop's "a
converged system writes nothing" stays true. Events are posted from a thread of their own
(never the operator's event loop), and a failure (no RBAC for events, a server that does not
serve them) is logged once at debug level and never fails a reconcile.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from kubernetes.client import ApiClient, EventsV1Api

from mathctl.controllers.outcome import Outcome, Write

logger = logging.getLogger("mathctl.controllers.events")

REPORTING_CONTROLLER = "math.mathctl.example/controller"
"""``reportingController``: a qualified name, as events.k8s.io/v1 validation requires."""

Lookup = Callable[[str, str, str], Mapping[str, Any] | None]
"""``(kind, namespace, name) -> body``: the operator's cache, for uids and conditions."""

WARNING_REASONS = ("ChildNameTaken", "InvalidSpec", "TooManyChildren")
_ACTIONS = {"create": "Create", "update": "Update", "delete": "Delete"}


def event_body(regarding: Mapping[str, Any], *, reason: str, action: str, note: str,
               type_: str = "Normal", related: Mapping[str, Any] | None = None,
               instance: str, now: datetime | None = None) -> dict[str, Any]:
    """An ``events.k8s.io/v1`` Event about ``regarding`` (a body or an object reference).

    Named ``<object>.<hex nanoseconds>`` as client-go names them, so names never collide.
    """
    meta = regarding.get("metadata") or {}
    ref = {k: v for k, v in {
        "apiVersion": regarding.get("apiVersion"), "kind": regarding.get("kind"),
        "namespace": meta.get("namespace"), "name": meta.get("name"), "uid": meta.get("uid"),
        "resourceVersion": meta.get("resourceVersion"),
    }.items() if v}
    at = now or datetime.now(UTC)
    body: dict[str, Any] = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": f"{meta.get('name')}.{time.time_ns():x}",
                     "namespace": meta.get("namespace")},
        "eventTime": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "reportingController": REPORTING_CONTROLLER,
        "reportingInstance": instance,
        "action": action,
        "reason": reason,
        "regarding": ref,
        "note": note[:1024],  # the API's limit for a note
        "type": type_,
    }
    if related:
        body["related"] = dict(related)
    return body


class EventRecorder:
    """An outcome listener that turns a reconcile's writes and new problems into Events."""

    def __init__(self, api: ApiClient, lookup: Lookup, *,
                 instance: str | None = None) -> None:
        self.api = EventsV1Api(api)
        self.lookup = lookup
        self.instance = instance or f"mathctl-{socket.gethostname()}"[:128]
        self._created: set[tuple[str, str, str]] = set()
        self._problems: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._queue: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self._failed = False  # set before the thread starts: it reads it
        self._thread = threading.Thread(target=self._post_all, name="mathctl-events",
                                        daemon=True)
        self._thread.start()

    def __call__(self, key: Any, outcome: Outcome, started: float) -> None:
        """Called by the dispatcher after each reconcile (``key``: kind, namespace, name)."""
        if not outcome.found:
            return
        parent = self.lookup(outcome.kind, outcome.namespace, outcome.name)
        if parent is None:
            return
        for write in outcome.writes:
            if write.verb in _ACTIONS and (write.kind, write.name) != (outcome.kind,
                                                                       outcome.name):
                self._queue.put(self._child_event(parent, outcome.namespace, write))
        self._problem_events(parent, outcome)

    def close(self, timeout: float = 5.0) -> None:
        """Post what is queued, then stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout)

    # --- what to say ---------------------------------------------------------------------------

    def _child_event(self, parent: Mapping[str, Any], namespace: str,
                     write: Write) -> dict[str, Any]:
        child = (namespace, write.kind, write.name)
        related = {"apiVersion": parent.get("apiVersion"), "kind": write.kind,
                   "namespace": namespace, "name": write.name}
        if write.verb == "create":
            again = child in self._created
            self._created.add(child)
            reason, note = (("Recreated", f"Put back {write.kind} {write.name}, which was "
                             "deleted") if again else
                            ("Created", f"Created {write.kind} {write.name}"))
        elif write.verb == "delete":
            self._created.discard(child)
            reason, note = "Deleted", f"Deleted {write.kind} {write.name}, no longer wanted"
        else:
            reason, note = ("Restored", f"Put {write.kind} {write.name} back as wanted "
                            "(it was edited)")
        return event_body(parent, reason=reason, action=_ACTIONS[write.verb], note=note,
                          related=related, instance=self.instance)

    def _problem_events(self, parent: Mapping[str, Any], outcome: Outcome) -> None:
        """A Warning when the parent's Ready condition turns to a reason a person must act on
        (as the operator's cache shows it); said once per reason and message, not per resync."""
        key = (outcome.kind, outcome.namespace, outcome.name)
        ready = next((c for c in (parent.get("status") or {}).get("conditions") or ()
                      if c.get("type") == "Ready"), None)
        problem = None
        if ready and ready.get("status") == "False" and ready.get("reason") in WARNING_REASONS:
            problem = (str(ready["reason"]), str(ready.get("message") or ready["reason"]))
        if problem is None:
            self._problems.pop(key, None)
            return
        if self._problems.get(key) == problem:
            return
        self._problems[key] = problem
        self._queue.put(event_body(parent, reason=problem[0], action="Reconcile",
                                   note=problem[1], type_="Warning", instance=self.instance))

    # --- posting -------------------------------------------------------------------------------

    def _post_all(self) -> None:
        while (body := self._queue.get()) is not None:
            try:
                self.api.create_namespaced_event(body["metadata"]["namespace"], body)
            except Exception as exc:  # Events are best effort: never fail a reconcile
                if not self._failed:
                    self._failed = True
                    logger.debug("cannot record Events (%s); the controllers go on without",
                                 exc)


def attach(dispatcher: Any, api: ApiClient) -> EventRecorder:
    """Record Events for ``dispatcher``'s reconciles (the operator's cache gives the uids)."""
    recorder = EventRecorder(api, dispatcher.cache.get)
    dispatcher.listeners.append(recorder)
    return recorder


__all__ = ["EventRecorder", "attach", "event_body"]
