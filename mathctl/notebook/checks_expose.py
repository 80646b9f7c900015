"""Check cells of stage 80 (ServiceExpose): the learner's ``desired_ingress`` and ``diff``.

Notebook ``80-service-expose`` has learners write the two pure halves of the capstone
operator. These checks run the learner's function beside the package's own
(:mod:`mathctl.core.expose`) on cases chosen to catch the usual mistakes, and answer with one
specific hint: the host parts in the wrong order, TLS without the host, a forgotten controller
ownerReference (no garbage collection), a ``defaultBackend`` that would catch every unrouted
request; for ``diff``: deleting what the garbage collector deletes, adopting someone else's
Ingress, calling server-filled fields drift, or an update that drops the resourceVersion.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from mathctl.core.expose import (
    MANAGED_ANNOTATIONS,
    Conflict,
    Create,
    Nothing,
    Update,
    desired_ingress,
    diff,
    value_diff,
)
from mathctl.notebook.checking import Hint, call, check, described, short
from mathctl.resources.meta import ObjectMeta
from mathctl.resources.service_expose import TLS, ServiceExpose

__all__ = ["check_desired_ingress", "check_ingress_diff", "sample_service_expose"]

Body = dict[str, Any]


def sample_service_expose(name: str = "example", *, namespace: str = "ns1",
                          service: str = "example-svc", port: int = 8080,
                          domain: str = "example.com", path: str = "/",
                          path_type: str = "Prefix", tls: TLS | None = None,
                          annotations: Mapping[str, str] | None = None) -> ServiceExpose:
    """A ServiceExpose as if read back from the API server (it has a uid and a generation)."""
    se = ServiceExpose.new(name, service, port, domain, namespace=namespace, path=path,
                           path_type=path_type, tls=tls, annotations=annotations)
    meta = ObjectMeta(name=name, namespace=namespace, uid=f"uid-of-{name}", generation=1)
    return ServiceExpose(metadata=meta, spec=se.spec)


DESIRED_CASES: tuple[tuple[ServiceExpose, str], ...] = (
    (sample_service_expose(tls=TLS(enabled=True, secret_name="example-tls"),
                           annotations={"cert-manager.io/cluster-issuer": "letsencrypt"}), "ns1"),
    (sample_service_expose("api", service="api", port=80, domain="preview.example.org",
                           path="/v1", path_type="Exact"), "app-pr-123"),
    (sample_service_expose("docs", service="docs", tls=TLS(enabled=True)), "ns1"),
    (sample_service_expose("plain", tls=TLS(enabled=False), annotations={"a": "1", "b": "2"}),
     "team-a"),
)


def _get(body: Any, path: str) -> Any:
    """``spec.rules[0].host`` looked up in nested dicts and lists (None when absent)."""
    value = body
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            index = int(part[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        else:
            value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _desired_hint(where: str, got: Mapping[str, Any], want: Body, se: ServiceExpose,
                  namespace: str) -> str | None:
    spec, name = se.spec, se.metadata.name
    host = _get(want, "spec.rules[0].host")
    got_host = _get(got, "spec.rules[0].host")
    owners = _get(got, "metadata.ownerReferences") or []
    if _get(got, "apiVersion") != "networking.k8s.io/v1" or _get(got, "kind") != "Ingress":
        return (f"{where} must be an Ingress of the current API: apiVersion "
                "'networking.k8s.io/v1', kind 'Ingress'.")
    if (_get(got, "metadata.name"), _get(got, "metadata.namespace")) != (name, namespace):
        return (f"{where}: name the Ingress like its ServiceExpose ({name!r}) and put it in "
                f"{namespace!r} — one Ingress per ServiceExpose, found by name.")
    if not any(isinstance(o, Mapping) and o.get("uid") == se.metadata.uid and o.get("controller")
               for o in owners):
        return (f"{where} has no controller ownerReference to the ServiceExpose (uid "
                f"{se.metadata.uid}): without it the garbage collector never deletes the "
                "Ingress and the controller cannot tell its own Ingress from someone else's. "
                "Use [to_wire(owner_reference(se))].")
    if got_host != host:
        if isinstance(got_host, str) and sorted(got_host.split(".")) == sorted(host.split(".")):
            return (f"{where}: host is {got_host!r}; the parts go "
                    f"<service>.<namespace>.<domain> = {host!r}.")
        return f"{where}: spec.rules[0].host is {short(got_host)}, expected {host!r} (host_for)."
    if "defaultBackend" in (_get(got, "spec") or {}):
        return (f"{where} sets spec.defaultBackend: that catches every request the ingress "
                "controller has no rule for. Route only this host: leave it out.")
    for key in ("path", "pathType"):
        if _get(got, f"spec.rules[0].http.paths[0].{key}") != _get(
                want, f"spec.rules[0].http.paths[0].{key}"):
            return (f"{where}: spec.rules[0].http.paths[0].{key} should be "
                    f"{_get(want, f'spec.rules[0].http.paths[0].{key}')!r} (spec.{key}).")
    backend = "spec.rules[0].http.paths[0].backend.service"
    if _get(got, backend) != _get(want, backend):
        return (f"{where}: {backend} is {short(_get(got, backend))}, expected "
                f"{_get(want, backend)} — the Service name and its port *number*.")
    if not spec.tls_enabled and _get(got, "spec.tls"):
        return f"{where} has spec.tls although spec.tls.enabled is false: add it only when enabled."
    if spec.tls_enabled and _get(got, "spec.tls") != _get(want, "spec.tls"):
        default = " (no secretName given: use f'{name}-tls')" if not (
            spec.tls and spec.tls.secret_name) else ""
        return (f"{where}: spec.tls is {short(_get(got, 'spec.tls'))}, expected "
                f"{_get(want, 'spec.tls')}: one entry with the host and the Secret{default}.")
    annotations = _get(got, "metadata.annotations") or {}
    for key, value in spec.annotations.items():
        if annotations.get(key) != value:
            return f"{where}: copy spec.annotations onto the Ingress ({key!r} is missing)."
    managed = _get(want, "metadata.annotations")[MANAGED_ANNOTATIONS]
    got_managed = annotations.get(MANAGED_ANNOTATIONS)
    if got_managed != managed:
        if isinstance(got_managed, str) and sorted(got_managed.split(",")) == managed.split(","):
            return (f"{where}: the MANAGED_ANNOTATIONS annotation is {got_managed!r}, the right "
                    f"keys in another order: sort them ({managed!r}), so the same spec always "
                    "gives the same Ingress and a resync writes nothing.")
        if got_managed is not None:
            return (f"{where}: the MANAGED_ANNOTATIONS annotation is {got_managed!r}, expected "
                    f"{managed!r}: the copied keys, sorted and comma-separated.")
        return (f"{where}: add the annotation MANAGED_ANNOTATIONS listing the copied keys, "
                f"sorted and comma-separated ({managed!r}): it is how the next pass knows "
                "which annotations are its own to remove.")
    return None


@check("desired_ingress")
def check_desired_ingress(fn: Callable[[ServiceExpose, str], Mapping[str, Any]]) -> str:
    """The Ingress for four ServiceExposes: TLS with and without a Secret name, annotations,
    Exact paths, a preview namespace."""
    if not callable(fn):
        raise Hint(f"pass the function itself: check_desired_ingress(desired_ingress), not its "
                   f"result (got {described(fn)}).")
    todo = "return the Ingress dict (metadata with the ownerReference, spec.rules, spec.tls)"
    for se, namespace in DESIRED_CASES:
        where = f"desired_ingress(<ServiceExpose {se.metadata.name}>, {namespace!r})"
        got = call(fn, (se, namespace), name="desired_ingress", todo=todo)
        if not isinstance(got, Mapping):
            raise Hint(f"{where} returned {described(got)}; return a dict shaped like the "
                       "Ingress manifest above.")
        want = desired_ingress(se, namespace)
        hint = _desired_hint(where, got, want, se, namespace)
        if hint:
            raise Hint(hint)
        rest = [p for key in ("metadata", "spec")
                for p in value_diff(want.get(key), got.get(key), key)]
        if rest:
            raise Hint(f"{where} differs from the expected Ingress at {', '.join(rest[:3])}.")
    return (f"all {len(DESIRED_CASES)} Ingresses right: host, path, Service port, TLS, copied "
            "annotations and the controller ownerReference.")


# --- diff ----------------------------------------------------------------------------------------

def _stored(ingress: Body) -> Body:
    """The Ingress as the server returns it: plus uid, resourceVersion, status, others' marks."""
    stored = copy.deepcopy(ingress)
    stored["metadata"].update(uid="uid-of-the-ingress", resourceVersion="4711",
                              creationTimestamp="2024-05-01T12:00:00Z")
    stored["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{}"
    stored["spec"]["ingressClassName"] = "nginx"
    stored["status"] = {"loadBalancer": {"ingress": [{"ip": "192.168.49.2"}]}}
    return stored


def _diff_cases() -> list[tuple[str, Body | None, Body | None, Any, str]]:
    se = DESIRED_CASES[0][0]
    want = desired_ingress(se, "ns1")
    equal = _stored(want)
    drifted = _stored(want)
    drifted["spec"]["rules"][0]["host"] = "hand-edited.example.com"
    foreign = _stored(want)
    del foreign["metadata"]["ownerReferences"]
    foreign["spec"]["rules"][0]["host"] = "theirs.example.com"
    namesake = _stored(want)
    namesake["metadata"]["ownerReferences"][0]["uid"] = "uid-of-an-earlier-example"
    return [
        ("the ServiceExpose is gone and so is the Ingress", None, None, Nothing,
         "nothing exists: return Nothing(...)"),
        ("the ServiceExpose is gone, its Ingress is still there", None, equal, Nothing,
         "do not delete it yourself: the garbage collector follows the ownerReference and "
         "deletes it — return Nothing(...) when desired is None"),
        ("the ServiceExpose is gone, someone else's Ingress is there", None, foreign, Nothing,
         "it is not ours to touch: return Nothing(...) when desired is None"),
        ("no Ingress yet", want, None, Create, "return Create(desired)"),
        ("our Ingress, as the server returns it", want, equal, Nothing,
         "uid, resourceVersion, status and annotations others added always differ; compare "
         "only the fields the controller owns: changed_paths(desired, current)"),
        ("our Ingress, host edited by hand", want, drifted, Update,
         "changed_paths(desired, current) is not empty: return "
         "Update(merge_owned(desired, current), changes)"),
        ("an Ingress with no owner", want, foreign, Conflict,
         "it has no controller ownerReference to this ServiceExpose: never adopt or overwrite "
         "it — return Conflict('IngressNotOwned', ...) before looking for drift"),
        ("an Ingress owned by an earlier ServiceExpose of the same name", want, namesake,
         Conflict, "owned, but by another uid: compare controller_uid(current) with "
         "controller_uid(desired), not names"),
    ]


@check("ingress_diff")
def check_ingress_diff(fn: Callable[[Body | None, Body | None], Any]) -> str:
    """Every state transition: ServiceExpose gone or not × Ingress absent, ours, drifted, not
    ours."""
    if not callable(fn):
        raise Hint(f"pass the function itself: check_ingress_diff(diff), not its result "
                   f"(got {described(fn)}).")
    todo = "return Create(...), Update(...), Nothing(...) or Conflict(...)"
    cases = _diff_cases()
    for what, desired, current, kind, advice in cases:
        before = copy.deepcopy((desired, current))
        got = call(fn, (copy.deepcopy(desired), copy.deepcopy(current)), name="ingress_diff",
                   todo=todo)
        if not isinstance(got, Create | Update | Nothing | Conflict):
            raise Hint(f"when {what}, diff returned {described(got)}; return one of "
                       "Create, Update, Nothing, Conflict (imported above).")
        if not isinstance(got, kind):
            raise Hint(f"when {what}, diff returned {type(got).__name__}, expected "
                       f"{kind.__name__}: {advice}.")
        want = diff(*before)
        if isinstance(got, Create) and got.ingress != before[0]:
            raise Hint(f"when {what}: Create the desired Ingress itself, unchanged.")
        if isinstance(got, Conflict) and got.reason != "IngressNotOwned":
            raise Hint(f"when {what}: use the reason 'IngressNotOwned' (it becomes the Ready "
                       f"condition's reason), not {got.reason!r}.")
        if isinstance(got, Update) and isinstance(want, Update):
            if list(got.changes) != want.changes:
                raise Hint(f"when {what}: changes is {short(got.changes)}, expected "
                           f"{want.changes} — pass what changed_paths returned.")
            if got.ingress != want.ingress:
                lost = ("the resourceVersion (so a concurrent edit would be overwritten "
                        "instead of answering 409)" if _get(got.ingress, "metadata.resourceVersion")
                        is None else "fields others set")
                raise Hint(f"when {what}: the Ingress to write lost {lost}; write "
                           "merge_owned(desired, current).")
    return (f"all {len(cases)} transitions right: create, update with the changed paths, "
            "nothing when in sync or gone, conflict for an Ingress that is not ours.")
