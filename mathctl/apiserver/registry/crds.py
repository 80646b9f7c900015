"""CustomResourceDefinitions: validating them, serving their resources, cleaning up after them.

A real cluster runs this as controllers inside kube-apiserver (``apiextensions-apiserver``'s
naming, establishing and finalizer controllers); here one asyncio task plays all three, fed
by the store's change feed:

* a new or changed CRD gets ``status.acceptedNames`` and the conditions ``NamesAccepted`` and
  ``Established`` (True, with the real reasons and messages), and its versions are served;
* a deleted CRD (the delete added the ``customresourcecleanup.apiextensions.k8s.io``
  finalizer) gets ``Terminating``, all its objects are deleted (their own finalizers are
  honoured), then the finalizer goes and the resource stops being served.
"""

from __future__ import annotations

import logging
from typing import Any

from mathctl.apiserver.controllers.queueing import CoalescingQueue
from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.endpoints.handlers import Handlers, Options
from mathctl.apiserver.fieldmanager import managedfields
from mathctl.apiserver.registry import meta
from mathctl.apiserver.registry.registry import CR_VERBS, META_FIELDS, Registry, Resource
from mathctl.apiserver.storage.store import Change, Store

log = logging.getLogger(__name__)
# The apiextensions controllers run inside kube-apiserver; rest.go's prefixFromUserAgent
# turns their user agent into this manager name.
KUBE_APISERVER = "kube-apiserver"

CRD_STORAGE = "apiextensions.k8s.io/customresourcedefinitions"
CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"


