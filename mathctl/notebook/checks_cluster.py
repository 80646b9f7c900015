"""Check cells that run the learner's code against the cluster (stages 10 and 20).

They talk to the real API server — the embedded one or minikube — like everything else in the
workshop. The checks of the learner's controllers (``check_reconcile_number`` for stages 30
and 70, and the Tuple, Fermat and ``owner_of`` checks) are in
:mod:`mathctl.notebook.checks_controllers`; ``check_reconcile_number`` is re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubernetes import client
from kubernetes.client.rest import ApiException

from mathctl.notebook.checking import Hint, call, check, described, require_callable, short
from mathctl.notebook.checks_controllers import check_reconcile_number
from mathctl.resources.group import API_VERSION, GROUP, NUMBER, VERSION
from mathctl.views.show import api_client_of

__all__ = ["check_namespace_names", "check_number_manifest", "check_reconcile_number"]


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
               todo="return the sorted names of the cluster's namespaces",
               advise=lambda exc: (
                   "list_namespace() returns a V1NamespaceList: loop over its .items (the "
                   "namespaces), not over the list object itself."
                   if (isinstance(exc, AttributeError) and "'tuple'" in str(exc))
                   or (isinstance(exc, TypeError) and "NamespaceList" in str(exc)) else None))
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
        got_value = (body.get("spec") or {}).get("value")
        if got_value != value:
            raise Hint(f"{where}['spec']['value'] is {described(got_value)}, expected the "
                       f"integer {value}" + (" — it is an int64 field: use the number, not "
                       "a string" if isinstance(got_value, str) else "") + ".")
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
# ``check_reconcile_number`` (stages 30 and 70) lives with the other controller checks, in
# :mod:`mathctl.notebook.checks_controllers`; it is re-exported here for ``checks``.
