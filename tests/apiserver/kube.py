"""Helpers for the conformance tests: raw HTTP requests and Status assertions."""

from __future__ import annotations

import json
from typing import Any

import requests

GROUP = "math.mathctl.example"
VERSION = "v1beta1"
API = f"/apis/{GROUP}/{VERSION}"


class Http:
    """Raw requests to one server: ``http.get("/api/v1/namespaces")`` → ``requests.Response``."""

    def __init__(self, url: str, token: str | None, ca_cert: str | bool | None,
                 cert: tuple[str, str] | None = None) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.trust_env = False   # REQUESTS_CA_BUNDLE would override verify=
        self.session.verify = True if ca_cert is None else ca_cert
        if cert:   # a kubeconfig user with a client certificate (kind, minikube) instead of a token
            self.session.cert = cert
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    @classmethod
    def for_cluster(cls, cluster: Any, token: str | None = None) -> Http:
        """Raw requests to ``cluster`` (a ``mathctl.cluster.Cluster``) as its kubeconfig user, or
        with ``token`` alone (no client certificate) when one is given."""
        config = cluster.api_client.configuration
        verify: str | bool = config.ssl_ca_cert or bool(config.verify_ssl)
        if token is not None:
            return cls(cluster.server, token, verify)
        own = bearer_of(config)
        cert = (config.cert_file, config.key_file) if config.cert_file else None
        return cls(cluster.server, own, verify, cert)

    def request(self, method: str, path: str, body: Any = None, *,
                content_type: str = "application/json", raw: bytes | None = None,
                **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            headers.setdefault("Content-Type", content_type)
        return self.session.request(method, self.url + path, data=data, headers=headers,
                                    timeout=kwargs.pop("timeout", 30), **kwargs)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.request("POST", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.request("PUT", path, body, **kw)

    def patch(self, path: str, body: Any = None, *,
              content_type: str = "application/merge-patch+json", **kw: Any) -> requests.Response:
        return self.request("PATCH", path, body, content_type=content_type, **kw)

    def delete(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, body, **kw)


def bearer_of(config: Any) -> str | None:
    """The bearer token a ``kubernetes.client.Configuration`` sends, if any. A kubeconfig's token
    is stored under ``BearerToken``, a hand-built one's under ``authorization``; the generated
    ``auth_settings()`` reads both (after an exec plugin's refresh hook has run)."""
    if config.refresh_api_key_hook is not None:
        config.refresh_api_key_hook(config)
    for setting in config.auth_settings().values():
        if setting["in"] == "header" and setting["key"].lower() == "authorization":
            return str(setting["value"]).removeprefix("Bearer ") or None
    return None


def number(name: str, value: Any = 1, **metadata: Any) -> dict[str, Any]:
    return {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Number",
            "metadata": {"name": name, **metadata}, "spec": {"value": value}}


def status_of(response: requests.Response) -> tuple[int, str, str]:
    """(code, reason, message) of a Status answer, checking its shape on the way."""
    body = response.json()
    assert body["kind"] == "Status" and body["apiVersion"] == "v1", body
    assert body["status"] == "Failure" and body["metadata"] == {}, body
    assert body["code"] == response.status_code, body
    return body["code"], body.get("reason", ""), body["message"]


def service_account_http(target: Any, http: Http, namespace: str, name: str) -> Http:
    """Create ServiceAccount ``namespace/name`` and a client that holds only its token."""
    created = http.post(f"/api/v1/namespaces/{namespace}/serviceaccounts",
                        {"apiVersion": "v1", "kind": "ServiceAccount",
                         "metadata": {"name": name}})
    assert created.status_code == 201, created.text
    answer = http.post(f"/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token",
                       {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                        "spec": {}})
    assert answer.status_code == 201, answer.text
    return Http.for_cluster(target, answer.json()["status"]["token"])
