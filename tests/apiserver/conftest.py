"""Fixtures for the API server's conformance tests: raw HTTP next to the official client.

The tests speak HTTP to the cluster under test and assert what kube-apiserver v1.28 answers:
codes, reasons, messages and body shapes. That cluster is the session's ``cluster``: the
embedded server by default, or the kubeconfig context ``MATHCTL_CLUSTER`` names, so one run
against a real kube-apiserver checks the expectations themselves. ``http`` is a thin
``requests`` session carrying that cluster's credentials (token or client certificate) and CA.

Only tests about the embedded process itself (starting, killing, restarting it, its data dir,
its files, its CLI and start-up flags) carry ``@pytest.mark.embedded_only("why")``; they are
skipped, with that reason, when the cluster under test is not the embedded server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from mathctl.apiserver.testing import EmbeddedServer
from mathctl.cluster import EMBEDDED, Cluster

from .kube import API, Http


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "embedded_only(reason): about the embedded server's own process or files; "
        "skipped with that reason when MATHCTL_CLUSTER names a real cluster")


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("embedded_only")
    if marker is None:
        return
    reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
    if not reason:
        raise pytest.UsageError(f"{item.nodeid}: embedded_only needs a reason")
    if _target_kind() != EMBEDDED:
        pytest.skip(f"embedded server only: {reason}")


def _target_kind() -> str:
    """What tests/conftest.py's ``cluster`` connects to, without connecting."""
    return os.environ.get("MATHCTL_CLUSTER", EMBEDDED) or EMBEDDED


@pytest.fixture(scope="session")
def target(cluster: Cluster) -> Cluster:
    """The cluster under test: the embedded server, or the kubeconfig context's server."""
    return cluster


@pytest.fixture(scope="session")
def embedded(target: Cluster) -> Cluster:
    """Old name of ``target``, kept for tests written before it; it no longer skips."""
    return target


@pytest.fixture(scope="session")
def http(target: Cluster) -> Http:
    return Http.for_cluster(target)


@pytest.fixture
def ns_path(namespace: str) -> str:
    """``/apis/math.mathctl.example/v1beta1/namespaces/<fresh namespace>``."""
    return f"{API}/namespaces/{namespace}"


@pytest.fixture
def private_server() -> Iterator[EmbeddedServer]:
    """A server of the test's own (for kill/restart or special flags); embedded only."""
    if _target_kind() != EMBEDDED:
        pytest.skip("embedded server only: a private EmbeddedServer is the embedded process")
    with EmbeddedServer() as server:
        yield server
