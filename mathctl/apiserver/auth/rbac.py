"""RBAC for the embedded API server: who may do what, decided like kube-apiserver decides it.

Why it exists: the operator's deployment (``deploy/``) grants its ServiceAccount a ClusterRole
with exactly the verbs the controllers use. That promise is only worth something if a server
enforces it, so the embedded server authorizes every request made with a ServiceAccount token
against the Roles, ClusterRoles and their bindings it stores — the same rules, the same
``403 Forbidden`` wording as a real cluster — and a learner sees the missing verb the way
production would show it. The admin token from the kubeconfig is in ``system:masters`` and may
do anything, as the cluster-admin of a real cluster may.

Everything here is pure (no I/O): :func:`request_attributes` turns an HTTP request into
authorizer attributes (a port of ``RequestInfoFactory.NewRequestInfo``), :func:`authorize`
applies the privileged-group rule and RBAC (``plugin/pkg/auth/authorizer/rbac``) to a
:class:`Policy` snapshot of the RBAC objects, and :func:`forbidden` builds the 403 ``Status``
(``responsewriters.Forbidden``). :func:`bootstrap_objects` is the part of kube's bootstrap
policy a client needs: discovery for every authenticated user, ``cluster-admin`` for
``system:masters``. Aggregated ClusterRoles are not evaluated.

Used by ``app.py`` (the request path), ``tokens.py`` (the user a token stands for) and
``tests/deploy`` (the recorded requests of a real operator run become RBAC attributes here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.endpoints.errors import ApiError

RBAC_GROUP = "rbac.authorization.k8s.io"
SYSTEM_MASTERS = "system:masters"
AUTHENTICATED = "system:authenticated"
UNAUTHENTICATED = "system:unauthenticated"
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts"
STORAGES = tuple(f"{RBAC_GROUP}/{plural}" for plural in
                 ("clusterroles", "clusterrolebindings", "roles", "rolebindings"))
"""Where the embedded server's store keeps the RBAC objects (``<group>/<plural>``)."""

_API_PREFIXES = ("api", "apis")
_GROUPLESS_PREFIXES = ("api",)
_SPECIAL_VERBS = ("proxy", "watch")
_NAMESPACE_SUBRESOURCES = ("status", "finalize")
_METHOD_VERBS = {"POST": "create", "GET": "get", "HEAD": "get", "PUT": "update",
                 "PATCH": "patch", "DELETE": "delete"}
_TRUE = ("1", "t", "T", "TRUE", "true", "True")  # Go's strconv.ParseBool


@dataclass(frozen=True)
class UserInfo:
    """An authenticated user: name, uid and groups (``user.Info``)."""

    name: str
    uid: str = ""
    groups: tuple[str, ...] = ()


ADMIN = UserInfo("kubernetes-admin", groups=(SYSTEM_MASTERS, AUTHENTICATED))
"""Whoever holds the data dir's admin token (the kubeconfig's user)."""


def service_account_username(namespace: str, name: str) -> str:
    """``system:serviceaccount:<namespace>:<name>`` (``serviceaccount.MakeUsername``)."""
    return f"{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}"


def service_account_user(namespace: str, name: str, uid: str = "") -> UserInfo:
    """The user a ServiceAccount token authenticates as, with the groups kube gives it."""
    return UserInfo(service_account_username(namespace, name), uid,
                    (SERVICE_ACCOUNTS_GROUP, f"{SERVICE_ACCOUNTS_GROUP}:{namespace}",
                     AUTHENTICATED))


@dataclass(frozen=True)
class Attributes:
    """What the authorizer sees of one request (``authorizer.AttributesRecord``)."""

    user: UserInfo
    verb: str
    resource_request: bool
    path: str = ""
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""

    @property
    def combined_resource(self) -> str:
        """``numbers/status``: the resource as RBAC rules name it."""
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource

    def describe(self) -> tuple[str, str, str, str]:
        """``(verb, apiGroup, resource, subresource)``: what a recorded run collects."""
        return (self.verb, self.api_group, self.resource, self.subresource)


