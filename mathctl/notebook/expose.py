"""Notebook 80's cluster helpers: apply or delete a manifest file; one screen per ServiceExpose.

Stage 80 (``solutions/80-service-expose.ipynb``) works with kinds the earlier stages never
touch — Deployments, Services, Ingresses, ServiceExposes — so it needs a small ``kubectl
apply -f`` and ``delete -f`` (the kit must not require kubectl) and a compact, deterministic
view of what the controller did: the ServiceExpose's host and conditions beside the Ingress
it owns. The report is plain text so nbval can compare it (namespaces are sanitized).
``field_owners`` shows an object's ``metadata.managedFields`` the same way — who owns which
field, in the paths the server's own 409 Conflict messages use (``.spec.rules``) — without the
times and resourceVersions that would change from run to run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from kubernetes import client, dynamic
from kubernetes.client.rest import ApiException
from kubernetes.dynamic.resource import Resource

from mathctl.resources.service_expose import GROUP, PLURAL, VERSION
from mathctl.views.show import api_client_of

_ROOT = Path(__file__).resolve().parents[2]


def _objects(cluster: Any, path: str | Path) -> Iterator[tuple[Resource, dict[str, Any]]]:
    """(API resource, manifest) for every document of a YAML file of this checkout."""
    full = Path(path) if Path(path).is_absolute() else _ROOT / path
    dyn = dynamic.DynamicClient(api_client_of(cluster))
    for doc in yaml.safe_load_all(full.read_text(encoding="utf-8")):
        if doc:
            yield dyn.resources.get(api_version=doc["apiVersion"], kind=doc["kind"]), doc


def apply_manifests(cluster: Any, path: str | Path, namespace: str) -> list[str]:
    """Create, or replace with the current resourceVersion, every object of a YAML file in
    ``namespace`` (what ``kubectl apply -f path -n namespace`` does for these files); returns
    one line per object, e.g. ``created Service/web``."""
    done = []
    for resource, doc in _objects(cluster, path):
        name = doc["metadata"]["name"]
        try:
            resource.create(body=doc, namespace=namespace)
            verb = "created"
        except ApiException as err:
            if err.status != 409:
                raise
            current = resource.get(name=name, namespace=namespace)
            body = {**doc, "metadata": {**doc["metadata"],
                                        "resourceVersion": current.metadata.resourceVersion}}
            resource.replace(body=body, namespace=namespace)
            verb = "replaced"
        done.append(f"{verb} {doc['kind']}/{name}")
    return done


def delete_manifests(cluster: Any, path: str | Path, namespace: str) -> list[str]:
    """Delete every object of a YAML file from ``namespace`` (``kubectl delete -f``); objects
    already gone are skipped. Returns one line per object deleted."""
    done = []
    for resource, doc in _objects(cluster, path):
        try:
            resource.delete(name=doc["metadata"]["name"], namespace=namespace)
        except ApiException as err:
            if err.status != 404:
                raise
            continue
        done.append(f"deleted {doc['kind']}/{doc['metadata']['name']}")
    return done


def expose_report(cluster: Any, namespace: str, name: str) -> str:
    """The ServiceExpose ``name`` (host, Ready, BackendFound) and the Ingress of that name."""
    api = api_client_of(cluster)
    lines = []
    try:
        se = client.CustomObjectsApi(api).get_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, name)
    except ApiException as err:
        if err.status != 404:
            raise
        lines.append(f"ServiceExpose {name}: not found")
    else:
        status = se.get("status") or {}
        lines.append(f"ServiceExpose {name}: host {status.get('host') or '-'}, "
                     f"ingressName {status.get('ingressName') or '-'}, observedGeneration "
                     f"{status.get('observedGeneration')} of {se['metadata'].get('generation')}")
        for c in status.get("conditions") or []:
            lines.append(f"  {c['type']:<13}{c['status']:<6}{c['reason']}: {c['message']}")
    lines.extend(_ingress_lines(api, namespace, name))
    return "\n".join(lines)


def _ingress_lines(api: client.ApiClient, namespace: str, name: str) -> list[str]:
    try:
        response = client.NetworkingV1Api(api).read_namespaced_ingress(
            name, namespace, _preload_content=False)
    except ApiException as err:
        if err.status != 404:
            raise
        return [f"Ingress {name}: not found"]
    ingress: Mapping[str, Any] = json.loads(response.data)
    meta = ingress["metadata"]
    owner = next((f"{r['kind']} {r['name']}" for r in meta.get("ownerReferences") or []
                  if r.get("controller")), "nobody")
    lines = [f"Ingress {name}: controlled by {owner}"]
    for rule in ingress["spec"].get("rules") or []:
        for p in (rule.get("http") or {}).get("paths") or []:
            svc = p["backend"].get("service") or {}
            lines.append(f"  {rule.get('host', '*')}{p.get('path', '')} ({p.get('pathType')}) "
                         f"→ Service {svc.get('name')}:{(svc.get('port') or {}).get('number')}")
    for tls in ingress["spec"].get("tls") or []:
        lines.append(f"  TLS for {', '.join(tls.get('hosts') or [])} from Secret "
                     f"{tls.get('secretName')}")
    annotations = dict(meta.get("annotations") or {})
    if annotations:
        lines.append("  annotations: " + ", ".join(f"{k}={v}" for k, v in
                                                   sorted(annotations.items())))
    address = (ingress.get("status") or {}).get("loadBalancer", {}).get("ingress")
    lines.append(f"  address: {address or 'none (no ingress controller has picked it up)'}")
    return lines


def field_owners(cluster: Any, namespace: str, name: str) -> str:
    """The Ingress ``name``'s ``managedFields``: each manager, its operation and the fields it
    owns, one path a line (``.metadata.labels.team``; a list item by its key,
    ``.metadata.ownerReferences[uid="…"]``, stands for all of its fields)."""
    response = client.NetworkingV1Api(api_client_of(cluster)).read_namespaced_ingress(
        name, namespace, _preload_content=False)
    meta = json.loads(response.data)["metadata"]
    lines = []
    for entry in meta.get("managedFields") or []:
        sub = f" on /{entry['subresource']}" if entry.get("subresource") else ""
        lines.append(f"{entry['manager']} ({entry['operation']}{sub}) owns:")
        lines.extend(f"  {path}" for path in field_paths(entry.get("fieldsV1") or {}))
    return "\n".join(lines) or f"Ingress {name}: no managedFields"


def field_paths(fields: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The owned paths of a ``fieldsV1`` set, sorted, written as structured-merge-diff writes
    them: ``f:name`` → ``.name``, ``k:{"uid":"u"}`` → ``[uid="u"]``, ``v:"x"`` → ``[="x"]``,
    ``i:0`` → ``[0]``. An item owned as a whole (``"."``) is one line."""
    paths = []
    for key in sorted(fields):
        if key == ".":
            continue
        kind, _, raw = key.partition(":")
        if kind == "f":
            step = f".{raw}"
        elif kind == "k":
            step = "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in json.loads(raw).items()) + "]"
        elif kind == "v":
            step = f"[={raw}]"
        else:
            step = f"[{raw}]"
        children = fields[key] or {}
        if not children or "." in children:
            paths.append(prefix + step)
        else:
            paths.extend(field_paths(children, prefix + step))
    return paths
