"""The reconcile loops' window on the API server: reads, and writes that are counted.

Why it exists: the three reconcile functions should read like the lesson — read, compute,
converge — not like HTTP plumbing. This module wraps the official client's
``CustomObjectsApi`` for one namespace and one reconcile: every write goes through
:class:`Objects`, which records it in the reconcile's :class:`Outcome` (so "a converged
object makes zero writes" can be checked) and calls an optional ``before_write`` hook first
(tests use it to make a real 409 happen between a read and a write).

Writes are conditional, as a careful controller's must be: updates carry the
``resourceVersion`` that was read (a stale one gets 409 Conflict), and deletes carry the
uid and resourceVersion as preconditions, so a controller never deletes an object it did not
look at. Reads come from the server or — inside the operator — from the watch-fed
:class:`~mathctl.controllers.cache.Cache` (``get(..., live=True)`` asks the server anyway).
Used by :mod:`mathctl.controllers.reconcile`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from kubernetes.client import ApiClient, CustomObjectsApi, V1DeleteOptions, V1Preconditions
from kubernetes.client.exceptions import ApiException

from mathctl.controllers.cache import Cache
from mathctl.controllers.outcome import Outcome, Verb, Write
from mathctl.resources.group import API_VERSION, GROUP, VERSION, KindNames

Body = dict[str, Any]
BeforeWrite = Callable[[Write], None]

CONTROLLER_UID_LABEL = f"{GROUP}/controller-uid"
# Who the package's controllers write as, in every object's managedFields. Without it the
# server names them after the client's user agent ("OpenAPI-Generator"), which says nothing
# to someone reading `kubectl get … --show-managed-fields` (apiserver handlers/rest.go).
FIELD_MANAGER = "mathctl"
"""Label on every child naming its controller's uid, so a parent lists exactly its children
(``-l math.mathctl.example/controller-uid=<uid>``) instead of the whole namespace. A uid, not
a name: label values stop at 63 characters while object names may be 253, and a parent
re-created under the same name does not see its predecessor's children (the batch Job
controller labels its Pods the same way)."""


def owner_reference(owner: Mapping[str, Any]) -> Body:
    """A controller ownerReference to ``owner``: the server garbage-collects the child with it,
    and ``blockOwnerDeletion`` makes foreground deletion of the owner wait for the child."""
    meta = owner["metadata"]
    return {
        "apiVersion": owner.get("apiVersion", API_VERSION),
        "kind": owner["kind"],
        "name": meta["name"],
        "uid": meta["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def controller_of(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ownerReference with ``controller: true``, if any (there is at most one)."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or ():
        if ref.get("controller"):
            return ref  # type: ignore[no-any-return]
    return None


def is_controlled_by(obj: Mapping[str, Any], owner: Mapping[str, Any]) -> bool:
    """True when ``obj``'s controller ownerReference points at exactly this ``owner`` (uid)."""
    ref = controller_of(obj)
    return ref is not None and ref.get("uid") == owner["metadata"]["uid"]


def is_conflict(exc: BaseException) -> bool:
    """A 409 that a fresh read can resolve: a stale resourceVersion or a failed precondition."""
    return isinstance(exc, ApiException) and exc.status == 409 and _reason(exc) != "AlreadyExists"


def is_already_exists(exc: BaseException) -> bool:
    return isinstance(exc, ApiException) and exc.status == 409 and _reason(exc) == "AlreadyExists"


def is_namespace_terminating(exc: BaseException) -> bool:
    """A create refused because its namespace is being deleted (403 with the cause
    ``NamespaceTerminating``) or is already gone (404 for the namespace itself)."""
    if not isinstance(exc, ApiException):
        return False
    details = status_body(exc).get("details") or {}
    if exc.status == 404:
        return details.get("kind") == "namespaces"
    return exc.status == 403 and any(
        c.get("reason") == "NamespaceTerminating" for c in details.get("causes") or ())


def describe_error(exc: BaseException) -> str:
    """A short, readable account of a failed API call (the server's own message if it sent one)."""
    if isinstance(exc, ApiException):
        status = status_body(exc)
        message = status.get("message") or exc.reason or ""
        return f"HTTP {exc.status} {status.get('reason') or exc.reason}: {message}".strip()
    return f"{type(exc).__name__}: {exc}"


