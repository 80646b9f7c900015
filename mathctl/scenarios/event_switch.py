"""The event switch: the Tuple controller people imagine first, written honestly.

Why it exists: the workshop's second lesson (slides in ``seeds/004``; notebook
``40-event-switch-vs-reconcile``) shows ``while event := wait(): switch event: …`` and says
*this is not how controllers work*. To make that convincing, this module is the switch as a
careful newcomer writes it — not a strawman. For the same Tuple → Numbers relation as the real
reconcile loop (:mod:`mathctl.controllers.reconcile`) and with the same pure functions
(:func:`~mathctl.core.desired.tuple_children`, :func:`~mathctl.core.desired.diff_children`),
its children are built exactly like the loop's (``new_child`` of
:mod:`mathctl.controllers.children`): a Number ``<tuple>-<i>`` per entry, carrying the Tuple's
controller label and a controller ownerReference. Tuple → Numbers rather than the
slides' ConfigMap/Deployment/Service because then both sides share one desired-state function
and the workshop's own resources, so the only difference left is the control flow.

What it does, case by case (every other event falls through to "ignored"):

- Tuple ADDED — a new Tuple: create one child per entry.
- Tuple MODIFIED — diff the Tuple it remembers (the previous event's object, which is what an
  informer's cache hands ``OnUpdate`` as ``old``) against the new one, and create, update or
  delete exactly the children that changed.
- Tuple DELETED — delete the children of the deleted Tuple (the garbage collector would too,
  through the ownerReferences; no scenario here deletes a Tuple).
- Number DELETED — self-healing, the handout's third step: if the Tuple it remembers still
  wants that child, create it again.

It handles every event it expects correctly (the happy-path scenario shows it). What it cannot
do is notice anything it has no event for, or that an event's premise no longer holds: ADDED
means "new", so on a restart or a replay it creates children that already exist, the create
fails, and a failed handler is logged and its event dropped — the switch has no retry and no
read of the actual state. Each case added to patch one scenario leaves the next one open;
following that road to its end gives the reconcile loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubernetes.client import ApiClient, CustomObjectsApi
from kubernetes.client.exceptions import ApiException

from mathctl.controllers.children import new_child
from mathctl.controllers.objects import controller_of
from mathctl.core.desired import ChildNumber, desired_specs, diff_children, tuple_children
from mathctl.resources.group import GROUP, NUMBER, TUPLE, VERSION
from mathctl.resources.wire import to_wire
from mathctl.scenarios.handling import Handling, short_error
from mathctl.scenarios.watching import WatchEvent

Body = Mapping[str, Any]


class EventSwitch:
    """React to each watch event with the action its type calls for, nothing more."""

    def __init__(self, api: ApiClient, namespace: str) -> None:
        self.custom = CustomObjectsApi(api)
        self.namespace = namespace
        self.known: dict[str, Body] = {}
        """The last version of each Tuple this process saw (empty after a restart)."""

    def handle(self, event: WatchEvent) -> Handling:
        obj = event["object"]
        kind = obj.get("kind")
        try:
            match event["type"]:
                case "ADDED" if kind == TUPLE.kind:
                    return self.tuple_added(obj)
                case "MODIFIED" if kind == TUPLE.kind:
                    return self.tuple_modified(obj)
                case "DELETED" if kind == TUPLE.kind:
                    return self.tuple_deleted(obj)
                case "DELETED" if kind == NUMBER.kind:
                    return self.number_deleted(obj)
                case _:
                    return Handling(f"no case for {kind} {event['type']}: ignored")
        except ApiException as exc:  # log it and wait for the next event, as the loop does
            return Handling(f"handler failed on {short_error(exc)}; event dropped")

    # --- the cases -------------------------------------------------------------------------

    def tuple_added(self, tup: Body) -> Handling:
        name = tup["metadata"]["name"]
        self.known[name] = tup
        children = tuple_children(name, _numbers(tup))
        for child in children:
            self.create(tup, child)
        return Handling(f"created {len(children)} children")

    def tuple_modified(self, tup: Body) -> Handling:
        name = tup["metadata"]["name"]
        old = self.known.get(name)
        self.known[name] = tup
        before = desired_specs(tuple_children(name, _numbers(old) if old else []))
        after = desired_specs(tuple_children(name, _numbers(tup)))
        diff = diff_children(after, before)
        if diff.empty:
            return Handling("numbers unchanged: nothing to do")
        for child, spec in diff.create:
            self.create(tup, ChildNumber(child, spec.value))
        for child, spec in diff.update:
            self.custom.patch_namespaced_custom_object(
                GROUP, VERSION, self.namespace, NUMBER.plural, child,
                {"spec": {"value": spec.value}})
        for child in diff.delete:
            self.custom.delete_namespaced_custom_object(
                GROUP, VERSION, self.namespace, NUMBER.plural, child)
        return Handling("applied the change in numbers")

    def tuple_deleted(self, tup: Body) -> Handling:
        name = tup["metadata"]["name"]
        self.known.pop(name, None)
        for child in tuple_children(name, _numbers(tup)):
            self.custom.delete_namespaced_custom_object(
                GROUP, VERSION, self.namespace, NUMBER.plural, child.name)
        return Handling("deleted its children")

    def number_deleted(self, number: Body) -> Handling:
        ref = controller_of(number)
        owner = self.known.get(ref["name"]) if ref and ref.get("kind") == TUPLE.kind else None
        if owner is None:
            return Handling("not a child of a Tuple it knows: nothing to do")
        name = number["metadata"]["name"]
        for child in tuple_children(owner["metadata"]["name"], _numbers(owner)):
            if child.name == name:
                self.create(owner, child)
                return Handling("a wanted child was deleted: created it again")
        return Handling("a child nobody wants any more: nothing to do")

    # --- writes ----------------------------------------------------------------------------

    def create(self, owner: Body, child: ChildNumber) -> None:
        body = new_child(NUMBER, child.name, to_wire(child.spec), owner, self.namespace)
        self.custom.create_namespaced_custom_object(GROUP, VERSION, self.namespace,
                                                    NUMBER.plural, body)


def _numbers(tup: Body) -> list[int]:
    return list((tup.get("spec") or {}).get("numbers") or [])