def resources_for(crd: dict[str, Any]) -> list[Resource]:
    """The served resources of a CRD, one per served version."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    resources = []
    for version in spec.get("versions") or []:
        if not version.get("served"):
            continue
        subresources = version.get("subresources") or {}
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        resources.append(Resource(
            group=spec["group"], version=version["name"], plural=names["plural"],
            kind=names["kind"], namespaced=spec.get("scope") == "Namespaced",
            singular=names.get("singular") or names["kind"].lower(),
            short_names=tuple(names.get("shortNames") or ()),
            categories=tuple(names.get("categories") or ()),
            has_status="status" in subresources, tracks_generation=True, verbs=CR_VERBS,
            is_custom=True, schema=schema,
            printer_columns=list(version.get("additionalPrinterColumns") or []),
            field_selectors=META_FIELDS if spec.get("scope") == "Namespaced"
            else frozenset({"metadata.name"}),
        ))
    return resources


def storage_version(crd: dict[str, Any]) -> str:
    spec = crd.get("spec") or {}
    for version in spec.get("versions") or []:
        if version.get("storage"):
            return f"{spec['group']}/{version['name']}"
    return ""


def validation_causes(crd: dict[str, Any]) -> list[dict[str, str]]:
    """Defaults and validates a CRD as kube does on decode and create (``schema.validate_crd``)."""
    from mathctl.apiserver.validation import schema

    schema.apply_crd_defaults(crd)
    return [problem.cause() for problem in schema.validate_crd(crd)]


def _condition(kind: str, status: str, reason: str, message: str) -> dict[str, str]:
    return {"type": kind, "status": status, "lastTransitionTime": meta.now(),
            "reason": reason, "message": message}


def _set_condition(status: dict[str, Any], condition: dict[str, str]) -> None:
    conditions = status.setdefault("conditions", [])
    for i, existing in enumerate(conditions):
        if existing.get("type") == condition["type"]:
            if (existing.get("status"), existing.get("reason")) != (
                    condition["status"], condition["reason"]):
                conditions[i] = condition
            return
    conditions.append(condition)


class CrdController:
    """Keeps the registry in step with stored CRDs and finishes their deletion."""

    def __init__(self, store: Store, registry: Registry, handlers: Handlers) -> None:
        self.store = store
        self.registry = registry
        self.handlers = handlers
        self.queue: CoalescingQueue[str] = CoalescingQueue()
        # CR storage key -> CRD name, for noticing when the last object of a dying CRD goes.
        self._storage_to_crd: dict[str, str] = {}
        for entry in store.list(CRD_STORAGE, ""):
            self._serve(entry.obj)
            self.queue.put(entry.obj["metadata"]["name"])
        store.listeners.append(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.storage == CRD_STORAGE:
            self.queue.put(change.name)
        elif change.type == "DELETED" and change.storage in self._storage_to_crd:
            # Only a dying CRD waits for its objects to go (not every delete of a Number).
            crd_name = self._storage_to_crd[change.storage]
            crd = self.store.get(CRD_STORAGE, "", crd_name)
            if crd is None or crd.obj["metadata"].get("deletionTimestamp"):
                self.queue.put(crd_name)

    def _serve(self, crd: dict[str, Any]) -> None:
        name = crd["metadata"]["name"]
        conditions = {c.get("type"): c.get("status")
                      for c in (crd.get("status") or {}).get("conditions") or []}
        if conditions.get("Established") == "True" or conditions.get("NamesAccepted") == "True":
            resources = resources_for(crd)
            self.registry.set_custom(name, resources)
            if resources:
                self.registry.storage_versions[resources[0].storage] = storage_version(crd)
                self._storage_to_crd[resources[0].storage] = name

    async def run(self) -> None:
        await self.queue.run(self.reconcile, "reconciling CRD")

    def reconcile(self, name: str) -> None:
        entry = self.store.get(CRD_STORAGE, "", name)
        if entry is None:
            self.registry.set_custom(name, [])
            return
        crd = entry.obj
        if crd["metadata"].get("deletionTimestamp"):
            self._finalize(entry.copy())
            return
        status = entry.copy().get("status") or {}
        names = dict(crd["spec"]["names"])
        names.setdefault("singular", names["kind"].lower())
        names.setdefault("listKind", f"{names['kind']}List")
        before = entry.copy().get("status") or {}
        status["acceptedNames"] = names
        _set_condition(status, _condition("NamesAccepted", "True", "NoConflicts",
                                          "no conflicts found"))
        _set_condition(status, _condition("Established", "True", "InitialNamesAccepted",
                                          "the initial names have been accepted"))
        stored = status.setdefault("storedVersions", [])
        version = storage_version(crd).rpartition("/")[2]
        if version and version not in stored:
            stored.append(version)
        if status != before:
            obj = entry.copy()
            obj["status"] = status
            self._record(entry.obj, obj)
            entry = self.store.put(CRD_STORAGE, obj)
        self._serve(entry.obj)

    def _record(self, old: dict[str, Any], new: dict[str, Any], subresource: str = "status"
                ) -> None:
        """Record the write in ``new``'s managedFields as kube's own CRD controllers are
        recorded: updates through the status subresource (the finalizer's removal through
        the object) by the manager ``kube-apiserver``, which their user agent names."""
        resource = self.registry.for_storage(CRD_STORAGE)
        if resource is not None:
            managedfields.on_write(resource, old, new, KUBE_APISERVER, subresource)

    def _finalize(self, crd: dict[str, Any]) -> None:
        """crd_finalizer.go: mark Terminating, delete every instance, drop the finalizer."""
        if CLEANUP_FINALIZER not in (crd["metadata"].get("finalizers") or []):
            return
        resources = resources_for(crd)
        status = crd.setdefault("status", {})
        remaining = 0
        if resources:
            resource = resources[0]
            for obj_entry in self.store.list(resource.storage, None):
                md = obj_entry.obj["metadata"]
                remaining += 1
                if md.get("deletionTimestamp"):
                    continue
                try:
                    self.handlers.delete(resource, md.get("namespace", ""), md["name"], {},
                                         Options())
                except errors.ApiError as exc:
                    log.warning("deleting %s/%s failed: %s", md.get("namespace"), md["name"],
                                exc.message)
            remaining = self.store.count(resource.storage)
        if remaining:
            _set_condition(status, _condition("Terminating", "True",
                                              "InstanceDeletionInProgress",
                                              "CustomResource deletion is in progress"))
            current = self.store.get(CRD_STORAGE, "", crd["metadata"]["name"])
            if current is not None and current.obj.get("status") != status:
                self._record(current.obj, crd)
                self.store.put(CRD_STORAGE, crd)
            return
        _set_condition(status, _condition("Terminating", "False", "InstanceDeletionCompleted",
                                          "removed all instances"))
        self.registry.set_custom(crd["metadata"]["name"], [])
        crd["metadata"]["finalizers"] = [f for f in crd["metadata"]["finalizers"]
                                         if f != CLEANUP_FINALIZER]
        if crd["metadata"]["finalizers"]:
            current = self.store.get(CRD_STORAGE, "", crd["metadata"]["name"])
            if current is not None:
                self._record(current.obj, crd, "")
            self.store.put(CRD_STORAGE, crd)
        else:
            self.store.delete(CRD_STORAGE, "", crd["metadata"]["name"])
