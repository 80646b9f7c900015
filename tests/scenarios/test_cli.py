"""``mathctl scenarios``: list, refuse an unknown name, run against the cluster it is given."""

from __future__ import annotations

import pytest

from mathctl.cli import main
from mathctl.cluster import Cluster


def test_list_names_every_scenario(capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["scenarios", "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("happy-path", "down-child-deleted", "crash-mid-create", "stray-child"):
        assert name in out


def test_an_unknown_name_is_refused_with_the_known_ones(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "happy"]) == 2
    err = capsys.readouterr().err
    assert "There is no scenario 'happy'. The scenarios are: happy-path," in err


def test_it_runs_on_the_cluster_mathctl_cluster_names(
        cluster: Cluster, crds: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The documented way to point the kit at any cluster: a kubeconfig and a context name.
    monkeypatch.setenv("KUBECONFIG", cluster.kubeconfig)
    monkeypatch.setenv("MATHCTL_CLUSTER", cluster.context)
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["scenarios", "happy-path", "child-edited", "--timeline"]) == 0
    out = capsys.readouterr().out
    assert "converged: reconcile loop 2 of 2, event switch 1 of 2" in out
    assert "tuple-x-0 value 8 ≠ 3" in out
    assert "you: edit Number tuple-x-0 value=8" in out
