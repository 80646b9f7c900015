"""Shared fixtures: a cluster for the whole session, a fresh namespace per test, the CRDs.

``cluster`` is a private embedded API server (``EmbeddedServer``: its own process, port and
temporary data dir) unless ``MATHCTL_CLUSTER`` names a kubeconfig context, in which case the
same tests run against that cluster (e.g. ``MATHCTL_CLUSTER=minikube pytest``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mathctl.cluster import EMBEDDED, Cluster, connect, wait_for

ROOT = Path(__file__).resolve().parent.parent
CRD_DIR = ROOT / "crds"


def _names_a_context() -> bool:
    return os.environ.get("MATHCTL_CLUSTER", EMBEDDED) not in ("", EMBEDDED)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    if _names_a_context():
        found = connect()
        yield found
        found.api_client.close()
        return
    from mathctl.apiserver.testing import EmbeddedServer

    with EmbeddedServer() as server:
        api_client = server.api_client()
        yield Cluster(api_client=api_client, kubeconfig=server.kubeconfig,
                      context=server.context, kind=EMBEDDED, server=server.url)
        api_client.close()


@pytest.fixture(scope="session")
def api_client(cluster: Cluster):  # type: ignore[no-untyped-def]
    return cluster.api_client


@pytest.fixture
def namespace(api_client) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh namespace for one test, deleted (not waited for) afterwards."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    core = client.CoreV1Api(api_client)
    name = f"test-{uuid.uuid4().hex[:8]}"
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    yield name
    try:
        core.delete_namespace(name)
    except ApiException as exc:
        if exc.status != 404:
            raise


@pytest.fixture(scope="session")
def crds(api_client) -> list[str]:  # type: ignore[no-untyped-def]
    """Every CRD in ``crds/*.yaml`` applied (created or replaced) and Established."""
    import yaml
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    ext = client.ApiextensionsV1Api(api_client)
    names = []
    for path in sorted(CRD_DIR.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            name = doc["metadata"]["name"]
            try:
                ext.create_custom_resource_definition(doc)
            except ApiException as exc:
                if exc.status != 409:
                    raise
                current = ext.read_custom_resource_definition(name)
                doc["metadata"]["resourceVersion"] = current.metadata.resource_version
                ext.replace_custom_resource_definition(name, doc)
            names.append(name)

    def established(name: str) -> bool:
        crd = ext.read_custom_resource_definition(name)
        return any(c.type == "Established" and c.status == "True"
                   for c in (crd.status.conditions or []))

    for name in names:
        wait_for(lambda n=name: established(n), timeout=30, what=f"CRD {name} to be Established")
    return names
