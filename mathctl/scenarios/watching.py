"""The harness's eyes: real watches on the API server, read only when an event is due.

Why it exists: the scenarios must be deterministic, so no background thread reads a watch and
no ``sleep`` guesses when events have arrived. Instead the harness lists the namespace (the
truth, one resourceVersion per object) and then reads its open watches until what it has
seen matches that list — every write made so far has then been delivered, and nothing is
left in flight. A read that stalls fails after a timeout with a message, never hangs.

Two watches per namespace (Tuples and Numbers; one watch serves one resource, as with an
informer per kind). Events are handed on in the order each watch delivered them, Tuple events
before Number events within one batch: a fixed order, so every run is the same.

Resource versions are compared for equality only — Kubernetes calls them opaque — so this works
unchanged on a real cluster. What a list cannot show — an object created *and* deleted since
the last one — is covered by counting: every accepted create makes exactly one ADDED.
Used by :mod:`mathctl.scenarios.harness`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

import urllib3
from kubernetes.client import ApiClient, CustomObjectsApi
from kubernetes.watch.watch import iter_resp_lines

from mathctl.resources.group import GROUP, NUMBER, TUPLE, VERSION, KindNames

EventType = Literal["ADDED", "MODIFIED", "DELETED"]
WATCHED: tuple[KindNames, ...] = (TUPLE, NUMBER)
"""The kinds the harness watches, in delivery order."""


class WatchEvent(TypedDict):
    """A watch event as ``kubernetes.watch.Watch().stream()`` yields it for custom objects."""

    type: EventType
    object: dict[str, Any]


class HarnessError(RuntimeError):
    """The harness could not run a step (a stalled watch, a foreign writer, a missing CRD)."""


@dataclass(frozen=True)
class Event:
    """One event as delivered to a controller under test, plus how it came to be delivered.

    ``relisted`` marks an ADDED made up from a list when a controller (re)started or its watch
    restarted — what an informer hands its handlers for objects it finds on start.
    """

    type: EventType
    obj: Mapping[str, Any]
    relisted: bool = False

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind", "?"))

    @property
    def name(self) -> str:
        return str(self.obj["metadata"]["name"])

    @property
    def resource_version(self) -> str:
        return str(self.obj["metadata"].get("resourceVersion", ""))

    def as_watch_event(self) -> WatchEvent:
        return {"type": self.type, "object": dict(self.obj)}

    def describe(self) -> str:
        """``Tuple tuple-x MODIFIED numbers=[1, 5]`` — no uids or versions (deterministic)."""
        spec = self.obj.get("spec") or {}
        if self.kind == TUPLE.kind:
            detail = f" numbers={list(spec.get('numbers') or [])}"
        elif self.kind == NUMBER.kind:
            detail = f" value={spec.get('value')}" if self.type != "DELETED" else ""
        else:
            detail = ""
        origin = " (relist)" if self.relisted else ""
        return f"{self.kind} {self.name} {self.type}{origin}{detail}"


Versions = dict[str, str]
"""Object name → resourceVersion, for one kind in one namespace."""


@dataclass
class Listing:
    """One list of every watched kind in a namespace: the objects and their versions."""

    objects: dict[str, list[dict[str, Any]]]
    collection_versions: dict[str, str]

    def versions(self, kind: str) -> Versions:
        return {o["metadata"]["name"]: str(o["metadata"]["resourceVersion"])
                for o in self.objects[kind]}


def list_namespace(api: ApiClient, namespace: str) -> Listing:
    """List every watched kind in ``namespace`` (sorted by name, so relists are deterministic)."""
    custom = CustomObjectsApi(api)
    objects: dict[str, list[dict[str, Any]]] = {}
    versions: dict[str, str] = {}
    for kind in WATCHED:
        result: dict[str, Any] = custom.list_namespaced_custom_object(
            GROUP, VERSION, namespace, kind.plural)  # type: ignore[assignment]
        items = [dict(item, kind=kind.kind, apiVersion=f"{GROUP}/{VERSION}")
                 for item in result.get("items") or ()]
        objects[kind.kind] = sorted(items, key=lambda o: _natural(o["metadata"]["name"]))
        versions[kind.kind] = str((result.get("metadata") or {}).get("resourceVersion", ""))
    return Listing(objects, versions)


def _natural(name: str) -> tuple[str, int]:
    """Sort ``t-2`` before ``t-10``."""
    head, _, tail = name.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (name, -1)


class WatchStream:
    """One open watch of one kind in one namespace, read synchronously with a timeout."""

    def __init__(self, api: ApiClient, namespace: str, kind: KindNames, resource_version: str,
                 *, timeout: float) -> None:
        self._custom = CustomObjectsApi(api)
        self.namespace = namespace
        self.kind = kind
        self.timeout = timeout
        self.resource_version = resource_version
        self._response: Any = None
        self._lines: Iterator[str] | None = None

    def _open(self) -> Iterator[str]:
        self._response = self._custom.list_namespaced_custom_object(
            GROUP, VERSION, self.namespace, self.kind.plural, watch=True,
            resource_version=self.resource_version, allow_watch_bookmarks=False,
            _preload_content=False, _request_timeout=(self.timeout, self.timeout))
        lines: Iterator[str] = iter_resp_lines(self._response)  # type: ignore[no-untyped-call]
        return lines

    def next_event(self, waiting_for: str) -> Event:
        """The next event on this watch; ``waiting_for`` explains the wait if it times out."""
        for _attempt in range(3):
            if self._lines is None:
                self._lines = self._open()
            try:
                line = next(self._lines, None)
            except (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ProtocolError) as exc:
                raise HarnessError(
                    f"The watch on {self.kind.plural} in namespace {self.namespace} delivered "
                    f"nothing for {self.timeout:g} s while the harness waited for {waiting_for}. "
                    f"Is the API server still running? ({type(exc).__name__})") from exc
            if line is None:  # the server ended the watch (its timeout): resume where we were
                self.close()
                continue
            if not line.strip():
                continue
            event = _parse(line, self.kind)
            if event is None:
                continue
            self.resource_version = event.resource_version
            return event
        raise HarnessError(f"The watch on {self.kind.plural} in namespace {self.namespace} kept "
                           f"closing without an event while the harness waited for {waiting_for}.")

    def close(self) -> None:
        if self._response is not None:
            # Close first: releasing a connection mid-stream would hand the pool a socket the
            # server is still streaming on, and the next request on it would never be answered.
            self._response.close()
            self._response.release_conn()
        self._response = None
        self._lines = None


def _parse(line: str, kind: KindNames) -> Event | None:
    raw = json.loads(line)
    kind_type = raw.get("type")
    obj = raw.get("object") or {}
    if kind_type == "BOOKMARK":
        return None
    if kind_type == "ERROR":
        raise HarnessError(
            f"The watch on {kind.plural} failed: {obj.get('code')} {obj.get('reason')}: "
            f"{obj.get('message')}. The harness does not relist on its own; run the scenario "
            "again.")
    if kind_type not in ("ADDED", "MODIFIED", "DELETED"):
        raise HarnessError(f"Unexpected watch event type {kind_type!r} on {kind.plural}.")
    obj.setdefault("kind", kind.kind)
    return Event(kind_type, obj)


@dataclass
class NamespaceView:
    """What the harness's watches have shown so far, and how to catch them up with a list."""

    streams: dict[str, WatchStream]
    seen: dict[str, Versions] = field(default_factory=dict)
    events_seen: int = 0
    added: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def open(cls, api: ApiClient, namespace: str, *, timeout: float) -> NamespaceView:
        listing = list_namespace(api, namespace)
        streams = {kind.kind: WatchStream(api, namespace, kind,
                                          listing.collection_versions[kind.kind], timeout=timeout)
                   for kind in WATCHED}
        return cls(streams, {kind.kind: listing.versions(kind.kind) for kind in WATCHED})

    def catch_up(self, truth: Listing,
                 created: Mapping[tuple[str, str], int] | None = None) -> list[Event]:
        """Read each watch until it has shown every object at the version ``truth`` lists.

        ``created`` counts the creates the server accepted per ``(kind, name)``; each makes
        exactly one ADDED, so the watch is also read until it has shown that many. This covers
        what a list cannot show: an object created and deleted again since the last list.
        """
        created = created or {}
        events: list[Event] = []
        for kind in WATCHED:
            want = truth.versions(kind.kind)
            seen = self.seen.setdefault(kind.kind, {})
            while True:
                pending = sorted(set(want.items()) ^ set(seen.items()))
                unseen = sorted(name for (k, name), n in created.items()
                                if k == kind.kind and self.added[(k, name)] < n)
                if not pending and not unseen:
                    break
                example = pending[0][0] if pending else unseen[0]
                event = self.streams[kind.kind].next_event(
                    f"{len(pending) + len(unseen)} change(s) to {kind.plural}, e.g. {example}")
                if event.type == "DELETED":
                    seen.pop(event.name, None)
                else:
                    seen[event.name] = event.resource_version
                if event.type == "ADDED":
                    self.added[(kind.kind, event.name)] += 1
                self.events_seen += 1
                events.append(event)
        return events

    def close(self) -> None:
        for stream in self.streams.values():
            stream.close()
