"""The image, checked without a Docker engine: what the Dockerfile says, and that the operator
runs with only what the image installs.

``mathctl/deploy/image.py`` ↔ this file; the Dockerfile's facts are checked here too, since the
image is the one thing those facts describe.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from mathctl.deploy import image, install
from mathctl.deploy.dockerfile import Dockerfile
from mathctl.deploy.podrun import find, install_documents, operator_container

ROOT = install.ROOT
NOTEBOOK_ONLY = {"jupyterlab", "ipywidgets", "matplotlib", "rich", "nbval", "ipykernel"}


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return Dockerfile.read()


@pytest.fixture(scope="module")
def container() -> dict:  # type: ignore[type-arg]
    return operator_container(install_documents())


def test_base_image_is_a_pinned_python_3_11_slim(dockerfile: Dockerfile) -> None:
    for base in dockerfile.base_images():
        name, _, digest = base.partition("@")
        assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+", name), \
            f"pin the base to a patch release and a Debian release, not {base!r}"
        assert not digest or re.fullmatch(r"sha256:[0-9a-f]{64}", digest)


def test_runs_as_a_numeric_non_root_user_that_the_pod_agrees_with(dockerfile: Dockerfile,
                                                                  container: dict) -> None:  # type: ignore[type-arg]
    user = dockerfile.user()
    assert user is not None and re.fullmatch(r"\d+(:\d+)?", user), \
        "USER must be numeric so that runAsNonRoot can be verified by the kubelet"
    uid = int(user.split(":")[0])
    assert uid != 0
    pod = find(install_documents(), "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsUser"] == uid
    assert pod["securityContext"]["runAsGroup"] == int(user.split(":")[1])


def test_liveness_port_matches_everywhere(dockerfile: Dockerfile,
                                          container: dict) -> None:  # type: ignore[type-arg]
    liveness = next(w for w in dockerfile.entrypoint() if w.startswith("--liveness="))
    url = urlsplit(liveness.partition("=")[2])
    assert url.hostname == "0.0.0.0", "kopf must listen on all interfaces for the kubelet"
    health = " ".join(dockerfile.healthcheck())
    assert f"127.0.0.1:{url.port}{url.path}" in health
    assert dockerfile.exposed_ports() == [url.port]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("livenessProbe", "readinessProbe"):
        get = container[probe]["httpGet"]
        assert ports[get["port"]] == url.port
        assert get["path"] == url.path


def test_entrypoint_runs_kopf_on_a_module_that_exists(dockerfile: Dockerfile) -> None:
    entrypoint = dockerfile.entrypoint()
    assert entrypoint[:2] == ["kopf", "run"]
    assert (Path(sys.executable).parent / "kopf").exists()
    modules = [w.partition("=")[2] for w in entrypoint if w.startswith("--module=")]
    assert modules == ["mathctl.controllers.kopf_main"]
    assert importlib.util.find_spec(modules[0]) is not None
    assert "--standalone" in entrypoint
    assert dockerfile.cmd() == ["--all-namespaces"]


def test_build_context_holds_what_copy_reads_and_nothing_else(dockerfile: Dockerfile) -> None:
    sources = dockerfile.copied_sources()
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
    rules = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert rules[0] == "*", ".dockerignore starts by excluding everything"
    admitted = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
    assert admitted == {s.rstrip("/") for s in sources}


def test_image_requirements_are_pinned_runtime_dependencies_of_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {canonicalize_name(r.name): r for r in map(Requirement, project["dependencies"])}
    pinned = image.requirements()
    assert pinned, "deploy/image/requirements.txt lists nothing"
    for req in pinned:
        name = canonicalize_name(req.name)
        assert name in declared, f"{req.name} is not a dependency in pyproject.toml"
        (spec,) = req.specifier
        assert spec.operator == "==", f"pin {req.name} to an exact version"
        assert declared[name].specifier.contains(spec.version), \
            f"{req} does not satisfy pyproject.toml's {declared[name]}"
    names = {canonicalize_name(r.name) for r in pinned}
    assert {"kopf", "kubernetes"} <= names
    assert not names & NOTEBOOK_ONLY
    assert not image.closure(pinned) & {"jupyterlab", "ipywidgets", "matplotlib"}


def test_the_image_site_runs_the_operator_code_and_nothing_else(tmp_path: Path) -> None:
    site = image.image_site(tmp_path / "site")
    code = ("import importlib.util, sys\n"
            "import mathctl.controllers.runner, mathctl.controllers.operator, kopf.cli\n"
            "print(all(importlib.util.find_spec(m) is None for m in sys.argv[1:]))\n"
            "import mathctl.controllers.kopf_main as m; print(m.__file__)\n")
    done = subprocess.run([sys.executable, "-S", "-c", code, *NOTEBOOK_ONLY, "orjson"],
                          env={"PYTHONPATH": str(site), "KUBECONFIG": "/nonexistent"},
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[:1] == ["True"], done.stderr
    # kopf_main connects at import: it gets as far as looking for the kubeconfig
    assert "ClusterUnreachable" in done.stderr and "/nonexistent" in done.stderr, done.stderr
