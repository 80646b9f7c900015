"""RBAC escalation prevention, with kube-apiserver v1.28's answers as the expected values.

Sources: ``pkg/registry/rbac/escalation_check.go`` (``EscalationAllowed``,
``RoleEscalationAuthorized``, ``BindingAuthorized``), the ``policybased`` storages of roles,
clusterroles, rolebindings and clusterrolebindings, ``pkg/registry/rbac/validation/rule.go``
(``ConfirmNoEscalation``: the message), ``policy_compact.go`` and
``component-helpers/auth/rbac/validation/policy_comparator.go`` (``Covers``), and
``pkg/apis/rbac/v1/helpers.go`` (``CompactString``).
"""

from __future__ import annotations

from typing import Any

import pytest

from mathctl.apiserver.auth import escalation, rbac
from mathctl.apiserver.auth.rbac import Policy, bootstrap_objects, service_account_user
from mathctl.apiserver.endpoints import errors

from ..kube import Http, service_account_http, status_of

RBAC = "rbac.authorization.k8s.io"
SA = service_account_user("ops", "binder")
GROUPS = '["system:serviceaccounts" "system:serviceaccounts:ops" "system:authenticated"]'
HEADER = (f'user "system:serviceaccount:ops:binder" (groups={GROUPS}) is attempting to grant '
          "RBAC permissions not currently held:\n")
ADMIN_LINES = ('{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n'
               '{NonResourceURLs:["*"], Verbs:["*"]}')


def rule(groups: list[str], resources: list[str], verbs: list[str],
         **more: list[str]) -> dict[str, list[str]]:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs, **more}


def granted(*rules: dict[str, Any]) -> Policy:
    """The bootstrap policy plus a Role in ``ops`` with ``rules``, bound to the SA."""
    return Policy.from_objects([
        *bootstrap_objects(),
        {"kind": "Role", "metadata": {"name": "r", "namespace": "ops"}, "rules": list(rules)},
        {"kind": "RoleBinding", "metadata": {"name": "r", "namespace": "ops"},
         "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": "r"},
         "subjects": [{"kind": "ServiceAccount", "name": "binder"}]}])


def binding_to(kind: str, name: str) -> dict[str, Any]:
    return {"kind": "RoleBinding", "metadata": {"name": "x", "namespace": "ops"},
            "roleRef": {"apiGroup": RBAC, "kind": kind, "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": "binder"}]}


def refused(p: Policy, resource: str, obj: dict[str, Any],
            old: dict[str, Any] | None = None) -> errors.ApiError:
    with pytest.raises(errors.ApiError) as caught:
        escalation.check(p, SA, resource, "ops", obj, old)
    return caught.value


# --- comparing and printing rules ------------------------------------------------------------


def test_covers_breaks_rules_down_to_single_verbs_resources_and_names() -> None:
    owned = [rule([""], ["configmaps"], ["get", "list"]),
             rule(["apps"], ["deployments"], ["get"], resourceNames=["web"])]
    assert escalation.covers(owned, [rule([""], ["configmaps"], ["list"])]) == []
    assert escalation.covers(owned, [rule([""], ["configmaps", "secrets"], ["get", "watch"])]) \
        == [rule([""], ["configmaps"], ["watch"]), rule([""], ["secrets"], ["get"]),
            rule([""], ["secrets"], ["watch"])]
    # resourceNames: a named grant covers only those names, never the whole resource
    assert escalation.covers(owned, [rule(["apps"], ["deployments"], ["get"],
                                          resourceNames=["web"])]) == []
    assert escalation.covers(owned, [rule(["apps"], ["deployments"], ["get"])]) != []


