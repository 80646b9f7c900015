"""ServiceExpose's reconcile loop as pure functions: Observe → Diff → Action, free of I/O.

The seed talk's operator turns a ServiceExpose into one Ingress with the host
``<service>.<namespace>.<domain>``; its author wanted to test that the loop is idempotent in
every state transition. Keeping the decision pure makes that a table test
(``tests/core/test_expose.py``): given what was observed — the ServiceExpose, the Ingress of
the same name, the backend Service — say what to do. The controller
(``mathctl.controllers.service_expose``) only reads, calls :func:`plan`, and performs the
action; notebook ``80-service-expose`` has learners write :func:`desired_ingress` and
:func:`diff` themselves.

What the controller owns on its Ingress, and so what :func:`diff` compares: the controller
ownerReference (without it the Ingress is someone else's: ``Conflict``, never adopted),
``spec.rules`` and ``spec.tls``, its ``app.kubernetes.io/managed-by`` label, and the
annotations it copied from ``spec.annotations``. Which annotations it copied is recorded on
the Ingress itself (``expose.mathctl.example/managed-annotations``, like kubectl's
last-applied), so a key removed from the ServiceExpose is removed from the Ingress while
annotations added by others (cert-manager, an ingress controller, a person) are left alone.
Everything the server fills in (uid, resourceVersion, managedFields, status, an
``ingressClassName`` defaulted by admission) is not compared.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from mathctl.resources.conditions import set_condition
from mathctl.resources.meta import owner_reference
from mathctl.resources.service_expose import (
    KIND,
    RESERVED_ANNOTATION_PREFIX,
    ServiceExpose,
    ServiceExposeStatus,
)
from mathctl.resources.wire import to_wire

Body = dict[str, Any]

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY = "mathctl"
MANAGED_ANNOTATIONS = f"{RESERVED_ANNOTATION_PREFIX}managed-annotations"

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
MAX_LABEL = 63
MAX_NAME = 253


class InvalidHost(ValueError):
    """The host would not be a usable DNS name; the message names the field and the fix."""

    reason = "InvalidHost"

    def __init__(self, field_path: str, problem: str, fix: str) -> None:
        self.field_path = field_path
        self.problem = problem
        self.fix = fix
        super().__init__(f"{field_path}: {problem}. {fix}")


# ---------------------------------------------------------------------------------- Observe
# The talk's first question: which Ingress should exist?
def host_for(service_name: str, namespace: str, domain: str) -> str:
    """The public host for a Service: ``<service>.<namespace>.<domain>``, checked as DNS.

    The API server accepts any DNS-1123 subdomain as an Ingress host, even one with a
    70-character label that no resolver or certificate authority will take; this checks
    the stricter rule (every label at most 63 characters) and names the field to change.
    """
    if not _DNS_1035_LABEL.match(service_name):
        raise InvalidHost(
            "spec.backend.service.name", f"{service_name!r} is not a valid Service name",
            "Service names are lowercase letters, digits and '-', and start with a letter.",
        )
    if domain != domain.lower() or domain.endswith("."):
        raise InvalidHost(
            "spec.domain", f"{domain!r} has capital letters or a trailing dot",
            f"Write {domain.lower().rstrip('.')!r}: Kubernetes host names are lowercase.",
        )
    host = f"{service_name}.{namespace}.{domain}"
    labels = [(service_name, "spec.backend.service.name"), (namespace, "metadata.namespace")]
    labels += [(label, "spec.domain") for label in domain.split(".")]
    for label, source in labels:
        if len(label) > MAX_LABEL:
            raise InvalidHost(
                source, f"host {host!r} would have a label of {len(label)} characters "
                f"({label[:12]}…); a DNS label has at most {MAX_LABEL}",
                f"Shorten that part of {source}.",
            )
        if not _DNS_LABEL.match(label):
            raise InvalidHost(
                source, f"{label!r} in host {host!r} is not a DNS label",
                "Use lowercase letters, digits and '-' between dots, like preview.example.com.",
            )
    if len(host) > MAX_NAME:
        raise InvalidHost(
            "spec.domain", f"host {host!r} has {len(host)} characters; a DNS name has at "
            f"most {MAX_NAME}", "Use a shorter domain.",
        )
    return host


def desired_ingress(se: ServiceExpose, namespace: str) -> Body:
    """The ``networking.k8s.io/v1`` Ingress this ServiceExpose asks for, named like it.

    ``se`` must have been read from the API server: the ownerReference needs its uid. Raises
    ``InvalidHost`` when the host would not be a usable DNS name.
    """
    spec, name = se.spec, se.metadata.name
    host = host_for(spec.service_name, namespace, spec.domain)
    annotations = dict(spec.annotations)
    annotations[MANAGED_ANNOTATIONS] = ",".join(sorted(spec.annotations))
    ingress_spec: Body = {"rules": [{"host": host, "http": {"paths": [{
        "path": spec.path,
        "pathType": spec.path_type,
        "backend": {"service": {"name": spec.service_name,
                                "port": {"number": spec.port_number}}},
    }]}}]}
    if spec.tls_enabled:
        ingress_spec["tls"] = [{"hosts": [host],
                                "secretName": spec.tls.secret_name if spec.tls and
                                spec.tls.secret_name else f"{name}-tls"}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {MANAGED_BY_LABEL: MANAGED_BY},
            "annotations": annotations,
            "ownerReferences": [to_wire(owner_reference(se))],
        },
        "spec": ingress_spec,
    }


# ------------------------------------------------------------------------------------ Diff
@dataclass(frozen=True)
class Create:
    """No Ingress of that name exists: create ``ingress``."""

    ingress: Body
    reason: str = "IngressCreated"


@dataclass(frozen=True)
class Update:
    """Our Ingress drifted at ``changes`` (paths): write ``ingress`` (current + owned fields)."""

    ingress: Body
    changes: list[str]
    reason: str = "IngressUpdated"


@dataclass(frozen=True)
class Nothing:
    """Nothing to write; ``reason`` says why (in sync, not ours to delete, invalid spec…)."""

    reason: str = "InSync"
    message: str = ""


@dataclass(frozen=True)
class Conflict:
    """An Ingress of that name exists and is not ours: never adopt or overwrite it."""

    reason: str
    message: str


Action = Create | Update | Nothing | Conflict


def controller_uid(obj: Mapping[str, Any]) -> str | None:
    """The uid of the object's controller ownerReference, if it has one."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return str(ref.get("uid"))
    return None


