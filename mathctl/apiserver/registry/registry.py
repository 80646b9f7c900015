"""What the embedded server serves: built-in resources and the ones CRDs add.

A :class:`Resource` is one served ``group/version/resource``, with everything discovery,
routing and the handlers need to know about it (kind, scope, short names, whether it has a
``/status`` subresource and tracks ``metadata.generation``, its schema and printer columns).
:class:`Registry` holds the built-ins below and adds or drops a CRD's resources when the CRD
is established or deleted, so discovery (``kubectl api-resources``) follows CRDs as on a real
cluster. Built-ins other than namespaces, events, CRDs and leases are store-only: the server
keeps them and answers for them, but no controller acts on them (a real cluster would run
pods for a Deployment; the workshop only needs them to exist).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

CR_VERBS = ("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch")
STATUS_VERBS = ("get", "patch", "update")
# Fields every resource can be selected on (metadata.name and metadata.namespace).
META_FIELDS = frozenset({"metadata.name", "metadata.namespace"})


@dataclass
class Resource:
    """One served group/version/resource."""

    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool
    singular: str = ""
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    has_status: bool = False
    tracks_generation: bool = False
    verbs: tuple[str, ...] = CR_VERBS
    # Several versions of one resource share one stored object (events: v1 and events.k8s.io).
    storage: str = ""
    is_custom: bool = False
    schema: dict[str, Any] | None = None
    printer_columns: list[dict[str, Any]] = field(default_factory=list)
    field_selectors: frozenset[str] = META_FIELDS
    # Namespaces are DNS labels; most other names are DNS subdomains.
    name_rule: str = "subdomain"
    # kube's registries that set Store.ReturnDeletedObject (pkg/registry/core/{service,
    # serviceaccount,namespace}/storage) answer a DELETE with the object; every other one
    # (custom resources included) answers with a Status naming what was deleted.
    returns_deleted_object: bool = False

    def __post_init__(self) -> None:
        if not self.singular:
            self.singular = self.kind.lower()
        if not self.storage:
            self.storage = f"{self.group}/{self.plural}" if self.group else self.plural

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"

    def storage_version_hash(self) -> str:
        digest = hashlib.sha256(f"{self.group}/{self.version}/{self.kind}".encode()).digest()
        return base64.b64encode(digest[:8]).decode()

    def discovery(self) -> list[dict[str, Any]]:
        """This resource's entries in an ``APIResourceList`` (itself, then ``/status``)."""
        entry: dict[str, Any] = {
            "name": self.plural, "singularName": self.singular, "namespaced": self.namespaced,
            "kind": self.kind, "verbs": list(self.verbs),
        }
        if self.short_names:
            entry["shortNames"] = list(self.short_names)
        if self.categories:
            entry["categories"] = list(self.categories)
        entry["storageVersionHash"] = self.storage_version_hash()
        entries = [entry]
        if self.has_status:
            entries.append({"name": f"{self.plural}/status", "singularName": "",
                            "namespaced": self.namespaced, "kind": self.kind,
                            "verbs": list(STATUS_VERBS)})
        return entries


def _builtin(group: str, version: str, plural: str, kind: str, namespaced: bool,
             **more: Any) -> Resource:
    return Resource(group=group, version=version, plural=plural, kind=kind,
                    namespaced=namespaced, **more)


EVENT_FIELDS = META_FIELDS | {
    "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
    "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
    "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
}


def _column(name: str, kind: str, path: str) -> dict[str, str]:
    return {"name": name, "type": kind, "jsonPath": path}


AGE = _column("Age", "date", ".metadata.creationTimestamp")


