"""Keep a ``Snapshot`` current from one watch per kind, in background threads.

The live views (``mathctl.views.live`` in a notebook, ``mathctl get --watch`` in a terminal)
need the same thing: list each kind once, then apply watch events (ADDED, MODIFIED, DELETED)
from the list's resourceVersion on, re-listing when the server answers ``410 Gone`` or the
connection drops — the list-then-watch pattern of client-go's informers. Redraws are
coalesced: a burst of events causes one ``on_change`` call at most every ``min_interval``.

``stop()`` returns promptly: it shuts the open watch responses down (urllib3's
``HTTPResponse.shutdown``) instead of waiting for the server's watch timeout; the watcher has
its own ``ApiClient`` so such a connection is never reused.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kubernetes import client
from kubernetes.client.rest import ApiException

from mathctl.resources.group import GROUP, KINDS, VERSION, KindNames
from mathctl.views.snapshot import Obj, Snapshot, list_kind

WATCH_SECONDS = 240  # the server ends a watch after this; we then resume from the last version


def _lines(response: Any) -> Iterator[str]:
    buffer = b""
    for chunk in response.stream(amt=None, decode_content=True):
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.strip():
                yield line.decode("utf-8")


class SnapshotWatcher:
    """List-then-watch the given kinds of one namespace (or all) and call ``on_change``."""

    def __init__(self, api_client: client.ApiClient, namespace: str | None, *,
                 on_change: Callable[[Snapshot], None], kinds: Iterable[KindNames] = KINDS,
                 min_interval: float = 0.25) -> None:
        # A client of its own: a watch interrupted by stop() leaves a half-read connection that
        # must never go back into a pool the notebook's other requests draw from.
        self._configuration = api_client.configuration
        self._client: client.ApiClient | None = None
        self._api = client.CustomObjectsApi(api_client)
        self.namespace = namespace
        self.kinds = tuple(kinds)
        self._on_change = on_change
        self._min_interval = min_interval
        self._lock = threading.Lock()
        self._objects: dict[str, dict[str, Obj]] = {k.plural: {} for k in self.kinds}
        self._missing: set[str] = set()
        self._responses: dict[str, Any] = {}
        self._stop = threading.Event()
        self._dirty = threading.Event()
        self._threads: list[threading.Thread] = []
        self.errors: list[str] = []

    # -- public -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._threads:
            return
        self._stop.clear()
        self._client = client.ApiClient(configuration=self._configuration)
        self._api = client.CustomObjectsApi(self._client)
        for kind in self.kinds:
            self._spawn(self._watch_kind, kind, f"mathctl-watch-{kind.plural}")
        self._spawn(self._notify, None, "mathctl-view-render")

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            self._stop.set()
            responses = list(self._responses.values())
        self._dirty.set()
        for response in responses:
            with contextlib.suppress(Exception):  # already closed: nothing to interrupt
                response.shutdown()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def snapshot(self) -> Snapshot:
        with self._lock:
            objects = {plural: list(objs.values()) for plural, objs in self._objects.items()}
            return Snapshot.of(self.namespace, objects, sorted(self._missing))

    # -- threads ----------------------------------------------------------------------------

    def _spawn(self, target: Callable[[Any], None], arg: Any, name: str) -> None:
        thread = threading.Thread(target=target, args=(arg,), name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _notify(self, _: None) -> None:
        while not self._stop.is_set():
            self._dirty.wait()
            if self._stop.is_set():
                return
            self._dirty.clear()
            try:
                self._on_change(self.snapshot())
            except Exception as err:  # a view error must not kill the watcher
                self.errors.append(f"redraw failed: {err!r}")
            self._stop.wait(self._min_interval)  # coalesce bursts of events into one redraw

    def _relist(self, kind: KindNames) -> str:
        try:
            items, version = list_kind(self._api, kind, self.namespace)
        except ApiException as err:
            if err.status != 404:
                raise
            with self._lock:
                self._missing.add(kind.plural)
                self._objects[kind.plural] = {}
            self._dirty.set()
            return ""
        with self._lock:
            self._missing.discard(kind.plural)
            self._objects[kind.plural] = {o["metadata"]["uid"]: o for o in items}
        self._dirty.set()
        return version

    def _open_watch(self, kind: KindNames, version: str) -> Any:
        args: dict[str, Any] = dict(watch=True, _preload_content=False,
                                    allow_watch_bookmarks=True, timeout_seconds=WATCH_SECONDS)
        if version:
            args["resource_version"] = version
        if self.namespace is None:
            return self._api.list_cluster_custom_object(GROUP, VERSION, kind.plural, **args)
        return self._api.list_namespaced_custom_object(GROUP, VERSION, self.namespace,
                                                       kind.plural, **args)

    def _watch_kind(self, kind: KindNames) -> None:
        version = ""
        relist = True
        while not self._stop.is_set():
            try:
                if relist:
                    version = self._relist(kind)
                    relist = False
                    if kind.plural in self._missing:  # CRD not there yet: look again shortly
                        self._stop.wait(2.0)
                        relist = True
                        continue
                response = self._open_watch(kind, version)
                with self._lock:  # stop() sets the flag first, then shuts what is registered
                    stopping = self._stop.is_set()
                    if not stopping:
                        self._responses[kind.plural] = response
                if stopping:
                    response.close()
                    return
                try:
                    for line in _lines(response):
                        event = json.loads(line)
                        version, relist = self._apply(kind, event, version)
                        if relist or self._stop.is_set():
                            break
                finally:
                    with self._lock:
                        self._responses.pop(kind.plural, None)
                    if self._stop.is_set():
                        response.close()  # shut down mid-read: do not reuse the connection
                    else:
                        response.release_conn()
            except Exception as err:  # network trouble: re-list after a pause
                if self._stop.is_set():
                    return
                self.errors.append(f"{kind.plural}: {err!r}")
                relist = True
                self._stop.wait(1.0)

    def _apply(self, kind: KindNames, event: dict[str, Any], version: str) -> tuple[str, bool]:
        """Apply one watch event; return the version to resume from and whether to re-list."""
        kind_of_event, obj = event.get("type"), event.get("object") or {}
        if kind_of_event == "ERROR":  # 410 Gone (too old) or another error: start over
            return version, True
        meta = obj.get("metadata") or {}
        new_version = meta.get("resourceVersion") or version
        if kind_of_event == "BOOKMARK":
            return new_version, False
        with self._lock:
            objects = self._objects[kind.plural]
            if kind_of_event == "DELETED":
                objects.pop(meta.get("uid"), None)
            else:
                objects[meta.get("uid")] = obj
        self._dirty.set()
        return new_version, False
