"""What the watch has told the operator so far: the latest body of every object, and who
controls whom — an informer's store and index, fed by kopf's events.

Why it exists: a reconcile reads before it writes, and reading from the API server each time
costs the server a GET per object and a LIST per parent — and a LIST with a label selector is
a scan of the whole namespace, so a Fermat(4999) tree (7 500 objects) spends most of its time
in the server answering the controller's own questions. Real controllers read from an
in-memory cache that the watch keeps current (client-go's informers, controller-runtime's
cached client); so does this operator. The dispatcher puts every event's object here before
it queues the key, so a reconcile always sees at least the state that woke it.

A cache can be behind the server. That is safe because every write carries the
resourceVersion it was computed from: a write based on a stale read answers 409 Conflict, the
reconcile stops, and the key is queued again — the conflicting write's own watch event brings
the cache up to date and wakes the key anyway. The reconcile does *not* switch to reading the
server instead: the watches of different kinds run on different connections, so a pass that
read the server could see a child's new state that a later pass, reading the cache, does not
see yet, and the parent's status would flap back. Reading only the cache, each later pass sees
every object at least as new as the pass before. A child that the cache has not seen yet but
that exists answers "AlreadyExists" on create, and is then looked up on the server. So the
cache saves reads; it never decides anything on its own.

Bodies here are shared between threads and must be treated as read-only. Used by
:mod:`mathctl.controllers.dispatcher` (writes) and :mod:`mathctl.controllers.objects` (reads).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

Body = dict[str, Any]
ObjectKey = tuple[str, str, str]  # kind, namespace, name


def json_copy(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars), several times faster than
    ``copy.deepcopy``, which matters at one copy per watch event."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


def _controller_uid(body: Mapping[str, Any]) -> str | None:
    for ref in (body.get("metadata") or {}).get("ownerReferences") or ():
        if ref.get("controller"):
            uid = ref.get("uid")
            return uid if isinstance(uid, str) else None
    return None


class Cache:
    """Latest bodies by ``(kind, namespace, name)`` and children by controller uid."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._objects: dict[ObjectKey, Body] = {}
        self._children: dict[tuple[str, str], set[ObjectKey]] = {}  # (kind, owner uid) -> keys

    def __len__(self) -> int:
        return len(self._objects)

    def apply(self, kind: str, event_type: str | None, body: Mapping[str, Any]) -> None:
        """Record what a watch event says about an object (``DELETED`` removes it)."""
        meta = body.get("metadata") or {}
        key = (kind, meta.get("namespace") or "", meta.get("name") or "")
        with self._lock:
            old = self._objects.pop(key, None)
            if old is not None:
                self._unindex(kind, key, old)
            if event_type != "DELETED":
                fresh = json_copy(dict(body))
                self._objects[key] = fresh
                uid = _controller_uid(fresh)
                if uid is not None:
                    self._children.setdefault((kind, uid), set()).add(key)

    def _unindex(self, kind: str, key: ObjectKey, body: Body) -> None:
        uid = _controller_uid(body)
        if uid is None:
            return
        keys = self._children.get((kind, uid))
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._children[(kind, uid)]

    def get(self, kind: str, namespace: str, name: str) -> Body | None:
        """The last body the watch delivered, or None if none (or deleted)."""
        with self._lock:
            return self._objects.get((kind, namespace, name))

    def controlled_by(self, kind: str, namespace: str, owner_uid: str) -> list[Body]:
        """Objects of ``kind`` in ``namespace`` whose controller ownerReference has that uid."""
        with self._lock:
            keys = self._children.get((kind, owner_uid), ())
            return [self._objects[k] for k in keys if k[1] == namespace]

    def object_keys(self) -> list[ObjectKey]:
        with self._lock:
            return list(self._objects)


class ParsedModels:
    """Typed models parsed from bodies, remembered by (kind, uid, resourceVersion).

    A body with the same uid and resourceVersion is the same object state, so it need not be
    parsed again: a Fermat(4999) reconcile reads 2 500 Tuples, and parsing each costs more than
    everything else it does. Bounded: forgets everything when it grows past ``limit``.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._models: dict[tuple[str, str, str], Any] = {}

    def parse(self, model: Any, body: Mapping[str, Any]) -> Any:
        meta = body.get("metadata") or {}
        uid, rv = meta.get("uid"), meta.get("resourceVersion")
        if not uid or not rv:
            return model.from_dict(body)
        key = (model.KIND.kind, uid, rv)
        found = self._models.get(key)
        if found is None:
            if len(self._models) >= self.limit:
                self._models.clear()
            found = self._models[key] = model.from_dict(body)
        return found