def request_attributes(user: UserInfo, method: str, path: str,
                       query: Mapping[str, str] | None = None) -> Attributes:
    """The authorizer attributes of an HTTP request, as kube's ``NewRequestInfo`` derives them.

    ``GET`` of a collection is ``list`` (``watch`` with ``?watch=true``), ``DELETE`` of one is
    ``deletecollection``; ``/apis/<group>/<version>`` and shorter paths are non-resource
    requests (discovery), authorized by URL. A ``fieldSelector`` of ``metadata.name=<x>`` on a
    list or watch names the object, so ``resourceNames`` rules can allow it.
    """
    query = query or {}
    parts = [p for p in path.strip("/").split("/") if p]
    non_resource = Attributes(user, method.lower(), False, path=path)
    if len(parts) < 3 or parts[0] not in _API_PREFIXES:
        return non_resource
    prefix, parts = parts[0], parts[1:]
    group = ""
    if prefix not in _GROUPLESS_PREFIXES:
        if len(parts) < 3:
            return non_resource
        group, parts = parts[0], parts[1:]
    version, parts = parts[0], parts[1:]
    if parts[0] in _SPECIAL_VERBS:
        if len(parts) < 2:
            # kube answers this with an error; nothing below can be allowed for it
            return Attributes(user, parts[0], True, path=path, api_group=group,
                              api_version=version)
        verb, parts, by_method = parts[0], parts[1:], False
    else:
        verb, by_method = _METHOD_VERBS.get(method.upper(), ""), True
    namespace = ""
    if parts[0] == "namespaces" and len(parts) > 1:
        namespace = parts[1]
        if len(parts) > 2 and parts[2] not in _NAMESPACE_SUBRESOURCES:
            parts = parts[2:]
    resource = parts[0]
    name = parts[1] if len(parts) >= 2 else ""
    subresource = parts[2] if len(parts) >= 3 and verb != "proxy" else ""
    if by_method and not name and verb == "delete":
        verb = "deletecollection"
    if by_method and not name and verb == "get":
        verb = "watch" if query.get("watch", "") in _TRUE else "list"
        name = _name_from_field_selector(query.get("fieldSelector", ""))
    return Attributes(user, verb, True, path=path, api_group=group, api_version=version,
                      namespace=namespace, resource=resource, subresource=subresource,
                      name=name)


def _name_from_field_selector(selector: str) -> str:
    """``x`` for ``metadata.name=x`` (or ``==``) among the terms; "" otherwise."""
    for term in selector.split(","):
        key, op, value = term.partition("==") if "==" in term else term.partition("=")
        if op and not key.endswith("!") and key.strip() == "metadata.name":
            value = value.strip()
            if value not in (".", "..") and "/" not in value and "%" not in value:
                return value
    return ""


def name_is_path_segment(name: str, prefix: bool) -> list[str]:
    """``ValidateRBACName``: RBAC object names need only be safe as one URL path segment
    (``system:discovery`` is fine), as ``path.ValidatePathSegmentName`` checks."""
    problems = [] if prefix or name not in (".", "..") else [f"may not be '{name}'"]
    problems += [f"may not contain '{c}'" for c in ("/", "%") if c in name]
    return problems


# --- the policy --------------------------------------------------------------------------


Rule = Mapping[str, Any]


@dataclass
class Policy:
    """A snapshot of the RBAC objects: roles by (namespace, name), cluster roles by name."""

    roles: dict[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)
    cluster_roles: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    role_bindings: list[Mapping[str, Any]] = field(default_factory=list)
    cluster_role_bindings: list[Mapping[str, Any]] = field(default_factory=list)

    @classmethod
    def from_objects(cls, objects: Iterable[Mapping[str, Any]]) -> Policy:
        """Sort Roles, ClusterRoles, RoleBindings and ClusterRoleBindings; ignore the rest."""
        policy = cls()
        for obj in objects:
            kind, meta = obj.get("kind"), obj.get("metadata") or {}
            name, namespace = meta.get("name", ""), meta.get("namespace", "")
            if kind == "Role":
                policy.roles[(namespace, name)] = obj
            elif kind == "ClusterRole":
                policy.cluster_roles[name] = obj
            elif kind == "RoleBinding":
                policy.role_bindings.append(obj)
            elif kind == "ClusterRoleBinding":
                policy.cluster_role_bindings.append(obj)
        return policy


@dataclass(frozen=True)
class Decision:
    """``allowed``, or why not: ``reason`` is RBAC's own (a binding's role is missing)."""

    allowed: bool
    reason: str = ""


def authorize(policy: Policy, attrs: Attributes) -> Decision:
    """Allow ``system:masters``; otherwise allow when a rule bound to the user matches.

    Bindings are visited as kube's ``DefaultRuleResolver.VisitRulesFor`` does: every
    ClusterRoleBinding, then the RoleBindings of the request's namespace. A binding whose role
    does not exist contributes the ``RBAC: … not found`` reason of a denial.
    """
    if SYSTEM_MASTERS in attrs.user.groups:
        return Decision(True)
    problems: list[str] = []
    for binding in _sorted(policy.cluster_role_bindings):
        if not _applies_to(attrs.user, binding.get("subjects") or (), ""):
            continue
        rules = _role_rules(policy, binding.get("roleRef") or {}, "", problems)
        if any(rule_allows(attrs, rule) for rule in rules):
            return Decision(True)
    if attrs.namespace:
        for binding in _sorted(policy.role_bindings):
            if (binding.get("metadata") or {}).get("namespace", "") != attrs.namespace:
                continue
            if not _applies_to(attrs.user, binding.get("subjects") or (), attrs.namespace):
                continue
            rules = _role_rules(policy, binding.get("roleRef") or {}, attrs.namespace, problems)
            if any(rule_allows(attrs, rule) for rule in rules):
                return Decision(True)
    return Decision(False, f"RBAC: {_aggregate(problems)}" if problems else "")


