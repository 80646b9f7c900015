"""Every manifest validates against the Kubernetes OpenAPI schemas, offline, and the Deployment
is small and locked down.

Validation uses kubernetes-validate (the schemas of each Kubernetes release, shipped in the
package) in strict mode, so an unknown or misspelt field fails too. The overlays are rendered
with ``kubectl kustomize`` when kubectl is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from mathctl.deploy import install
from mathctl.deploy.podrun import find, install_documents

from . import kustomize
from .kustomize import needs_kubectl

# The embedded server speaks v1.28; minikube and current clusters are newer.
VERSIONS = ["1.28", kubernetes_validate.latest_version()]
OVERLAYS = sorted(p.parent for p in (install.DEPLOY / "overlays").glob("*/kustomization.yaml"))


def validate_all(docs: list[dict[str, Any]], version: str) -> None:
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)


@pytest.mark.parametrize("version", VERSIONS)
def test_install_yaml_validates(version: str) -> None:
    docs = install.documents(install.INSTALL.read_text())
    assert {d["kind"] for d in docs} >= {"CustomResourceDefinition", "Deployment", "ClusterRole"}
    validate_all(docs, version)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_source_manifest_validates(version: str) -> None:
    checked = 0
    patches = {k.parent / p["path"] for k in install.DEPLOY.rglob("kustomization.yaml")
               for p in (yaml.safe_load(k.read_text()).get("patches") or ())}
    for path in sorted(install.DEPLOY.rglob("*.yaml")):
        if path.name in ("kustomization.yaml", install.INSTALL.name) or path in patches:
            continue  # kustomize's own files and patches; install.yaml is checked above
        validate_all(install.documents(path.read_text()), version)
        checked += 1
    assert checked >= 6


def test_validation_is_strict_enough_to_catch_a_typo() -> None:
    deployment = find(install_documents(), "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["resource"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[0], strict=True)


@pytest.mark.kubectl
@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
@pytest.mark.parametrize("version", VERSIONS)
def test_overlays_build_and_validate(overlay: Path, version: str) -> None:
    validate_all(kustomize.build(overlay), version)


@pytest.mark.kubectl
@needs_kubectl
def test_workshop_overlay_sets_image_namespace_resync_and_binds_only_there() -> None:
    built = kustomize.build(install.DEPLOY / "overlays" / "workshop")
    container = find(built, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "mathctl:dev"
    assert container["args"] == ["--namespace=default"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["MATHCTL_RESYNC"] == "10"
    kinds = [d["kind"] for d in built]
    assert "ClusterRoleBinding" not in kinds
    binding = find(built, "RoleBinding")
    assert binding["metadata"]["namespace"] == "default"
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io",
                                  "kind": "ClusterRole", "name": "mathctl-operator"}


def test_deployment_is_small_and_locked_down() -> None:
    docs = install_documents()
    deployment = find(docs, "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"
    assert pod["serviceAccountName"] == find(docs, "ServiceAccount")["metadata"]["name"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    requests, limits = container["resources"]["requests"], container["resources"]["limits"]
    assert requests == {"cpu": "10m", "memory": "80Mi"}
    assert set(limits) == {"cpu", "memory"}
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["imagePullPolicy"] == "IfNotPresent"
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert mounts == {"/tmp"}, "the only writable place is an emptyDir on /tmp"


def test_the_binding_grants_the_role_to_the_operators_service_account() -> None:
    docs = install_documents()
    sa = find(docs, "ServiceAccount")["metadata"]
    binding = find(docs, "ClusterRoleBinding")
    assert binding["roleRef"]["name"] == find(docs, "ClusterRole")["metadata"]["name"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": sa["name"],
                                    "namespace": sa["namespace"]}]
    assert sa["namespace"] == find(docs, "Namespace")["metadata"]["name"]
    assert find(docs, "Deployment")["metadata"]["namespace"] == sa["namespace"]
