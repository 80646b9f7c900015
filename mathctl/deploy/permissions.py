"""RBAC rules and recorded requests as comparable sets of ``(apiGroup, resource, verb)``.

Why it exists: "the operator's ClusterRole grants exactly what the controllers use" is a claim
about two sets — what the rules grant and what a real run asked for. RBAC rules are compact
(lists of groups × resources × verbs), recorded requests are one triple each; both become
sets of :data:`Permission` here so they can be compared exactly, and a set can be written back
as rules (:func:`to_rules`) when the code's needs change. Wildcards and ``resourceNames`` are
refused in the operator's role: a least-privilege role names every verb and resource.

Non-resource requests (``/apis``, ``/version``) are not counted: every authenticated identity
may make them through kube's ``system:discovery`` role, on a real cluster as on the embedded
one. A recorded run also cannot show reads that only a conflict causes (the reconciles read
from a watch-fed cache and go to the server only after a 409 or an "AlreadyExists"):
:func:`conflict_reads` adds those, derived from the controllers' table of kinds. Nor can it
show :func:`owner_finalizer_updates`: an admission check, not a request. Used by
:mod:`mathctl.deploy.podrun` and ``tests/deploy/test_podrun.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mathctl.apiserver.auth.rbac import Attributes
from mathctl.controllers.reconcile import KINDS, KindInfo

Permission = tuple[str, str, str]
"""``(apiGroup, resource or resource/subresource, verb)``."""

VERB_ORDER = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")


class RuleError(ValueError):
    """A rule the exact comparison cannot expand (a wildcard, resourceNames, URLs)."""


def from_rules(rules: Iterable[Mapping[str, Any]]) -> set[Permission]:
    """Every permission the rules grant, one triple each."""
    granted: set[Permission] = set()
    for number, rule in enumerate(rules, 1):
        for key in ("resourceNames", "nonResourceURLs"):
            if rule.get(key):
                raise RuleError(f"rule {number} uses {key}: the operator's role grants whole "
                                "resources only")
        groups, resources, verbs = (list(rule.get(k) or ()) for k in
                                    ("apiGroups", "resources", "verbs"))
        if "*" in groups + resources + verbs or any(r.startswith("*/") for r in resources):
            raise RuleError(f"rule {number} uses '*': name every group, resource and verb "
                            "(least privilege)")
        granted.update((g, r, v) for g in groups for r in resources for v in verbs)
    return granted


def from_requests(requests: Iterable[Attributes]) -> set[Permission]:
    """The permissions a list of requests needed (non-resource requests left out)."""
    return {(a.api_group, a.combined_resource, a.verb) for a in requests if a.resource_request}


def conflict_reads(kinds: Iterable[KindInfo] = KINDS) -> set[Permission]:
    """The server reads a reconcile makes only after a conflict (``mathctl.controllers.objects``
    switches to live reads): it gets the object it reconciles again and lists its children;
    a child whose create answered "AlreadyExists" is read with a get."""
    reads: set[Permission] = set()
    for info in kinds:
        names = info.names
        reads.add((names.group, names.plural, "get"))
        if info.owner is not None:  # a child kind: listed by its owner, and read on a clash
            reads.update({(names.group, names.plural, "list"),
                          (names.group, names.plural, "get")})
    return reads


def owner_finalizer_updates(kinds: Iterable[KindInfo] = KINDS) -> set[Permission]:
    """``update`` on each owner kind's ``finalizers`` subresource.

    The controllers set ``blockOwnerDeletion: true`` on their children's ownerReferences. A
    cluster running the OwnerReferencesPermissionEnforcement admission plugin (OpenShift and
    hardened clusters do; minikube and the embedded server do not) lets a client set it only
    if that client may update the owner's ``finalizers``; kubebuilder grants the same rule for
    the same reason. It is a check at admission, so no recorded request shows it.
    """
    return {(owner.group, f"{owner.plural}/finalizers", "update")
            for owner in {info.owner for info in kinds if info.owner is not None}}


def to_rules(permissions: Iterable[Permission]) -> list[dict[str, list[str]]]:
    """Compact rules granting exactly ``permissions``: resources sharing a group and the same
    verbs share a rule; main resources before their subresources."""
    verbs_of: dict[tuple[str, str], set[str]] = {}
    for group, resource, verb in permissions:
        verbs_of.setdefault((group, resource), set()).add(verb)
    rules: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for (group, resource), verbs in sorted(verbs_of.items(), key=lambda kv: _resource_key(kv[0])):
        rules.setdefault((group, _ordered(verbs)), []).append(resource)
    ordered = sorted(rules.items(), key=lambda kv: (kv[0][0], "/" in kv[1][0], -len(kv[0][1])))
    return [{"apiGroups": [group], "resources": resources, "verbs": list(verbs)}
            for (group, verbs), resources in ordered]


def _resource_key(key: tuple[str, str]) -> tuple[str, bool, str]:
    group, resource = key
    return (group, "/" in resource, resource)


def _ordered(verbs: Iterable[str]) -> tuple[str, ...]:
    rank = {v: n for n, v in enumerate(VERB_ORDER)}
    return tuple(sorted(verbs, key=lambda v: (rank.get(v, len(rank)), v)))


def describe(permissions: Iterable[Permission]) -> str:
    """``update numbers/status (math.mathctl.example)``, one per line, sorted."""
    return "\n".join(f"  {verb} {resource} ({group or 'core'})"
                     for group, resource, verb in sorted(permissions, key=lambda p: (p[0], p[1],
                                                                                      p[2])))
