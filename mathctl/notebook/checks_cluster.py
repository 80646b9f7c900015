"""Check cells that run the learner's code against the cluster (stages 10, 20 and 70).

They talk to the real API server — the embedded one or minikube — like everything else in the
workshop. ``check_reconcile_number`` walks a learner's reconcile function through every state
transition of a Number (absent; new, no status; converged; spec changed; status edited by
hand) in a throw-away namespace of its own, so a controller running in the learner's
namespace cannot interfere, and counts the writes the function sends: a converged object must
cost zero writes. The counting ``ApiClient`` sends every request to the server unchanged; it
only notes the method and path of each write.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from kubernetes import client
from kubernetes.client.rest import ApiException

from mathctl.core.desired import number_status
from mathctl.notebook.checking import Hint, call, check, described, require_callable, short
from mathctl.resources.group import API_VERSION, GROUP, NUMBER, VERSION
from mathctl.resources.wire import to_wire
from mathctl.views.show import api_client_of

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _server_message(err: ApiException) -> str:
    import json

    try:
        return str(json.loads(err.body or "{}").get("message") or err.reason)
    except ValueError:
        return str(err.reason)


# --- stage 10 ---------------------------------------------------------------------------------


@check("namespace_names")
def check_namespace_names(fn: Callable[[client.ApiClient], list[str]], cluster: Any) -> str:
    """The learner lists the cluster's namespaces with the official client."""
    require_callable(fn, "namespace_names")
    api_client = api_client_of(cluster)
    got = call(fn, (api_client,), name="namespace_names",
               todo="return the sorted names of the cluster's namespaces")
    want = sorted(ns.metadata.name for ns in client.CoreV1Api(api_client).list_namespace().items)
    if not isinstance(got, list) or not all(isinstance(n, str) for n in got):
        hint = (" — take ns.metadata.name of each item" if isinstance(got, list) else "")
        raise Hint(f"namespace_names returned {described(got)}; return a list of names "
                   f"(strings){hint}.")
    if set(got) != set(want):
        missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        raise Hint(f"namespace_names returned {short(got)}; the API server lists {short(want)}"
                   + (f" (missing {missing})" if missing else "")
                   + (f" (not on the server: {extra})" if extra else "")
                   + ". Use client.CoreV1Api(api_client).list_namespace().items.")
    if got != want:
        raise Hint("the names are right but not sorted: return sorted(names).")
    return "the same names the API server lists, sorted ('default' among them)."


# --- stage 20 ---------------------------------------------------------------------------------

MANIFEST_CASES = (("seven", 7), ("minus-fifteen", -15), ("huge", 2**62))


@check("number_manifest")
def check_number_manifest(fn: Callable[[str, int], Mapping[str, Any]], cluster: Any,
                          namespace: str) -> str:
    """The learner writes a Number manifest; the API server validates it (dry run)."""
    require_callable(fn, "number_manifest")
    api = client.CustomObjectsApi(api_client_of(cluster))
    todo = ("return {'apiVersion': …, 'kind': 'Number', 'metadata': {'name': name}, "
            "'spec': {'value': value}}")
    for name, value in MANIFEST_CASES:
        where = f"number_manifest({name!r}, {value})"
        body = call(fn, (name, value), name="number_manifest", todo=todo)
        if not isinstance(body, Mapping):
            raise Hint(f"{where} returned {described(body)}; return a dict.")
        expect = {"apiVersion": API_VERSION, "kind": NUMBER.kind}
        for key, want in expect.items():
            if body.get(key) != want:
                raise Hint(f"{where}[{key!r}] is {short(body.get(key))}, expected {want!r}.")
        if (body.get("metadata") or {}).get("name") != name:
            raise Hint(f"{where}['metadata']['name'] should be {name!r}.")
        if "status" in body:
            raise Hint(f"{where} has a status: leave it out — status is what the controller "
                       "observes and writes, through the status subresource.")
        if (body.get("spec") or {}).get("value") != value:
            raise Hint(f"{where}['spec']['value'] should be {value}.")
        try:
            api.create_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural,
                                                dict(body), dry_run="All",
                                                field_validation="Strict")
        except ApiException as err:
            if err.status == 404:
                raise Hint("the API server does not know Numbers yet: apply the CRD first "
                           "(the cell with apply_crds above).") from None
            if err.status == 409:
                continue  # an object of that name exists already: the manifest itself is valid
            raise Hint(f"the API server rejected {where} ({err.status}): "
                       f"{_server_message(err)}") from None
    return (f"all {len(MANIFEST_CASES)} manifests accepted by the API server "
            "(a dry run: nothing was stored).")


# --- stage 70 ---------------------------------------------------------------------------------


