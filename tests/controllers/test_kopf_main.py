"""``kopf run -m mathctl.controllers.kopf_main``: the same controllers under kopf's own CLI.

Against the session's cluster (embedded, or ``MATHCTL_CLUSTER=<context>``), as a process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from mathctl.cluster import Cluster

from .kube import Kube


def test_kopf_run_on_the_module_reconciles_and_exits_on_sigterm(
        kube: Kube, cluster: Cluster, namespace: str, tmp_path: Path) -> None:
    env = dict(os.environ, KUBECONFIG=cluster.kubeconfig, MATHCTL_CLUSTER=cluster.context,
               MATHCTL_RESYNC="0")
    log = tmp_path / "kopf.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kopf", "run", "--standalone", "-n", namespace,
             "-m", "mathctl.controllers.kopf_main"],
            env=env, stdout=sink, stderr=sink)
    try:
        kube.create("Tuple", "t", [16, 25])
        obj = kube.wait("Tuple", "t", lambda o: (o.get("status") or {}).get("allSquares")
                        is True, "all squares under kopf run", timeout=60)
        assert obj["status"]["readyNumbers"] == 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log.read_text()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