def status_body(exc: ApiException) -> Mapping[str, Any]:
    """The server's Status answer in an ApiException's body (empty if it sent none)."""
    try:
        body = json.loads(exc.body or "{}")
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def _reason(exc: ApiException) -> str | None:
    reason = status_body(exc).get("reason")
    return reason if isinstance(reason, str) else None


class Objects:
    """Reads and counted, conditional writes of mathctl objects in one namespace."""

    def __init__(
        self,
        api: ApiClient,
        namespace: str,
        outcome: Outcome,
        before_write: BeforeWrite | None = None,
        cache: Cache | None = None,
    ) -> None:
        self.custom = CustomObjectsApi(api)
        self.namespace = namespace
        self.outcome = outcome
        self.before_write = before_write
        self.cache = cache

    def get(self, kind: KindNames, name: str, *, live: bool = False) -> Body | None:
        """The object, or None if it does not exist (``live``: ask the server, not the cache)."""
        if self.cache is not None and not live:
            return self.cache.get(kind.kind, self.namespace, name)
        try:
            obj = self.custom.get_namespaced_custom_object(
                GROUP, VERSION, self.namespace, kind.plural, name)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise
        return obj  # type: ignore[no-any-return]

    def children_of(self, kind: KindNames, owner: Mapping[str, Any]) -> list[Body]:
        """Candidates for ``owner``'s children of ``kind``: from the cache, those it controls;
        from the server, those labelled with its uid. Check control before acting on one."""
        if self.cache is not None:
            return self.cache.controlled_by(kind.kind, self.namespace, owner["metadata"]["uid"])
        selector = f"{CONTROLLER_UID_LABEL}={owner['metadata']['uid']}"
        result = self.custom.list_namespaced_custom_object(
            GROUP, VERSION, self.namespace, kind.plural, label_selector=selector)
        return list(result.get("items") or ())

    def create(self, kind: KindNames, body: Body) -> Body:
        name = body["metadata"]["name"]
        return self._write(
            "create", kind, name,
            lambda: self.custom.create_namespaced_custom_object(
                GROUP, VERSION, self.namespace, kind.plural, body, field_manager=FIELD_MANAGER))

    def update(self, kind: KindNames, body: Body) -> Body:
        """PUT the whole object; ``body`` must carry the resourceVersion that was read."""
        name = body["metadata"]["name"]
        return self._write(
            "update", kind, name,
            lambda: self.custom.replace_namespaced_custom_object(
                GROUP, VERSION, self.namespace, kind.plural, name, body,
                field_manager=FIELD_MANAGER))

    def update_status(self, kind: KindNames, body: Body) -> Body:
        """PUT to the ``/status`` subresource (the server ignores spec and metadata changes)."""
        name = body["metadata"]["name"]
        return self._write(
            "status", kind, name,
            lambda: self.custom.replace_namespaced_custom_object_status(
                GROUP, VERSION, self.namespace, kind.plural, name, body,
                field_manager=FIELD_MANAGER))

    def delete(self, kind: KindNames, obj: Mapping[str, Any]) -> None:
        """Delete exactly this object: its uid and resourceVersion are preconditions."""
        meta = obj["metadata"]
        options = V1DeleteOptions(preconditions=V1Preconditions(
            uid=meta["uid"], resource_version=meta.get("resourceVersion")))
        try:
            self._write("delete", kind, meta["name"],
                        lambda: self.custom.delete_namespaced_custom_object(
                            GROUP, VERSION, self.namespace, kind.plural, meta["name"],
                            body=options))
        except ApiException as exc:
            if exc.status != 404:  # already gone: what we wanted
                raise

    def _write(self, verb: Verb, kind: KindNames, name: str, send: Callable[[], Any]) -> Body:
        """Call the hook, send the write, and record it once the server accepted it."""
        write = Write(verb, kind.kind, name)
        if self.before_write is not None:
            self.before_write(write)
        result = send()
        self.outcome.writes.append(write)
        return result if isinstance(result, dict) else {}
