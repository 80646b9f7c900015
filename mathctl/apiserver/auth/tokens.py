"""ServiceAccount tokens: ``kubectl create token <sa>`` and the identity a token stands for.

Why it exists: an operator in a pod talks to the API with its ServiceAccount's token, and RBAC
(``rbac.py``) decides what that identity may do. To run the operator *exactly* as in a pod,
the embedded server must issue such tokens and honour them. This module implements the
TokenRequest subresource (``POST /api/v1/namespaces/<ns>/serviceaccounts/<sa>/token``, what
``kubectl create token`` sends) and the authenticator for the tokens it issues, with kube's
rules:

- the token is a JWT signed by the server's ServiceAccount key (kube's
  ``--service-account-signing-key-file``; here an EC P-256 key made on first use in the data
  dir, so ``alg`` is ES256, which kube also accepts), with the claims kube writes: ``iss``,
  ``sub`` = ``system:serviceaccount:<ns>:<sa>``, ``aud``, ``exp``/``iat``/``nbf``, ``jti`` and
  ``kubernetes.io`` = namespace, ServiceAccount name and uid;
- ``spec.expirationSeconds`` defaults to 3600 and must lie between 10 minutes and 2^32
  seconds (422 otherwise, with kube's messages); ``spec.audiences`` defaults to the server's
  audience; a ServiceAccount that does not exist is a 404;
- a token authenticates only while it is unexpired, meant for this server's audience, and its
  ServiceAccount still exists with the same uid and is not being deleted (a bound token dies
  with its ServiceAccount) — otherwise 401. The user has the groups ``system:serviceaccounts``,
  ``system:serviceaccounts:<ns>`` and ``system:authenticated``.

Pure but for the key file; ``app.py`` calls :meth:`TokenIssuer.token_request` and
:meth:`TokenIssuer.authenticate` with a lookup of ServiceAccounts in its store.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mathctl.apiserver.auth.rbac import UserInfo, service_account_user
from mathctl.apiserver.endpoints import errors

ISSUER = "https://kubernetes.default.svc.cluster.local"
"""minikube's and kubeadm's ``--service-account-issuer``; also the default audience."""
KEY_FILE = "sa.key"
DEFAULT_EXPIRATION = 3600
MIN_EXPIRATION = 10 * 60
MAX_EXPIRATION = 1 << 32
GROUP = "authentication.k8s.io"
KIND = "TokenRequest"

ServiceAccountLookup = Callable[[str, str], Mapping[str, Any] | None]
"""``(namespace, name) -> ServiceAccount object or None``."""


@dataclass(frozen=True)
class Claims:
    """The verified claims of a ServiceAccount token that matter to the server."""

    namespace: str
    name: str
    uid: str
    expires: int
    audiences: tuple[str, ...]


class TokenIssuer:
    """Issues and verifies ServiceAccount tokens with the key in ``key_path``."""

    def __init__(self, key_path: Path, *, issuer: str = ISSUER,
                 audiences: tuple[str, ...] = (ISSUER,),
                 clock: Callable[[], float] = time.time) -> None:
        self.key_path = key_path
        self.issuer = issuer
        self.audiences = audiences
        self.clock = clock
        self._key: Any = None
        self._kid = ""

    # --- the signing key -----------------------------------------------------------------

    def _signing_key(self) -> Any:
        if self._key is not None:
            return self._key
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        if self.key_path.exists():
            key = serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)
        else:
            key = ec.generate_private_key(ec.SECP256R1())
            pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            self.key_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first: use theirs
                return self._signing_key()
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
        public = key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
        self._kid = _b64(hashlib.sha256(public).digest())  # kube's keyIDFromPublicKey
        self._key = key
        return key

    def _sign(self, signing_input: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        der = self._signing_key().sign(signing_input, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def _signature_ok(self, signing_input: bytes, signature: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

        if len(signature) != 64:
            return False
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                   int.from_bytes(signature[32:], "big"))
        try:
            self._signing_key().public_key().verify(der, signing_input,
                                                    ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True

    # --- issuing -------------------------------------------------------------------------

    def issue(self, namespace: str, name: str, uid: str, *,
              expiration_seconds: int = DEFAULT_EXPIRATION,
              audiences: tuple[str, ...] | None = None,
              now: float | None = None) -> tuple[str, int]:
        """A signed token for ServiceAccount ``namespace/name`` and its expiry (Unix time)."""
        issued = int(self.clock() if now is None else now)
        expires = issued + int(expiration_seconds)
        self._signing_key()
        header = {"alg": "ES256", "kid": self._kid}
        claims = {
            "aud": list(audiences or self.audiences),
            "exp": expires,
            "iat": issued,
            "iss": self.issuer,
            "jti": str(uuid.uuid4()),
            "kubernetes.io": {"namespace": namespace,
                              "serviceaccount": {"name": name, "uid": uid}},
            "nbf": issued,
            "sub": f"system:serviceaccount:{namespace}:{name}",
        }
        signing_input = f"{_b64_json(header)}.{_b64_json(claims)}".encode()
        return f"{signing_input.decode()}.{_b64(self._sign(signing_input))}", expires

    def token_request(self, body: bytes, namespace: str, name: str,
                      service_account: Mapping[str, Any] | None) -> dict[str, Any]:
        """Answer ``POST …/serviceaccounts/<name>/token`` (kube's ``TokenREST.Create``)."""
        try:
            request = json.loads(body) if body.strip() else {}
        except ValueError as exc:
            raise errors.bad_request(
                f"the object provided is unrecognized (must be of type {KIND}): "
                f"couldn't get version/kind; json parse error: {exc}") from None
        if not isinstance(request, dict):
            raise errors.bad_request(
                f"the object provided is unrecognized (must be of type {KIND})")
        meta = request.get("metadata") or {}
        for key, what in (("name", "name"), ("namespace", "namespace")):
            given, wanted = meta.get(key) or "", name if key == "name" else namespace
            if given and given != wanted:
                raise errors.invalid(GROUP, KIND, name, [{
                    "reason": "FieldValueInvalid", "field": f"metadata.{key}",
                    "message": f"Invalid value: {json.dumps(given)}: must match the service "
                               f"account {what} if specified"}])
        if service_account is None:
            raise errors.not_found("", "serviceaccounts", name)
        spec = request.get("spec") or {}
        audiences = tuple(spec.get("audiences") or ()) or self.audiences
        seconds = spec.get("expirationSeconds")
        seconds = DEFAULT_EXPIRATION if seconds is None else seconds
        if not isinstance(seconds, int) or isinstance(seconds, bool):
            raise errors.bad_request(
                f"the object provided is unrecognized (must be of type {KIND}): "
                "spec.expirationSeconds must be an integer")
        causes = []
        if seconds < MIN_EXPIRATION:
            causes.append({"reason": "FieldValueInvalid", "field": "spec.expirationSeconds",
                           "message": f"Invalid value: {seconds}: may not specify a duration "
                                      "less than 10 minutes"})
        if seconds > MAX_EXPIRATION:
            causes.append({"reason": "FieldValueInvalid", "field": "spec.expirationSeconds",
                           "message": f"Invalid value: {seconds}: may not specify a duration "
                                      "larger than 2^32 seconds"})
        if causes:
            raise errors.invalid(GROUP, KIND, "", causes)
        if spec.get("boundObjectRef"):
            raise errors.invalid(GROUP, KIND, "", [{
                "reason": "FieldValueNotSupported", "field": "spec.boundObjectRef",
                "message": "Unsupported value: the embedded API server runs no pods; request "
                           "a token bound to the ServiceAccount only (drop --bound-object-*)"}])
        now = self.clock()
        sa_meta = service_account.get("metadata") or {}
        token, expires = self.issue(namespace, name, sa_meta.get("uid", ""),
                                    expiration_seconds=seconds, audiences=audiences, now=now)
        return {
            "kind": KIND, "apiVersion": f"{GROUP}/v1",
            "metadata": {"name": name, "namespace": namespace,
                         "creationTimestamp": _rfc3339(int(now))},
            "spec": {"audiences": list(audiences), "expirationSeconds": seconds},
            "status": {"token": token, "expirationTimestamp": _rfc3339(expires)},
        }

    # --- authenticating ------------------------------------------------------------------

    def verify(self, token: str) -> Claims | None:
        """The claims of a token this issuer signed that is valid now, else None."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        try:
            header = json.loads(_unb64(parts[0]))
            claims = json.loads(_unb64(parts[1]))
            signature = _unb64(parts[2])
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(header, dict) or not isinstance(claims, dict):
            return None
        if header.get("alg") != "ES256" or claims.get("iss") != self.issuer:
            return None
        if not self._signature_ok(f"{parts[0]}.{parts[1]}".encode(), signature):
            return None
        now = self.clock()
        exp, nbf = claims.get("exp"), claims.get("nbf", 0)
        if not isinstance(exp, int) or not isinstance(nbf, int) or now >= exp or now < nbf:
            return None
        audiences = claims.get("aud")
        audiences = (audiences,) if isinstance(audiences, str) else tuple(audiences or ())
        if not set(audiences) & set(self.audiences):
            return None
        private = claims.get("kubernetes.io") or {}
        sa = private.get("serviceaccount") or {}
        namespace, name = private.get("namespace"), sa.get("name")
        if not namespace or not name:
            return None
        return Claims(namespace, name, sa.get("uid", ""), exp, audiences)

    def authenticate(self, token: str, lookup: ServiceAccountLookup) -> UserInfo | None:
        """The user a bearer token stands for, or None (→ 401) if it is not one of ours, has
        expired, or its ServiceAccount is gone, was re-created or is being deleted."""
        claims = self.verify(token)
        if claims is None:
            return None
        account = lookup(claims.namespace, claims.name)
        if account is None:
            return None
        meta = account.get("metadata") or {}
        if meta.get("deletionTimestamp") or meta.get("uid", "") != claims.uid:
            return None
        return service_account_user(claims.namespace, claims.name, claims.uid)


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (scheme case-insensitive)."""
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64_json(obj: Any) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode())


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _rfc3339(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
