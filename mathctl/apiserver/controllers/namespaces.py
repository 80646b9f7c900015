"""Namespace deletion, as kube-controller-manager's namespace controller does it.

``DELETE /api/v1/namespaces/x`` only marks the namespace (``deletionTimestamp``, phase
``Terminating``; it keeps the ``kubernetes`` entry in ``spec.finalizers``). This asyncio task,
fed by the store's change feed, then deletes everything in it (Background propagation; objects
with finalizers wait for their controllers), reports progress in the namespace's conditions
(``NamespaceContentRemaining``, ``NamespaceFinalizersRemaining``, with the controller's
words), and once the namespace is empty removes its finalizer, which deletes it.
"""

from __future__ import annotations

import logging
from typing import Any

from mathctl.apiserver.controllers.queueing import CoalescingQueue
from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.endpoints.handlers import CONTROLLER_MANAGER, Handlers, Options
from mathctl.apiserver.fieldmanager import managedfields
from mathctl.apiserver.fieldmanager.managedfields import manager_name
from mathctl.apiserver.registry import meta
from mathctl.apiserver.registry.conversion import view
from mathctl.apiserver.registry.registry import Registry, Resource
from mathctl.apiserver.storage.store import Change, Store

log = logging.getLogger(__name__)

CONDITIONS = {  # type -> (ok reason, ok message): status_condition_utils.go
    "NamespaceDeletionDiscoveryFailure": ("ResourcesDiscovered",
                                          "All resources successfully discovered"),
    "NamespaceDeletionGroupVersionParsingFailure": ("ParsedGroupVersions",
                                                    "All legacy kube types successfully parsed"),
    "NamespaceDeletionContentFailure": ("ContentDeleted", "All content successfully deleted, "
                                        "may be waiting on finalization"),
    "NamespaceContentRemaining": ("ContentRemoved", "All content successfully removed"),
    "NamespaceFinalizersRemaining": ("ContentHasNoFinalizers",
                                     "All content-preserving finalizers finished"),
}


class NamespaceController:
    """Empties and then removes namespaces that are being deleted."""

    def __init__(self, store: Store, registry: Registry, handlers: Handlers) -> None:
        self.store = store
        self.registry = registry
        self.handlers = handlers
        self.queue: CoalescingQueue[str] = CoalescingQueue()
        self.terminating: set[str] = set()
        for entry in store.list("namespaces", ""):
            if entry.obj["metadata"].get("deletionTimestamp"):
                self.terminating.add(entry.obj["metadata"]["name"])
                self.queue.put(entry.obj["metadata"]["name"])
        store.listeners.append(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.storage == "namespaces":
            if change.type != "DELETED" and change.entry.obj["metadata"].get("deletionTimestamp"):
                if change.name not in self.terminating:
                    self.terminating.add(change.name)
                    self.queue.put(change.name)
            elif change.type == "DELETED":
                self.terminating.discard(change.name)
        elif change.namespace in self.terminating and (
                change.type == "DELETED" or change.entry.obj["metadata"].get("deletionTimestamp")):
            self.queue.put(change.namespace)

    async def run(self) -> None:
        await self.queue.run(self.reconcile, "deleting namespace")

    def reconcile(self, name: str) -> None:
        ns_entry = self.store.get("namespaces", "", name)
        if ns_entry is None or not ns_entry.obj["metadata"].get("deletionTimestamp"):
            return
        remaining: dict[str, int] = {}
        finalizers: dict[str, int] = {}
        for (storage, namespace, obj_name), entry in self.store.in_namespace(name):
            resource = self.registry.for_storage(storage)
            md = entry.obj["metadata"]
            if resource is None:   # its CRD is gone: nothing serves it any more
                self.store.delete(storage, namespace, obj_name)
                continue
            if not md.get("deletionTimestamp"):
                try:
                    self.handlers.delete(resource, namespace, obj_name,
                                         {"propagationPolicy": "Background"}, Options())
                except errors.ApiError as exc:
                    if exc.code != 404:
                        log.warning("deleting %s/%s: %s", namespace, obj_name, exc.message)
            if self.store.get(storage, namespace, obj_name) is not None:
                label = f"{resource.plural}.{resource.group}"
                remaining[label] = remaining.get(label, 0) + 1
                for finalizer in self.store.get(storage, namespace, obj_name).obj[  # type: ignore[union-attr]
                        "metadata"].get("finalizers") or []:
                    finalizers[finalizer] = finalizers.get(finalizer, 0) + 1
        namespaces = self.registry.for_storage("namespaces")
        assert namespaces is not None
        obj = view(namespaces, ns_entry)
        self._set_conditions(obj, remaining, finalizers)
        if not remaining:
            obj.setdefault("spec", {})["finalizers"] = [
                f for f in (obj.get("spec") or {}).get("finalizers") or [] if f != "kubernetes"]
            if not obj["spec"]["finalizers"]:
                del obj["spec"]["finalizers"]
        if obj != ns_entry.obj:
            if not remaining and not obj["metadata"].get("finalizers") and not (
                    obj.get("spec") or {}).get("finalizers"):
                self.store.delete("namespaces", "", name)
            else:
                _record(namespaces, ns_entry.obj, obj)
                self.store.put("namespaces", obj)

    @staticmethod
    def _set_conditions(obj: dict[str, Any], remaining: dict[str, int],
                        finalizers: dict[str, int]) -> None:
        status = obj.setdefault("status", {})
        failing: dict[str, tuple[str, str]] = {}
        if remaining:
            failing["NamespaceContentRemaining"] = ("SomeResourcesRemain",
                                                    "Some resources are remaining: " + ", ".join(
                sorted(f"{r} has {n} resource instances" for r, n in remaining.items())))
        if finalizers:
            failing["NamespaceFinalizersRemaining"] = (
                "SomeFinalizersRemain",
                "Some content in the namespace has finalizers remaining: " + ", ".join(
                    sorted(f"{f} in {n} resource instances" for f, n in finalizers.items())))
        conditions = status.setdefault("conditions", [])
        by_type = {c["type"]: c for c in conditions}
        for kind, (ok_reason, ok_message) in CONDITIONS.items():
            state, (reason, message) = ("True", failing[kind]) if kind in failing else (
                "False", (ok_reason, ok_message))
            old = by_type.get(kind)
            if old and (old["status"], old["reason"], old["message"]) == (state, reason,
                                                                           message):
                continue
            new = {"type": kind, "status": state, "lastTransitionTime": meta.now(),
                   "reason": reason, "message": message}
            if old:
                conditions[conditions.index(old)] = new
            else:
                conditions.append(new)


def _record(resource: Resource, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Record the namespace controller's write in managedFields as kube records it: its
    conditions through ``/status``, the emptied ``spec.finalizers`` through ``/finalize``,
    both by the manager ``kube-controller-manager`` (its user agent's prefix)."""
    manager = manager_name("", CONTROLLER_MANAGER)
    if new.get("status") != old.get("status"):
        step = {**old, "status": new.get("status")}
        if "status" not in new:
            del step["status"]
        step["metadata"] = {**old["metadata"]}
        managedfields.on_write(resource, old, step, manager, "status")
        old = step
    managedfields.on_write(resource, old, new, manager, "finalize")
