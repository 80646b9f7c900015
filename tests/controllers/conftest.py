"""Fixtures for the controller tests: ``kube`` (object helpers in the test's namespace) and
``operator`` (the controllers running in this process, watching that namespace)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kubernetes.client import ApiClient

from mathctl.controllers.runner import Operator

from .kube import Kube


@pytest.fixture
def kube(api_client: ApiClient, namespace: str, crds: list[str]) -> Kube:
    return Kube(api_client, namespace)


@pytest.fixture
def operator(api_client: ApiClient, namespace: str, crds: list[str]) -> Iterator[Operator]:
    """The controllers running in this process for the test's namespace (resync off: tests
    that want one ask for it, so nothing happens behind their back)."""
    op = Operator(api_client, namespace=namespace, resync=None).start()
    try:
        yield op
    finally:
        op.stop()
        if op.stats.errors:
            print(op.log_tail(20))
