"""``EmbeddedServer``: restart keeps the data dir, the port and the token; the server dies with
the process that started it (``--exit-with-parent``), however that process ends."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from kubernetes import client

from mathctl.apiserver.testing import EmbeddedServer
from mathctl.cluster import wait_for

pytestmark = pytest.mark.embedded_only(
    "EmbeddedServer's own start, restart and exit with its parent process")

# A parent that starts a server, says where it is, then blocks until killed.
PARENT = """
import sys
from mathctl.apiserver.testing import EmbeddedServer
server = EmbeddedServer().start()
print(server.pid, server.root, flush=True)
sys.stdin.read()
"""


def test_restart_keeps_port_data_and_token() -> None:
    with EmbeddedServer() as server:
        url, token, pid = server.url, server.token, server.pid
        core = client.CoreV1Api(server.api_client())
        core.create_namespaced_config_map("default", {"metadata": {"name": "kept"}})
        server.restart()
        assert (server.url, server.token) == (url, token) and server.pid != pid
        again = client.CoreV1Api(server.api_client())
        assert again.read_namespaced_config_map("kept", "default").metadata.name == "kept"
        root = server.root
    assert not root.exists(), "the temporary data dir is removed"


def running(pid: int) -> bool:
    """Whether ``pid`` runs: not gone and not a zombie (an orphan's zombie may stay unreaped
    when PID 1 of a container does not reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:   # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


def test_the_server_dies_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    pid_text, root = parent.stdout.readline().split()
    server_pid = int(pid_text)
    log = Path(root) / "server.log"
    try:
        assert running(server_pid)
        parent.send_signal(signal.SIGKILL)   # no atexit, no __exit__, no cleanup at all
        parent.wait()
        wait_for(lambda: not running(server_pid), timeout=15,
                 what=f"the orphaned server (pid {server_pid}) to stop")
        said = log.read_text()
        assert "the process that started this server ended; stopping" in said
        assert "Traceback" not in said
    finally:
        if running(server_pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(server_pid, signal.SIGKILL)
        shutil.rmtree(root, ignore_errors=True)
