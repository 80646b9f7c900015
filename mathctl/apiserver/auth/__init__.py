"""Who is asking and what they may do: ServiceAccount tokens, RBAC, and escalation checks.

Mirrors ``k8s.io/apiserver/pkg/authentication`` (``tokens``: bearer tokens and TokenRequest)
and kube's ``plugin/pkg/auth/authorizer/rbac`` with ``pkg/registry/rbac`` (``rbac``: the
authorizer and the audit line; ``escalation``: a user may grant only what they hold). Nothing
is imported here, so importing one module does not load the rest.
"""
