"""RBAC decisions and 403 messages, checked against kube-apiserver's rules and wording.

The expected strings are the ones ``responsewriters.forbiddenMessage`` and
``apierrors.NewForbidden`` produce (kube v1.28); the matching rules are those of
``rbac/v1/evaluation_helpers.go`` and ``DefaultRuleResolver``.
"""

from __future__ import annotations

from typing import Any

import pytest

from mathctl.apiserver.auth import rbac
from mathctl.apiserver.auth.rbac import (
    ADMIN,
    Attributes,
    Policy,
    UserInfo,
    authorize,
    bootstrap_objects,
    forbidden,
    request_attributes,
    service_account_user,
)

from ..kube import Http, number, service_account_http, status_of

GROUP = "math.mathctl.example"
SA = service_account_user("ops", "mathctl", "uid-1")
OTHER_SA = service_account_user("ops", "someone-else")


def cluster_role(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "ClusterRole", "metadata": {"name": name}, "rules": list(rules)}


def role(namespace: str, name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "Role", "metadata": {"name": name, "namespace": namespace},
            "rules": list(rules)}


def binding(kind: str, name: str, role_kind: str, role_name: str, *subjects: dict[str, str],
            namespace: str = "") -> dict[str, Any]:
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"kind": kind, "metadata": meta,
            "roleRef": {"apiGroup": rbac.RBAC_GROUP, "kind": role_kind, "name": role_name},
            "subjects": list(subjects)}


def sa_subject(name: str = "mathctl", namespace: str | None = "ops") -> dict[str, str]:
    subject = {"kind": "ServiceAccount", "name": name}
    if namespace is not None:
        subject["namespace"] = namespace
    return subject


def policy(*objects: dict[str, Any]) -> Policy:
    return Policy.from_objects([*bootstrap_objects(), *objects])


def attrs(method: str, path: str, user: UserInfo = SA, **query: str) -> Attributes:
    return request_attributes(user, method, path, query)


NUMBERS = f"/apis/{GROUP}/v1beta1/namespaces/default/numbers"


# --- request attributes (RequestInfoFactory) ---------------------------------------------------


@pytest.mark.parametrize(("method", "path", "query", "expected"), [
    ("GET", f"{NUMBERS}", {}, ("list", GROUP, "numbers", "", "default", "")),
    ("GET", f"{NUMBERS}", {"watch": "true"}, ("watch", GROUP, "numbers", "", "default", "")),
    ("GET", f"{NUMBERS}", {"watch": "1"}, ("watch", GROUP, "numbers", "", "default", "")),
    ("GET", f"{NUMBERS}", {"watch": "false"}, ("list", GROUP, "numbers", "", "default", "")),
    ("GET", f"/apis/{GROUP}/v1beta1/numbers", {"watch": "true"},
     ("watch", GROUP, "numbers", "", "", "")),
    ("GET", f"/apis/{GROUP}/v1beta1/watch/namespaces/default/numbers", {},
     ("watch", GROUP, "numbers", "", "default", "")),
    ("GET", f"{NUMBERS}/n1", {}, ("get", GROUP, "numbers", "", "default", "n1")),
    ("GET", f"{NUMBERS}/n1", {"watch": "true"}, ("get", GROUP, "numbers", "", "default", "n1")),
    ("HEAD", f"{NUMBERS}/n1", {}, ("get", GROUP, "numbers", "", "default", "n1")),
    ("POST", f"{NUMBERS}", {}, ("create", GROUP, "numbers", "", "default", "")),
    ("PUT", f"{NUMBERS}/n1", {}, ("update", GROUP, "numbers", "", "default", "n1")),
    ("PUT", f"{NUMBERS}/n1/status", {}, ("update", GROUP, "numbers", "status", "default", "n1")),
    ("PATCH", f"{NUMBERS}/n1/status", {}, ("patch", GROUP, "numbers", "status", "default",
                                           "n1")),
    ("DELETE", f"{NUMBERS}/n1", {}, ("delete", GROUP, "numbers", "", "default", "n1")),
    ("DELETE", f"{NUMBERS}", {}, ("deletecollection", GROUP, "numbers", "", "default", "")),
    ("GET", f"{NUMBERS}", {"fieldSelector": "metadata.name=n1"},
     ("list", GROUP, "numbers", "", "default", "n1")),
    ("GET", f"{NUMBERS}", {"fieldSelector": "metadata.name==n1,status.x=y", "watch": "true"},
     ("watch", GROUP, "numbers", "", "default", "n1")),
    ("GET", f"{NUMBERS}", {"fieldSelector": "metadata.name!=n1"},
     ("list", GROUP, "numbers", "", "default", "")),
    ("GET", "/api/v1/namespaces", {}, ("list", "", "namespaces", "", "", "")),
    # the namespace object itself is "in" its own namespace
    ("GET", "/api/v1/namespaces/ops", {}, ("get", "", "namespaces", "", "ops", "ops")),
    ("PUT", "/api/v1/namespaces/ops/finalize", {},
     ("update", "", "namespaces", "finalize", "ops", "ops")),
    ("POST", "/api/v1/namespaces/ops/serviceaccounts/mathctl/token", {},
     ("create", "", "serviceaccounts", "token", "ops", "mathctl")),
    ("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {},
     ("list", "apiextensions.k8s.io", "customresourcedefinitions", "", "", "")),
])
def test_request_attributes_follow_request_info(method: str, path: str, query: dict[str, str],
                                                expected: tuple[str, ...]) -> None:
    a = request_attributes(SA, method, path, query)
    assert a.resource_request
    assert (a.verb, a.api_group, a.resource, a.subresource, a.namespace, a.name) == expected


