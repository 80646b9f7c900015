"""Garbage collection by ownerReferences, the way kube-controller-manager's collector does it.

A real cluster runs this outside the API server (``pkg/controller/garbagecollector``); the
embedded server runs it inside, as one asyncio task fed by the store's change feed, so that
what a learner sees is what a cluster does:

* an object whose owners are all gone (or never existed, matched by uid) is deleted —
  Background propagation, the default for custom resources;
* an owner deleted with ``propagationPolicy: Foreground`` carries the ``foregroundDeletion``
  finalizer: its dependents are deleted first, and it goes once no dependent with
  ``blockOwnerDeletion: true`` remains;
* an owner deleted with ``Orphan`` carries the ``orphan`` finalizer: its dependents lose the
  ownerReference and stay; then the finalizer goes;
* a dependent with another owner still present only loses the references to absent owners.

Owners are identified by uid, and looked up where the collector looks: in the dependent's
namespace for namespaced owners, among cluster-scoped objects otherwise.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.endpoints.handlers import FOREGROUND, ORPHAN, Handlers, Options
from mathctl.apiserver.registry.conversion import view
from mathctl.apiserver.registry.registry import Registry
from mathctl.apiserver.storage.store import Change, Store

log = logging.getLogger(__name__)

Key = tuple[str, str, str]   # storage, namespace, name


def _refs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return list((obj.get("metadata") or {}).get("ownerReferences") or [])


class GarbageCollector:
    """The dependency graph (by uid) and the work queue that acts on it."""

    def __init__(self, store: Store, registry: Registry, handlers: Handlers) -> None:
        self.store = store
        self.registry = registry
        self.handlers = handlers
        self.where: dict[str, Key] = {}                 # uid -> object
        self.dependents: dict[str, set[Key]] = {}       # owner uid -> dependents
        self.queue: asyncio.Queue[tuple[str, Key]] = asyncio.Queue()
        for key, entry in store.items():
            self._index(key, None, entry.obj)
            self._consider(key, entry.obj)
        store.listeners.append(self._on_change)

    # -- the graph -----------------------------------------------------------------------

    def _index(self, key: Key, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        if old is not None:
            for ref in _refs(old):
                self.dependents.get(ref.get("uid", ""), set()).discard(key)
            uid = old["metadata"].get("uid")
            if uid and new is None:
                self.where.pop(uid, None)
        if new is not None:
            uid = new["metadata"].get("uid")
            if uid:
                self.where[uid] = key
            for ref in _refs(new):
                self.dependents.setdefault(ref.get("uid", ""), set()).add(key)

    def _consider(self, key: Key, obj: dict[str, Any]) -> None:
        md = obj["metadata"]
        if md.get("deletionTimestamp") and set(md.get("finalizers") or ()) & {ORPHAN,
                                                                              FOREGROUND}:
            self.queue.put_nowait(("owner", key))
        if _refs(obj):
            self.queue.put_nowait(("dependent", key))

    def _on_change(self, change: Change) -> None:
        key = (change.storage, change.namespace, change.name)
        old = change.prev.obj if change.prev is not None else None
        if change.type == "DELETED":
            self._index(key, old, None)
            uid = change.entry.obj["metadata"].get("uid", "")
            for dependent in list(self.dependents.get(uid, ())):
                self.queue.put_nowait(("dependent", dependent))
            for ref in _refs(change.entry.obj):
                owner = self.where.get(ref.get("uid", ""))
                if owner is not None:
                    self.queue.put_nowait(("owner", owner))
            return
        new = change.entry.obj
        new_md = new["metadata"]
        if old is not None:
            old_md = old["metadata"]
            refs_changed = old_md.get("ownerReferences") != new_md.get("ownerReferences")
            if not refs_changed and old_md.get("uid") == new_md.get("uid"):
                # The commonest write (spec or status): the graph stays as it is.
                if old_md.get("finalizers") != new_md.get("finalizers") or old_md.get(
                        "deletionTimestamp") != new_md.get("deletionTimestamp"):
                    self._consider(key, new)
                return
        self._index(key, old, new)
        if old is None or _refs(old) != _refs(new) or (
                new_md.get("finalizers") != old["metadata"].get("finalizers")) or (
                new_md.get("deletionTimestamp") != old["metadata"].get("deletionTimestamp")):
            self._consider(key, new)
        if old is not None and _refs(old) != _refs(new):
            for ref in _refs(old):
                owner = self.where.get(ref.get("uid", ""))
                if owner is not None:
                    self.queue.put_nowait(("owner", owner))

    def owner_of(self, ref: dict[str, Any], dependent: Key) -> dict[str, Any] | None:
        """The owner a reference points at, if it exists where the collector would look."""
        key = self.where.get(ref.get("uid", ""))
        if key is None:
            return None
        entry = self.store.get(*key)
        if entry is None:
            return None
        owner_namespace = key[1]
        if owner_namespace and owner_namespace != dependent[1]:
            return None   # a namespaced owner must be in the dependent's namespace
        if entry.obj.get("kind") != ref.get("kind"):
            return None
        return entry.obj

    # -- the work ------------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            kind, key = await self.queue.get()
            try:
                if kind == "owner":
                    self.process_owner(key)
                else:
                    self.attempt_to_delete(key)
            except errors.ApiError as exc:
                if exc.code not in (404, 409):
                    log.warning("garbage collection of %s failed: %s", key, exc.message)
            except Exception:  # a bug here must not stop the server
                log.exception("garbage collection of %s failed", key)

    def attempt_to_delete(self, key: Key) -> None:
        """garbagecollector.go attemptToDeleteItem, for one dependent."""
        entry = self.store.get(*key)
        resource = self.registry.for_storage(key[0])
        if entry is None or resource is None:
            return
        obj = entry.obj
        md = obj["metadata"]
        refs = _refs(obj)
        if not refs:
            return
        if md.get("deletionTimestamp") and FOREGROUND not in (md.get("finalizers") or ()):
            return
        solid, dangling, waiting = [], [], []
        for ref in refs:
            owner = self.owner_of(ref, key)
            if owner is None:
                dangling.append(ref)
            elif owner["metadata"].get("deletionTimestamp") and FOREGROUND in (
                    owner["metadata"].get("finalizers") or ()):
                waiting.append(ref)
            else:
                solid.append(ref)
        if solid:
            gone = {r.get("uid") for r in dangling + waiting}
            if gone:
                new = view(resource, entry)
                new["metadata"]["ownerReferences"] = [r for r in refs if r.get("uid") not in gone]
                if not new["metadata"]["ownerReferences"]:
                    del new["metadata"]["ownerReferences"]
                self.handlers.replace(resource, new)
            return
        if md.get("deletionTimestamp"):
            return
        finalizers = md.get("finalizers") or []
        if waiting and self.dependents.get(md.get("uid", "")):
            policy = "Foreground"
        elif ORPHAN in finalizers:
            policy = "Orphan"
        elif FOREGROUND in finalizers:
            policy = "Foreground"
        else:
            policy = "Background"
        self.handlers.delete(resource, key[1], key[2],
                             {"propagationPolicy": policy,
                              "preconditions": {"uid": md.get("uid")}}, Options())

    def process_owner(self, key: Key) -> None:
        """An owner being deleted with the orphan or foregroundDeletion finalizer."""
        entry = self.store.get(*key)
        resource = self.registry.for_storage(key[0])
        if entry is None or resource is None:
            return
        md = entry.obj["metadata"]
        finalizers = md.get("finalizers") or []
        if not md.get("deletionTimestamp"):
            return
        uid = md.get("uid", "")
        dependents = [(k, e) for k in sorted(self.dependents.get(uid, ()))
                      if (e := self.store.get(*k)) is not None]
        if ORPHAN in finalizers:
            for dep_key, dep in dependents:
                dep_resource = self.registry.for_storage(dep_key[0])
                if dep_resource is None:
                    continue
                new = view(dep_resource, dep)
                new["metadata"]["ownerReferences"] = [
                    r for r in _refs(new) if r.get("uid") != uid]
                if not new["metadata"]["ownerReferences"]:
                    del new["metadata"]["ownerReferences"]
                self.handlers.replace(dep_resource, new)
            self._drop_finalizer(key, ORPHAN)
            return
        if FOREGROUND not in finalizers:
            return
        blocking = [k for k, e in dependents if any(
            r.get("uid") == uid and r.get("blockOwnerDeletion") for r in _refs(e.obj))]
        if not blocking:
            self._drop_finalizer(key, FOREGROUND)
            return
        for dep_key, dep in dependents:
            if not dep.obj["metadata"].get("deletionTimestamp"):
                self.attempt_to_delete(dep_key)

    def _drop_finalizer(self, key: Key, finalizer: str) -> None:
        entry = self.store.get(*key)
        resource = self.registry.for_storage(key[0])
        if entry is None or resource is None:
            return
        new = view(resource, entry)
        new["metadata"]["finalizers"] = [
            f for f in new["metadata"].get("finalizers") or [] if f != finalizer]
        if not new["metadata"]["finalizers"]:
            del new["metadata"]["finalizers"]
        self.handlers.replace(resource, new)