def builtin_resources() -> list[Resource]:
    """The built-ins, in the order kube-apiserver lists their groups."""
    core_verbs = CR_VERBS
    ns_verbs = ("create", "delete", "get", "list", "patch", "update", "watch")
    return [
        _builtin("", "v1", "namespaces", "Namespace", False, short_names=("ns",),
                 has_status=True, verbs=ns_verbs, name_rule="label", returns_deleted_object=True,
                 field_selectors=META_FIELDS | {"status.phase"},
                 printer_columns=[_column("Status", "string", ".status.phase"), AGE]),
        _builtin("", "v1", "configmaps", "ConfigMap", True, short_names=("cm",), verbs=core_verbs),
        _builtin("", "v1", "events", "Event", True, short_names=("ev",), verbs=core_verbs,
                 storage="events", field_selectors=EVENT_FIELDS),
        _builtin("", "v1", "secrets", "Secret", True, verbs=core_verbs,
                 field_selectors=META_FIELDS | {"type"}),
        _builtin("", "v1", "serviceaccounts", "ServiceAccount", True, short_names=("sa",),
                 verbs=core_verbs, returns_deleted_object=True),
        _builtin("", "v1", "services", "Service", True, short_names=("svc",), has_status=True,
                 verbs=("create", "delete", "deletecollection", "get", "list", "patch", "update",
                        "watch"), categories=("all",), returns_deleted_object=True),
        _builtin("apps", "v1", "deployments", "Deployment", True, short_names=("deploy",),
                 has_status=True, tracks_generation=True, categories=("all",)),
        _builtin("events.k8s.io", "v1", "events", "Event", True, short_names=("ev",),
                 storage="events", field_selectors=EVENT_FIELDS),
        _builtin("networking.k8s.io", "v1", "ingresses", "Ingress", True, short_names=("ing",),
                 has_status=True, tracks_generation=True),
        _builtin("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding",
                 False, name_rule="path"),
        _builtin("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False,
                 name_rule="path"),
        _builtin("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True,
                 name_rule="path"),
        _builtin("rbac.authorization.k8s.io", "v1", "roles", "Role", True, name_rule="path"),
        _builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions",
                 "CustomResourceDefinition", False, short_names=("crd", "crds"),
                 has_status=True, tracks_generation=True, categories=("api-extensions",),
                 printer_columns=[_column("Created At", "string",
                                          ".metadata.creationTimestamp")]),
        _builtin("coordination.k8s.io", "v1", "leases", "Lease", True),
    ]


class Registry:
    """Served resources by (group, version, plural), plus the groups in discovery order."""

    def __init__(self, resources: Iterable[Resource] = ()) -> None:
        self._by_gvr: dict[tuple[str, str, str], Resource] = {}
        self._versions: dict[str, list[str]] = {}   # group -> versions, preferred first
        self._builtin_groups: set[str] = set()
        # storage key -> the apiVersion objects are stored in (a CRD's storage version)
        self.storage_versions: dict[str, str] = {}
        for resource in resources:
            self.add(resource)
        self._builtin_groups = set(self._versions)

    def add(self, resource: Resource) -> None:
        self._by_gvr[(resource.group, resource.version, resource.plural)] = resource
        versions = self._versions.setdefault(resource.group, [])
        if resource.version not in versions:
            versions.append(resource.version)

    def set_custom(self, crd_name: str, resources: list[Resource]) -> None:
        """Serve exactly ``resources`` for the CRD ``crd_name`` (empty list: stop serving)."""
        plural, _, group = crd_name.partition(".")
        for key in [k for k, r in self._by_gvr.items()
                    if r.is_custom and r.group == group and r.plural == plural]:
            del self._by_gvr[key]
        for resource in resources:
            self.add(resource)
        for g in list(self._versions):
            if g in self._builtin_groups:
                continue
            served = [r for r in self._by_gvr.values() if r.group == g]
            if not served:
                del self._versions[g]
            else:
                self._versions[g] = _order_versions({r.version for r in served})

    def get(self, group: str, version: str, plural: str) -> Resource | None:
        return self._by_gvr.get((group, version, plural))

    def has_group_version(self, group: str, version: str) -> bool:
        return version in self._versions.get(group, ())

    def groups(self) -> Iterator[tuple[str, list[str]]]:
        yield from self._versions.items()

    def versions(self, group: str) -> list[str] | None:
        return self._versions.get(group)

    def in_group_version(self, group: str, version: str) -> list[Resource]:
        return [r for (g, v, _), r in self._by_gvr.items() if g == group and v == version]

    def by_storage(self, storage: str) -> list[Resource]:
        return [r for r in self._by_gvr.values() if r.storage == storage]

    def for_storage(self, storage: str) -> Resource | None:
        """The resource that serves ``storage`` in its stored version (else any serving one)."""
        served = self.by_storage(storage)
        stored = self.storage_versions.get(storage)
        for resource in served:
            if resource.api_version == stored:
                return resource
        # Events are stored as core/v1, not as events.k8s.io/v1.
        return next((r for r in served if r.group != "events.k8s.io"),
                    served[0] if served else None)


def _version_priority(version: str) -> tuple[int, int, int]:
    """Kubernetes version ordering: GA > beta > alpha, higher numbers first."""
    import re
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (3, 0, 0)
    major, stage, minor = match.groups()
    rank = {None: 0, "beta": 1, "alpha": 2}[stage]
    return (rank, -int(major), -int(minor or 0))


def _order_versions(versions: Iterable[str]) -> list[str]:
    return sorted(versions, key=lambda v: (_version_priority(v), v))
