"""kopf logs in with exactly what the official client's configuration holds."""

from __future__ import annotations

from kubernetes.client import Configuration

from mathctl.controllers.credentials import connection_info, login_from


def test_client_certificates_and_ca_as_minikube_writes_them() -> None:
    config = Configuration()
    config.host = "https://192.168.49.2:8443"
    config.cert_file = "/home/me/.minikube/profiles/minikube/client.crt"
    config.key_file = "/home/me/.minikube/profiles/minikube/client.key"
    config.ssl_ca_cert = "/home/me/.minikube/ca.crt"
    info = connection_info(config, default_namespace="learner-1")
    assert info.server == "https://192.168.49.2:8443"
    assert info.certificate_path == config.cert_file
    assert info.private_key_path == config.key_file
    assert info.ca_path == config.ssl_ca_cert
    assert info.insecure is False
    assert info.token is None and info.scheme is None
    assert info.default_namespace == "learner-1"


def test_bearer_tokens_under_either_key_and_insecure_servers() -> None:
    for key in ("BearerToken", "authorization"):
        config = Configuration()
        config.host = "https://127.0.0.1:6443"
        config.api_key = {key: "Bearer s3cret"}
        config.verify_ssl = False
        info = connection_info(config)
        assert (info.scheme, info.token, info.insecure) == ("Bearer", "s3cret", True)


def test_the_login_handler_rereads_a_rotated_token() -> None:
    config = Configuration()
    config.host = "https://kubernetes.default.svc"
    tokens = iter(["first", "second"])

    def refresh(c: Configuration) -> None:  # what in-cluster config and exec plugins install
        c.api_key = {"authorization": f"Bearer {next(tokens)}"}

    config.refresh_api_key_hook = refresh
    login = login_from(config)
    assert login().token == "first"
    assert login().token == "second"
