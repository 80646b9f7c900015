"""kopf's login, taken from the official client's configuration: one cluster, one identity.

Why it exists: the reconcile loops use the official ``kubernetes`` client, kopf uses its own
aiohttp client. Left alone, kopf would log in with whatever ``~/.kube/config`` says, which is
not necessarily the cluster the learner connected to (the embedded server, another context).
So the operator registers an ``@kopf.on.login`` handler built from the very
``kubernetes.client.Configuration`` the reconciles use: server, bearer token (also a
refreshed one: exec plugins and in-cluster service-account tokens rotate), basic auth, client
certificate and key (minikube authenticates with those), and the CA. Used by
:mod:`mathctl.controllers.runner` and :mod:`mathctl.controllers.kopf_main`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import kopf
from kubernetes.client import Configuration


def connection_info(configuration: Configuration, *, default_namespace: str | None = None,
                    ) -> kopf.ConnectionInfo:
    """The kopf ``ConnectionInfo`` equivalent to an official-client ``Configuration``."""
    # Since kubernetes 36 the token sits under "BearerToken"; older loaders used "authorization".
    header = configuration.get_api_key_with_prefix("BearerToken", alias="authorization")
    scheme: str | None = None
    token: str | None = None
    if header:
        parts = header.split(" ", 1)
        scheme, token = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
    return kopf.ConnectionInfo(
        server=configuration.host,
        ca_path=configuration.ssl_ca_cert or None,
        insecure=not configuration.verify_ssl,
        username=configuration.username or None,
        password=configuration.password or None,
        scheme=scheme,
        token=token,
        certificate_path=configuration.cert_file or None,
        private_key_path=configuration.key_file or None,
        default_namespace=default_namespace,
    )


def login_from(configuration: Configuration, *, default_namespace: str | None = None,
               ) -> Callable[..., kopf.ConnectionInfo]:
    """An ``@kopf.on.login`` handler that re-reads ``configuration`` each time kopf asks."""

    def login(**_: Any) -> kopf.ConnectionInfo:
        return connection_info(configuration, default_namespace=default_namespace)

    return login