def test_wildcards_subresources_and_urls_cover_as_in_policy_comparator() -> None:
    owned = [rule(["*"], ["*/status"], ["*"]), {"nonResourceURLs": ["/logs/*"], "verbs": ["get"]}]
    assert escalation.covers(owned, [rule(["apps"], ["deployments/status"], ["patch"])]) == []
    assert escalation.covers(owned, [rule(["apps"], ["deployments"], ["patch"])]) != []
    assert escalation.covers(owned, [{"nonResourceURLs": ["/logs/a"], "verbs": ["get"]}]) == []
    assert escalation.covers(owned, [{"nonResourceURLs": ["/metrics"], "verbs": ["get"]}]) != []


def test_compact_string_and_compact_rules() -> None:
    assert escalation.compact_string(rule([""], ["secrets"], ["get", "list"])) == \
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}'
    assert escalation.compact_string({"nonResourceURLs": ["/x"], "verbs": ["get"]}) == \
        '{NonResourceURLs:["/x"], Verbs:["get"]}'
    assert escalation.compact_string(rule(["apps"], ["deployments"], ["get"],
                                          resourceNames=["web"])) == \
        '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["web"], Verbs:["get"]}'
    assert escalation.compact([rule([""], ["secrets"], ["get"]), rule([""], ["secrets"], ["list"])]
                              ) == [rule([""], ["secrets"], ["get", "list"])]


# --- the decisions, without a server -----------------------------------------------------------


def test_binding_cluster_admin_without_bind_is_refused_with_kube_s_message() -> None:
    error = refused(granted(rule([RBAC], ["rolebindings"], ["create", "get", "list"])),
                    "rolebindings", binding_to("ClusterRole", "cluster-admin"))
    assert error.code == 403 and error.reason == "Forbidden"
    assert error.message == f'rolebindings.{RBAC} "x" is forbidden: {HEADER}{ADMIN_LINES}'


def test_bind_on_the_role_or_holding_its_rules_allows_the_binding() -> None:
    escalation.check(granted(rule([RBAC], ["clusterroles"], ["bind"],
                                  resourceNames=["cluster-admin"])),
                     SA, "rolebindings", "ops", binding_to("ClusterRole", "cluster-admin"), None)
    view = {"kind": "ClusterRole", "metadata": {"name": "cm-reader"},
            "rules": [rule([""], ["configmaps"], ["get"])]}
    p = granted(rule([""], ["configmaps"], ["get", "list"]))
    p.cluster_roles["cm-reader"] = view
    escalation.check(p, SA, "rolebindings", "ops", binding_to("ClusterRole", "cm-reader"), None)


def test_a_binding_to_a_missing_role_is_404_as_the_role_registry_answers() -> None:
    error = refused(granted(), "rolebindings", binding_to("Role", "nope"))
    assert (error.code, error.message) == (404, f'roles.{RBAC} "nope" not found')


def test_a_role_needs_its_rules_held_or_the_escalate_verb() -> None:
    secrets_reader = {"kind": "Role", "metadata": {"name": "s", "namespace": "ops"},
                      "rules": [rule([""], ["secrets"], ["get", "list"])]}
    error = refused(granted(rule([RBAC], ["roles"], ["create"])), "roles", secrets_reader)
    assert error.message == (f'roles.{RBAC} "s" is forbidden: {HEADER}'
                             '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}')
    escalation.check(granted(rule([RBAC], ["roles"], ["create", "escalate"])), SA, "roles",
                     "ops", secrets_reader, None)
    escalation.check(granted(rule([""], ["secrets"], ["*"])), SA, "roles", "ops",
                     secrets_reader, None)


