"""The reconcile side of the scenarios: every event only names a key, and the key is reconciled.

Why it exists: the lesson contrasts control flow, not code, so this side runs the workshop's
real ``reconcile_tuple`` from :mod:`mathctl.controllers.reconcile` unchanged. All this module
adds is what sits in front of it in any level-based controller (sample-controller's
``handleObject``, the dispatcher in :mod:`mathctl.controllers.dispatcher`): a Tuple event
becomes the Tuple's key, a Number event becomes the key of the Tuple that controls it (its
controller ownerReference), and the event's type is forgotten. A failed reconcile asks to be
retried, as a work queue would requeue it.

One simplification, stated plainly: every delivery triggers one reconcile, where a work queue
would merge deliveries for a key that is already waiting. That can only make this side do
*more* reconciles; since a reconcile of a converged Tuple writes nothing, it adds no writes.
Used by :mod:`mathctl.scenarios.harness` and shown in the scenarios notebook.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

from mathctl.controllers.objects import controller_of
from mathctl.controllers.outcome import Outcome
from mathctl.controllers.reconcile import reconcile_tuple
from mathctl.resources.group import API_VERSION, TUPLE
from mathctl.scenarios.handling import Handling, short_error
from mathctl.scenarios.watching import WatchEvent


def tuple_key(obj: Mapping[str, Any]) -> str | None:
    """The name of the Tuple an event is about: the Tuple itself, or a Number's controller."""
    if obj.get("kind") == TUPLE.kind:
        return str(obj["metadata"]["name"])
    ref = controller_of(obj)
    if ref is not None and ref.get("kind") == TUPLE.kind and ref.get("apiVersion") == API_VERSION:
        return str(ref["name"])
    return None


class ReconcileLoop:
    """Map each event to its Tuple's key and call the real ``reconcile_tuple`` for it."""

    def __init__(self, api: ApiClient, namespace: str) -> None:
        self.api = api
        self.namespace = namespace
        self.outcomes: list[Outcome] = []

    def handle(self, event: WatchEvent) -> Handling:
        key = tuple_key(event["object"])
        if key is None:
            return Handling("no Tuple controls it: nothing to reconcile")
        try:
            outcome = reconcile_tuple(self.api, self.namespace, key)
        except ApiException as exc:
            return Handling(f"reconcile {key} failed, requeued: {short_error(exc)}", retry=True)
        self.outcomes.append(outcome)
        if not outcome.found:
            return Handling(f"reconcile {key}: gone, nothing to do")
        return Handling(f"reconcile {key}" + ("" if outcome.writes else ": in sync"))