@pytest.mark.parametrize("path", ["/", "/api", "/api/v1", "/apis", f"/apis/{GROUP}",
                                  f"/apis/{GROUP}/v1beta1", "/version", "/openapi/v2",
                                  "/healthz", "/metrics"])
def test_discovery_and_other_short_paths_are_non_resource_requests(path: str) -> None:
    a = request_attributes(SA, "GET", path)
    assert not a.resource_request
    assert (a.verb, a.path) == ("get", path)


# --- rule matching -----------------------------------------------------------------------------


def granted(*rules: dict[str, Any], subject: dict[str, str] | None = None) -> Policy:
    return policy(cluster_role("r", *rules),
                  binding("ClusterRoleBinding", "b", "ClusterRole", "r", subject or sa_subject()))


def allowed(p: Policy, method: str, path: str, user: UserInfo = SA, **query: str) -> bool:
    return authorize(p, attrs(method, path, user, **query)).allowed


def test_verbs_groups_and_resources_must_all_match() -> None:
    p = granted({"apiGroups": [GROUP], "resources": ["numbers"], "verbs": ["get", "list"]})
    assert allowed(p, "GET", f"{NUMBERS}/n1")
    assert allowed(p, "GET", NUMBERS)
    assert not allowed(p, "GET", NUMBERS, watch="true")
    assert not allowed(p, "DELETE", f"{NUMBERS}/n1")
    assert not allowed(p, "GET", f"/apis/{GROUP}/v1beta1/namespaces/default/tuples/t")
    assert not allowed(p, "GET", "/apis/other.example/v1/namespaces/default/numbers/n1")


def test_a_subresource_needs_its_own_rule() -> None:
    p = granted({"apiGroups": [GROUP], "resources": ["numbers"], "verbs": ["*"]})
    assert allowed(p, "PUT", f"{NUMBERS}/n1")
    assert not allowed(p, "PUT", f"{NUMBERS}/n1/status")
    p = granted({"apiGroups": [GROUP], "resources": ["numbers/status"], "verbs": ["update"]})
    assert allowed(p, "PUT", f"{NUMBERS}/n1/status")
    assert not allowed(p, "PUT", f"{NUMBERS}/n1")
    assert not allowed(p, "PATCH", f"{NUMBERS}/n1/status")