def diff(desired: Body | None, current: Body | None) -> Action:
    """Compare the desired Ingress with the current one and say what to do about it.

    ``desired`` is None when the ServiceExpose is gone: the garbage collector deletes an
    Ingress it controlled, so the controller writes nothing either way.
    """
    if desired is None:
        if current is None:
            return Nothing("Gone", "Neither the ServiceExpose nor its Ingress exists.")
        return Nothing("Gone", "The ServiceExpose is gone; the garbage collector deletes the "
                       "Ingress it controlled, and leaves any other Ingress alone.")
    if current is None:
        return Create(desired)
    name = current["metadata"]["name"]
    ours = controller_uid(desired)
    theirs = controller_uid(current)
    if theirs != ours:
        return Conflict("IngressNotOwned", _not_owned_message(current))
    if current["metadata"].get("deletionTimestamp"):
        return Nothing("IngressTerminating",
                       f"Ingress {name!r} is being deleted; it is re-created once it is gone.")
    changes = changed_paths(desired, current)
    if not changes:
        return Nothing("InSync", f"Ingress {name!r} matches the ServiceExpose.")
    return Update(merge_owned(desired, current), changes)


def _not_owned_message(current: Body) -> str:
    name = current["metadata"]["name"]
    ref = next((r for r in current["metadata"].get("ownerReferences") or []
                if r.get("controller")), None)
    if ref is None:
        return (f"Ingress {name!r} already exists and no controller owns it; this ServiceExpose "
                "will not adopt or change it. Delete that Ingress (or rename this "
                "ServiceExpose) and the controller creates its own.")
    if ref.get("kind") == KIND and ref.get("name") == name:
        return (f"Ingress {name!r} belongs to an earlier ServiceExpose {name!r} (uid "
                f"{ref.get('uid')}) that was deleted; the garbage collector removes it, then "
                "this ServiceExpose creates its own.")
    return (f"Ingress {name!r} already exists and is controlled by {ref.get('kind')} "
            f"{ref.get('name')!r}; this ServiceExpose will not adopt or change it. Rename this "
            "ServiceExpose, or remove the other owner's Ingress.")


