"""RBAC escalation prevention: nobody grants, through a Role or a binding, more than they hold.

Why it exists: RBAC that lets a ServiceAccount with ``create`` on rolebindings bind itself to
``cluster-admin`` protects nothing (issue 12 did exactly that, then read Secrets). kube-apiserver
stops it in its rbac registry, not in the authorizer, and so does this module, with the same
rules and words:

* ``system:masters`` may do anything (``escalation_check.go`` ``EscalationAllowed``);
* a Role or ClusterRole is written if the user holds the ``escalate`` verb on it
  (``RoleEscalationAuthorized``) or already holds every rule it grants; an ``aggregationRule``
  needs ``*`` on everything (``clusterrole/policybased/storage.go``);
* a RoleBinding or ClusterRoleBinding is written if the user holds ``bind`` on the role it
  refers to (``BindingAuthorized``) or already holds every rule of that role
  (``rolebinding/policybased/storage.go``, ``clusterrolebinding/policybased/storage.go``);
* an update that only changes ownerReferences or finalizers passes (``IsOnlyMutatingGCFields``);
* otherwise ``403 Forbidden``: ``user "<name>" (groups=[...]) is attempting to grant RBAC
  permissions not currently held:`` and the missing rules, one per line
  (``validation/rule.go`` ``ConfirmNoEscalation``; rules compared by ``Covers`` of
  ``component-helpers/auth/rbac/validation/policy_comparator.go`` and compacted by
  ``policy_compact.go``).

:class:`Guard` is the handlers' admission hook; :data:`REQUEST_USER` carries the requesting
user from ``app.py`` (unset for the admin token and for the server's own controllers).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mathctl.apiserver.auth import rbac
from mathctl.apiserver.endpoints import errors

if TYPE_CHECKING:
    from mathctl.apiserver.registry.registry import Resource
    from mathctl.apiserver.storage.store import Store

REQUEST_USER: contextvars.ContextVar[rbac.UserInfo | None] = contextvars.ContextVar(
    "REQUEST_USER", default=None)
"""The user of the request being served, when RBAC applies to it."""

ROLE_RESOURCES = ("roles", "clusterroles")
BINDING_RESOURCES = ("rolebindings", "clusterrolebindings")
# clusterrole/policybased/storage.go fullAuthority: * on everything, and every URL.
FULL_AUTHORITY: list[dict[str, list[str]]] = [
    {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]},
    {"verbs": ["*"], "nonResourceURLs": ["*"]},
]
GC_FIELDS = ("ownerReferences", "finalizers", "selfLink", "managedFields")

Rule = Mapping[str, Any]


# -- comparing rules (policy_comparator.go, policy_compact.go) ------------------------------

def _strings(rule: Rule, key: str) -> list[str]:
    values = rule.get(key)
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def breakdown(rule: Rule) -> list[dict[str, list[str]]]:
    """``BreakdownRule``: one rule per (group, resource, verb[, resourceName]) and per
    (nonResourceURL, verb)."""
    verbs, names = _strings(rule, "verbs"), _strings(rule, "resourceNames")
    subrules: list[dict[str, list[str]]] = []
    for group in _strings(rule, "apiGroups"):
        for resource in _strings(rule, "resources"):
            for verb in verbs:
                base = {"apiGroups": [group], "resources": [resource], "verbs": [verb]}
                if names:
                    subrules += [{**base, "resourceNames": [name]} for name in names]
                else:
                    subrules.append(base)
    for url in _strings(rule, "nonResourceURLs"):
        subrules += [{"nonResourceURLs": [url], "verbs": [verb]} for verb in verbs]
    return subrules


def _resource_covers_all(owned: Sequence[str], wanted: Sequence[str]) -> bool:
    if "*" in owned or all(r in owned for r in wanted):
        return True
    for resource in wanted:
        if resource in owned:
            continue
        if "/" not in resource or "*/" + resource.split("/", 1)[1] not in owned:
            return False
    return True


def _url_covers(owner: str, path: str) -> bool:
    return owner == path or (owner.endswith("*") and path.startswith(owner.rstrip("*")))


def rule_covers(owner: Rule, subrule: Rule) -> bool:
    """``ruleCovers``: whether one held rule covers one broken-down rule."""
    owner_verbs, owner_groups = _strings(owner, "verbs"), _strings(owner, "apiGroups")
    owner_names = _strings(owner, "resourceNames")
    sub_names = _strings(subrule, "resourceNames")
    return ((("*" in owner_verbs) or all(v in owner_verbs for v in _strings(subrule, "verbs")))
            and (("*" in owner_groups)
                 or all(g in owner_groups for g in _strings(subrule, "apiGroups")))
            and _resource_covers_all(_strings(owner, "resources"),
                                     _strings(subrule, "resources"))
            and all(any(_url_covers(o, p) for o in _strings(owner, "nonResourceURLs"))
                    for p in _strings(subrule, "nonResourceURLs"))
            and (not owner_names or (bool(sub_names)
                                     and all(n in owner_names for n in sub_names))))


def covers(owned: Sequence[Rule], wanted: Iterable[Rule]) -> list[dict[str, list[str]]]:
    """``Covers``: the broken-down rules of ``wanted`` that no rule of ``owned`` covers."""
    return [sub for rule in wanted for sub in breakdown(rule)
            if not any(rule_covers(owner, sub) for owner in owned)]


def compact(rules: list[dict[str, list[str]]]) -> list[dict[str, list[str]]]:
    """``CompactRules``: rules of one group and one resource, differing only by verb, merged."""
    result: list[dict[str, list[str]]] = []
    simple: dict[tuple[str, str], dict[str, list[str]]] = {}
    for rule in rules:
        if set(rule) == {"apiGroups", "resources", "verbs"} and len(rule["apiGroups"]) == 1 \
                and len(rule["resources"]) == 1:
            key = (rule["apiGroups"][0], rule["resources"][0])
            if key in simple:
                simple[key]["verbs"] = simple[key]["verbs"] + rule["verbs"]
            else:
                simple[key] = {k: list(v) for k, v in rule.items()}
        else:
            result.append(rule)
    return result + list(simple.values())


def _go_strings(values: Sequence[str]) -> str:
    """Go's ``%q`` of a ``[]string``: ``["a" "b"]``."""
    return "[" + " ".join(rbac._go_quote(v) for v in values) + "]"