def test_wildcards() -> None:
    p = granted({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]})
    assert allowed(p, "PUT", f"{NUMBERS}/n1/status")
    assert allowed(p, "DELETE", "/api/v1/namespaces/x")
    p = granted({"apiGroups": [GROUP], "resources": ["*/status"], "verbs": ["update"]})
    assert allowed(p, "PUT", f"{NUMBERS}/n1/status")
    assert allowed(p, "PUT", f"/apis/{GROUP}/v1beta1/namespaces/default/tuples/t/status")
    assert not allowed(p, "PUT", f"{NUMBERS}/n1")
    assert not allowed(p, "PUT", f"{NUMBERS}/n1/scale")


def test_resource_names_restrict_named_requests_only() -> None:
    p = granted({"apiGroups": [GROUP], "resources": ["numbers"], "resourceNames": ["n1"],
                 "verbs": ["get", "list", "create"]})
    assert allowed(p, "GET", f"{NUMBERS}/n1")
    assert not allowed(p, "GET", f"{NUMBERS}/n2")
    assert not allowed(p, "GET", NUMBERS)  # a list has no name …
    assert allowed(p, "GET", NUMBERS, fieldSelector="metadata.name=n1")  # … unless selected
    assert not allowed(p, "POST", NUMBERS)  # create never has a name in the URL


def test_non_resource_urls() -> None:
    p = granted({"nonResourceURLs": ["/metrics", "/logs/*"], "verbs": ["get"]},
                subject=sa_subject("someone-else"))
    assert allowed(p, "GET", "/metrics", OTHER_SA)
    assert allowed(p, "GET", "/logs/kube.log", OTHER_SA)
    assert not allowed(p, "GET", "/metricsz", OTHER_SA)
    assert not allowed(p, "POST", "/metrics", OTHER_SA)


def test_discovery_is_allowed_to_every_authenticated_user_by_the_bootstrap_policy() -> None:
    p = policy()
    for path in ("/api", "/api/v1", "/apis", f"/apis/{GROUP}/v1beta1", "/openapi/v2",
                 "/version", "/healthz"):
        assert allowed(p, "GET", path)
    assert not allowed(p, "GET", "/metrics")
    assert not allowed(p, "GET", NUMBERS)
    anonymous = UserInfo("system:anonymous", groups=(rbac.UNAUTHENTICATED,))
    assert allowed(p, "GET", "/healthz", anonymous)
    assert not allowed(p, "GET", "/apis", anonymous)


def test_system_masters_may_do_anything_without_any_binding() -> None:
    empty = Policy()
    assert allowed(empty, "DELETE", f"{NUMBERS}/n1", ADMIN)
    assert allowed(empty, "GET", "/metrics", ADMIN)


# --- subjects and bindings ---------------------------------------------------------------------


def test_service_account_subject_must_name_its_namespace_in_a_cluster_binding() -> None:
    rule = {"apiGroups": [GROUP], "resources": ["numbers"], "verbs": ["get"]}
    p = policy(cluster_role("r", rule),
               binding("ClusterRoleBinding", "b", "ClusterRole", "r", sa_subject(namespace=None)))
    assert not allowed(p, "GET", f"{NUMBERS}/n1")


def test_role_binding_grants_only_in_its_namespace_and_defaults_the_subject_namespace() -> None:
    rule = {"apiGroups": [GROUP], "resources": ["numbers"], "verbs": ["get"]}
    p = policy(role("ops", "r", rule),
               binding("RoleBinding", "b", "Role", "r", sa_subject(namespace=None),
                       namespace="ops"))
    assert allowed(p, "GET", f"/apis/{GROUP}/v1beta1/namespaces/ops/numbers/n1")
    assert not allowed(p, "GET", f"{NUMBERS}/n1")  # namespace default
    assert not allowed(p, "GET", f"/apis/{GROUP}/v1beta1/numbers", watch="true")  # cluster-wide


def test_role_binding_may_reference_a_cluster_role() -> None:
    rule = {"apiGroups": [GROUP], "resources": ["numbers"], "verbs": ["list"]}
    p = policy(cluster_role("numbers-reader", rule),
               binding("RoleBinding", "b", "ClusterRole", "numbers-reader", sa_subject(),
                       namespace="ops"))
    assert allowed(p, "GET", f"/apis/{GROUP}/v1beta1/namespaces/ops/numbers")
    assert not allowed(p, "GET", NUMBERS)


