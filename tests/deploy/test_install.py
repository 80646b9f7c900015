"""deploy/install.yaml is generated from its sources, and kubectl agrees with the generator."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from mathctl.deploy import install

from . import kustomize
from .kustomize import KUBECTL, needs_kubectl


def key(doc: dict) -> tuple[str, str, str]:  # type: ignore[type-arg]
    meta = doc["metadata"]
    return (doc["kind"], meta.get("namespace", ""), meta["name"])


def test_install_yaml_is_in_sync_with_its_sources() -> None:
    assert install.is_current(), \
        "deploy/install.yaml is stale: run `python -m mathctl.deploy` and commit it"


def test_install_yaml_holds_every_crd_then_the_operator() -> None:
    docs = install.documents(install.INSTALL.read_text())
    kinds = [d["kind"] for d in docs]
    crds = {d["metadata"]["name"] for d in docs if d["kind"] == "CustomResourceDefinition"}
    from_dir = {d["metadata"]["name"] for p in install.crd_files()
                for d in yaml.safe_load_all(p.read_text()) if d}
    assert crds == from_dir
    assert {"numbers.math.mathctl.example", "tuples.math.mathctl.example",
            "fermats.math.mathctl.example"} <= crds
    # CRDs first (kubectl applies in order), the namespace before what lives in it
    assert kinds[:len(crds)] == ["CustomResourceDefinition"] * len(crds)
    assert kinds[len(crds):] == ["Namespace", "ServiceAccount", "ClusterRole",
                                 "ClusterRoleBinding", "Deployment"]
    assert "# Source: deploy/base/deployment.yaml" in install.INSTALL.read_text()


def test_the_check_command_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "install.yaml"
    stale.write_text(install.render() + "# edited by hand\n")
    assert not install.is_current(stale)
    assert install.write(stale)
    assert install.is_current(stale)
    assert not install.write(stale)


def test_the_command_line_checks_and_writes(capsys: pytest.CaptureFixture[str]) -> None:
    from mathctl.deploy.__main__ import main

    assert main(["--check"]) == 0
    assert "is current" in capsys.readouterr().out


def test_sources_that_transform_are_refused_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [a.yaml]\nimages: [{name: mathctl, newTag: dev}]\n")
    (tmp_path / "a.yaml").write_text("kind: Namespace\n")
    with pytest.raises(install.SourceError, match=r"images: install\.yaml is a plain "
                                                  r"concatenation.*overlay"):
        install.resources(tmp_path)
    (tmp_path / "kustomization.yaml").write_text("resources: [missing.yaml]\n")
    with pytest.raises(install.SourceError, match=r"lists 'missing\.yaml', which does not exist"):
        install.resources(tmp_path)


@pytest.mark.kubectl
@needs_kubectl
def test_kubectl_kustomize_builds_the_same_objects_as_the_generator() -> None:
    ours = [d for d in install.documents(install.render())
            if d["kind"] != "CustomResourceDefinition"]
    theirs = kustomize.build(install.DEPLOY)
    assert sorted(map(key, theirs)) == sorted(map(key, ours))
    assert sorted(theirs, key=key) == sorted(ours, key=key)


@pytest.mark.kubectl
@needs_kubectl
def test_kubectl_applies_install_yaml_to_the_embedded_server() -> None:
    from mathctl.apiserver.testing import EmbeddedServer

    with EmbeddedServer() as server:
        kubectl = [str(KUBECTL), "--kubeconfig", server.kubeconfig]

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            done = subprocess.run([*kubectl, *args], capture_output=True, text=True,
                                  timeout=120)
            assert done.returncode == 0, done.stderr
            return done

        # As on a real cluster, a server-side dry run creates nothing, so on a fresh cluster
        # the objects inside the (not yet created) namespace are refused.
        fresh = subprocess.run([*kubectl, "apply", "-f", str(install.INSTALL),
                                "--dry-run=server"], capture_output=True, text=True, timeout=120)
        assert "namespace/mathctl-system created (server dry run)" in fresh.stdout
        assert "clusterrole.rbac.authorization.k8s.io/mathctl-operator created (server dry " \
               "run)" in fresh.stdout
        assert 'namespaces "mathctl-system" not found' in fresh.stderr
        absent = subprocess.run([*kubectl, "get", "namespace", "mathctl-system"],
                                capture_output=True, text=True, timeout=60)
        assert absent.returncode != 0, "a dry run must not create anything"
        applied = run("apply", "-f", str(install.INSTALL))
        assert 'deployment.apps/mathctl-operator created' in applied.stdout
        assert 'customresourcedefinition.apiextensions.k8s.io/numbers.math.mathctl.example ' \
               'created' in applied.stdout
        again = run("apply", "-f", str(install.INSTALL))
        assert "created" not in again.stdout and "configured" not in again.stdout, again.stdout
        dry = run("apply", "-f", str(install.INSTALL), "--dry-run=server")
        assert "deployment.apps/mathctl-operator unchanged (server dry run)" in dry.stdout
        kustomized = run("apply", "-k", str(install.DEPLOY))
        assert "configured" not in kustomized.stdout, kustomized.stdout
        role = run("get", "clusterrole", "mathctl-operator", "-o", "yaml")
        assert yaml.safe_load(role.stdout)["rules"] == \
            next(d for d in install.documents(install.INSTALL.read_text())
                 if d["kind"] == "ClusterRole")["rules"]
        token = run("-n", "mathctl-system", "create", "token", "mathctl-operator").stdout
        as_operator = [*kubectl, "--token", token.strip()]
        allowed = subprocess.run([*as_operator, "get", "numbers", "-A"], capture_output=True,
                                 text=True, timeout=60)
        assert allowed.returncode == 0, allowed.stderr
        denied = subprocess.run([*as_operator, "get", "secrets", "-A"], capture_output=True,
                                text=True, timeout=60)
        assert 'cannot list resource "secrets" in API group "" at the cluster scope' in \
            denied.stderr
