"""Table columns for the built-in kinds the server stores, as kube-apiserver prints them.

Why it exists: ``kubectl get svc,deploy,ingress,cm,secret,sa`` asks the server for a ``Table``
and prints whatever columns come back. A CRD names its columns as JSONPaths
(``tables.build_table``); the built-ins' columns are computed by Go functions in kube's
``pkg/printers/internalversion/printers.go`` (``printService``, ``printIngress``,
``printDeployment``, …). This module mirrors the cells of those functions for the kinds the
embedded server stores, so stage 80's Ingress and the shipped Deployment read on the embedded
server as they do on minikube. Column descriptions are abbreviated (kubectl never shows them).

Objects here are stored as sent: no defaulting controller fills ``spec.type``, ``protocol``,
``replicas`` or a Secret's ``type``, so the printers apply kube's defaults (ClusterIP, TCP, 1,
Opaque) where kube would have stored them.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any

from mathctl.apiserver.endpoints.tables import (
    CREATION_TIMESTAMP_DESCRIPTION,
    NAME_DESCRIPTION,
    _age,
    build_table,
)

Cells = Callable[[dict[str, Any], _dt.datetime], list[Any]]

def _column(name: str, description: str, priority: int = 0) -> dict[str, Any]:
    return {"name": name, "type": "string", "format": "", "description": description,
            "priority": priority}


def _name() -> dict[str, Any]:
    return {"name": "Name", "type": "string", "format": "name",
            "description": NAME_DESCRIPTION, "priority": 0}


def _age_column() -> dict[str, Any]:
    return _column("Age", CREATION_TIMESTAMP_DESCRIPTION)


def _labels(selector: Mapping[str, str] | None) -> str:
    """labels.FormatLabels: sorted ``k=v`` pairs, ``<none>`` when empty."""
    if not selector:
        return "<none>"
    return ",".join(f"{key}={selector[key]}" for key in sorted(selector))


def _load_balancer(status: Mapping[str, Any] | None) -> str:
    """ingressLoadBalancerStatusStringer: sorted unique IPs (else hostnames). Never clipped:
    the server prints with ``Wide: true`` (pkg/printers/storage), kubectl decides the width."""
    found = sorted({entry.get("ip") or entry.get("hostname") or ""
                    for entry in (status or {}).get("ingress") or []} - {""})
    return ",".join(found)


def _service(obj: dict[str, Any], now: _dt.datetime) -> list[Any]:
    spec = obj.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    external = spec.get("externalIPs") or []
    if kind in ("ClusterIP", "NodePort"):
        external_ip = ",".join(external) or "<none>"
    elif kind == "LoadBalancer":
        balanced = _load_balancer((obj.get("status") or {}).get("loadBalancer"))
        joined = [*(balanced.split(",") if balanced else []), *external]
        external_ip = ",".join(joined) or "<pending>"
    elif kind == "ExternalName":
        external_ip = spec.get("externalName", "")
    else:
        external_ip = "<unknown>"
    ports = ",".join(
        (f"{p.get('port')}:{p['nodePort']}" if p.get("nodePort") else f"{p.get('port')}")
        + f"/{p.get('protocol') or 'TCP'}" for p in spec.get("ports") or [])
    return [kind, cluster_ips[0] if cluster_ips else "<none>", external_ip, ports or "<none>",
            _age(_created(obj), now), _labels(spec.get("selector"))]


def _ingress(obj: dict[str, Any], now: _dt.datetime) -> list[Any]:
    spec = obj.get("spec") or {}
    rules = spec.get("rules") or []
    hosts = [rule["host"] for rule in rules if rule.get("host")][:3]
    shown = ",".join(hosts) or "*"
    if len(rules) > 3 and hosts:  # formatHosts: at most three, then "+ N more..."
        shown = f"{shown} + {len(rules) - 3} more..."
    return [spec.get("ingressClassName") or "<none>", shown,
            _load_balancer((obj.get("status") or {}).get("loadBalancer")),
            "80, 443" if spec.get("tls") else "80", _age(_created(obj), now)]


def _deployment(obj: dict[str, Any], now: _dt.datetime) -> list[Any]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    replicas = spec.get("replicas", 1)
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    match_labels = (spec.get("selector") or {}).get("matchLabels") or {}
    return [f"{status.get('readyReplicas', 0)}/{replicas}", status.get("updatedReplicas", 0),
            status.get("availableReplicas", 0), _age(_created(obj), now),
            ",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers),
            ",".join(f"{k}={match_labels[k]}" for k in sorted(match_labels))]


def _created(obj: dict[str, Any]) -> Any:
    return (obj.get("metadata") or {}).get("creationTimestamp")


PRINTERS: dict[str, tuple[list[dict[str, Any]], Cells]] = {
    "services": ([_name(), _column("Type", "Type of the service."),
                  _column("Cluster-IP", "The IP address of the service."),
                  _column("External-IP", "External IPs of the service."),
                  _column("Port(s)", "The ports the service exposes."), _age_column(),
                  _column("Selector", "Pods this service routes to.", priority=1)], _service),
    "ingresses": ([_name(),
                   _column("Class", "The name of the IngressClass resource that should be used "
                           "for additional configuration"),
                   _column("Hosts", "Hosts that incoming requests are matched against before "
                           "the ingress rule"),
                   _column("Address", "Address is a list containing ingress points for the "
                           "load-balancer"),
                   _column("Ports", "Ports of TLS configurations that open"), _age_column()],
                  _ingress),
    "deployments": ([_name(), _column("Ready", "Number of the pod with ready state"),
                     _column("Up-to-date", "Replicas updated to the current template."),
                     _column("Available", "Replicas available to serve."), _age_column(),
                     _column("Containers", "Names of each container in the template.", 1),
                     _column("Images", "Images referenced by each container in the template.",
                             1),
                     _column("Selector", "Label selector for pods.", 1)], _deployment),
    "configmaps": ([_name(), _column("Data", "Entries in data and binaryData."), _age_column()],
                   lambda obj, now: [len(obj.get("data") or {}) + len(obj.get("binaryData") or {}),
                                     _age(_created(obj), now)]),
    "secrets": ([_name(), _column("Type", "Used to facilitate programmatic handling of secret "
                                  "data."),
                 _column("Data", "Entries in data."), _age_column()],
                lambda obj, now: [obj.get("type") or "Opaque", len(obj.get("data") or {}),
                                  _age(_created(obj), now)]),
    "serviceaccounts": ([_name(), _column("Secrets", "Secrets the service account may use."),
                         _age_column()],
                        lambda obj, now: [len(obj.get("secrets") or []),
                                          _age(_created(obj), now)]),
}
"""Plural of a built-in kind → (column definitions, the cells after Name)."""


def build_builtin_table(plural: str, objects: list[dict[str, Any]], *, now: _dt.datetime,
                        include_object: str, list_meta: dict[str, Any] | None
                        ) -> dict[str, Any] | None:
    """The Table kube prints for built-in ``plural`` objects, or None if it has no printer here."""
    printer = PRINTERS.get(plural)
    if printer is None:
        return None
    columns, cells = printer
    if now.tzinfo is None:
        now = now.replace(tzinfo=_dt.UTC)
    # The generic builder brings the row objects, list metadata and includeObject checks.
    table = build_table(objects, [], now=now, include_object=include_object,
                               list_meta=list_meta)
    table["columnDefinitions"] = columns
    for row, obj in zip(table["rows"], objects, strict=True):
        row["cells"] = [row["cells"][0], *cells(obj, now)]
    return table