def test_user_and_group_subjects() -> None:
    rule = {"apiGroups": [GROUP], "resources": ["numbers"], "verbs": ["get"]}
    alice = UserInfo("alice", groups=("team", rbac.AUTHENTICATED))
    p = policy(cluster_role("r", rule),
               binding("ClusterRoleBinding", "b1", "ClusterRole", "r",
                       {"kind": "User", "name": "alice"}),
               binding("ClusterRoleBinding", "b2", "ClusterRole", "r",
                       {"kind": "Group", "name": rbac.SERVICE_ACCOUNTS_GROUP + ":ops"}))
    assert allowed(p, "GET", f"{NUMBERS}/n1", alice)
    assert allowed(p, "GET", f"{NUMBERS}/n1", OTHER_SA)  # via system:serviceaccounts:ops
    assert not allowed(p, "GET", f"{NUMBERS}/n1", service_account_user("dev", "mathctl"))


def test_a_binding_to_a_missing_role_is_the_reason_of_the_denial() -> None:
    p = policy(binding("ClusterRoleBinding", "b", "ClusterRole", "gone", sa_subject()),
               binding("RoleBinding", "rb", "Role", "gone-too", sa_subject(), namespace="default"))
    decision = authorize(p, attrs("GET", f"{NUMBERS}/n1"))
    assert not decision.allowed
    assert decision.reason == (
        'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, '
        'role.rbac.authorization.k8s.io "gone-too" not found]')


# --- the 403 -----------------------------------------------------------------------------------


def test_forbidden_status_for_a_namespaced_subresource() -> None:
    a = attrs("PATCH", f"/apis/{GROUP}/v1beta1/namespaces/ns/numbers/x/status",
              service_account_user("ns", "sa"))
    status = forbidden(a).status()
    assert status["code"] == 403
    assert status["reason"] == "Forbidden"
    assert status["message"] == (
        'numbers.math.mathctl.example "x" is forbidden: User "system:serviceaccount:ns:sa" '
        'cannot patch resource "numbers/status" in API group "math.mathctl.example" in the '
        'namespace "ns"')
    assert status["details"] == {"name": "x", "group": GROUP, "kind": "numbers"}


def test_forbidden_status_at_the_cluster_scope_and_for_the_core_group() -> None:
    a = attrs("GET", f"/apis/{GROUP}/v1beta1/numbers", watch="true")
    assert forbidden(a).message == (
        'numbers.math.mathctl.example is forbidden: User "system:serviceaccount:ops:mathctl" '
        'cannot watch resource "numbers" in API group "math.mathctl.example" at the cluster '
        "scope")
    a = attrs("GET", "/api/v1/namespaces")
    assert forbidden(a).message == (
        'namespaces is forbidden: User "system:serviceaccount:ops:mathctl" cannot list '
        'resource "namespaces" in API group "" at the cluster scope')


def test_forbidden_status_for_a_path_and_with_a_reason() -> None:
    a = attrs("GET", "/metrics")
    error = forbidden(a)
    assert error.message == ('forbidden: User "system:serviceaccount:ops:mathctl" cannot get '
                             'path "/metrics"')
    assert error.details == {}
    a = attrs("GET", f"{NUMBERS}/n1")
    assert forbidden(a, 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found').message \
        .endswith('in the namespace "default": RBAC: clusterrole.rbac.authorization.k8s.io '
                  '"x" not found')


def test_rules_for_lists_what_a_user_may_do() -> None:
    rule = {"apiGroups": [GROUP], "resources": ["numbers"], "verbs": ["get"]}
    p = policy(role("ops", "r", rule),
               binding("RoleBinding", "b", "Role", "r", sa_subject(), namespace="ops"))
    assert rule in rbac.rules_for(p, SA, "ops")
    assert rule not in rbac.rules_for(p, SA, "")


