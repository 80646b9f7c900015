"""Check cell of stage 80's server-side apply exercise: the learner's ``apply_ingress``.

Why it exists: an apply that works once on an empty namespace can still be the wrong tool in
disguise. It may send the Ingress it read (resourceVersion, managedFields and all), which is a
read-modify-write and makes the controller the owner of every field; a merge patch (the server
records an ``Update``, so it never removes a field the controller stops sending); or an apply
without force (it stops at the first field a person changed). So the check runs the learner's
function against the cluster, in a scratch namespace, and plays a person between the applies:
a label added under ``kubectl label``'s field manager, the host changed under ``kubectl
edit``'s. It records each request the learner's code sends (method, path, query, Content-Type,
body) and answers with the first thing that went wrong, in one sentence.

The server's rules it relies on are kube-apiserver v1.28's: an apply needs ``fieldManager``
and refuses ``metadata.managedFields`` (apiserver ``handlers/patch.go``, apimachinery
``managedfields/internal/fieldmanager.go``), a conflict with another manager is a 409 unless
``force=true`` (``structured-merge-diff merge/update.go``), and a write that changes nothing
keeps the resourceVersion.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kubernetes import client
from kubernetes.client.exceptions import ApiException

from mathctl.core.expose import MANAGED_ANNOTATIONS, desired_ingress
from mathctl.notebook.checking import Hint, call, check, describe_exception, require_callable
from mathctl.notebook.checks_controllers import scratch_namespace
from mathctl.resources.service_expose import GROUP, PLURAL, VERSION, ServiceExpose
from mathctl.views.show import api_client_of

__all__ = ["APPLY_PATCH", "check_apply_ingress"]

APPLY_PATCH = "application/apply-patch+yaml"
NAME = "shop"
ISSUER = {"cert-manager.io/cluster-issuer": "letsencrypt"}
PERSON_LABEL = ("kubectl-label", "team", "shop")
PERSON_HOST = ("kubectl-edit", "hand-edited.example.com")
SERVER_FIELDS = ("metadata.resourceVersion", "metadata.managedFields", "metadata.uid",
                 "metadata.creationTimestamp", "metadata.generation", "status")
"""What the server writes: an apply body that carries any of them was read, not built."""
OWNED = ("metadata.labels", "metadata.ownerReferences", "spec.rules")
SHOWN = ("api_client", "namespace", "desired")
Body = dict[str, Any]


@dataclass(frozen=True)
class Request:
    """One request the learner's code sent, as it left the client."""

    method: str
    path: str
    query: dict[str, list[str]]
    content_type: str
    body: Any


class _Recorder:
    """Stands in for an ``ApiClient``'s REST client and notes every request before sending it."""

    def __init__(self, rest: Any) -> None:
        self._rest = rest
        self.requests: list[Request] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rest, name)

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        body = kwargs.get("body")
        sent_as = str((kwargs.get("headers") or {}).get("Content-Type", ""))
        if sent_as == "application/json-patch+json" and not isinstance(body, list):
            sent_as = "application/strategic-merge-patch+json"  # what the client's rest.py sends
        self.requests.append(Request(method.upper(), parts.path, parse_qs(parts.query), sent_as,
                                     body))
        return self._rest.request(method, url, **kwargs)


def _lookup(body: Any, path: str) -> Any:
    for part in path.split("."):
        body = body.get(part) if isinstance(body, Mapping) else None
    return body


def _extra_paths(sent: Any, desired: Any, path: str = "") -> list[str]:
    """Paths in ``sent`` that ``desired`` does not have (lists compare whole: they are atomic
    or keyed, and the key of an item is part of its value)."""
    if isinstance(sent, Mapping) and isinstance(desired, Mapping):
        return [p for key in sent for p in _extra_paths(
            sent[key], desired.get(key, _MISSING), f"{path}.{key}" if path else str(key))]
    return [] if sent == desired else [path]


_MISSING = object()