def _owned_annotations(desired: Body, current: Body) -> tuple[dict[str, str], list[str]]:
    """The annotations we want, and the keys we copied before but no longer want."""
    want = dict(desired["metadata"].get("annotations") or {})
    had = (current["metadata"].get("annotations") or {}).get(MANAGED_ANNOTATIONS, "")
    stale = sorted(k for k in had.split(",") if k and k not in want)
    return want, stale


def changed_paths(desired: Body, current: Body) -> list[str]:
    """The paths of the fields the controller owns whose current value differs."""
    want_annotations, stale = _owned_annotations(desired, current)
    have_annotations = current["metadata"].get("annotations") or {}
    changes = [f"metadata.annotations[{k!r}]" for k in sorted(want_annotations)
               if have_annotations.get(k) != want_annotations[k]]
    changes += [f"metadata.annotations[{k!r}]" for k in stale if k in have_annotations]
    have_labels = current["metadata"].get("labels") or {}
    changes += [f"metadata.labels[{k!r}]" for k, v in sorted(desired["metadata"]["labels"].items())
                if have_labels.get(k) != v]
    for key in ("rules", "tls"):
        changes += value_diff(desired["spec"].get(key), current.get("spec", {}).get(key),
                               f"spec.{key}")
    return changes


def value_diff(want: Any, have: Any, path: str) -> list[str]:
    """Paths where ``have`` differs from ``want``; empty lists and mappings count as absent."""
    want, have = _prune(want), _prune(have)
    if isinstance(want, Mapping) and isinstance(have, Mapping):
        return [p for key in sorted(set(want) | set(have))
                for p in value_diff(want.get(key), have.get(key), f"{path}.{key}")]
    if isinstance(want, list) and isinstance(have, list):
        return [p for i in range(max(len(want), len(have)))
                for p in value_diff(want[i] if i < len(want) else None,
                                     have[i] if i < len(have) else None, f"{path}[{i}]")]
    return [] if want == have else [path]


def _prune(value: Any) -> Any:
    if isinstance(value, Mapping):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v is not None} or None
    if isinstance(value, list):
        return [_prune(v) for v in value] or None
    return value


def merge_owned(desired: Body, current: Body) -> Body:
    """The current Ingress with the owned fields set as desired and everything else kept.

    The result keeps ``metadata.resourceVersion``, so writing it with a replace (PUT) fails
    with 409 Conflict if someone changed the Ingress since it was read.
    """
    merged = copy.deepcopy(current)
    meta = merged.setdefault("metadata", {})
    want, stale = _owned_annotations(desired, current)
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in stale}
    meta["annotations"] = {**annotations, **want}
    meta["labels"] = {**(meta.get("labels") or {}), **desired["metadata"]["labels"]}
    spec = merged.setdefault("spec", {})
    spec["rules"] = copy.deepcopy(desired["spec"]["rules"])
    if "tls" in desired["spec"]:
        spec["tls"] = copy.deepcopy(desired["spec"]["tls"])
    else:
        spec.pop("tls", None)
    merged.pop("status", None)
    return merged


# ---------------------------------------------------------------------------------- Action
@dataclass(frozen=True)
class Plan:
    """One pass of the loop: the action on the Ingress and the ServiceExpose status to write.

    ``status`` is None when the ServiceExpose is gone (there is nothing to write it to).
    """

    action: Action
    status: ServiceExposeStatus | None = None