def test_audit_lines_round_trip_through_a_log() -> None:
    a = attrs("PUT", f"{NUMBERS}/n1/status")
    b = attrs("GET", "/apis")
    log = "\n".join([
        "2026-01-01 00:00:00 INFO mathctl.apiserver.access: 127.0.0.1 GET /apis",
        "2026-01-01 00:00:00 INFO mathctl.apiserver.audit: " + rbac.audit_line(a, True),
        "2026-01-01 00:00:00 INFO mathctl.apiserver.audit: " + rbac.audit_line(b, False),
        "audit {not json"])
    assert rbac.parse_audit_lines(log) == [(a, True), (b, False)]


@pytest.mark.parametrize(("name", "problems"), [
    ("system:discovery", []), ("mathctl-operator", []), ("..", ["may not be '..'"]),
    ("a/b", ["may not contain '/'"]), ("a%b/c", ["may not contain '/'", "may not contain '%'"]),
])
def test_rbac_names_only_need_to_be_path_segments(name: str, problems: list[str]) -> None:
    assert rbac.name_is_path_segment(name, False) == problems


# --- on the embedded server, over HTTP -----------------------------------------------------------


def test_a_service_account_gets_403s_until_a_binding_grants_it(
        target: Any, http: Http, namespace: str, crds: list[str]) -> None:
    sa = service_account_http(target, http, namespace, "reader")
    numbers = f"/apis/{GROUP}/v1beta1/namespaces/{namespace}/numbers"
    assert http.post(numbers, number("n1", 3)).status_code == 201
    # discovery: allowed to every authenticated user by the bootstrap policy
    assert sa.get("/apis").status_code == 200
    assert sa.get(f"/apis/{GROUP}/v1beta1").status_code == 200
    answer = sa.get(f"{numbers}/n1")
    code, reason, message = status_of(answer)
    assert (code, reason) == (403, "Forbidden")
    assert message == (
        f'numbers.math.mathctl.example "n1" is forbidden: User '
        f'"system:serviceaccount:{namespace}:reader" cannot get resource "numbers" in API '
        f'group "math.mathctl.example" in the namespace "{namespace}"')
    assert answer.json()["details"] == {"name": "n1", "group": GROUP, "kind": "numbers"}
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "numbers-reader"},
            "rules": [{"apiGroups": [GROUP], "resources": ["numbers"],
                       "verbs": ["get", "list"]}]}
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": "reader"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                           "name": "numbers-reader"},
               "subjects": [{"kind": "ServiceAccount", "name": "reader"}]}
    rbac_ns = f"/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}"
    assert http.post(f"{rbac_ns}/roles", role).status_code == 201
    assert http.post(f"{rbac_ns}/rolebindings", binding).status_code == 201
    assert sa.get(f"{numbers}/n1").json()["spec"]["value"] == 3
    assert [n["metadata"]["name"] for n in sa.get(numbers).json()["items"]] == ["n1"]
    # still no writes, no status, no other namespace, no cluster-wide list
    assert sa.patch(f"{numbers}/n1", {"spec": {"value": 4}}).status_code == 403
    assert sa.put(f"{numbers}/n1/status", {}).status_code == 403
    assert sa.get(f"/apis/{GROUP}/v1beta1/numbers").status_code == 403
    assert sa.get(f"/apis/{GROUP}/v1beta1/namespaces/default/numbers").status_code == 403
    _, _, message = status_of(sa.get("/api/v1/namespaces"))
    assert message.endswith('cannot list resource "namespaces" in API group "" at the cluster '
                            "scope")
    # the admin token is all-powerful, whatever RBAC says
    assert http.get(f"/apis/{GROUP}/v1beta1/numbers").status_code == 200


def test_bootstrap_cluster_roles_are_stored_objects(http: Http) -> None:
    roles = http.get("/apis/rbac.authorization.k8s.io/v1/clusterroles").json()["items"]
    names = {r["metadata"]["name"] for r in roles}
    assert {"cluster-admin", "system:discovery", "system:basic-user",
            "system:public-info-viewer"} <= names
    binding = http.get(
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:discovery").json()
    assert binding["subjects"] == [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group",
                                    "name": "system:authenticated"}]
