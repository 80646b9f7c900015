"""``apply_crds`` installs the CRDs from crds/ and can be run again."""

from __future__ import annotations

from kubernetes import client

from mathctl.cluster import Cluster
from mathctl.notebook.crds import apply_crds, crd_documents
from mathctl.resources.group import KINDS


def test_apply_creates_then_replaces_and_waits_for_established(cluster: Cluster) -> None:
    names = [d["metadata"]["name"] for d in crd_documents()]
    assert {kind.crd_name for kind in KINDS} <= set(names)
    assert apply_crds(cluster) == names
    assert apply_crds(cluster) == names  # already there: replaced, no AlreadyExists error
    ext = client.ApiextensionsV1Api(cluster.api_client)
    for name in names:
        conditions = {c.type: c.status for c in ext.read_custom_resource_definition(
            name).status.conditions}
        assert conditions["Established"] == "True"
