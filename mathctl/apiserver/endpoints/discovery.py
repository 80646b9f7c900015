"""Discovery documents: ``/version``, ``/api``, ``/api/v1``, ``/apis``, ``/apis/<g>[/<v>]``.

kubectl (``api-resources``, short names like ``num``, categories like ``kubectl get math``),
kopf (it waits for ``v1/namespaces`` here) and the official client find resources through
these documents. They are built from the :class:`Registry` on every request, so a CRD's
resource appears as soon as it is established and disappears with it. Aggregated discovery
(``apidiscovery.k8s.io/v2``) is not offered: clients that ask for it fall back to these
classic documents, as they do with any server that answers plain ``application/json``.
"""

from __future__ import annotations

from typing import Any

from mathctl.apiserver.registry.registry import Registry

VERSION_INFO = {
    "major": "1", "minor": "28", "gitVersion": "v1.28.0+mathctl",
    "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
    "buildDate": "2023-08-15T00:00:00Z", "goVersion": "go1.20.7", "compiler": "gc",
    "platform": "linux/amd64",
}


def api_versions(server_address: str) -> dict[str, Any]:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                            "serverAddress": server_address}]}


def _group(name: str, versions: list[str]) -> dict[str, Any]:
    entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": entries, "preferredVersion": entries[0]}


def api_group_list(registry: Registry) -> dict[str, Any]:
    groups = [_group(g, vs) for g, vs in registry.groups() if g]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(registry: Registry, group: str) -> dict[str, Any] | None:
    versions = registry.versions(group)
    if not versions or not group:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(group, versions)}


def api_resource_list(registry: Registry, group: str, version: str) -> dict[str, Any] | None:
    if not registry.has_group_version(group, version):
        return None
    resources = sorted(registry.in_group_version(group, version), key=lambda r: r.plural)
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version,
            "resources": [e for r in resources for e in r.discovery()]}
