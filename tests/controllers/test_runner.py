"""Running the controllers: a notebook's ``Operator`` (start, stop, re-run, logs) and
``mathctl run`` as a process — killed with SIGKILL in the middle of building a tree, then
restarted, it must converge.

Against the session's cluster: a fresh embedded API server, or any cluster with
``MATHCTL_CLUSTER=<kubeconfig context> pytest tests/controllers``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes.client import ApiClient, Configuration

from mathctl.cluster import Cluster, wait_for
from mathctl.controllers.runner import Operator, OperatorError

from .kube import Kube, is_current


def test_start_stop_and_start_again_as_when_a_cell_is_rerun(
        kube: Kube, api_client: ApiClient, namespace: str) -> None:
    op = Operator(api_client, namespace=namespace, resync=None)
    op.start()
    kube.create("Number", "a", 3)
    kube.wait_current("Number", "a")
    op.stop()
    assert not op.running
    op.start()  # a fresh kopf registry: the handlers are not registered twice
    try:
        kube.create("Number", "b", 5)
        kube.wait_current("Number", "b")
        wait_for(lambda: "Number" in op.log_tail(), 5, "a log line")
        lines = [line for line in op.log_tail(50, timestamps=False).splitlines()
                 if f"Number {namespace}/b: status" in line]
        assert len(lines) == 1, op.log_tail(50)
    finally:
        op.stop()


def test_a_second_operator_for_the_same_namespace_stops_the_first(
        kube: Kube, api_client: ApiClient, namespace: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    first = Operator(api_client, namespace=namespace, resync=None).start()
    second = Operator(api_client, namespace=namespace, resync=None).start()
    try:
        assert not first.running and second.running
        assert "Stopped the operator already running" in capsys.readouterr().out
        kube.create("Number", "n", 9)
        kube.wait_current("Number", "n")
    finally:
        second.stop()
        first.stop()


def test_the_operator_thread_never_prints(kube: Kube, api_client: ApiClient, namespace: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    with Operator(api_client, namespace=namespace, resync=None) as op:
        kube.create("Tuple", "t", [1, 2])
        kube.wait("Tuple", "t", lambda o: o.get("status", {}).get("readyNumbers") == 2, "ready")
        wait_for(lambda: f"Tuple {namespace}/t" in op.log_tail(20), 5, "the Tuple's log line")
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")
    assert "running" not in repr(op) and "reconciles" in repr(op)


def test_an_unreachable_cluster_is_explained() -> None:
    config = Configuration()
    config.host = "https://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(OperatorError, match=r"No cluster answers at https://127\.0\.0\.1:9"):
        Operator(ApiClient(config), namespace="default").start(timeout=10)


def test_missing_crds_are_explained(cluster: Cluster) -> None:
    if cluster.kind != "embedded":
        pytest.skip("needs a cluster without the CRDs: only done on a private embedded server")
    from mathctl.apiserver.testing import EmbeddedServer

    with EmbeddedServer() as bare:
        api = bare.api_client()
        with pytest.raises(OperatorError, match=r"kubectl apply -f crds/"):
            Operator(api, namespace="default").start()
        api.close()


# --- mathctl run, as a process -----------------------------------------------------------------


@pytest.fixture
def run_operator(cluster: Cluster, namespace: str, tmp_path: Path,
                 ) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start ``mathctl run -n <namespace>`` processes on the session's cluster; all are
    stopped at the end."""
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def start_mathctl_run(cluster: Cluster, namespace: str, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, KUBECONFIG=cluster.kubeconfig, MATHCTL_CLUSTER=cluster.context)
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "mathctl", "run", "-n", namespace, "--resync", "0"],
            env=env, stdout=sink, stderr=sink)


