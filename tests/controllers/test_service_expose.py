"""The ServiceExpose reconcile function against the embedded API server, over HTTP.

One test per state transition that has a side effect (the pure decisions for every transition
are in ``tests/core/test_expose.py``), then the things only a real server shows: garbage
collection through the ownerReference, a 409 between read and write, schema validation, and
a second pass that writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kubernetes.client import ApiClient, CoreV1Api, CustomObjectsApi, NetworkingV1Api
from kubernetes.client.exceptions import ApiException

from mathctl.cluster import wait_for
from mathctl.controllers.outcome import Write
from mathctl.controllers.runner import Operator
from mathctl.controllers.service_expose import reconcile_service_expose
from mathctl.core.expose import MANAGED_ANNOTATIONS
from mathctl.resources.service_expose import GROUP, PLURAL, SERVICE_EXPOSE, VERSION

NAME = "example"
HOST = "example-svc.{ns}.example.com"


class World:
    """The objects of one test namespace, through the official client."""

    def __init__(self, api: ApiClient, namespace: str) -> None:
        self.api = api
        self.ns = namespace
        self.custom = CustomObjectsApi(api)
        self.core = CoreV1Api(api)
        self.net = NetworkingV1Api(api)

    def create_se(self, **spec: Any) -> dict[str, Any]:
        body = {
            "apiVersion": f"{GROUP}/{VERSION}", "kind": "ServiceExpose",
            "metadata": {"name": NAME},
            "spec": {"backend": {"service": {"name": "example-svc", "port": {"number": 8080}}},
                     "domain": "example.com",
                     "tls": {"enabled": True, "secretName": "example-tls"},
                     "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt"},
                     **spec},
        }
        return self.custom.create_namespaced_custom_object(  # type: ignore[no-any-return]
            GROUP, VERSION, self.ns, PLURAL, body)

    def se(self) -> dict[str, Any]:
        return self.custom.get_namespaced_custom_object(  # type: ignore[no-any-return]
            GROUP, VERSION, self.ns, PLURAL, NAME)

    def patch_se_spec(self, spec: dict[str, Any]) -> None:
        self.custom.patch_namespaced_custom_object(GROUP, VERSION, self.ns, PLURAL, NAME,
                                                   {"spec": spec})

    def delete_se(self) -> None:
        self.custom.delete_namespaced_custom_object(GROUP, VERSION, self.ns, PLURAL, NAME)

    def create_service(self, port: int = 8080) -> None:
        self.core.create_namespaced_service(self.ns, {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "example-svc"},
            "spec": {"selector": {"app": "example"},
                     "ports": [{"port": port, "targetPort": 80}]}})

    def ingress(self) -> dict[str, Any] | None:
        try:
            return self.api.sanitize_for_serialization(  # type: ignore[no-any-return]
                self.net.read_namespaced_ingress(NAME, self.ns))
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def create_foreign_ingress(self) -> None:
        self.net.create_namespaced_ingress(self.ns, {
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": NAME, "annotations": {"owner": "a person"}},
            "spec": {"rules": [{"host": "hand-made.example.com", "http": {"paths": [{
                "path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "other", "port": {"number": 80}}}}]}}]}})

    def edit_ingress(self, edit: Callable[[dict[str, Any]], None]) -> None:
        current = self.ingress()
        assert current is not None
        edit(current)
        self.net.replace_namespaced_ingress(NAME, self.ns, current)

    def reconcile(self, **kwargs: Any) -> Any:
        return reconcile_service_expose(self.api, self.ns, NAME, **kwargs)

    def conditions(self) -> dict[str, dict[str, Any]]:
        return {c["type"]: c for c in (self.se().get("status") or {}).get("conditions", [])}


@pytest.fixture
def world(api_client: ApiClient, namespace: str, crds: list[str]) -> World:
    assert SERVICE_EXPOSE.crd_name in crds
    return World(api_client, namespace)


def host(world: World) -> str:
    return HOST.format(ns=world.ns)


def rules_host(ingress: dict[str, Any] | None) -> str:
    assert ingress is not None
    return str(ingress["spec"]["rules"][0]["host"])


def make_state(world: World, ingress_kind: str, svc_present: bool) -> None:
    """Bring the namespace into one row of the transition table (ServiceExpose present)."""
    if svc_present:
        world.create_service()
    if ingress_kind == "not-owned":
        world.create_foreign_ingress()
    world.create_se()
    if ingress_kind in {"equal", "drifted"}:
        world.reconcile()
    if ingress_kind == "drifted":
        world.edit_ingress(lambda i: i["spec"]["rules"][0].update(host="hand-edited.example.com"))


ROWS = [
    # ingress state, Service present, writes, Ready reason, BackendFound reason
    ("absent", True, ["create Ingress/example", "status ServiceExpose/example"],
     "IngressReady", "ServiceFound"),
    ("absent", False, ["create Ingress/example", "status ServiceExpose/example"],
     "BackendNotFound", "ServiceNotFound"),
    ("drifted", True, ["update Ingress/example"], "IngressReady", "ServiceFound"),
    ("drifted", False, ["update Ingress/example"], "BackendNotFound", "ServiceNotFound"),
    ("not-owned", True, ["status ServiceExpose/example"], "IngressNotOwned", "ServiceFound"),
    ("not-owned", False, ["status ServiceExpose/example"], "IngressNotOwned", "ServiceNotFound"),
]


@pytest.mark.parametrize(("ingress_kind", "svc_present", "writes", "ready", "backend"), ROWS,
                         ids=[f"{r[0]}-{'svc' if r[1] else 'no-svc'}" for r in ROWS])
def test_each_transition_with_a_side_effect(world: World, ingress_kind: str, svc_present: bool,
                                            writes: list[str], ready: str,
                                            backend: str) -> None:
    make_state(world, ingress_kind, svc_present)
    before = world.ingress()
    outcome = world.reconcile()
    assert [str(w) for w in outcome.writes] == writes
    got = world.conditions()
    assert got["Ready"]["reason"] == ready
    assert got["Ready"]["status"] == ("True" if ready == "IngressReady" else "False")
    assert got["BackendFound"]["reason"] == backend
    status = world.se()["status"]
    assert status["observedGeneration"] == world.se()["metadata"]["generation"]
    ingress = world.ingress()
    if ingress_kind == "not-owned":
        # Refused to adopt: the Ingress is exactly as its owner left it.
        assert ingress == before
        assert "ingressName" not in status
        assert outcome.problems and "not adopt" in outcome.problems[0]
        return
    assert rules_host(ingress) == host(world) == status["host"]
    assert status["ingressName"] == NAME
    assert ingress is not None
    [owner] = ingress["metadata"]["ownerReferences"]
    assert (owner["kind"], owner["name"], owner["controller"]) == ("ServiceExpose", NAME, True)
    assert owner["uid"] == world.se()["metadata"]["uid"]
    assert ingress["spec"]["tls"] == [{"hosts": [host(world)], "secretName": "example-tls"}]
    # Idempotent: a second pass over the same world writes nothing at all.
    again = world.reconcile()
    assert again.writes == [] and again.converged


def test_a_service_that_appears_later_turns_ready_with_one_status_write(world: World) -> None:
    world.create_se()
    world.reconcile()
    assert world.conditions()["Ready"]["reason"] == "BackendNotFound"
    world.create_service()
    outcome = world.reconcile()
    assert [str(w) for w in outcome.writes] == ["status ServiceExpose/example"]
    assert world.conditions()["Ready"]["status"] == "True"
    assert world.conditions()["BackendFound"]["reason"] == "ServiceFound"


def test_a_service_without_the_port_is_reported(world: World) -> None:
    world.create_service(port=80)
    world.create_se()
    world.reconcile()
    backend = world.conditions()["BackendFound"]
    assert (backend["status"], backend["reason"]) == ("False", "PortNotFound")


def test_deleting_the_service_expose_garbage_collects_its_ingress(world: World) -> None:
    world.create_se()
    world.reconcile()
    assert world.ingress() is not None
    world.delete_se()
    wait_for(lambda: world.ingress() is None, what="the garbage collector to delete the Ingress")
    outcome = world.reconcile()
    assert not outcome.found and outcome.writes == []


def test_a_service_expose_held_by_a_finalizer_is_left_to_the_garbage_collector(
        world: World) -> None:
    world.create_se()
    world.reconcile()
    world.custom.patch_namespaced_custom_object(
        GROUP, VERSION, world.ns, PLURAL, NAME, {"metadata": {"finalizers": ["example.com/hold"]}})
    world.delete_se()
    assert world.se()["metadata"]["deletionTimestamp"]
    world.net.delete_namespaced_ingress(NAME, world.ns)
    wait_for(lambda: world.ingress() is None, what="the Ingress to be deleted")
    outcome = world.reconcile()
    assert outcome.writes == []  # no Ingress re-created for an owner on its way out
    world.custom.patch_namespaced_custom_object(
        GROUP, VERSION, world.ns, PLURAL, NAME, {"metadata": {"finalizers": None}})
    wait_for(lambda: _gone(world), what="the ServiceExpose to go once its finalizer is removed")
    assert world.ingress() is None


def test_deleting_the_service_expose_leaves_an_ingress_it_never_owned(world: World) -> None:
    world.create_foreign_ingress()
    world.create_se()
    world.reconcile()
    world.delete_se()
    wait_for(lambda: _gone(world), what="the ServiceExpose to be deleted")
    assert world.reconcile().writes == []
    ingress = world.ingress()
    assert ingress is not None and rules_host(ingress) == "hand-made.example.com"


def _gone(world: World) -> bool:
    try:
        world.se()
    except ApiException as exc:
        return exc.status == 404
    return False


@pytest.mark.parametrize(("spec", "expected"), [
    ({"backend": {"service": {"name": "api", "port": {"number": 8080}}}}, "api.{ns}.example.com"),
    ({"domain": "preview.example.org"}, "example-svc.{ns}.preview.example.org"),
])
def test_the_host_is_re_derived_when_service_or_domain_change(world: World, spec: dict[str, Any],
                                                              expected: str) -> None:
    world.create_se()
    world.reconcile()
    world.patch_se_spec(spec)
    outcome = world.reconcile()
    assert [str(w) for w in outcome.writes] == ["update Ingress/example",
                                                "status ServiceExpose/example"]
    ingress = world.ingress()
    assert rules_host(ingress) == expected.format(ns=world.ns)
    assert ingress is not None and ingress["spec"]["tls"][0]["hosts"] == [
        expected.format(ns=world.ns)]
    se = world.se()
    assert se["status"]["host"] == expected.format(ns=world.ns)
    assert se["status"]["observedGeneration"] == se["metadata"]["generation"] == 2


def test_copied_annotations_follow_the_spec_and_foreign_ones_stay(world: World) -> None:
    world.create_se()
    world.reconcile()
    world.edit_ingress(lambda i: i["metadata"]["annotations"].update(
        {"nginx.ingress.kubernetes.io/proxy-body-size": "8m"}))
    world.patch_se_spec({"annotations": {"cert-manager.io/cluster-issuer": None,
                                         "team": "web"}})
    world.reconcile()
    ingress = world.ingress()
    assert ingress is not None
    annotations = ingress["metadata"]["annotations"]
    assert "cert-manager.io/cluster-issuer" not in annotations
    assert annotations["team"] == "web"
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "8m"
    assert annotations[MANAGED_ANNOTATIONS] == "team"


def test_an_invalid_host_is_a_condition_and_no_ingress(world: World) -> None:
    world.create_se(domain="a" * 64 + ".example.com")
    outcome = world.reconcile()
    assert [str(w) for w in outcome.writes] == ["status ServiceExpose/example"]
    assert world.ingress() is None
    ready = world.conditions()["Ready"]
    assert (ready["status"], ready["reason"]) == ("False", "InvalidHost")
    assert "64 characters" in ready["message"] and "spec.domain" in ready["message"]


def test_an_edit_between_read_and_write_is_a_409_and_a_fresh_pass(world: World) -> None:
    world.create_se()
    world.reconcile()
    world.edit_ingress(lambda i: i["spec"]["rules"][0].update(host="drift.example.com"))
    raced: list[Write] = []

    def someone_edits_first(write: Write) -> None:
        if write.verb == "update" and not raced:
            raced.append(write)
            world.edit_ingress(lambda i: i["metadata"]["labels"].update(team="web"))

    outcome = world.reconcile(before_write=someone_edits_first)
    assert outcome.conflicts == 1
    ingress = world.ingress()
    assert rules_host(ingress) == host(world)
    assert ingress is not None and ingress["metadata"]["labels"]["team"] == "web"  # not lost


def test_the_server_validates_the_spec_with_the_crd_schema(world: World) -> None:
    with pytest.raises(ApiException) as err:
        world.create_se(pathType="prefix")
    assert err.value.status == 422
    assert "spec.pathType" in str(err.value.body)
    created = world.create_se()  # no path, no pathType: the schema's defaults fill them in
    assert created["spec"]["path"] == "/" and created["spec"]["pathType"] == "Prefix"


def test_a_rejected_ingress_is_reported_not_retried_forever(world: World) -> None:
    world.create_se(annotations={"not a valid key!": "x"})
    outcome = world.reconcile()
    assert world.ingress() is None
    ready = world.conditions()["Ready"]
    assert (ready["status"], ready["reason"]) == ("False", "IngressRejected")
    assert "422" in ready["message"]
    assert outcome.problems
    assert world.reconcile().writes == []  # same failure, same status: nothing new to write


def test_hand_deleted_ingress_comes_back(world: World) -> None:
    world.create_se()
    world.reconcile()
    world.net.delete_namespaced_ingress(NAME, world.ns)
    wait_for(lambda: world.ingress() is None, what="the Ingress to be deleted")
    outcome = world.reconcile()
    assert [str(w) for w in outcome.writes] == ["create Ingress/example"]
    assert rules_host(world.ingress()) == host(world)



def test_a_namespace_being_deleted_ends_the_pass_quietly(world: World) -> None:
    world.create_se()
    world.custom.patch_namespaced_custom_object(  # keeps the namespace Terminating a while
        GROUP, VERSION, world.ns, PLURAL, NAME, {"metadata": {"finalizers": ["example.com/hold"]}})

    def namespace_goes_first(write: Write) -> None:
        world.core.delete_namespace(world.ns)
        wait_for(lambda: world.core.read_namespace(world.ns).status.phase == "Terminating",
                 what="the namespace to be Terminating")

    outcome = world.reconcile(before_write=namespace_goes_first)
    assert outcome.writes == []  # the create met 403 NamespaceTerminating: nothing to fight
    world.custom.patch_namespaced_custom_object(
        GROUP, VERSION, world.ns, PLURAL, NAME, {"metadata": {"finalizers": None}})
    wait_for(lambda: _namespace_gone(world), timeout=30, what="the namespace to go")


def _namespace_gone(world: World) -> bool:
    try:
        world.core.read_namespace(world.ns)
    except ApiException as exc:
        return exc.status == 404
    return False



# --- under the operator: events on Ingresses and Services wake the right ServiceExpose -----------


@pytest.fixture
def operator(api_client: ApiClient, namespace: str, crds: list[str]) -> Iterator[Operator]:
    """The controllers with ServiceExpose switched on, watching the test's namespace."""
    op = Operator(api_client, namespace=namespace, resync=None, service_expose=True).start()
    try:
        yield op
    finally:
        op.stop()


