"""The ServiceExpose kind: its API names, its typed model and its CRD.

ServiceExpose is the workshop's capstone (notebook ``80-service-expose``): a real-world
operator from the seed talk that turns "expose Service *x* on port *p* under domain *d*" into
an Ingress whose host is ``<service>.<namespace>.<domain>``. It lives in its own API group,
``expose.mathctl.example``, a sibling of ``math.mathctl.example``: it is a different concern
from the three math toys, so ``kubectl get math`` must not list it.

This module holds only what the object *is*: the names the API server knows it by, a typed,
validated view of a body (``ServiceExpose.from_body``) that the pure core
(``mathctl.core.expose``) computes from, and the CustomResourceDefinition that
``crds/serviceexpose.yaml`` is generated from. It imports nothing from Kubernetes clients.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

GROUP = "expose.mathctl.example"
VERSION = "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
KIND = "ServiceExpose"
PLURAL = "serviceexposes"
SINGULAR = "serviceexpose"
SHORT_NAMES = ("svcx",)

PATH_TYPES = ("Prefix", "Exact", "ImplementationSpecific")
DEFAULT_PATH = "/"
DEFAULT_PATH_TYPE = "Prefix"

#: Annotation keys under this prefix are the controller's own bookkeeping on the Ingress.
RESERVED_ANNOTATION_PREFIX = f"{GROUP}/"


class InvalidServiceExpose(ValueError):
    """A ServiceExpose the controller cannot act on; the message names the field and the fix."""

    def __init__(self, field_path: str, problem: str, fix: str, *,
                 reason: str = "InvalidSpec") -> None:
        self.field_path = field_path
        self.problem = problem
        self.fix = fix
        self.reason = reason  # the CamelCase reason of the Ready=False condition
        super().__init__(f"{field_path}: {problem}. {fix}")


@dataclass(frozen=True)
class ServiceExposeSpec:
    """What the learner asks for: expose this Service port under this domain and path."""

    service_name: str
    port_number: int
    domain: str
    path: str = DEFAULT_PATH
    path_type: str = DEFAULT_PATH_TYPE
    tls_enabled: bool = False
    tls_secret_name: str | None = None
    annotations: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class ServiceExpose:
    """One ServiceExpose object as the controller sees it (its namespace is passed alongside)."""

    name: str
    spec: ServiceExposeSpec
    uid: str = ""
    generation: int = 0

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ServiceExpose:
        """Read a ServiceExpose body (as the API server returns it) into the typed model.

        The CRD's schema already rejects most mistakes at ``kubectl apply`` time; this repeats
        the checks the controller relies on, so a body that skipped validation (an old CRD,
        a hand-written dict in a notebook) fails here with the field and the fix.
        """
        metadata = body.get("metadata") or {}
        return cls(
            name=str(metadata.get("name", "")),
            uid=str(metadata.get("uid", "")),
            generation=int(metadata.get("generation") or 0),
            spec=spec_from_body(body.get("spec")),
        )


def spec_from_body(spec: Any) -> ServiceExposeSpec:
    """Validate and type a ServiceExpose ``spec`` mapping; raise ``InvalidServiceExpose``."""
    if not isinstance(spec, Mapping):
        raise InvalidServiceExpose("spec", "is missing", "Add spec.backend and spec.domain.")
    service = _mapping(_mapping(spec, "backend", "spec"), "service", "spec.backend")
    name = service.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidServiceExpose(
            "spec.backend.service.name", "is missing",
            "Name the Service to expose, e.g. backend: {service: {name: web, port: {number: 80}}}.",
        )
    number = _mapping(service, "port", "spec.backend.service").get("number")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
        raise InvalidServiceExpose(
            "spec.backend.service.port.number",
            f"must be a port between 1 and 65535, not {number!r}",
            "Use the Service's `port` (what `kubectl get service` shows), not its targetPort.",
        )
    domain = spec.get("domain")
    if not isinstance(domain, str) or not domain:
        raise InvalidServiceExpose(
            "spec.domain", "is missing",
            "Set the domain the host is built under, e.g. domain: example.com.",
        )
    path = spec.get("path", DEFAULT_PATH)
    if not isinstance(path, str) or not path.startswith("/"):
        raise InvalidServiceExpose(
            "spec.path", f"must be an absolute path starting with '/', not {path!r}",
            "Write it like /, /api or /docs.",
        )
    path_type = spec.get("pathType", DEFAULT_PATH_TYPE)
    if path_type not in PATH_TYPES:
        raise InvalidServiceExpose(
            "spec.pathType", f"must be one of {', '.join(PATH_TYPES)}, not {path_type!r}",
            "Prefix matches the path and everything below it; Exact only the path itself.",
        )
    tls = spec.get("tls") or {}
    if not isinstance(tls, Mapping):
        raise InvalidServiceExpose("spec.tls", "must be a mapping", "Write tls: {enabled: true}.")
    secret_name = tls.get("secretName") or None
    annotations = spec.get("annotations") or {}
    if not isinstance(annotations, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in annotations.items()
    ):
        raise InvalidServiceExpose(
            "spec.annotations", "must map strings to strings",
            'Quote values that YAML reads as numbers or booleans, e.g. "true".',
        )
    reserved = sorted(k for k in annotations if k.startswith(RESERVED_ANNOTATION_PREFIX))
    if reserved:
        raise InvalidServiceExpose(
            "spec.annotations",
            f"uses the reserved prefix {RESERVED_ANNOTATION_PREFIX} ({', '.join(reserved)})",
            "The controller keeps its own bookkeeping there; choose another key.",
        )
    return ServiceExposeSpec(
        service_name=name,
        port_number=number,
        domain=domain,
        path=path,
        path_type=path_type,
        tls_enabled=bool(tls.get("enabled", False)),
        tls_secret_name=secret_name if isinstance(secret_name, str) else None,
        annotations=MappingProxyType(dict(annotations)),
    )


def _mapping(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = parent.get(key)
    if not isinstance(value, Mapping):
        raise InvalidServiceExpose(
            f"{where}.{key}", "is missing",
            "The shape is backend: {service: {name: <service>, port: {number: <port>}}}.",
        )
    return value
