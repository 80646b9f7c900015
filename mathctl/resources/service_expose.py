"""The ServiceExpose kind: its API names, its typed model and its CRD.

ServiceExpose is the workshop's capstone (notebook ``80-service-expose``): the real-world
operator from the seed talk that turns "expose Service *x* on port *p* under domain *d*" into
an Ingress whose host is ``<service>.<namespace>.<domain>``. It lives in its own API group,
``expose.mathctl.example``, a sibling of ``math.mathctl.example``: it is a different concern
from the three math toys. For the same reason it is in no category: ``kubectl get math`` must
keep listing only the math kinds, and a category with one member would add nothing to its
short name (``kubectl get svcx``).

The model is declared with the same ``wire`` fields as Number/Tuple/Fermat, so one declaration
gives the CRD schema (``SERVICE_EXPOSE_CRD`` → ``crds/serviceexpose.yaml`` via ``crdgen``), the
typed object the pure core (``mathctl.core.expose``) computes from, and the dict the
controller writes back. The schema rejects most mistakes at ``kubectl apply`` time with the
API server's own message; the checks a schema cannot express (the host built from three
parts must be a DNS name) are in the core and end up in a ``Ready=False`` condition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mathctl.resources.conditions import Condition
from mathctl.resources.crd import AGE, CRDSource, PrinterColumn, field_column
from mathctl.resources.group import KindNames
from mathctl.resources.meta import ObjectMeta, is_status_current, object_from_dict, object_to_dict
from mathctl.resources.numbers import conditions_field, observed_generation_field
from mathctl.resources.wire import wire

GROUP = "expose.mathctl.example"
VERSION = "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
SERVICE_EXPOSE = KindNames(kind="ServiceExpose", plural="serviceexposes",
                           singular="serviceexpose", short_names=("svcx",),
                           group=GROUP, categories=())
KIND = SERVICE_EXPOSE.kind
PLURAL = SERVICE_EXPOSE.plural

PATH_TYPES = ("Prefix", "Exact", "ImplementationSpecific")
RESERVED_ANNOTATION_PREFIX = f"{GROUP}/"
"""Annotation keys under this prefix are the controller's own bookkeeping on the Ingress."""

