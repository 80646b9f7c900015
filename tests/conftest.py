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
from hypothesis import HealthCheck, settings

from mathctl.cluster import EMBEDDED, Cluster, connect

# Tests never fail on timing: hypothesis's per-example deadline and its "input generation is
# slow" health check both measure wall time, which a loaded 2-core machine stretches.
_NO_TIMING = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("mathctl", **_NO_TIMING)
# CI (which sets CI=true) replays the same examples every run, so a red run can be reproduced
# and a rare slow example cannot make one run differ from the next; locally hypothesis explores.
settings.register_profile("ci", derandomize=True, print_blob=True, **_NO_TIMING)
settings.load_profile("ci" if os.environ.get("CI") else "mathctl")

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
def crds(cluster: Cluster) -> list[str]:
    """Every CRD in ``crds/*.yaml`` applied (created or replaced) and Established."""
    from mathctl.notebook.crds import apply_crds

    return apply_crds(cluster, CRD_DIR)