def rules_for(policy: Policy, user: UserInfo, namespace: str = "") -> list[Rule]:
    """Every rule that applies to ``user`` in ``namespace`` ("" : cluster-wide bindings only)."""
    problems: list[str] = []
    rules: list[Rule] = []
    for binding in _sorted(policy.cluster_role_bindings):
        if _applies_to(user, binding.get("subjects") or (), ""):
            rules.extend(_role_rules(policy, binding.get("roleRef") or {}, "", problems))
    if namespace:
        for binding in _sorted(policy.role_bindings):
            if (binding.get("metadata") or {}).get("namespace", "") == namespace and \
                    _applies_to(user, binding.get("subjects") or (), namespace):
                rules.extend(_role_rules(policy, binding.get("roleRef") or {}, namespace,
                                         problems))
    return rules


def rule_allows(attrs: Attributes, rule: Rule) -> bool:
    """``RuleAllows``: verbs, then apiGroups/resources/resourceNames or nonResourceURLs."""
    if not _has(rule.get("verbs"), attrs.verb):
        return False
    if attrs.resource_request:
        return (_has(rule.get("apiGroups"), attrs.api_group)
                and _resource_matches(rule.get("resources") or (), attrs.combined_resource,
                                      attrs.subresource)
                and _resource_name_matches(rule.get("resourceNames") or (), attrs.name))
    return _url_matches(rule.get("nonResourceURLs") or (), attrs.path)


def _has(values: Sequence[str] | None, wanted: str) -> bool:
    return any(v == "*" or v == wanted for v in values or ())


def _resource_matches(resources: Sequence[str], combined: str, subresource: str) -> bool:
    for resource in resources:
        if resource in ("*", combined):
            return True
        if subresource and resource == f"*/{subresource}":
            return True
    return False


def _resource_name_matches(names: Sequence[str], wanted: str) -> bool:
    return not names or wanted in names


def _url_matches(urls: Sequence[str], path: str) -> bool:
    for url in urls:
        if url in ("*", path):
            return True
        if url.endswith("*") and path.startswith(url[:-1]):
            return True
    return False


def _applies_to(user: UserInfo, subjects: Iterable[Mapping[str, Any]], namespace: str) -> bool:
    """``appliesToUser`` for any subject; a ServiceAccount subject's namespace defaults to the
    binding's."""
    for subject in subjects:
        kind, name = subject.get("kind"), subject.get("name", "")
        if kind == "User" and user.name == name:
            return True
        if kind == "Group" and name in user.groups:
            return True
        if kind == "ServiceAccount":
            sa_namespace = subject.get("namespace") or namespace
            if sa_namespace and user.name == service_account_username(sa_namespace, name):
                return True
    return False


def _role_rules(policy: Policy, ref: Mapping[str, Any], namespace: str,
                problems: list[str]) -> list[Rule]:
    """``GetRoleReferenceRules``: the rules of a binding's role, or a problem if it is missing."""
    kind, name = ref.get("kind"), ref.get("name", "")
    if kind == "Role":
        role = policy.roles.get((namespace, name))
        if role is None:
            problems.append(f'role.{RBAC_GROUP} {_go_quote(name)} not found')
            return []
    elif kind == "ClusterRole":
        role = policy.cluster_roles.get(name)
        if role is None:
            problems.append(f'clusterrole.{RBAC_GROUP} {_go_quote(name)} not found')
            return []
    else:
        problems.append(f"unsupported role reference kind: {_go_quote(str(kind))}")
        return []
    return list(role.get("rules") or ())