def compact_string(rule: Mapping[str, Sequence[str]]) -> str:
    """``rbacv1helpers.CompactString``: ``{APIGroups:["x"], Resources:["y"], Verbs:["z"]}``."""
    parts = [f"{label}:{_go_strings(rule[key])}" for label, key in (
        ("APIGroups", "apiGroups"), ("Resources", "resources"),
        ("NonResourceURLs", "nonResourceURLs"), ("ResourceNames", "resourceNames"),
        ("Verbs", "verbs")) if rule.get(key)]
    return "{" + ", ".join(parts) + "}"


# -- the checks (escalation_check.go, the policybased storages) ------------------------------

def escalation_message(policy: rbac.Policy, user: rbac.UserInfo, namespace: str,
                       rules: Iterable[Rule]) -> str | None:
    """``ConfirmNoEscalation``: None when the user holds every rule, else kube's message."""
    problems: list[str] = []
    owned = _rules_for(policy, user, namespace, problems)
    missing = covers(owned, rules)
    if not missing:
        return None
    lines = sorted({compact_string(rule) for rule in compact(missing)})
    message = (f"user {rbac._go_quote(user.name)} (groups={_go_strings(user.groups)}) is "
               "attempting to grant RBAC permissions not currently held:\n" + "\n".join(lines))
    if problems:
        message += f"; resolution errors: [{rbac._aggregate(problems)}]"
    return message


def _rules_for(policy: rbac.Policy, user: rbac.UserInfo, namespace: str,
               problems: list[str]) -> list[Rule]:
    """``RulesFor``: every rule bound to the user there, and what could not be resolved."""
    rules: list[Rule] = []
    for binding in rbac._sorted(policy.cluster_role_bindings):
        if rbac._applies_to(user, binding.get("subjects") or (), ""):
            rules += rbac._role_rules(policy, binding.get("roleRef") or {}, "", problems)
    if namespace:
        for binding in rbac._sorted(policy.role_bindings):
            if (binding.get("metadata") or {}).get("namespace", "") == namespace and \
                    rbac._applies_to(user, binding.get("subjects") or (), namespace):
                rules += rbac._role_rules(policy, binding.get("roleRef") or {}, namespace,
                                          problems)
    return rules


