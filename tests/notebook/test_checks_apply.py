"""Stage 80's server-side apply check, against a real API server: the right ``apply_ingress``
passes, and each usual mistake gets its own hint.

The server's answers the hints rest on are kube-apiserver v1.28's: an apply body with
``metadata.managedFields`` is a 400 (apimachinery ``managedfields/internal/fieldmanager.go``),
an apply that takes a field another manager set is a 409 unless forced
(structured-merge-diff ``merge/update.go``), an apply without ``fieldManager`` is a 422
(apiserver ``handlers/patch.go``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from mathctl.cluster import Cluster
from mathctl.core.expose import MANAGED_ANNOTATIONS, merge_owned
from mathctl.notebook.checks_apply import APPLY_PATCH, check_apply_ingress

pytestmark = pytest.mark.usefixtures("crds")
MANAGER = "service-expose"


def owned(desired: dict[str, Any]) -> dict[str, Any]:
    meta = desired["metadata"]
    annotations = {k: v for k, v in meta["annotations"].items() if k != MANAGED_ANNOTATIONS}
    return {"apiVersion": desired["apiVersion"], "kind": desired["kind"],
            "metadata": {"name": meta["name"], "labels": meta["labels"],
                         "annotations": annotations, "ownerReferences": meta["ownerReferences"]},
            "spec": desired["spec"]}


def apply_ingress(api_client: client.ApiClient, namespace: str, desired: dict[str, Any],
                  force: bool = True) -> Any:
    """The notebook's answer."""
    return client.NetworkingV1Api(api_client).patch_namespaced_ingress(
        desired["metadata"]["name"], namespace, owned(desired), field_manager=MANAGER,
        force=force, _content_type=APPLY_PATCH)


def whole_object(api_client: client.ApiClient, namespace: str, desired: dict[str, Any],
                 force: bool = True) -> Any:
    """Read, merge the owned fields in, apply it all: the update habit carried over."""
    net = client.NetworkingV1Api(api_client)
    name = desired["metadata"]["name"]
    try:
        current = json.loads(net.read_namespaced_ingress(name, namespace,
                                                         _preload_content=False).data)
    except ApiException as err:
        if err.status != 404:
            raise
        body = owned(desired)
    else:
        body = merge_owned(desired, current)
    return net.patch_namespaced_ingress(name, namespace, body, field_manager=MANAGER,
                                        force=force, _content_type=APPLY_PATCH)


Learner = Callable[..., Any]


def patching(*, body: Callable[[dict[str, Any]], dict[str, Any]] = owned, force: bool = True,
             **options: Any) -> Learner:
    """A learner's apply_ingress that patches ``body(desired)`` with these client options;
    ``force=False`` leaves force out, whatever the caller asks."""
    def learner(api_client: client.ApiClient, namespace: str, desired: dict[str, Any],
                force_asked: bool = True) -> Any:
        if force:
            options["force"] = force_asked
        return client.NetworkingV1Api(api_client).patch_namespaced_ingress(
            desired["metadata"]["name"], namespace, body(desired), **options)
    return learner


no_force = patching(force=False, field_manager=MANAGER, _content_type=APPLY_PATCH)
merge_patch = patching(force=False, field_manager=MANAGER,
                       _content_type="application/merge-patch+json")
# no content type: the client picks a strategic merge patch for a dict body
client_default = patching(force=False, field_manager=MANAGER)
keeps_bookkeeping = patching(body=lambda desired: desired, field_manager=MANAGER,
                             _content_type=APPLY_PATCH)
nameless = patching(_content_type=APPLY_PATCH)


def always_force(api_client: client.ApiClient, namespace: str, desired: dict[str, Any],
                 force: bool = True) -> Any:
    return apply_ingress(api_client, namespace, desired)


def create_or_replace(api_client: client.ApiClient, namespace: str, desired: dict[str, Any],
                      force: bool = True) -> Any:
    return client.NetworkingV1Api(api_client).create_namespaced_ingress(
        namespace, owned(desired), field_manager=MANAGER)


def stub(api_client: client.ApiClient, namespace: str, desired: dict[str, Any],
         force: bool = True) -> Any:
    raise NotImplementedError


def test_the_answer_passes(cluster: Cluster) -> None:
    assert str(check_apply_ingress.verdict(apply_ingress, cluster)) == (
        "✓ apply_ingress: created by apply; a person's label kept; their host refused without "
        "force (409) and taken back with it; an unchanged apply wrote nothing; an annotation "
        "no longer sent was removed.")


@pytest.mark.parametrize(("fn", "words"), [
    (stub, "not written yet"),
    (whole_object, "after a person added the label team=shop (kubectl-label), apply_ingress "
                   "sent metadata.resourceVersion, metadata.managedFields, metadata.uid, "
                   "metadata.creationTimestamp, metadata.generation: those are the server's"),
    (no_force, "with force=True: apply_ingress(api_client, namespace, desired, force=True) "
               "raised ConflictException (HTTP 409 Conflict: Apply failed with 1 conflict: "
               "conflict with \"kubectl-edit\" using networking.k8s.io/v1: .spec.rules)"),
    (always_force, "apply_ingress(…, force=False) took the host back anyway: pass force=force"),
    (merge_patch, "sent a patch as application/merge-patch+json: the server records that as "
                  "an Update, so no ownership is recorded"),
    (create_or_replace, "sent a create (POST): an apply is a PATCH"),
    (client_default, "sent a patch as application/strategic-merge-patch+json"),
    (keeps_bookkeeping, "sent the annotation MANAGED_ANNOTATIONS"),
    (nameless, "without a field manager: pass field_manager=FIELD_MANAGER"),
    (lambda api_client, namespace, desired, force=True: None,
     "apply_ingress returned but there is no Ingress 'shop'"),
])
def test_each_mistake_gets_its_hint(cluster: Cluster, fn: Any, words: str) -> None:
    verdict = check_apply_ingress.verdict(fn, cluster)
    assert not verdict
    assert words in verdict.message, verdict.message


def test_the_conflict_advice_names_force(cluster: Cluster) -> None:
    message = check_apply_ingress.verdict(no_force, cluster).message
    assert message.endswith("pass force=force to patch_namespaced_ingress, so the controller "
                            "takes its fields back."), message