class CountingApiClient(client.ApiClient):
    """An ``ApiClient`` that notes each write it sends (method and path), then sends it."""

    def __init__(self, configuration: client.Configuration) -> None:
        super().__init__(configuration)
        self.writes: list[str] = []

    def call_api(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if method.upper() in _WRITES:
            self.writes.append(f"{method.upper()} {urlsplit(url).path}")
        return super().call_api(method, url, *args, **kwargs)


@contextlib.contextmanager
def scratch_namespace(api_client: client.ApiClient,
                      prefix: str = "mathctl-check-") -> Iterator[str]:
    """A namespace of its own for one check (``generateName``), deleted afterwards."""
    core = client.CoreV1Api(api_client)
    ns = core.create_namespace(client.V1Namespace(
        metadata=client.V1ObjectMeta(generate_name=prefix,
                                     labels={"app.kubernetes.io/managed-by": "mathctl-check"})))
    try:
        yield ns.metadata.name
    finally:
        with contextlib.suppress(ApiException):
            core.delete_namespace(ns.metadata.name)


_RECONCILE_TODO = ("read the Number; if it is gone, return; compute the desired status; write "
                   "it through the status subresource only if it differs")
_STATUS_KEYS = ("fizzBuzz", "isSquare", "observedGeneration")


def _status_of(api: client.CustomObjectsApi, ns: str, name: str) -> dict[str, Any]:
    obj = api.get_namespaced_custom_object(GROUP, VERSION, ns, NUMBER.plural, name)
    return {k: (obj.get("status") or {}).get(k) for k in _STATUS_KEYS}


def _want(value: int, generation: int) -> dict[str, Any]:
    wire = to_wire(number_status(value, generation))
    return {k: wire[k] for k in _STATUS_KEYS}


@check("reconcile_number")
def check_reconcile_number(fn: Callable[[client.ApiClient, str, str], Any],
                           cluster: Any) -> str:
    """Every state transition of a Number, and zero writes once converged."""
    require_callable(fn, "reconcile_number")
    admin = api_client_of(cluster)
    api = client.CustomObjectsApi(admin)
    counting = CountingApiClient(admin.configuration)
    name = "check-number"

    def advise(exc: BaseException) -> str | None:
        if isinstance(exc, ApiException) and exc.status == 404:
            return ("A reconcile may run for an object that is already gone: catch "
                    "ApiException with status 404 and return — there is nothing to do.")
        if isinstance(exc, ApiException) and exc.status == 409:
            return ("409 Conflict: the object changed since you read it. Read it again "
                    "(the next reconcile will) and never retry with the old resourceVersion.")
        return None

    def run(step: str) -> list[str]:
        counting.writes.clear()
        try:
            call(fn, (counting, namespace, name), name="reconcile_number", todo=_RECONCILE_TODO,
                 shown=("api_client", "namespace", repr(name)), advise=advise)
        except Hint as hint:
            raise Hint(f"{step}: {hint}") from None
        return list(counting.writes)

    def expect_status(step: str, value: int, generation: int, writes: list[str]) -> None:
        got, want = _status_of(api, namespace, name), _want(value, generation)
        if got == want:
            return
        if not writes:
            raise Hint(f"{step}: the status should become {want} but reconcile_number wrote "
                       "nothing. Compare the desired status with obj.get('status') and write "
                       "when they differ.")
        if not any(w.endswith("/status") for w in writes):
            raise Hint(f"{step}: it wrote {writes} but the status did not change: the main "
                       "endpoint ignores .status. Write it with "
                       "patch_namespaced_custom_object_status(...).")
        bad = {k: got[k] for k in _STATUS_KEYS if got[k] != want[k]}
        raise Hint(f"{step}: the status has {bad}, expected "
                   f"{ {k: want[k] for k in bad} }.")

    def expect_no_writes(step: str, writes: list[str]) -> None:
        if writes:
            raise Hint(f"{step}: nothing needed to change, yet it sent {len(writes)} write(s) "
                       f"({', '.join(writes)}). An idempotent reconcile compares first and "
                       "writes only when the current status differs from the desired one.")

    try:
        with scratch_namespace(admin) as namespace:
            writes = run("1. the Number does not exist")
            expect_no_writes("1. the Number does not exist", writes)

            api.create_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, {
                "apiVersion": API_VERSION, "kind": NUMBER.kind, "metadata": {"name": name},
                "spec": {"value": 15}})
            step = "2. a new Number (value 15, no status)"
            expect_status(step, 15, 1, run(step))
            step = "3. converged (run again)"
            expect_no_writes(step, run(step))

            api.patch_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, name,
                                               {"spec": {"value": 16}})
            step = "4. spec.value changed to 16 (generation 2)"
            expect_status(step, 16, 2, run(step))
            step = "5. converged again"
            expect_no_writes(step, run(step))

            api.patch_namespaced_custom_object_status(GROUP, VERSION, namespace, NUMBER.plural,
                                                      name, {"status": {"fizzBuzz": "Fizz"}})
            step = "6. someone edited the status by hand"
            expect_status(step, 16, 2, run(step))
    finally:
        counting.close()
    return ("6 transitions right: absent → nothing; new → status written; converged → 0 "
            "writes; spec changed → updated; converged → 0 writes; hand-edited → put back.")