# The API server's own rules for these names (k8s.io/apimachinery validation).
DNS1035_LABEL = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"
DNS1123_SUBDOMAIN = (r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


@dataclass(frozen=True)
class ServicePort:
    number: int = field(metadata=wire(
        "number", "The Service's port (the `port` that `kubectl get service` shows, not the "
        "targetPort).", required=True, format="int32", minimum=1, maximum=65535,
        example="8080"))


@dataclass(frozen=True)
class ServiceRef:
    name: str = field(metadata=wire(
        "name", "Name of the Service, in the ServiceExpose's namespace; the first label of "
        "the host.", required=True, maxLength=63, pattern=DNS1035_LABEL, example="web"))
    port: ServicePort = field(metadata=wire(
        "port", "Which port of the Service receives the traffic.", required=True,
        example="{number: 8080}"))


@dataclass(frozen=True)
class Backend:
    service: ServiceRef = field(metadata=wire(
        "service", "The Service the Ingress routes to.", required=True,
        example="{name: web, port: {number: 8080}}"))


@dataclass(frozen=True, kw_only=True)
class TLS:
    enabled: bool = field(default=False, metadata=wire(
        "enabled", "Serve the host over HTTPS (adds spec.tls to the Ingress)."))
    secret_name: str | None = field(default=None, metadata=wire(
        "secretName", "The Secret holding the certificate (cert-manager can create it); "
        "defaults to <name>-tls.", maxLength=253, pattern=DNS1123_SUBDOMAIN,
        example="web-tls"))


@dataclass(frozen=True, kw_only=True)
class ServiceExposeSpec:
    backend: Backend = field(metadata=wire(
        "backend", "The Service port to expose.", required=True,
        example="{service: {name: web, port: {number: 8080}}}"))
    domain: str = field(metadata=wire(
        "domain", "The domain the host is built under: <service>.<namespace>.<domain>.",
        required=True, maxLength=253, pattern=DNS1123_SUBDOMAIN, example="example.com"))
    path: str = field(default="/", metadata=wire(
        "path", "The URL path routed to the Service; must start with '/'.",
        default="/", pattern=r"^/", maxLength=1024, example="/"))
    path_type: str = field(default="Prefix", metadata=wire(
        "pathType", "How the path matches: Prefix (the path and below), Exact, or "
        "ImplementationSpecific (up to the ingress controller).",
        default="Prefix", enum=PATH_TYPES, example="Prefix"))
    tls: TLS | None = field(default=None, metadata=wire(
        "tls", "HTTPS for the host.", example="{enabled: true, secretName: web-tls}"))
    annotations: Mapping[str, str] = field(default_factory=dict, metadata=wire(
        "annotations", "Annotations copied onto the Ingress (e.g. for cert-manager or the "
        "ingress controller); removing one here removes it there. Keys under "
        f"{RESERVED_ANNOTATION_PREFIX} are reserved.",
        example='{"cert-manager.io/cluster-issuer": letsencrypt}'))

    def __post_init__(self) -> None:
        reserved = sorted(k for k in self.annotations if k.startswith(RESERVED_ANNOTATION_PREFIX))
        if reserved:
            raise ValueError(
                f"spec.annotations uses the reserved prefix {RESERVED_ANNOTATION_PREFIX} "
                f"({', '.join(reserved)}): the controller keeps its bookkeeping there; "
                "choose another key")

    @property
    def service_name(self) -> str:
        return self.backend.service.name

    @property
    def port_number(self) -> int:
        return self.backend.service.port.number

    @property
    def tls_enabled(self) -> bool:
        return self.tls is not None and self.tls.enabled


@dataclass(frozen=True, kw_only=True)
class ServiceExposeStatus:
    host: str | None = field(default=None, metadata=wire(
        "host", "The generated host, <service>.<namespace>.<domain>; unset while invalid."))
    ingress_name: str | None = field(default=None, metadata=wire(
        "ingressName", "The Ingress this ServiceExpose controls; unset while it has none."))
    observed_generation: int | None = observed_generation_field()
    conditions: tuple[Condition, ...] = conditions_field()


@dataclass(frozen=True, kw_only=True)
class ServiceExpose:
    """A ServiceExpose object as the API server stores it."""

    KIND: ClassVar[KindNames] = SERVICE_EXPOSE
    metadata: ObjectMeta = field(metadata=wire("metadata", "Standard object metadata.",
                                               required=True))
    spec: ServiceExposeSpec = field(metadata=wire("spec", "Desired state.", required=True))
    status: ServiceExposeStatus | None = field(default=None, metadata=wire(
        "status", "Observed state."))

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> ServiceExpose:
        return object_from_dict(cls, body)

    def to_dict(self) -> dict[str, Any]:
        return object_to_dict(self)

    @classmethod
    def new(cls, name: str, service: str, port: int, domain: str, *,
            namespace: str | None = None, path: str = "/", path_type: str = "Prefix",
            tls: TLS | None = None, annotations: Mapping[str, str] | None = None,
            uid: str | None = None, generation: int | None = None) -> ServiceExpose:
        """A ServiceExpose to create (or, with ``uid``, one as if read back from the server)."""
        return cls(
            metadata=ObjectMeta(name=name, namespace=namespace, uid=uid, generation=generation),
            spec=ServiceExposeSpec(
                backend=Backend(service=ServiceRef(name=service, port=ServicePort(number=port))),
                domain=domain, path=path, path_type=path_type, tls=tls,
                annotations=dict(annotations or {})))

    @property
    def conditions(self) -> Sequence[Condition]:
        return self.status.conditions if self.status else ()

    @property
    def status_is_current(self) -> bool:
        return self.status is not None and is_status_current(
            self.metadata.generation, self.status.observed_generation)


SERVICE_EXPOSE_CRD = CRDSource(
    names=SERVICE_EXPOSE,
    description="ServiceExpose publishes a Service under <service>.<namespace>.<domain>; its "
                "controller owns one networking.k8s.io/v1 Ingress of the same name.",
    spec=ServiceExposeSpec,
    spec_description="ServiceExposeSpec names the Service port, the domain, the path and TLS.",
    status=ServiceExposeStatus,
    status_description="ServiceExposeStatus is written by the ServiceExpose controller.",
    columns=(
        field_column("Host", "status", ServiceExposeStatus, "host"),
        PrinterColumn(name="Service", type="string", json_path=".spec.backend.service.name",
                      description="The exposed Service."),
        PrinterColumn(name="Port", type="integer",
                      json_path=".spec.backend.service.port.number",
                      description="The exposed Service port."),
        PrinterColumn(name="Ready", type="string",
                      json_path='.status.conditions[?(@.type=="Ready")].status',
                      description="Whether the Ingress is in place and its Service exists."),
        AGE,
    ),
)
