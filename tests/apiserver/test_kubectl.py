"""kubectl, unchanged, against the cluster under test (skipped only when kubectl is absent).

kubectl fetches OpenAPI before ``apply``, sends ``fieldValidation=Strict``, reads tables built
from the CRDs' printer columns, resolves categories (``get math``) and short names, and streams
``get -w``: each is exercised here through the real binary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from mathctl.cluster import Cluster

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.kubectl,
              pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not on PATH")]


def kubectl(cluster: Cluster, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KUBECONFIG": cluster.kubeconfig}
    r = subprocess.run(["kubectl", "--context", cluster.context, *args], env=env, text=True,
                       capture_output=True, timeout=60, cwd=ROOT)
    if check and r.returncode:
        raise AssertionError(f"kubectl {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
    return r


def test_apply_get_delete(target: Cluster, namespace: str) -> None:
    applied = kubectl(target, "apply", "-f", "crds/")
    assert "numbers.math.mathctl.example" in applied.stdout
    kubectl(target, "wait", "--for=condition=Established", "crd/numbers.math.mathctl.example")
    out = kubectl(target, "apply", "-n", namespace, "-f", "crds/samples/number-15.yaml")
    assert out.stdout.strip() == "number.math.mathctl.example/fifteen created"
    again = kubectl(target, "apply", "-n", namespace, "-f", "crds/samples/number-15.yaml")
    assert again.stdout.strip() == "number.math.mathctl.example/fifteen unchanged"

    table = kubectl(target, "get", "numbers", "-n", namespace).stdout.splitlines()
    assert table[0].split() == ["NAME", "VALUE", "FIZZBUZZ", "SQUARE", "AGE"]
    assert table[1].split()[:2] == ["fifteen", "15"]
    short = kubectl(target, "get", "num", "fifteen", "-n", namespace).stdout
    assert "fifteen" in short
    category = kubectl(target, "get", "math", "-n", namespace).stdout
    assert "number.math.mathctl.example/fifteen" in category

    invalid = kubectl(target, "apply", "-n", namespace, "-f",
                      "crds/samples/invalid/number-string-value.yaml", check=False)
    assert invalid.returncode != 0 and "spec.value" in invalid.stderr

    deleted = kubectl(target, "delete", "-n", namespace, "number", "fifteen")
    assert deleted.stdout.strip() == 'number.math.mathctl.example "fifteen" deleted'
    assert "No resources found" in kubectl(target, "get", "numbers", "-n", namespace).stderr


def test_get_watch_receives_an_update(target: Cluster, namespace: str) -> None:
    kubectl(target, "apply", "-f", "crds/number.yaml")
    kubectl(target, "wait", "--for=condition=Established", "crd/numbers.math.mathctl.example")
    kubectl(target, "apply", "-n", namespace, "-f", "crds/samples/number-15.yaml")
    env = {**os.environ, "KUBECONFIG": target.kubeconfig}
    proc = subprocess.Popen(["kubectl", "get", "numbers", "-n", namespace, "-w"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    found = threading.Event()
    first_row = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("fifteen "):
                first_row.set()
            if line.split()[:2] == ["fifteen", "21"]:
                found.set()
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert first_row.wait(30), f"kubectl get -w printed no row: {lines}"
        kubectl(target, "patch", "-n", namespace, "number", "fifteen", "--type=merge",
                "-p", '{"spec":{"value":21}}')
        assert found.wait(30), f"the update did not reach kubectl get -w: {lines}"
    finally:
        proc.kill()
        proc.wait()
        reader.join(5)


def test_api_resources(target: Cluster, crds: list[str]) -> None:
    out = kubectl(target, "api-resources").stdout
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert rows["numbers"] == ["numbers", "num", "math.mathctl.example/v1beta1", "true",
                               "Number"]
    assert rows["namespaces"] == ["namespaces", "ns", "v1", "false", "Namespace"]
    assert "configmaps" in rows and "customresourcedefinitions" in rows
    ns = kubectl(target, "get", "ns", "default").stdout.splitlines()
    assert ns[0].split() == ["NAME", "STATUS", "AGE"] and ns[1].split()[:2] == ["default",
                                                                              "Active"]