@dataclass
class _Bench:
    """The learner's function, a client that records what it sends, and the Ingress's state."""

    fn: Callable[..., Any]
    admin: client.ApiClient
    namespace: str

    def __post_init__(self) -> None:
        self.net = client.NetworkingV1Api(self.admin)
        self.learner_api = client.ApiClient(self.admin.configuration)
        self.recorder = _Recorder(self.learner_api.rest_client)
        self.learner_api.rest_client = self.recorder  # type: ignore[assignment]

    # the Ingress, read and edited by hand --------------------------------------------------

    def ingress(self) -> Body | None:
        try:
            response = self.net.read_namespaced_ingress(NAME, self.namespace,
                                                        _preload_content=False)
        except ApiException as err:
            if err.status == 404:
                return None
            raise
        return json.loads(response.data)  # type: ignore[no-any-return]

    def by_hand(self, manager: str, patch: Body) -> None:
        self.net.patch_namespaced_ingress(NAME, self.namespace, patch, field_manager=manager,
                                          _content_type="application/merge-patch+json")

    # the learner's apply --------------------------------------------------------------------

    def apply(self, when: str, desired: Body, force: bool = True) -> Body:
        """Run ``apply_ingress``; a problem with what it sent is named before any exception."""
        self.recorder.requests.clear()
        args = (self.learner_api, self.namespace, copy.deepcopy(desired), force)
        try:
            call(self.fn, args, name="apply_ingress", shown=(*SHOWN, f"force={force}"),
                 todo="send the desired fields as an apply patch with patch_namespaced_ingress",
                 advise=_advice)
        except Hint as hint:
            if str(hint).startswith("not written yet"):
                raise
            raise Hint(self.sent_problem(when, desired) or f"{when}: {hint}") from None
        problem = self.sent_problem(when, desired)
        if problem:
            raise Hint(problem)
        got = self.ingress()
        if got is None:
            raise Hint(f"{when}, apply_ingress returned but there is no Ingress {NAME!r}: send "
                       "the apply patch to the Ingress named in desired['metadata']['name'].")
        return got

    def sent_problem(self, when: str, desired: Body) -> str | None:
        """One sentence about the last write the learner's code sent, or None if it is right."""
        writes = [r for r in self.recorder.requests if r.method in ("POST", "PUT", "PATCH")]
        if not writes:
            return None
        req = writes[-1]
        if req.method != "PATCH":
            verb = "a create (POST)" if req.method == "POST" else "a replace (PUT)"
            return (f"{when}, apply_ingress sent {verb}: an apply is a PATCH — use "
                    "patch_namespaced_ingress with _content_type=APPLY_PATCH; it creates the "
                    "Ingress when it is missing, so no create is needed.")
        if req.content_type != APPLY_PATCH:
            return (f"{when}, apply_ingress sent a patch as {req.content_type or 'JSON'}: the "
                    "server records that as an Update, so no ownership is recorded for an "
                    "applied set and a field you stop sending is never removed. Pass "
                    f"_content_type=APPLY_PATCH ({APPLY_PATCH!r}).")
        if not req.query.get("fieldManager"):
            return (f"{when}, apply_ingress sent an apply without a field manager: pass "
                    "field_manager=FIELD_MANAGER, the name the server records as the owner.")
        body = req.body if isinstance(req.body, Mapping) else {}
        server = [p for p in SERVER_FIELDS if _lookup(body, p) is not None]
        if server:
            return (f"{when}, apply_ingress sent {', '.join(server)}: those are the server's. "
                    "Build the body from desired alone, never from the Ingress you read — an "
                    "apply needs no read, and whatever it sends, it owns.")
        if MANAGED_ANNOTATIONS in (_lookup(body, "metadata.annotations") or {}):
            return (f"{when}, apply_ingress sent the annotation MANAGED_ANNOTATIONS: with apply "
                    "the server itself records which annotations this manager set, and removes "
                    "one it stops sending. Leave that bookkeeping annotation out.")
        extra = _extra_paths(body, desired)
        if extra:
            return (f"{when}, apply_ingress sent {', '.join(extra[:3])}, which desired does not "
                    "have: an apply makes its manager an owner of every field it sends. Send "
                    "only the fields of desired.")
        missing = [p for p in OWNED if _lookup(body, p) is None]
        if missing:
            return (f"{when}, apply_ingress left out {', '.join(missing)}: an apply states the "
                    "whole intent, and the server removes what its manager stops sending.")
        return None


def _advice(exc: BaseException) -> str | None:
    if not isinstance(exc, ApiException):
        return None
    if exc.status == 404:
        return ("An apply needs no read: the server creates the Ingress when it is missing. "
                "Send the fields of desired only.")
    if exc.status == 409:
        return ("Another manager changed a field you apply: pass force=force to "
                "patch_namespaced_ingress, so the controller takes its fields back.")
    return None


