"""The ServiceExpose loop decided without a cluster: every state transition, then idempotency."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from mathctl.core.expose import (
    MANAGED_ANNOTATIONS,
    Conflict,
    Create,
    InvalidHost,
    Nothing,
    Update,
    changed_paths,
    desired_ingress,
    diff,
    host_for,
    merge_owned,
    not_ready,
    plan,
)
from mathctl.resources.conditions import Condition
from mathctl.resources.service_expose import ServiceExpose, ServiceExposeStatus

NS = "ns1"
T0 = datetime(2024, 1, 1, 0, 0, tzinfo=UTC)
T1 = datetime(2024, 1, 1, 0, 5, tzinfo=UTC)
T2 = datetime(2024, 1, 1, 0, 9, tzinfo=UTC)


def make_se(status: ServiceExposeStatus | None = None, **spec_overrides: Any) -> ServiceExpose:
    spec: dict[str, Any] = {
        "backend": {"service": {"name": "example-svc", "port": {"number": 8080}}},
        "domain": "example.com",
        "tls": {"enabled": True, "secretName": "example-tls"},
        "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt"},
    }
    spec.update({k: v for k, v in spec_overrides.items() if v is not None})
    for key in [k for k, v in spec_overrides.items() if v is None]:
        del spec[key]
    body = {"apiVersion": "expose.mathctl.example/v1beta1", "kind": "ServiceExpose",
            "metadata": {"name": "example", "namespace": NS, "uid": "uid-se", "generation": 3},
            "spec": spec}
    se = ServiceExpose.from_dict(body)
    return se if status is None else ServiceExpose(metadata=se.metadata, spec=se.spec,
                                                   status=status)


def as_stored(ingress: dict[str, Any]) -> dict[str, Any]:
    """What a real API server hands back: the body plus fields it and others fill in."""
    stored = copy.deepcopy(ingress)
    stored["metadata"].update(uid="uid-ing", resourceVersion="42",
                              creationTimestamp="2024-01-01T00:00:00Z", generation=1,
                              managedFields=[{"manager": "mathctl", "operation": "Update"}])
    stored["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{}"
    stored["metadata"]["labels"]["team"] = "web"
    stored["spec"]["ingressClassName"] = "nginx"  # DefaultIngressClass admission
    stored["status"] = {"loadBalancer": {"ingress": [{"ip": "192.168.49.2"}]}}
    return stored


def service(port: int = 8080) -> dict[str, Any]:
    return {"metadata": {"name": "example-svc", "namespace": NS},
            "spec": {"ports": [{"port": port, "targetPort": 80}]}}


def ingress_state(kind: str) -> dict[str, Any] | None:
    desired = desired_ingress(make_se(), NS)
    if kind == "absent":
        return None
    current = as_stored(desired)
    if kind == "drifted":
        current["spec"]["rules"][0]["host"] = "hand-edited.example.com"
    elif kind == "not-owned":
        del current["metadata"]["ownerReferences"]
    return current


INGRESS_STATES = ["absent", "equal", "drifted", "not-owned"]
# (ingress state, service present) -> (action type, action reason, Ready reason, BackendFound)
PRESENT: dict[tuple[str, bool], tuple[type, str, str, str]] = {
    ("absent", True): (Create, "IngressCreated", "IngressReady", "ServiceFound"),
    ("absent", False): (Create, "IngressCreated", "BackendNotFound", "ServiceNotFound"),
    ("equal", True): (Nothing, "InSync", "IngressReady", "ServiceFound"),
    ("equal", False): (Nothing, "InSync", "BackendNotFound", "ServiceNotFound"),
    ("drifted", True): (Update, "IngressUpdated", "IngressReady", "ServiceFound"),
    ("drifted", False): (Update, "IngressUpdated", "BackendNotFound", "ServiceNotFound"),
    ("not-owned", True): (Conflict, "IngressNotOwned", "IngressNotOwned", "ServiceFound"),
    ("not-owned", False): (Conflict, "IngressNotOwned", "IngressNotOwned", "ServiceNotFound"),
}


def conditions(status: ServiceExposeStatus | None) -> dict[str, Condition]:
    assert status is not None
    return {c.type: c for c in status.conditions}


@pytest.mark.parametrize("svc_present", [True, False], ids=["svc", "no-svc"])
@pytest.mark.parametrize("ingress_kind", INGRESS_STATES)
@pytest.mark.parametrize("se_present", [True, False], ids=["se", "no-se"])
def test_every_state_transition(se_present: bool, ingress_kind: str, svc_present: bool) -> None:
    current = ingress_state(ingress_kind)
    result = plan(make_se() if se_present else None, NS, current,
                  service() if svc_present else None, now=T0)
    if not se_present:
        # The garbage collector deletes an Ingress the ServiceExpose controlled; no write.
        assert result.action == Nothing("Gone", result.action.message)
        assert result.status is None
        return
    action_type, action_reason, ready_reason, backend_reason = PRESENT[ingress_kind, svc_present]
    assert type(result.action) is action_type
    assert result.action.reason == action_reason
    got = conditions(result.status)
    assert got["Ready"].reason == ready_reason
    assert got["Ready"].status == ("True" if ready_reason == "IngressReady" else "False")
    assert got["BackendFound"].reason == backend_reason
    assert got["BackendFound"].status == ("True" if svc_present else "False")
    assert {c.observed_generation for c in got.values()} == {3}
    assert result.status is not None
    assert result.status.host == "example-svc.ns1.example.com"
    assert result.status.observed_generation == 3
    assert result.status.ingress_name == (None if ingress_kind == "not-owned" else "example")
    if isinstance(result.action, Update):
        assert result.action.changes == ["spec.rules[0].host"]


def perform(action: Any, current: dict[str, Any] | None) -> dict[str, Any] | None:
    """Play the API server: what the Ingress looks like after the action is written."""
    if isinstance(action, Create):
        return as_stored(action.ingress)
    if isinstance(action, Update):
        written = copy.deepcopy(action.ingress)
        written["metadata"]["resourceVersion"] = "43"
        return written
    return current


@pytest.mark.parametrize("svc_present", [True, False], ids=["svc", "no-svc"])
@pytest.mark.parametrize("ingress_kind", INGRESS_STATES)
def test_a_second_pass_after_the_action_changes_nothing(ingress_kind: str,
                                                        svc_present: bool) -> None:
    svc = service() if svc_present else None
    first = plan(make_se(), NS, ingress_state(ingress_kind), svc, now=T0)
    after = perform(first.action, ingress_state(ingress_kind))
    second = plan(make_se(first.status), NS, after, svc, now=T1)
    assert isinstance(second.action, Conflict if ingress_kind == "not-owned" else Nothing)
    assert second.status == first.status  # same status, same transition times: no write


def test_desired_ingress_matches_the_talks_example() -> None:
    ingress = desired_ingress(make_se(), NS)
    assert ingress["metadata"]["name"] == "example"
    assert ingress["metadata"]["namespace"] == NS
    assert ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt"
    [owner] = ingress["metadata"]["ownerReferences"]
    assert owner == {"apiVersion": "expose.mathctl.example/v1beta1", "kind": "ServiceExpose",
                     "name": "example", "uid": "uid-se", "controller": True,
                     "blockOwnerDeletion": True}
    assert ingress["spec"] == {
        "rules": [{"host": "example-svc.ns1.example.com", "http": {"paths": [{
            "path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "example-svc", "port": {"number": 8080}}}}]}}],
        "tls": [{"hosts": ["example-svc.ns1.example.com"], "secretName": "example-tls"}],
    }


def test_tls_off_means_no_tls_section_and_a_default_secret_name_when_on() -> None:
    assert "tls" not in desired_ingress(make_se(tls={"enabled": False}), NS)["spec"]
    assert "tls" not in desired_ingress(make_se(tls=None), NS)["spec"]
    assert "tls" not in desired_ingress(make_se(tls={}), NS)["spec"]
    tls = desired_ingress(make_se(tls={"enabled": True}), NS)["spec"]["tls"]
    assert tls == [{"hosts": ["example-svc.ns1.example.com"], "secretName": "example-tls"}]


def test_server_and_foreign_fields_are_not_drift() -> None:
    desired = desired_ingress(make_se(), NS)
    assert diff(desired, as_stored(desired)) == Nothing("InSync", diff(
        desired, as_stored(desired)).message)


@pytest.mark.parametrize(("edit", "paths"), [
    (lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"].update(
        number=9090), ["spec.rules[0].http.paths[0].backend.service.port.number"]),
    (lambda i: i["spec"].pop("tls"), ["spec.tls"]),
    (lambda i: i["spec"]["rules"].append({"host": "extra.example.com"}), ["spec.rules[1]"]),
    (lambda i: i["metadata"]["annotations"].update({"cert-manager.io/cluster-issuer": "x"}),
     ["metadata.annotations['cert-manager.io/cluster-issuer']"]),
    (lambda i: i["metadata"]["labels"].pop("app.kubernetes.io/managed-by"),
     ["metadata.labels['app.kubernetes.io/managed-by']"]),
    (lambda i: i["metadata"]["annotations"].pop(MANAGED_ANNOTATIONS),
     [f"metadata.annotations['{MANAGED_ANNOTATIONS}']"]),
], ids=["port", "tls-removed", "rule-added", "annotation-edited", "label-removed",
        "bookkeeping-removed"])
def test_hand_edits_are_drift_and_the_update_repairs_only_them(edit: Any,
                                                               paths: list[str]) -> None:
    desired = desired_ingress(make_se(), NS)
    current = as_stored(desired)
    edit(current)
    action = diff(desired, current)
    assert isinstance(action, Update)
    assert action.changes == paths
    assert changed_paths(desired, action.ingress) == []
    # Foreign and server fields survive, and the write is conditional on what was read.
    meta = action.ingress["metadata"]
    assert meta["resourceVersion"] == "42"
    assert meta["labels"]["team"] == "web"
    assert "kubectl.kubernetes.io/last-applied-configuration" in meta["annotations"]
    assert action.ingress["spec"]["ingressClassName"] == "nginx"
    assert "status" not in action.ingress


def test_annotations_removed_from_the_spec_are_removed_and_foreign_ones_kept() -> None:
    current = as_stored(desired_ingress(make_se(), NS))
    current["metadata"]["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"] = "/"
    desired = desired_ingress(make_se(annotations={"team": "web"}), NS)
    action = diff(desired, current)
    assert isinstance(action, Update)
    assert action.changes == [f"metadata.annotations['{MANAGED_ANNOTATIONS}']",
                              "metadata.annotations['team']",
                              "metadata.annotations['cert-manager.io/cluster-issuer']"]
    annotations = action.ingress["metadata"]["annotations"]
    assert "cert-manager.io/cluster-issuer" not in annotations
    assert annotations["team"] == "web"
    assert annotations[MANAGED_ANNOTATIONS] == "team"
    assert annotations["nginx.ingress.kubernetes.io/rewrite-target"] == "/"


@pytest.mark.parametrize(("spec", "host"), [
    ({"backend": {"service": {"name": "api", "port": {"number": 8080}}}},
     "api.ns1.example.com"),
    ({"domain": "preview.example.org"}, "example-svc.ns1.preview.example.org"),
])
def test_the_host_is_re_derived_when_the_service_or_domain_changes(spec: dict[str, Any],
                                                                   host: str) -> None:
    current = as_stored(desired_ingress(make_se(), NS))
    result = plan(make_se(**spec), NS, current, None, now=T0)
    assert isinstance(result.action, Update)
    assert result.status is not None and result.status.host == host
    assert result.action.ingress["spec"]["rules"][0]["host"] == host
    assert result.action.ingress["spec"]["tls"][0]["hosts"] == [host]
    assert "spec.rules[0].host" in result.action.changes


def test_the_namespace_is_part_of_the_host() -> None:
    assert desired_ingress(make_se(), "app-pr-123")["spec"]["rules"][0]["host"] == (
        "example-svc.app-pr-123.example.com")


@pytest.mark.parametrize(("service_name", "namespace", "domain", "field", "words"), [
    ("svc", "ns", "a" * 64 + ".example.com", "spec.domain", "at most 63"),
    ("svc", "ns", ".".join(["abcdefghij"] * 24), "spec.domain", "at most 253"),
    ("svc", "ns", "Example.COM", "spec.domain", "'example.com'"),
    ("svc", "ns", "example.com.", "spec.domain", "'example.com'"),
    ("svc", "ns", "exa_mple.com", "spec.domain", "not a DNS label"),
    ("svc", "ns", "example..com", "spec.domain", "not a DNS label"),
    ("9svc", "ns", "example.com", "spec.backend.service.name", "start with a letter"),
    ("svc", "n" * 64, "example.com", "metadata.namespace", "at most 63"),
])
def test_a_host_that_is_not_a_dns_name_is_refused_with_the_field_and_fix(
        service_name: str, namespace: str, domain: str, field: str, words: str) -> None:
    with pytest.raises(InvalidHost) as err:
        host_for(service_name, namespace, domain)
    assert err.value.field_path == field
    assert words in str(err.value)


def test_an_invalid_host_is_a_clear_condition_and_no_write() -> None:
    current = as_stored(desired_ingress(make_se(), NS))
    result = plan(make_se(domain="x" * 70 + ".example.com"), NS, current, service(), now=T0)
    assert result.action.reason == "InvalidHost"
    assert isinstance(result.action, Nothing)
    ready = conditions(result.status)["Ready"]
    assert (ready.status, ready.reason) == ("False", "InvalidHost")
    assert "70 characters" in ready.message
    assert "spec.domain" in ready.message
    assert result.status is not None and result.status.host is None


def test_a_service_without_the_port_is_a_clear_condition() -> None:
    result = plan(make_se(), NS, None, service(port=80), now=T0)
    backend = conditions(result.status)["BackendFound"]
    assert (backend.status, backend.reason) == ("False", "PortNotFound")
    assert "[80]" in backend.message
    assert isinstance(result.action, Create)


def test_an_ingress_of_a_deleted_namesake_is_a_conflict_that_explains_gc() -> None:
    current = as_stored(desired_ingress(make_se(), NS))
    current["metadata"]["ownerReferences"][0]["uid"] = "uid-of-an-earlier-one"
    action = diff(desired_ingress(make_se(), NS), current)
    assert isinstance(action, Conflict)
    assert "garbage collector" in action.message


def test_an_ingress_controlled_by_someone_else_is_never_adopted() -> None:
    current = as_stored(desired_ingress(make_se(), NS))
    current["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment",
                                               "name": "web", "uid": "x", "controller": True}]
    current["spec"]["rules"][0]["host"] = "theirs.example.com"
    action = diff(desired_ingress(make_se(), NS), current)
    assert action == Conflict("IngressNotOwned", action.message)
    assert "Deployment 'web'" in action.message


def test_a_service_expose_being_deleted_gets_no_writes_at_all() -> None:
    body = make_se().to_dict()
    body["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    body["metadata"]["finalizers"] = ["example.com/hold"]
    result = plan(ServiceExpose.from_dict(body), NS, None, service(), now=T0)
    assert result.action == Nothing("ServiceExposeTerminating", result.action.message)
    assert result.status is None


def test_an_ingress_being_deleted_is_waited_for() -> None:
    current = as_stored(desired_ingress(make_se(), NS))
    current["metadata"]["deletionTimestamp"] = T0
    result = plan(make_se(), NS, current, service(), now=T0)
    assert result.action.reason == "IngressTerminating"
    assert conditions(result.status)["Ready"].status == "False"


def test_transition_times_move_only_when_a_condition_changes() -> None:
    first = plan(make_se(), NS, None, None, now=T0)
    second = plan(make_se(first.status), NS, None, service(), now=T1)
    got = conditions(second.status)
    assert got["BackendFound"].last_transition_time == T1
    assert got["Ready"].last_transition_time == T1
    third = plan(make_se(second.status), NS, None, service(), now=T2)
    assert third.status == second.status


def test_not_ready_overrides_ready_and_keeps_the_rest() -> None:
    planned = plan(make_se(), NS, None, service(), now=T0).status
    status = not_ready(planned, 3, "IngressRejected", "HTTP 422 …", now=T1)
    got = conditions(status)
    assert (got["Ready"].status, got["Ready"].reason) == ("False", "IngressRejected")
    assert got["Ready"].last_transition_time == T1
    assert got["BackendFound"] == conditions(planned)["BackendFound"]
    assert status.host == "example-svc.ns1.example.com"


def test_merge_owned_does_not_touch_its_inputs() -> None:
    desired = desired_ingress(make_se(), NS)
    current = ingress_state("drifted")
    assert current is not None
    before = copy.deepcopy((desired, current))
    merge_owned(desired, current)
    assert (desired, current) == before