def test_an_aggregation_rule_needs_everything() -> None:
    aggregated = {"kind": "ClusterRole", "metadata": {"name": "agg"}, "rules": [],
                  "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"a": "b"}}]}}
    error = refused(granted(), "clusterroles", aggregated)
    assert error.message == (f'clusterroles.{RBAC} "agg" is forbidden: must have cluster-admin '
                             "privileges to use the aggregationRule")


def test_changing_only_gc_fields_is_not_an_escalation() -> None:
    old = {**binding_to("ClusterRole", "cluster-admin"), "apiVersion": f"{RBAC}/v1"}
    new = {**old, "metadata": {**old["metadata"], "finalizers": ["example.com/keep"]}}
    escalation.check(granted(), SA, "rolebindings", "ops", new, old)
    changed = {**new, "subjects": [{"kind": "User", "name": "mallory"}]}
    assert refused(granted(), "rolebindings", changed, old).code == 403


def test_system_masters_may_grant_anything() -> None:
    escalation.check(Policy(), rbac.ADMIN, "clusterrolebindings", "",
                     binding_to("ClusterRole", "cluster-admin"), None)


# --- over HTTP: issue 12's attack on the embedded server ------------------------------------------


def _grant(http: Http, namespace: str, name: str, *rules: dict[str, Any]) -> None:
    """A Role ``name`` with ``rules``, bound to the ServiceAccount ``binder``."""
    base = f"/apis/{RBAC}/v1/namespaces/{namespace}"
    assert http.post(f"{base}/roles", {"apiVersion": f"{RBAC}/v1", "kind": "Role",
                                       "metadata": {"name": name}, "rules": list(rules)}
                     ).status_code == 201
    assert http.post(f"{base}/rolebindings", {
        "apiVersion": f"{RBAC}/v1", "kind": "RoleBinding", "metadata": {"name": name},
        "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": "binder"}]}).status_code == 201


def test_a_service_account_cannot_bind_itself_to_cluster_admin(
        target: Any, http: Http, namespace: str) -> None:
    sa = service_account_http(target, http, namespace, "binder")
    _grant(http, namespace, "binder", rule([RBAC], ["rolebindings"], ["create", "get", "list"]))
    base = f"/apis/{RBAC}/v1/namespaces/{namespace}"
    attack = {"apiVersion": f"{RBAC}/v1", "kind": "RoleBinding", "metadata": {"name": "x"},
              "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "cluster-admin"},
              "subjects": [{"kind": "ServiceAccount", "name": "binder"}]}
    answer = sa.post(f"{base}/rolebindings", attack)
    code, reason, message = status_of(answer)
    groups = (f'["system:serviceaccounts" "system:serviceaccounts:{namespace}" '
              '"system:authenticated"]')
    assert (code, reason) == (403, "Forbidden")
    assert message == (
        f'rolebindings.{RBAC} "x" is forbidden: user '
        f'"system:serviceaccount:{namespace}:binder" (groups={groups}) is attempting to grant '
        f"RBAC permissions not currently held:\n{ADMIN_LINES}")
    assert answer.json()["details"] == {"name": "x", "group": RBAC, "kind": "rolebindings"}
    assert sa.get(f"/api/v1/namespaces/{namespace}/secrets").status_code == 403

    # `bind` on that ClusterRole (in the binding's namespace) is what allows it.
    _grant(http, namespace, "may-bind",
           rule([RBAC], ["clusterroles"], ["bind"], resourceNames=["cluster-admin"]))
    assert sa.post(f"{base}/rolebindings", attack).status_code == 201


def test_a_service_account_may_write_roles_it_holds_or_may_escalate(
        target: Any, http: Http, namespace: str) -> None:
    sa = service_account_http(target, http, namespace, "binder")
    _grant(http, namespace, "binder", rule([RBAC], ["roles"], ["create", "get"]))
    base = f"/apis/{RBAC}/v1/namespaces/{namespace}/roles"

    def role(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
        return {"apiVersion": f"{RBAC}/v1", "kind": "Role", "metadata": {"name": name},
                "rules": list(rules)}

    assert sa.post(base, role("held", rule([RBAC], ["roles"], ["get"]))).status_code == 201
    secrets = role("secrets", rule([""], ["secrets"], ["get"]))
    code, _, message = status_of(sa.post(base, secrets))
    assert code == 403 and message.endswith(
        'not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}')
    _grant(http, namespace, "may-escalate", rule([RBAC], ["roles"], ["escalate"]))
    assert sa.post(base, secrets).status_code == 201