def test_mathctl_run_killed_mid_reconcile_and_restarted_converges(
        kube: Kube, cluster: Cluster, namespace: str, tmp_path: Path,
        run_operator: list[subprocess.Popen[bytes]]) -> None:
    n, tuples, numbers = 401, 201, 402  # 401 = 1² + 20², a prime ≡ 1 (mod 4)
    log = tmp_path / "operator.log"
    run_operator.append(first := start_mathctl_run(cluster, namespace, log))
    kube.create("Fermat", "f", n)
    wait_for(lambda: kube.list("Tuple"), 60, "the first Tuples of the tree", interval=0.005)
    first.send_signal(signal.SIGKILL)  # no cleanup, no goodbye: a crash mid-reconcile
    first.wait()

    fermat = kube.get("Fermat", "f") or {}
    built = kube.list("Tuple")
    assert len(built) < tuples or fermat.get("status", {}).get("agrees") is None, \
        "the operator was killed too late to test anything"

    run_operator.append(second := start_mathctl_run(cluster, namespace, log))
    obj = kube.wait("Fermat", "f", lambda o: is_current(o) and o["status"].get("agrees")
                    is not None, "the tree to be complete after the restart", timeout=120)
    assert obj["status"]["pairs"] == [{"a": 1, "b": 20}] and obj["status"]["agrees"] is True
    assert len(kube.list("Tuple")) == tuples and len(kube.list("Number")) == numbers
    assert all(is_current(o) for o in kube.list("Tuple") + kube.list("Number"))

    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0, log.read_text()[-2000:]
    assert "mathctl run: stopped." in log.read_text()


def test_mathctl_run_explains_a_missing_cluster_and_bad_options(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from mathctl.controllers.runner import add_run_args, cmd_run

    parser = argparse.ArgumentParser()
    add_run_args(parser)
    assert cmd_run(parser.parse_args(["--workers", "0"])) == 2
    assert "--workers >= 1" in capsys.readouterr().err
    monkeypatch.setenv("MATHCTL_CLUSTER", "no-such-context")
    monkeypatch.setenv("KUBECONFIG", "/nonexistent/kubeconfig")
    assert cmd_run(parser.parse_args(["-n", "x"])) == 1
    assert "needs a kubeconfig" in capsys.readouterr().err


# --- mathctl run --controllers: the learner's file from a terminal -----------------------------


def test_mathctl_run_runs_the_learners_file(
        kube: Kube, cluster: Cluster, namespace: str, tmp_path: Path,
        run_operator: list[subprocess.Popen[bytes]]) -> None:
    from .learner_examples import __file__ as examples

    mine = tmp_path / "my_controllers.py"
    mine.write_text(Path(examples).read_text())
    log = tmp_path / "operator.log"
    env = dict(os.environ, KUBECONFIG=cluster.kubeconfig, MATHCTL_CLUSTER=cluster.context)
    with log.open("ab") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mathctl", "run", "--controllers", str(mine), "-n", namespace,
             "--resync", "0"], env=env, stdout=sink, stderr=sink, cwd=tmp_path)
    run_operator.append(proc)
    kube.create("Number", "n", 9)
    obj = kube.wait_current("Number", "n", timeout=60)
    assert obj["status"] == {"fizzBuzz": "Fizz", "isSquare": True, "observedGeneration": 1}
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0, log.read_text()[-2000:]
    text = log.read_text()
    assert "Running Number, Tuple, Fermat: your reconcile_number, reconcile_tuple, " \
           "reconcile_fermat (my_controllers.py); children → owner: your owner_of." in text


@pytest.mark.parametrize(("source", "expected"), [
    (None, "mathctl run: There is no my_controllers.py at "),
    ("def reconcile_number(api, namespace, name):\nreturn\n",
     "mathctl run: my_controllers.py line 2 is not valid Python (expected an indented block"),
    ("def fizzbuzz(n):\n    return str(n)\n",
     "mathctl run: my_controllers.py defines none of reconcile_number, reconcile_tuple, "
     "reconcile_fermat: write one in a cell that starts with %%my_controllers"),
])
def test_mathctl_run_explains_a_controllers_file_it_cannot_use(
        tmp_path: Path, source: str | None, expected: str) -> None:
    mine = tmp_path / "my_controllers.py"
    if source is not None:
        mine.write_text(source)
    done = subprocess.run([sys.executable, "-m", "mathctl", "run", "--controllers", str(mine)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(expected), done.stderr
    assert "Traceback" not in done.stderr


def test_output_is_a_log_box_with_the_newest_line_in_sight() -> None:
    """``operator.output`` is the live view's log box (anchored at its newest line), fed by
    the operator's log: not a fixed-height Output widget scrolled to its top (issue 13)."""
    config = Configuration()
    config.host = "https://127.0.0.1:9"
    op = Operator(ApiClient(config), namespace="default")
    widget = op.output
    assert type(widget).__name__ == "HTML" and op.output is widget
    box = op.log.outputs[-1]
    box.append_stdout("12:00:00.123 INFO    Number default/n: status\n")
    box.redraw()
    assert "column-reverse" in widget.value and "Number default/n: status" in widget.value
