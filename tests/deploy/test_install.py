"""deploy/install.yaml is generated from its sources, and kubectl agrees with the generator."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from mathctl.deploy import install

KUBECTL = shutil.which("kubectl")


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
@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kubectl_kustomize_builds_the_same_objects_as_the_generator() -> None:
    built = subprocess.run([str(KUBECTL), "kustomize", str(install.DEPLOY)], check=True,
                           capture_output=True, text=True).stdout
    ours = [d for d in install.documents(install.render())
            if d["kind"] != "CustomResourceDefinition"]
    theirs = install.documents(built)
    assert sorted(map(key, theirs)) == sorted(map(key, ours))
    assert sorted(theirs, key=key) == sorted(ours, key=key)
