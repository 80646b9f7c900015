"""One read of the Numbers, Tuples and Fermats of a namespace, the input of every view.

Views render a ``Snapshot`` and never talk to the API themselves, so the same tables and tree
serve ``mathctl get``, the notebooks' static snapshots and the live view (whose watch threads
keep a ``Snapshot`` current). Objects are the plain JSON dicts the API server returns, so a
view shows exactly what ``kubectl get -o yaml`` would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubernetes import client
from kubernetes.client.rest import ApiException

from mathctl.resources.group import GROUP, KINDS, VERSION, KindNames

Obj = Mapping[str, Any]
_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[Any, ...]:
    """Sort ``t-2`` before ``t-10``: digit runs compare as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(name))


def sort_key(obj: Obj) -> tuple[Any, ...]:
    meta = obj.get("metadata", {})
    return (meta.get("namespace", ""), natural_key(meta.get("name", "")))


@dataclass(frozen=True)
class Snapshot:
    """The objects of each kind (by plural), sorted by namespace then natural name order."""

    namespace: str | None  # None: all namespaces
    objects: Mapping[str, tuple[Obj, ...]] = field(default_factory=dict)
    missing_kinds: tuple[str, ...] = ()  # plurals whose CRD is not installed

    @classmethod
    def of(cls, namespace: str | None, objects: Mapping[str, Iterable[Obj]],
           missing_kinds: Iterable[str] = ()) -> Snapshot:
        return cls(namespace, {plural: tuple(sorted(objs, key=sort_key))
                               for plural, objs in objects.items()}, tuple(missing_kinds))

    def items(self, kind: KindNames) -> tuple[Obj, ...]:
        return self.objects.get(kind.plural, ())

    def all(self) -> list[Obj]:
        return [obj for kind in KINDS for obj in self.items(kind)]


def list_kind(api: client.CustomObjectsApi, kind: KindNames,
              namespace: str | None) -> tuple[list[Obj], str]:
    """Every object of ``kind`` and the list's resourceVersion (to start a watch from)."""
    if namespace is None:
        body = api.list_cluster_custom_object(GROUP, VERSION, kind.plural)
    else:
        body = api.list_namespaced_custom_object(GROUP, VERSION, namespace, kind.plural)
    return list(body.get("items", [])), body.get("metadata", {}).get("resourceVersion", "")


def take_snapshot(api_client: client.ApiClient, namespace: str | None,
                  kinds: Iterable[KindNames] = KINDS) -> Snapshot:
    """List each kind once; a kind whose CRD is not installed is reported, not raised."""
    api = client.CustomObjectsApi(api_client)
    objects: dict[str, list[Obj]] = {}
    missing = []
    for kind in kinds:
        try:
            objects[kind.plural] = list_kind(api, kind, namespace)[0]
        except ApiException as err:
            if err.status != 404:
                raise
            objects[kind.plural] = []
            missing.append(kind.plural)
    return Snapshot.of(namespace, objects, missing)
