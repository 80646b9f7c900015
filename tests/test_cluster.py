"""``mathctl.cluster``: choosing the cluster, clear errors, and ``wait_for``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kubernetes import client

from mathctl import cluster
from mathctl.apiserver import lifecycle


def test_choice_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATHCTL_CLUSTER", raising=False)
    monkeypatch.delenv("KUBECONFIG", raising=False)
    assert cluster.choice() == "embedded"
    monkeypatch.setenv("KUBECONFIG", "/somewhere")
    assert cluster.choice() == "kubeconfig"
    monkeypatch.setenv("MATHCTL_CLUSTER", "minikube")
    assert cluster.choice() == "minikube"


def test_connect_embedded_starts_and_reuses_the_home_server(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATHCTL_HOME", str(tmp_path))
    monkeypatch.setenv("MATHCTL_CLUSTER", "embedded")
    monkeypatch.setenv("MATHCTL_PORT", "0")   # any free port
    try:
        first = cluster.connect()
        assert first.kind == "embedded" and first.context == "mathctl"
        assert client.VersionApi(first.api_client).get_code().minor == "28"
        second = cluster.connect()
        assert second.server == first.server, "the running server is reused"
        assert first.kubeconfig == str(tmp_path / "kubeconfig")
    finally:
        lifecycle.stop(tmp_path)


def test_missing_context_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    config = tmp_path / "config"
    lifecycle.write_kubeconfig(config, "https://127.0.0.1:1", "t", _ca(tmp_path))
    monkeypatch.setenv("KUBECONFIG", str(config))
    monkeypatch.setenv("MATHCTL_CLUSTER", "minikube")
    with pytest.raises(cluster.ClusterUnreachable, match="no context 'minikube'"):
        cluster.connect()


def test_unreachable_cluster_says_what_to_do(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    lifecycle.write_kubeconfig(config, "https://127.0.0.1:1", "t", _ca(tmp_path))
    monkeypatch.setenv("KUBECONFIG", str(config))
    monkeypatch.setenv("MATHCTL_CLUSTER", "kubeconfig")
    with pytest.raises(cluster.ClusterUnreachable) as err:
        cluster.connect()
    assert "No cluster answers at https://127.0.0.1:1" in str(err.value)
    assert "minikube start" in str(err.value) and "unset MATHCTL_CLUSTER" in str(err.value)


def test_missing_kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nope"))
    monkeypatch.setenv("MATHCTL_CLUSTER", "kubeconfig")
    with pytest.raises(cluster.ClusterUnreachable, match="does not exist"):
        cluster.connect()


def test_wait_for_returns_the_value_or_says_what_timed_out() -> None:
    calls = iter([0, 0, 7])
    assert cluster.wait_for(lambda: next(calls), 5, "a number") == 7
    with pytest.raises(TimeoutError, match=r"timed out after 0\.1 s waiting for nothing"):
        cluster.wait_for(lambda: False, 0.1, "nothing")


def _ca(tmp_path: Path) -> Path:
    from mathctl.apiserver import certs

    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    return certs.ensure(data)[0]



def test_learner_namespace_is_shared_by_notebooks_and_the_cli(monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    # One name for notebooks, `mathctl run` and `mathctl get`, so a terminal operator acts on
    # what a notebook made.
    from mathctl.cluster import learner_namespace
    from mathctl.controllers.runner import default_namespace
    from mathctl.notebook.namespace import default_namespace_name

    monkeypatch.delenv("MATHCTL_NAMESPACE", raising=False)
    assert learner_namespace("Alice.Smith") == "workshop-alice-smith"
    assert learner_namespace("") == "workshop-learner"
    monkeypatch.setenv("MATHCTL_NAMESPACE", "team-7")
    assert learner_namespace() == default_namespace_name() == default_namespace() == "team-7"
    monkeypatch.setenv("MATHCTL_NAMESPACE", "Not_Valid")
    with pytest.raises(ValueError, match="is not a valid namespace name"):
        learner_namespace()


def test_mathctl_namespace_prints_the_name_for_a_shell_without_user(tmp_path: Path) -> None:
    """`kubectl delete namespace "$(mathctl namespace)"` works where $USER is unset."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in {"USER", "LOGNAME", "MATHCTL_NAMESPACE"}}
    out = subprocess.run([sys.executable, "-m", "mathctl", "namespace"], env=env, text=True,
                         capture_output=True, timeout=60)
    assert out.returncode == 0
    name = out.stdout.strip()
    assert name.startswith("workshop-") and name != "workshop-"
