"""RBAC rules and recorded requests as exact permission sets."""

from __future__ import annotations

import pytest

from mathctl.apiserver.auth.rbac import request_attributes, service_account_user
from mathctl.deploy import permissions
from mathctl.deploy.permissions import RuleError, from_requests, from_rules, to_rules

G = "math.mathctl.example"
SA = service_account_user("ops", "op")


def test_rules_expand_to_one_triple_per_group_resource_verb() -> None:
    granted = from_rules([{"apiGroups": [G], "resources": ["numbers", "numbers/status"],
                           "verbs": ["get", "update"]}])
    assert granted == {(G, "numbers", "get"), (G, "numbers", "update"),
                       (G, "numbers/status", "get"), (G, "numbers/status", "update")}


@pytest.mark.parametrize("rule", [
    {"apiGroups": ["*"], "resources": ["numbers"], "verbs": ["get"]},
    {"apiGroups": [G], "resources": ["*"], "verbs": ["get"]},
    {"apiGroups": [G], "resources": ["*/status"], "verbs": ["get"]},
    {"apiGroups": [G], "resources": ["numbers"], "verbs": ["*"]},
    {"apiGroups": [G], "resources": ["numbers"], "resourceNames": ["x"], "verbs": ["get"]},
    {"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
])
def test_wildcards_and_narrowing_are_refused(rule: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(RuleError):
        from_rules([rule])


def test_requests_become_permissions_and_discovery_is_left_out() -> None:
    requests = [
        request_attributes(SA, "GET", f"/apis/{G}/v1beta1/numbers", {"watch": "1"}),
        request_attributes(SA, "PUT", f"/apis/{G}/v1beta1/namespaces/a/numbers/x/status"),
        request_attributes(SA, "GET", f"/apis/{G}/v1beta1"),
        request_attributes(SA, "GET", "/version"),
    ]
    assert from_requests(requests) == {(G, "numbers", "watch"), (G, "numbers/status", "update")}


def test_to_rules_round_trips_and_groups_resources_with_the_same_verbs() -> None:
    wanted = {(G, "numbers", v) for v in ("get", "list", "create")} | \
             {(G, "tuples", v) for v in ("create", "get", "list")} | \
             {(G, "fermats", "get"), (G, "numbers/status", "update"), ("", "events", "create")}
    rules = to_rules(wanted)
    assert from_rules(rules) == wanted
    assert {"apiGroups": [G], "resources": ["numbers", "tuples"],
            "verbs": ["get", "list", "create"]} in rules
    assert rules[0]["apiGroups"] == [""]
    assert permissions.describe({(G, "numbers/status", "update")}) == \
        f"  update numbers/status ({G})"


def test_conflict_reads_follow_the_controllers_table_of_kinds() -> None:
    reads = permissions.conflict_reads()
    assert reads == {(G, "fermats", "get"), (G, "tuples", "get"), (G, "tuples", "list"),
                     (G, "numbers", "get"), (G, "numbers", "list")}


def test_owner_finalizer_updates_cover_every_owner_kind() -> None:
    # blockOwnerDeletion under OwnerReferencesPermissionEnforcement: Tuples own Numbers,
    # Fermats own Tuples; Numbers own nothing.
    assert permissions.owner_finalizer_updates() == {(G, "tuples/finalizers", "update"),
                                                     (G, "fermats/finalizers", "update")}