def ready(world: World) -> tuple[str, str] | None:
    try:
        c = world.conditions().get("Ready")
    except ApiException:
        return None
    return (c["status"], c["reason"]) if c else None


def test_the_operator_creates_repairs_and_follows_the_service(world: World,
                                                              operator: Operator) -> None:
    world.create_se()
    wait_for(lambda: ready(world) == ("False", "BackendNotFound"), timeout=30,
             what="the Ingress without its Service")
    world.create_service()  # a Service event wakes the ServiceExpose of its namespace
    wait_for(lambda: ready(world) == ("True", "IngressReady"), timeout=30, what="Ready")
    world.edit_ingress(lambda i: i["spec"]["rules"][0].update(host="hand-edited.example.com"))
    wait_for(lambda: rules_host(world.ingress()) == host(world), timeout=30,
             what="the controller to repair the hand-edited host")
    world.core.delete_namespaced_service("example-svc", world.ns, _preload_content=False)
    wait_for(lambda: ready(world) == ("False", "BackendNotFound"), timeout=30,
             what="the Service's deletion to be reported")


def test_the_operator_takes_the_name_once_the_foreign_ingress_is_gone(
        world: World, operator: Operator) -> None:
    world.create_foreign_ingress()
    world.create_se()
    wait_for(lambda: ready(world) == ("False", "IngressNotOwned"), timeout=30,
             what="the conflict")
    world.net.delete_namespaced_ingress(NAME, world.ns)  # its event wakes the ServiceExpose
    wait_for(lambda: (world.ingress() or {}).get("metadata", {}).get("ownerReferences"),
             timeout=30, what="the ServiceExpose to create its own Ingress")
    assert rules_host(world.ingress()) == host(world)
