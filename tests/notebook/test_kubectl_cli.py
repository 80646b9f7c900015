"""``kubectl(cluster, …)`` runs kubectl against the notebook's cluster, or says it is missing."""

from __future__ import annotations

import shutil

import pytest

from mathctl.cluster import Cluster
from mathctl.notebook import kubectl_cli
from mathctl.notebook.kubectl_cli import kubectl


@pytest.mark.kubectl
@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")
def test_kubectl_talks_to_the_same_server(cluster: Cluster,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    kubectl(cluster, "get namespace default -o name")
    assert capsys.readouterr().out == "namespace/default\n"


def test_without_kubectl_it_says_so(cluster: Cluster, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(kubectl_cli.shutil, "which", lambda _: None)
    kubectl(cluster, "get numbers")
    assert capsys.readouterr().out.startswith(
        "kubectl is not installed, so `kubectl get numbers` cannot run here")
