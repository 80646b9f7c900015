"""ServiceAccount tokens: TokenRequest validation, the JWT, and when a token stops working."""

from __future__ import annotations

import base64
import functools
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mathctl.apiserver.auth import tokens
from mathctl.apiserver.auth.rbac import AUTHENTICATED
from mathctl.apiserver.auth.tokens import TokenIssuer, bearer_token
from mathctl.apiserver.endpoints.errors import ApiError

from ..kube import Http, status_of

NOW = 1_700_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def service_account(name: str = "mathctl", namespace: str = "ops", uid: str = "uid-1",
                    **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": namespace, "uid": uid, **meta}}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def issuer(tmp_path: Path, clock: Clock) -> TokenIssuer:
    return TokenIssuer(tmp_path / tokens.KEY_FILE, clock=clock)


def request(issuer: TokenIssuer, body: dict[str, Any] | None = None,
            sa: dict[str, Any] | None = None) -> dict[str, Any]:
    raw = json.dumps(body if body is not None else {}).encode()
    return issuer.token_request(raw, "ops", "mathctl", sa if sa is not None else service_account())


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_kubectl_create_token_body_gets_a_token_for_an_hour(issuer: TokenIssuer) -> None:
    # what `kubectl create token mathctl -n ops` sends
    body = {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": None},
            "spec": {"audiences": None, "expirationSeconds": None, "boundObjectRef": None},
            "status": {"token": "", "expirationTimestamp": None}}
    answer = request(issuer, body)
    assert answer["kind"] == "TokenRequest"
    assert answer["apiVersion"] == "authentication.k8s.io/v1"
    assert answer["metadata"] == {"name": "mathctl", "namespace": "ops",
                                  "creationTimestamp": "2023-11-14T22:13:20Z"}
    assert answer["spec"] == {"audiences": [tokens.ISSUER], "expirationSeconds": 3600}
    assert answer["status"]["expirationTimestamp"] == "2023-11-14T23:13:20Z"
    claims = claims_of(answer["status"]["token"])
    assert claims["sub"] == "system:serviceaccount:ops:mathctl"
    assert claims["iss"] == tokens.ISSUER
    assert claims["aud"] == [tokens.ISSUER]
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["kubernetes.io"] == {"namespace": "ops",
                                       "serviceaccount": {"name": "mathctl", "uid": "uid-1"}}


def test_the_token_authenticates_as_the_service_account(issuer: TokenIssuer) -> None:
    token = request(issuer)["status"]["token"]
    user = issuer.authenticate(token, lambda ns, name: service_account())
    assert user is not None
    assert user.name == "system:serviceaccount:ops:mathctl"
    assert user.uid == "uid-1"
    assert user.groups == ("system:serviceaccounts", "system:serviceaccounts:ops",
                           AUTHENTICATED)


@pytest.mark.parametrize(("seconds", "message"), [
    (599, "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than "
          "10 minutes"),
    ((1 << 32) + 1, f"spec.expirationSeconds: Invalid value: {(1 << 32) + 1}: may not specify "
                    "a duration larger than 2^32 seconds"),
])
def test_expiration_bounds(issuer: TokenIssuer, seconds: int, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        request(issuer, {"spec": {"expirationSeconds": seconds}})
    assert caught.value.code == 422
    assert caught.value.message == \
        f'TokenRequest.authentication.k8s.io "" is invalid: {message}'


def test_expiration_and_audiences_are_honoured(issuer: TokenIssuer, clock: Clock) -> None:
    answer = request(issuer, {"spec": {"expirationSeconds": 600, "audiences": ["vault"]}})
    claims = claims_of(answer["status"]["token"])
    assert claims["exp"] - claims["iat"] == 600
    assert claims["aud"] == ["vault"]
    # a token for another audience is no good for this server
    assert issuer.authenticate(answer["status"]["token"], lambda ns, n: service_account()) \
        is None


def test_unknown_service_account_is_404_and_mismatched_names_are_422(issuer: TokenIssuer) -> None:
    with pytest.raises(ApiError) as caught:
        issuer.token_request(b"{}", "ops", "nobody", None)
    assert (caught.value.code, caught.value.message) == (404, 'serviceaccounts "nobody" not found')
    with pytest.raises(ApiError) as caught:
        request(issuer, {"metadata": {"name": "other"}})
    assert caught.value.code == 422
    assert caught.value.message == (
        'TokenRequest.authentication.k8s.io "mathctl" is invalid: metadata.name: Invalid '
        'value: "other": must match the service account name if specified')


def test_tokens_expire(issuer: TokenIssuer, clock: Clock) -> None:
    token = request(issuer, {"spec": {"expirationSeconds": 600}})["status"]["token"]
    lookup = lambda ns, name: service_account()  # noqa: E731
    clock.now = NOW + 599
    assert issuer.authenticate(token, lookup) is not None
    clock.now = NOW + 600
    assert issuer.authenticate(token, lookup) is None


def test_a_token_dies_with_its_service_account(issuer: TokenIssuer) -> None:
    token = request(issuer)["status"]["token"]
    assert issuer.authenticate(token, lambda ns, name: None) is None
    recreated = service_account(uid="uid-2")
    assert issuer.authenticate(token, lambda ns, name: recreated) is None
    deleting = service_account(deletionTimestamp="2023-11-14T22:13:20Z")
    assert issuer.authenticate(token, lambda ns, name: deleting) is None


def test_forged_and_foreign_tokens_are_rejected(issuer: TokenIssuer, tmp_path: Path,
                                                clock: Clock) -> None:
    token = request(issuer)["status"]["token"]
    lookup = lambda ns, name: service_account(name=name, namespace=ns)  # noqa: E731
    header, _payload, signature = token.split(".")
    claims = claims_of(token)
    claims["kubernetes.io"]["namespace"] = "kube-system"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert issuer.authenticate(f"{header}.{forged_payload}.{signature}", lookup) is None
    other = TokenIssuer(tmp_path / "other.key", clock=clock)
    foreign, _ = other.issue("ops", "mathctl", "uid-1")
    assert issuer.authenticate(foreign, lookup) is None
    for junk in ("", "abc", "a.b.c", "admin-token-like-string"):
        assert issuer.authenticate(junk, lookup) is None


def test_the_key_survives_a_restart(issuer: TokenIssuer, tmp_path: Path, clock: Clock) -> None:
    token = request(issuer)["status"]["token"]
    again = TokenIssuer(tmp_path / tokens.KEY_FILE, clock=clock)
    assert again.authenticate(token, lambda ns, name: service_account()) is not None
    assert (tmp_path / tokens.KEY_FILE).stat().st_mode & 0o777 == 0o600


def test_bound_object_refs_are_refused_with_the_fix(issuer: TokenIssuer) -> None:
    with pytest.raises(ApiError) as caught:
        request(issuer, {"spec": {"boundObjectRef": {"kind": "Pod", "name": "p"}}})
    assert caught.value.code == 422
    assert "--bound-object" in caught.value.message


@pytest.mark.parametrize(("header", "token"), [
    ("Bearer abc", "abc"), ("bearer abc", "abc"), ("Basic abc", None), ("Bearer", None),
    ("", None)])
def test_bearer_token(header: str, token: str | None) -> None:
    assert bearer_token(header) == token


# --- on the embedded server, over HTTP, and with kubectl -----------------------------------------


def test_token_request_over_http(http: Http, namespace: str) -> None:
    path = f"/api/v1/namespaces/{namespace}/serviceaccounts"
    missing = http.post(f"{path}/nobody/token", {"kind": "TokenRequest",
                                                 "apiVersion": "authentication.k8s.io/v1"})
    assert status_of(missing) == (404, "NotFound", 'serviceaccounts "nobody" not found')
    assert http.post(path, {"apiVersion": "v1", "kind": "ServiceAccount",
                            "metadata": {"name": "op"}}).status_code == 201
    short = http.post(f"{path}/op/token", {"spec": {"expirationSeconds": 60}})
    assert status_of(short)[:2] == (422, "Invalid")
    answer = http.post(f"{path}/op/token", {"spec": {"expirationSeconds": 600}})
    assert answer.status_code == 201
    body = answer.json()
    assert body["kind"] == "TokenRequest"
    assert body["spec"]["expirationSeconds"] == 600
    assert claims_of(body["status"]["token"])["sub"] == f"system:serviceaccount:{namespace}:op"


def test_a_token_stops_working_when_its_service_account_is_deleted(
        target: Any, http: Http, namespace: str) -> None:
    path = f"/api/v1/namespaces/{namespace}/serviceaccounts"
    http.post(path, {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "gone"}})
    token = http.post(f"{path}/gone/token", {}).json()["status"]["token"]
    sa = Http.for_cluster(target, token)
    assert sa.get("/apis").status_code == 200
    assert http.delete(f"{path}/gone").status_code == 200
    assert status_of(sa.get("/apis")) == (401, "Unauthorized", "Unauthorized")
    assert Http(target.server, "not-a-token", sa.session.verify).get("/apis").status_code == 401


@pytest.mark.kubectl
@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_create_token_and_use_it(target: Any, namespace: str, tmp_path: Path) -> None:
    kubectl = [str(shutil.which("kubectl")), "--kubeconfig", target.kubeconfig,
               "--context", target.context]
    run = functools.partial(subprocess.run, capture_output=True, text=True, timeout=60)
    created = run([*kubectl, "-n", namespace, "create", "serviceaccount", "op"])
    assert created.returncode == 0, created.stderr
    made = run([*kubectl, "-n", namespace, "create", "token", "op", "--duration=20m"])
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert claims_of(token)["exp"] - claims_of(token)["iat"] == 1200
    as_sa = [*kubectl, "--token", token]
    denied = run([*as_sa, "-n", namespace, "get", "configmaps"])
    assert denied.returncode != 0
    assert (f'Error from server (Forbidden): configmaps is forbidden: User '
            f'"system:serviceaccount:{namespace}:op" cannot list resource "configmaps" in API '
            f'group "" in the namespace "{namespace}"') in denied.stderr
    granted = run([*kubectl, "-n", namespace, "create", "rolebinding", "op-view",
                   "--clusterrole=view-configmaps", f"--serviceaccount={namespace}:op"])
    assert granted.returncode == 0, granted.stderr
    role = run([*kubectl, "create", "clusterrole", "view-configmaps", "--verb=get,list",
                "--resource=configmaps"])
    assert role.returncode == 0 or "AlreadyExists" in role.stderr, role.stderr
    listed = run([*as_sa, "-n", namespace, "get", "configmaps"])
    assert listed.returncode == 0, listed.stderr