def _sorted(objects: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(objects, key=lambda o: ((o.get("metadata") or {}).get("namespace", ""),
                                          (o.get("metadata") or {}).get("name", "")))


def _aggregate(messages: list[str]) -> str:
    """``utilerrors.NewAggregate(errs).Error()``: one message bare, several deduplicated in []."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def _go_quote(text: str) -> str:
    """Go's ``%q`` for the names that appear in these messages."""
    return json.dumps(text, ensure_ascii=False)


# --- the answer ----------------------------------------------------------------------------


def forbidden_message(attrs: Attributes) -> str:
    """``responsewriters.forbiddenMessage``: the sentence that names user, verb and resource."""
    user = _go_quote(attrs.user.name)
    if not attrs.resource_request:
        return f"User {user} cannot {attrs.verb} path {_go_quote(attrs.path)}"
    resource = _go_quote(attrs.combined_resource)
    group = _go_quote(attrs.api_group)
    if attrs.namespace:
        return (f"User {user} cannot {attrs.verb} resource {resource} in API group {group} "
                f"in the namespace {_go_quote(attrs.namespace)}")
    return f"User {user} cannot {attrs.verb} resource {resource} in API group {group} at the " \
           "cluster scope"


def forbidden(attrs: Attributes, reason: str = "") -> ApiError:
    """The 403 ``Status`` kube-apiserver answers (``apierrors.NewForbidden`` around the
    message, HTML-like characters escaped as ``responsewriters`` does)."""
    message = forbidden_message(attrs)
    message = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if reason:
        message = f"{message}: {reason}"
    if not attrs.api_group and not attrs.resource:
        return ApiError(403, "Forbidden", f"forbidden: {message}", {})
    return errors.forbidden(attrs.api_group, attrs.resource, attrs.name, message)


# --- kube's bootstrap policy (the part a client needs) ---------------------------------------


_BOOTSTRAP_META = {"labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                   "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}}


def _cluster_role(name: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "ClusterRole",
            "metadata": {"name": name, **_BOOTSTRAP_META}, "rules": rules}


def _cluster_binding(name: str, groups: Sequence[str]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": name, **_BOOTSTRAP_META},
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": name},
            "subjects": [{"apiGroup": RBAC_GROUP, "kind": "Group", "name": g} for g in groups]}


def bootstrap_objects() -> list[dict[str, Any]]:
    """The ClusterRoles and bindings every cluster starts with that clients rely on.

    ``system:discovery`` (``/api``, ``/apis``, ``/openapi``, ``/version`` and the health
    checks for any authenticated user), ``system:basic-user`` (self reviews),
    ``system:public-info-viewer`` (health and version, also anonymously) and
    ``cluster-admin`` bound to ``system:masters``, as in kube's ``bootstrappolicy``.
    """
    health = ["/healthz", "/livez", "/readyz", "/version", "/version/"]
    return [
        _cluster_role("cluster-admin", [
            {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
            {"nonResourceURLs": ["*"], "verbs": ["*"]}]),
        _cluster_role("system:discovery", [{"nonResourceURLs": sorted(
            [*health, "/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*"]),
            "verbs": ["get"]}]),
        _cluster_role("system:basic-user", [
            {"apiGroups": ["authorization.k8s.io"],
             "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
             "verbs": ["create"]},
            {"apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"],
             "verbs": ["create"]}]),
        _cluster_role("system:public-info-viewer", [
            {"nonResourceURLs": sorted(health), "verbs": ["get"]}]),
        _cluster_binding("cluster-admin", [SYSTEM_MASTERS]),
        _cluster_binding("system:discovery", [AUTHENTICATED]),
        _cluster_binding("system:basic-user", [AUTHENTICATED]),
        _cluster_binding("system:public-info-viewer", [AUTHENTICATED, UNAUTHENTICATED]),
    ]


# --- the audit line ------------------------------------------------------------------------

AUDIT_LOGGER = "mathctl.apiserver.audit"
_AUDIT_TAG = "audit "


def audit_line(attrs: Attributes, allowed: bool) -> str:
    """One log line per authorized request: ``audit {json}`` with the decision and attributes.

    The server logs it (logger ``mathctl.apiserver.audit``, at INFO) for every request that is
    not the admin's; :func:`parse_audit_lines` reads it back, so a recorded run of the operator
    yields exactly the attributes RBAC judged.
    """
    record = {"decision": "allow" if allowed else "forbid", "user": attrs.user.name,
              "uid": attrs.user.uid, "groups": list(attrs.user.groups), "verb": attrs.verb,
              "resourceRequest": attrs.resource_request, "path": attrs.path,
              "apiGroup": attrs.api_group, "apiVersion": attrs.api_version,
              "namespace": attrs.namespace, "resource": attrs.resource,
              "subresource": attrs.subresource, "name": attrs.name}
    return _AUDIT_TAG + json.dumps(record, separators=(",", ":"))


def parse_audit_lines(text: str) -> list[tuple[Attributes, bool]]:
    """``(attributes, allowed)`` for every audit line in a server log (other lines skipped)."""
    found = []
    for line in text.splitlines():
        at = line.find(_AUDIT_TAG + "{")
        if at < 0:
            continue
        try:
            record = json.loads(line[at + len(_AUDIT_TAG):])
        except ValueError:
            continue
        user = UserInfo(record["user"], record.get("uid", ""),
                        tuple(record.get("groups") or ()))
        attrs = Attributes(user, record["verb"], record["resourceRequest"],
                           path=record["path"], api_group=record["apiGroup"],
                           api_version=record["apiVersion"], namespace=record["namespace"],
                           resource=record["resource"], subresource=record["subresource"],
                           name=record["name"])
        found.append((attrs, record["decision"] == "allow"))
    return found
