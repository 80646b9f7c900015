"""Observe → Diff → Action for a parent's children: create, put back, update, delete.

Why it exists: the Tuple and Fermat controllers do the same thing to their children — only
the kinds and the specs differ — and this is the part of a controller that is easy to get
subtly wrong. :func:`converge_children` lists the children *this parent controls* (by label,
then checked by the controller ownerReference's uid), asks the pure
:func:`mathctl.core.desired.diff_children` what to create, update and delete, and does it:

- a wanted child that is missing is created with a controller ownerReference
  (``controller: true``, ``blockOwnerDeletion: true``) — so a child deleted by hand comes back;
- a child whose spec (or listing label) was edited by hand is updated back in place (its uid
  survives);
- a child this parent controls but no longer wants is deleted (uid and resourceVersion as
  preconditions);
- an object that already has a wanted child's name but that this parent does not control is
  never touched, never adopted: it is reported as a problem (``ChildNameTaken``) for a human.

Used by :func:`mathctl.controllers.reconcile.reconcile_tuple` and ``reconcile_fermat``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from kubernetes.client.exceptions import ApiException

from mathctl.controllers.cache import ParsedModels
from mathctl.controllers.objects import (
    CONTROLLER_UID_LABEL,
    Body,
    Objects,
    controller_of,
    is_already_exists,
    is_controlled_by,
    is_namespace_terminating,
    owner_reference,
)
from mathctl.core.desired import diff_children
from mathctl.resources.group import API_VERSION, KindNames
from mathctl.resources.wire import to_wire

PARSED = ParsedModels()
"""Typed children parsed once per resourceVersion, shared by every reconcile of the process."""


class StaleRead(Exception):
    """What was read changed before the write (a child vanished or appeared): read again."""


class NamespaceTerminating(Exception):
    """The namespace is being deleted: its children go with it, creating them again is futile."""


class WantedChild(Protocol):
    """A child the parent wants (``ChildNumber``, ``ChildTuple``): its name and typed spec."""

    @property
    def name(self) -> str: ...

    @property
    def spec(self) -> Any: ...


@dataclass
class Children:
    """The children after converging: ``by_name`` as the server last returned them."""

    by_name: dict[str, Body] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class ChildModel(Protocol):
    """A kind model (``Number``, ``Tuple``): its API names and a parser for its bodies."""

    KIND: ClassVar[KindNames]

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Any: ...


def converge_children(
    objects: Objects,
    parent: Mapping[str, Any],
    model: type[ChildModel],
    wanted: Sequence[WantedChild],
) -> Children:
    """Make the children of ``parent`` of kind ``model`` exactly ``wanted``; return them now.

    Specs are compared as typed models, not raw dicts, so a field the server fills in (a schema
    default) does not look like drift and cause an update on every pass.
    """
    kind = model.KIND
    listed = objects.children_of(kind, parent)
    owned = {c["metadata"]["name"]: c for c in listed if is_controlled_by(c, parent)}
    desired = {w.name: w.spec for w in wanted}
    observed = {name: _spec_of(model, child) for name, child in owned.items()}
    diff = diff_children(desired, observed)
    result = Children(by_name=dict(owned))

    for name, typed_spec in diff.create:
        spec = to_wire(typed_spec)
        body = new_child(kind, name, spec, parent, objects.namespace)
        try:
            result.by_name[name] = objects.create(kind, body)
        except ApiException as exc:
            if is_namespace_terminating(exc):
                raise NamespaceTerminating(objects.namespace) from exc
            if not is_already_exists(exc):
                raise
            taken = _adopt_or_report(objects, parent, model, name, typed_spec)
            if isinstance(taken, str):
                result.problems.append(taken)
            else:
                result.by_name[name] = taken
    for name, typed_spec in diff.update:
        result.by_name[name] = _update(objects, kind, owned[name], to_wire(typed_spec), parent)
    changed = {n for n, _ in diff.update} | set(diff.delete)
    for name, child in owned.items():
        if name not in changed and not _labelled(child, parent):  # label removed by hand
            result.by_name[name] = _update(objects, kind, child, child["spec"], parent)
    for name in diff.delete:
        objects.delete(kind, owned[name])
        del result.by_name[name]
    return result


def new_child(kind: KindNames, name: str, spec: Mapping[str, Any],
              parent: Mapping[str, Any], namespace: str) -> Body:
    """The manifest of a child: labelled with, and controlled by, ``parent``."""
    return {
        "apiVersion": API_VERSION,
        "kind": kind.kind,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {CONTROLLER_UID_LABEL: parent["metadata"]["uid"]},
            "ownerReferences": [owner_reference(parent)],
        },
        "spec": dict(spec),
    }


def _update(objects: Objects, kind: KindNames, current: Mapping[str, Any],
            spec: Mapping[str, Any], parent: Mapping[str, Any]) -> Body:
    """PUT ``current`` back with the wanted spec, label and ownerReference (other fields kept)."""
    body = copy.deepcopy(dict(current))
    body["spec"] = dict(spec)
    meta = body["metadata"]
    meta.setdefault("labels", {})[CONTROLLER_UID_LABEL] = parent["metadata"]["uid"]
    mine = owner_reference(parent)
    others = [r for r in meta.get("ownerReferences") or () if r.get("uid") != mine["uid"]]
    meta["ownerReferences"] = [*others, mine]
    try:
        return objects.update(kind, body)
    except ApiException as exc:
        if exc.status == 404:
            raise StaleRead(f"{kind.kind} {meta['name']} vanished before the update") from exc
        raise


def _adopt_or_report(objects: Objects, parent: Mapping[str, Any], model: type[ChildModel],
                     name: str, spec: Any) -> Body | str:
    """A wanted name is taken by an object the label list did not show. If this parent controls
    it (someone removed the label), put it back; otherwise leave it alone and say why."""
    kind = model.KIND
    existing = objects.get(kind, name, live=True)
    if existing is None:
        raise StaleRead(f"{kind.kind} {name} existed a moment ago and is gone now")
    if is_controlled_by(existing, parent):
        if _spec_of(model, existing) == spec and _labelled(existing, parent):
            return existing
        return _update(objects, kind, existing, to_wire(spec), parent)
    ref = controller_of(existing)
    holder = (f"is controlled by {ref.get('kind')} {ref.get('name')!r}" if ref is not None
              else "has no controller ownerReference")
    meta = parent["metadata"]
    return (f"{kind.kind} {name!r} already exists and {holder}, so {parent['kind']} "
            f"{meta['name']!r} cannot own it. Delete or rename that {kind.kind} and the "
            f"controller will create its own; it never adopts or overwrites objects it did "
            f"not create.")


def _spec_of(model: type[ChildModel], body: Mapping[str, Any]) -> Any:
    """The typed spec of a child, or None if it no longer parses (then it is put back)."""
    try:
        return PARSED.parse(model, body).spec
    except ValueError:
        return None


def _labelled(obj: Mapping[str, Any], parent: Mapping[str, Any]) -> bool:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return bool(labels.get(CONTROLLER_UID_LABEL) == parent["metadata"]["uid"])