@contextmanager
def _bench(fn: Callable[..., Any], cluster: Any) -> Iterator[tuple[_Bench, ServiceExpose]]:
    admin = api_client_of(cluster)
    with scratch_namespace(admin) as namespace:
        body = {"apiVersion": f"{GROUP}/{VERSION}", "kind": "ServiceExpose",
                "metadata": {"name": NAME},
                "spec": {"backend": {"service": {"name": NAME, "port": {"number": 80}}},
                         "domain": "example.com", "tls": {"enabled": True},
                         "annotations": ISSUER}}
        try:
            se = client.CustomObjectsApi(admin).create_namespaced_custom_object(
                GROUP, VERSION, namespace, PLURAL, body)
        except ApiException as err:
            if err.status == 404:
                raise Hint("the API server does not know ServiceExposes yet: run the notebook's "
                           "first cell (apply_crds) first.") from None
            raise
        bench = _Bench(fn, admin, namespace)
        try:
            yield bench, ServiceExpose.from_dict(se)
        finally:
            bench.learner_api.close()


@check("apply_ingress")
def check_apply_ingress(fn: Callable[..., Any], cluster: Any) -> str:
    """The learner's apply_ingress: creates, keeps a person's label, takes back a person's
    host only with force, writes nothing when nothing changed, removes what it stops sending."""
    require_callable(fn, "apply_ingress")
    with _bench(fn, cluster) as (bench, se):
        desired = desired_ingress(se, bench.namespace)
        host = desired["spec"]["rules"][0]["host"]
        got = bench.apply("when the Ingress did not exist yet", desired)
        manager = bench.recorder.requests[-1].query["fieldManager"][0]
        applied = [e for e in got["metadata"].get("managedFields") or []
                   if e.get("manager") == manager]
        if not any(e.get("operation") == "Apply" for e in applied):
            raise Hint(f"the server recorded no Apply by {manager!r}; send the patch with "
                       "_content_type=APPLY_PATCH so it records what this manager owns.")

        who, key, value = PERSON_LABEL
        bench.by_hand(who, {"metadata": {"labels": {key: value}}})
        before = (bench.ingress() or {})["metadata"]["resourceVersion"]
        when = f"after a person added the label {key}={value} ({who})"
        got = bench.apply(when, desired)
        if (got["metadata"].get("labels") or {}).get(key) != value:
            raise Hint(f"{when}, your apply removed it: send only the fields the controller "
                       "owns, so others' fields stay.")
        if got["metadata"]["resourceVersion"] != before:
            raise Hint(f"{when}, applying the same desired Ingress again changed the "
                       "resourceVersion: an apply that changes nothing must write nothing — "
                       "send the same body for the same desired state.")

        who, hand_host = PERSON_HOST
        rules = copy.deepcopy(desired["spec"]["rules"])
        rules[0]["host"] = hand_host
        bench.by_hand(who, {"spec": {"rules": rules}})
        when = f"after a person changed the host to {hand_host} ({who})"
        bench.recorder.requests.clear()
        try:
            fn(bench.learner_api, bench.namespace, copy.deepcopy(desired), False)
        except ApiException as err:
            if err.status != 409:
                raise Hint(f"{when}, apply_ingress(…, force=False) raised "
                           f"{describe_exception(err)}; expected 409 Conflict.") from None
        except Exception as exc:
            raise Hint(bench.sent_problem(when, desired) or
                       f"{when}, apply_ingress(…, force=False) raised "
                       f"{describe_exception(exc)}; expected the server's 409 Conflict."
                       ) from None
        else:
            now = (bench.ingress() or {})["spec"]["rules"][0]["host"]
            if now == host:
                raise Hint(f"{when}, apply_ingress(…, force=False) took the host back anyway: "
                           "pass force=force, so the caller decides.")
            raise Hint(f"{when}, apply_ingress(…, force=False) returned without an error: let "
                       "the server's 409 Conflict (ApiException) reach the caller.")
        got = bench.apply(f"{when}, with force=True", desired)
        if got["spec"]["rules"][0]["host"] != host:
            raise Hint(f"{when}, apply_ingress(…, force=True) left it at "
                       f"{got['spec']['rules'][0]['host']!r}: send spec.rules from desired.")

        plain = ServiceExpose.from_dict({**se.to_dict(), "spec": {
            **se.to_dict()["spec"], "annotations": {}}})
        when = f"after {next(iter(ISSUER))} was removed from spec.annotations"
        got = bench.apply(when, desired_ingress(plain, bench.namespace))
        annotations = got["metadata"].get("annotations") or {}
        if set(ISSUER) & set(annotations):
            raise Hint(f"{when}, it is still on the Ingress: send the new desired fields as an "
                       "apply, and the server removes what this manager stopped sending.")
        if (got["metadata"].get("labels") or {}).get(PERSON_LABEL[1]) != PERSON_LABEL[2]:
            raise Hint(f"{when}, the person's label went too: send only the fields of desired.")
    return ("created by apply; a person's label kept; their host refused without force (409) "
            "and taken back with it; an unchanged apply wrote nothing; an annotation no longer "
            "sent was removed.")
