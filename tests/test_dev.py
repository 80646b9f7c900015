"""``python3 dev.py lab`` as a learner stops it: the embedded cluster it started stops with it.

Runs the real script with a real JupyterLab (no browser) in a private ``MATHCTL_HOME``, and
stops it the way a terminal does: Ctrl-C (SIGINT to the process group) twice — Jupyter asks
on the first and stops on the second.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mathctl.apiserver import lifecycle
from mathctl.cluster import wait_for

ROOT = Path(__file__).resolve().parents[1]


def _lab(home: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "MATHCTL_HOME": str(home), "MATHCTL_CLUSTER": "embedded",
           "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime")}
    env.pop("KUBECONFIG", None)
    return subprocess.Popen(
        [sys.executable, "dev.py", "lab", "--no-browser", "--ServerApp.port=0",
         "--ServerApp.token=test", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
        # A background job's SIGINT may be ignored, and that is inherited: restore Ctrl-C.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _ctrl_c_until_gone(proc: subprocess.Popen[str], timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            continue
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("dev.py lab did not stop on Ctrl-C")
    return proc.stdout.read() if proc.stdout else ""


def _server_pid(home: Path) -> int:
    return int(json.loads((home / "server.json").read_text())["pid"])


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "jupyter").exists(),
                    reason="needs the checkout's .venv (python3 dev.py creates it)")
@pytest.mark.parametrize("keep", [False, True], ids=["stops-with-the-lab", "keep-cluster"])
def test_the_cluster_dev_py_lab_started_stops_with_it(tmp_path: Path, keep: bool) -> None:
    home = tmp_path / "home"
    lab = _lab(home, *(["--keep-cluster"] if keep else []))
    try:
        wait_for(lambda: (home / "server.json").exists(), timeout=60,
                 what="dev.py lab to start the embedded server")
        pid = _server_pid(home)
        assert lifecycle.running(home) is not None
        wait_for(lambda: any((home / "jupyter-runtime").glob("jpserver-*.json")), timeout=90,
                 what="JupyterLab to start")
        output = _ctrl_c_until_gone(lab)
        if keep:
            assert lifecycle.running(home) is not None, output
            assert "Stop it with: python3 dev.py down" in output
        else:
            assert lifecycle.running(home) is None, output
            assert f"Stopped the embedded API server (pid {pid})" in output
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGKILL)
        lifecycle.stop(home)
