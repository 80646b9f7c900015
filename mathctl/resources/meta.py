"""What every mathctl object shares: the bits of ``metadata`` the controllers read, and owners.

The Number, Tuple and Fermat models (``numbers``, ``tuples``, ``fermats``) embed ``ObjectMeta``
and use ``object_from_dict`` / ``object_to_dict`` to turn the official client's dicts into typed
objects and back. ``owner_reference`` builds the ownerReference a parent stamps on each child —
the link the garbage collector follows to delete the tree with its root, and that the
controllers follow upward to wake the parent when a child changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, Self, TypeVar

from mathctl.resources.group import KindNames
from mathctl.resources.wire import WireError, from_wire, to_wire, wire


@dataclass(frozen=True, kw_only=True)
class OwnerReference:
    """``metadata.ownerReferences[]``: who owns this object (``metav1.OwnerReference``)."""

    api_version: str = field(metadata=wire("apiVersion", "API version of the owner.",
                                           required=True))
    kind: str = field(metadata=wire("kind", "Kind of the owner.", required=True))
    name: str = field(metadata=wire("name", "Name of the owner.", required=True))
    uid: str = field(metadata=wire("uid", "UID of the owner.", required=True))
    controller: bool | None = field(default=None, metadata=wire(
        "controller", "True if the owner is the managing controller."))
    block_owner_deletion: bool | None = field(default=None, metadata=wire(
        "blockOwnerDeletion",
        "True if foreground deletion of the owner waits for this object to go first."))


@dataclass(frozen=True, kw_only=True)
class ObjectMeta:
    """The parts of ``metadata`` that mathctl reads; the rest is ignored when parsing."""

    name: str = field(metadata=wire("name", "Object name.", required=True, example="fifteen"))
    namespace: str | None = field(default=None, metadata=wire("namespace", "Namespace."))
    uid: str | None = field(default=None, metadata=wire("uid", "Unique id set by the server."))
    resource_version: str | None = field(default=None, metadata=wire(
        "resourceVersion", "Opaque version for optimistic concurrency."))
    generation: int | None = field(default=None, metadata=wire(
        "generation", "Bumped by the server on every change to spec.", minimum=0))
    creation_timestamp: datetime | None = field(default=None, metadata=wire(
        "creationTimestamp", "When the server created the object."))
    deletion_timestamp: datetime | None = field(default=None, metadata=wire(
        "deletionTimestamp", "Set when deletion was requested but finalizers remain."))
    owner_references: tuple[OwnerReference, ...] = field(default=(), metadata=wire(
        "ownerReferences", "Objects this object belongs to.",
        list_type="map", list_map_keys=("uid",), omit_empty=True))


class Resource(Protocol):
    """What the three kind models have in common (for typing generic helpers)."""

    KIND: ClassVar[KindNames]
    metadata: ObjectMeta


R = TypeVar("R", bound=Resource)


def object_from_dict(cls: type[R], body: Mapping[str, Any]) -> R:
    """Parse an object of kind ``cls.KIND`` from a dict (a client response or loaded YAML)."""
    names = cls.KIND
    if not isinstance(body, Mapping):
        raise WireError(names.kind, f"must be an object, got {type(body).__name__}",
                        "pass the dict the Kubernetes client returned, or yaml.safe_load output")
    kind = body.get("kind")
    if kind is not None and kind != names.kind:
        raise WireError("kind", f"this is a {kind}, not a {names.kind}",
                        f"parse it with the {kind} model, or fix `kind: {names.kind}`")
    api_version = body.get("apiVersion")
    if api_version is not None and api_version != names.api_version:
        raise WireError("apiVersion", f"{api_version!r} is not {names.api_version!r}",
                        f"write `apiVersion: {names.api_version}`")
    return from_wire(cls, body)


def object_to_dict(obj: Resource) -> dict[str, Any]:
    """The manifest of ``obj``: ``apiVersion`` and ``kind`` first, then its fields."""
    return {"apiVersion": obj.KIND.api_version, "kind": obj.KIND.kind, **to_wire(obj)}


def owner_reference(owner: Resource) -> OwnerReference:
    """The controller ownerReference a child of ``owner`` carries.

    ``owner`` must have been read back from the API server: only the server assigns a uid, and
    an ownerReference without the right uid is ignored (or, worse, garbage-collected) by it.
    """
    uid = owner.metadata.uid
    if not uid:
        raise ValueError(
            f"{owner.KIND.kind} {owner.metadata.name!r} has no metadata.uid yet: create it, then "
            "use the object the API server returned (it carries the uid) as the owner")
    return OwnerReference(api_version=owner.KIND.api_version, kind=owner.KIND.kind,
                          name=owner.metadata.name, uid=uid,
                          controller=True, block_owner_deletion=True)


def is_status_current(generation: int | None, observed_generation: int | None) -> bool:
    """True when a status was computed for the object's current spec (observedGeneration ≥
    generation). An object never read from the server (no generation) is not current."""
    return generation is not None and observed_generation is not None and (
        observed_generation >= generation)


class KindObject:
    """The methods Number, Tuple and Fermat share; each is a frozen dataclass with
    ``metadata``, ``spec`` and ``status`` fields that also inherits from this."""

    KIND: ClassVar[KindNames]
    metadata: ObjectMeta
    status: Any

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Self:
        """Parse the dict the Kubernetes client returned (or loaded YAML)."""
        return object_from_dict(cls, body)

    def to_dict(self) -> dict[str, Any]:
        """The manifest, ready for ``create_namespaced_custom_object`` or ``yaml.dump``."""
        return object_to_dict(self)

    @property
    def status_is_current(self) -> bool:
        """The status describes the current spec (status.observedGeneration ≥ generation)."""
        return self.status is not None and is_status_current(
            self.metadata.generation, self.status.observed_generation)
