"""Fixtures for the API server's conformance tests: raw HTTP next to the official client.

The tests speak HTTP to a real server process (the session's embedded ``cluster``, or one they
start themselves) and assert what kube-apiserver v1.28 answers: codes, reasons, messages and
body shapes. ``http`` is a thin ``requests`` session carrying the bearer token and the CA.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mathctl.apiserver.testing import EmbeddedServer
from mathctl.cluster import EMBEDDED, Cluster

from .kube import API, Http


@pytest.fixture(scope="session")
def embedded(cluster: Cluster) -> Cluster:
    """The session cluster, which these tests require to be the embedded server."""
    if cluster.kind != EMBEDDED or "127.0.0.1" not in cluster.server:
        pytest.skip("API server conformance tests need the embedded server")
    return cluster


@pytest.fixture(scope="session")
def http(embedded: Cluster) -> Http:
    config = embedded.api_client.configuration
    token = config.api_key.get("authorization", "").removeprefix("Bearer ")
    return Http(embedded.server, token, config.ssl_ca_cert)


@pytest.fixture
def ns_path(namespace: str) -> str:
    """``/apis/math.mathctl.example/v1beta1/namespaces/<fresh namespace>``."""
    return f"{API}/namespaces/{namespace}"


@pytest.fixture
def private_server() -> Iterator[EmbeddedServer]:
    """A server of the test's own (for kill/restart or special flags)."""
    with EmbeddedServer() as server:
        yield server
