"""``kubectl(cluster, "get numbers -n …")``: run kubectl against the notebook's cluster, if present.

The workshop never needs kubectl — everything it shows goes through the official client — but
learners who have it should see that it talks to the very same API server. This runs it with
the cluster's kubeconfig and context (so the learner's own current context does not matter) and
prints what it printed; without kubectl it says how to get it and what to use instead.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from typing import Any


def kubectl(cluster: Any, command: str, *, timeout: float = 30.0) -> None:
    """Print the output of ``kubectl <command>`` against ``cluster`` (from ``connect()``)."""
    binary = shutil.which("kubectl")
    if binary is None:
        print(f"kubectl is not installed, so `kubectl {command}` cannot run here; nothing in "
              "the workshop needs it (the cells above show the same through the Python "
              "client). To try it: https://kubernetes.io/docs/tasks/tools/")
        return
    args = [binary, "--kubeconfig", cluster.kubeconfig, "--context", cluster.context,
            *shlex.split(command)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    print((done.stdout + done.stderr).rstrip("\n"))