def _allowed(policy: rbac.Policy, user: rbac.UserInfo, verb: str, resource: str, name: str,
             namespace: str, group: str = rbac.RBAC_GROUP) -> bool:
    attrs = rbac.Attributes(user, verb, True, api_group=group, api_version="*",
                            namespace=namespace, resource=resource, name=name)
    return rbac.authorize(policy, attrs).allowed


def only_gc_fields_change(obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> bool:
    """``IsOnlyMutatingGCFields``: equal once ownerReferences, finalizers, selfLink and
    managedFields are taken from the old object."""
    if old is None:
        return False
    old_md = old.get("metadata") or {}
    md = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in GC_FIELDS}
    md.update({k: old_md[k] for k in GC_FIELDS if k in old_md})
    return {**obj, "metadata": md} == old


def _has_aggregation_rule(role: Mapping[str, Any] | None) -> bool:
    rule = (role or {}).get("aggregationRule")
    return isinstance(rule, Mapping) and bool(rule.get("clusterRoleSelectors"))


def check(policy: rbac.Policy, user: rbac.UserInfo, resource: str, namespace: str,
          obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    """Raise kube's 403 (or 404 for a missing role) when writing ``obj`` would escalate.

    ``resource`` is the RBAC plural being written, ``namespace`` the request's ("" for the
    cluster-scoped kinds), ``old`` the stored object for an update (None for a create).
    """
    if rbac.SYSTEM_MASTERS in user.groups or only_gc_fields_change(obj, old):
        return
    name = (obj.get("metadata") or {}).get("name", "")
    if resource in ROLE_RESOURCES:
        # RequestInfo.Name: the URL's name, which a create does not have.
        if _allowed(policy, user, "escalate", resource, name if old else "", namespace):
            return
        _confirm(policy, user, resource, name, namespace, obj.get("rules"))
        if resource == "clusterroles" and (_has_aggregation_rule(obj)
                                           or _has_aggregation_rule(old)) and \
                escalation_message(policy, user, namespace, FULL_AUTHORITY) is not None:
            raise errors.forbidden(rbac.RBAC_GROUP, resource, name,
                                   "must have cluster-admin privileges to use the "
                                   "aggregationRule")
        return
    ref = obj.get("roleRef")
    ref = ref if isinstance(ref, Mapping) else {}
    kind, ref_name = ref.get("kind"), ref.get("name", "")
    role_resource = {"Role": "roles", "ClusterRole": "clusterroles"}.get(str(kind))
    if role_resource is None:
        supported = '"ClusterRole"' if resource == "clusterrolebindings" \
            else '"Role", "ClusterRole"'
        raise errors.invalid(rbac.RBAC_GROUP, obj.get("kind", ""), name, [{
            "reason": "FieldValueNotSupported", "field": "roleRef.kind",
            "message": f"Unsupported value: {rbac._go_quote(str(kind or ''))}: supported "
                       f"values: {supported}"}])
    if _allowed(policy, user, "bind", role_resource, ref_name, namespace,
                str(ref.get("apiGroup", ""))):
        return
    role = (policy.roles.get((namespace, ref_name)) if role_resource == "roles"
            else policy.cluster_roles.get(ref_name))
    if role is None:
        # GetRoleReferenceRules: the registry's NotFound.
        raise errors.not_found(rbac.RBAC_GROUP, role_resource, ref_name)
    _confirm(policy, user, resource, name, namespace, role.get("rules"))


def _confirm(policy: rbac.Policy, user: rbac.UserInfo, resource: str, name: str,
             namespace: str, rules: Any) -> None:
    rules = [r for r in rules if isinstance(r, Mapping)] if isinstance(rules, list) else []
    message = escalation_message(policy, user, namespace, rules)
    if message is not None:
        raise errors.forbidden(rbac.RBAC_GROUP, resource, name, message)


class Guard:
    """The handlers' admission hook: runs :func:`check` on writes of RBAC objects made by a
    user RBAC applies to (:data:`REQUEST_USER`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(self, resource: Resource, obj: dict[str, Any],
                 old: dict[str, Any] | None) -> None:
        user = REQUEST_USER.get()
        if user is None or resource.group != rbac.RBAC_GROUP:
            return
        policy = rbac.Policy.from_objects(
            e.obj for s in rbac.STORAGES for e in self.store.list(s, None))
        namespace = (obj.get("metadata") or {}).get("namespace", "") if resource.namespaced \
            else ""
        check(policy, user, resource.plural, namespace, obj, old)