def backend_condition(service_name: str, port: int, service: Mapping[str, Any] | None,
                      namespace: str) -> tuple[bool, str, str]:
    """(found, reason, message) for the ``BackendFound`` condition."""
    if service is None:
        return False, "ServiceNotFound", (
            f"Service {service_name!r} does not exist in namespace {namespace!r}. Create it, "
            "or fix spec.backend.service.name; the Ingress routes to it once it exists.")
    ports = [p.get("port") for p in (service.get("spec") or {}).get("ports") or []]
    if port not in ports:
        return False, "PortNotFound", (
            f"Service {service_name!r} has ports {ports}, not {port}. Set "
            "spec.backend.service.port.number to one of them (the Service port, not the "
            "targetPort).")
    return True, "ServiceFound", f"Service {service_name!r} exposes port {port}."


def plan(
    se: ServiceExpose | None,
    namespace: str,
    ingress: Body | None,
    service: Mapping[str, Any] | None,
    *,
    now: datetime,
) -> Plan:
    """Observe → Diff → Action for one ServiceExpose, given everything the controller read.

    ``se`` is None when the ServiceExpose no longer exists; then, and while it is being
    deleted, the plan writes nothing and has no status. ``now`` stamps the conditions
    whose status changes; an unchanged condition keeps its transition time, so a second
    pass over the same world plans the same status and the controller writes nothing.
    """
    if se is None:
        return Plan(diff(None, ingress))
    if se.metadata.deletion_timestamp is not None:
        # Being deleted (a finalizer holds it): the garbage collector is removing the
        # Ingress, and re-creating it now would only hand the collector more work.
        return Plan(Nothing("ServiceExposeTerminating", "The ServiceExpose is being deleted."))
    name, spec = se.metadata.name, se.spec
    host: str | None = None
    try:
        desired = desired_ingress(se, namespace)
        host = desired["spec"]["rules"][0]["host"]
        action: Action = diff(desired, ingress)
    except InvalidHost as err:
        action = Nothing(err.reason, f"{err} Until then the Ingress is left as it is.")
    found, b_reason, b_message = backend_condition(
        spec.service_name, spec.port_number, service, namespace)
    if isinstance(action, Conflict | Nothing) and action.reason not in {"InSync", "Gone"}:
        ready, reason, message = False, action.reason, action.message
    elif not found:
        ready, reason, message = False, "BackendNotFound", (
            f"Ingress {name!r} is in place, but requests to {host} will fail: {b_message}")
    else:
        scheme = "https" if spec.tls_enabled else "http"
        ready, reason, message = True, "IngressReady", (
            f"Ingress {name!r} routes {scheme}://{host}{spec.path} to Service "
            f"{spec.service_name!r} port {spec.port_number}.")
    generation = se.metadata.generation
    conditions = set_condition(se.conditions, type="Ready", status=_tf(ready), reason=reason,
                               message=message, observed_generation=generation, now=now)
    conditions = set_condition(conditions, type="BackendFound", status=_tf(found),
                               reason=b_reason, message=b_message,
                               observed_generation=generation, now=now)
    owned = isinstance(action, Create | Update) or (
        ingress is not None and controller_uid(ingress) == se.metadata.uid)
    status = ServiceExposeStatus(host=host, ingress_name=name if owned else None,
                                 observed_generation=generation, conditions=conditions)
    return Plan(action, status)


def not_ready(status: ServiceExposeStatus | None, generation: int | None, reason: str,
              message: str, *, now: datetime) -> ServiceExposeStatus:
    """``status`` with ``Ready=False`` for a failure no plan foresees: a ServiceExpose whose
    spec does not parse, or an Ingress the API server rejected."""
    base = status or ServiceExposeStatus()
    conditions = set_condition(base.conditions, type="Ready", status="False", reason=reason,
                               message=message, observed_generation=generation, now=now)
    return replace(base, observed_generation=generation, conditions=conditions)


def _tf(ok: bool) -> Literal["True", "False"]:
    return "True" if ok else "False"
