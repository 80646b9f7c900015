"""``mathctl up / down / status / reset`` in a private ``$MATHCTL_HOME``."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mathctl.apiserver import lifecycle

pytestmark = pytest.mark.embedded_only(
    "`mathctl up/down/status/reset` and the embedded server's data dir and files")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mathctl(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MATHCTL_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "mathctl", *args], env=env, text=True,
                          capture_output=True, timeout=60)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    mathctl(tmp_path, "down", "--quiet")


def test_up_status_down_reset(home: Path) -> None:
    port = free_port()
    up = mathctl(home, "up", "--port", str(port))
    assert up.returncode == 0, up.stderr
    assert f"https://127.0.0.1:{port}" in up.stdout
    assert f"export KUBECONFIG={home / 'kubeconfig'}" in up.stdout
    kubeconfig = home / "kubeconfig"
    assert stat.S_IMODE(kubeconfig.stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "data" / "token").stat().st_mode) == 0o600
    token = (home / "data" / "token").read_text().strip()
    assert token not in up.stdout and token in kubeconfig.read_text()
    assert "current-context: mathctl" in kubeconfig.read_text()

    again = mathctl(home, "up", "--port", str(port))
    assert again.returncode == 0 and "already runs" in again.stdout
    status = mathctl(home, "status")
    assert status.returncode == 0 and "runs" in status.stdout

    assert "Stopped" in mathctl(home, "down").stdout
    stopped = mathctl(home, "status")
    assert stopped.returncode == 1 and "No embedded API server runs" in stopped.stdout
    assert mathctl(home, "down", "--quiet").stdout == ""

    assert mathctl(home, "reset").returncode == 0
    assert not (home / "data").exists()


def test_up_keeps_data_and_token_across_restarts(home: Path) -> None:
    port = free_port()
    assert mathctl(home, "up", "--port", str(port)).returncode == 0
    token = (home / "data" / "token").read_text()
    mathctl(home, "down")
    assert mathctl(home, "up", "--port", str(port)).returncode == 0
    assert (home / "data" / "token").read_text() == token


def test_port_in_use_is_a_clear_error(home: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = mathctl(home, "up", "--port", str(port))
    assert r.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in r.stderr
    assert f"mathctl up --port {port + 1}" in r.stderr


def test_a_taken_default_port_falls_back_to_a_free_one_and_keeps_it(home: Path) -> None:
    # The default port belongs to nobody: a second learner on the machine must still get a
    # server, and the port it gets must survive down/up so their kubeconfig stays valid.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        (home / "port").write_text(str(taken))  # as if this home had used it before
        env_port = os.environ.pop("MATHCTL_PORT", None)
        try:
            up = mathctl(home, "up")
        finally:
            if env_port is not None:
                os.environ["MATHCTL_PORT"] = env_port
    assert up.returncode == 0, up.stderr
    assert f"Port {taken} is taken by another program" in up.stdout
    chosen = int((home / "port").read_text())
    assert chosen != taken and f"https://127.0.0.1:{chosen}" in up.stdout
    assert mathctl(home, "down").returncode == 0
    again = mathctl(home, "up")
    assert again.returncode == 0 and f"https://127.0.0.1:{chosen}" in again.stdout
    assert "is taken" not in again.stdout


def test_ensure_running_reuses_the_running_server(home: Path) -> None:
    info, started = lifecycle.ensure_running(home, free_port())
    assert started
    again, started_again = lifecycle.ensure_running(home, free_port())
    assert not started_again and again.pid == info.pid and again.port == info.port


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_dir_and_every_store_file_are_private(tmp_path: Path) -> None:
    """Issue 12: the SQLite files hold Secrets in clear; no other local user may read them."""
    from kubernetes import client

    from mathctl.apiserver.testing import EmbeddedServer

    with EmbeddedServer(data_dir=tmp_path) as server:
        core = client.CoreV1Api(server.api_client())
        core.create_namespaced_secret("default", client.V1Secret(
            metadata=client.V1ObjectMeta(name="s"), string_data={"password": "hunter2"}))
        data = server.data_dir
        files = {p.name: _mode(p) for p in data.iterdir() if p.is_file()}
        assert _mode(data) == 0o700
        assert {"objects.db", "objects.db-wal", "objects.db-shm"} <= set(files)
        assert files == dict.fromkeys(files, 0o600)
        assert _mode(tmp_path / "server.log") == 0o600


def test_a_reused_readable_data_dir_is_made_private_on_start(tmp_path: Path) -> None:
    """A data dir left 0755 with 0644 files (an older mathctl's) is fixed when reused."""
    from mathctl.apiserver.testing import EmbeddedServer

    with EmbeddedServer(data_dir=tmp_path) as server:
        data = server.data_dir
    os.chmod(data, 0o755)
    for path in data.iterdir():
        os.chmod(path, 0o644)
    (data / "leftover.db-journal").write_bytes(b"x")
    os.chmod(data / "leftover.db-journal", 0o644)
    with EmbeddedServer(data_dir=tmp_path):
        assert _mode(data) == 0o700
        modes = {p.name: _mode(p) for p in data.iterdir() if p.is_file()}
        assert modes["objects.db"] == 0o600 and modes["leftover.db-journal"] == 0o600
        assert set(modes.values()) == {0o600}


def test_make_private_dir_creates_missing_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    lifecycle.make_private_dir(target)
    assert _mode(target) == 0o700


def test_the_learners_kubeconfig_defaults_to_their_namespace_which_exists(home: Path) -> None:
    """kubectl without -n lands where the notebooks and `mathctl run` look (issue 13)."""
    env = {**os.environ, "MATHCTL_HOME": str(home), "MATHCTL_NAMESPACE": "workshop-kim"}
    env.pop("MATHCTL_COMMAND", None)
    up = subprocess.run([sys.executable, "-m", "mathctl", "up", "--port", str(free_port())],
                        env=env, text=True, capture_output=True, timeout=60)
    assert up.returncode == 0, up.stderr
    assert "    namespace: workshop-kim\n" in (home / "kubeconfig").read_text()
    kubectl = subprocess.run(["kubectl", "--kubeconfig", str(home / "kubeconfig"), "get",
                              "namespace", "workshop-kim", "-o", "name"],
                             text=True, capture_output=True, timeout=60) \
        if _has_kubectl() else None
    if kubectl is not None:
        assert kubectl.stdout.strip() == "namespace/workshop-kim", kubectl.stderr
    # The stop command printed is one that works as typed: this interpreter's mathctl with
    # this home (python -m mathctl here, so the script beside it or the module form).
    stop_line = next(line for line in up.stdout.splitlines() if line.startswith("Stop it with"))
    command = stop_line.removeprefix("Stop it with: ")
    assert command.startswith(f"MATHCTL_HOME={home} ") and command.endswith(" down")


def test_dev_py_names_its_own_verb_as_the_stop_command(home: Path) -> None:
    env = {**os.environ, "MATHCTL_HOME": str(home), "MATHCTL_COMMAND": "python3 dev.py"}
    up = subprocess.run([sys.executable, "-m", "mathctl", "up", "--port", str(free_port())],
                        env=env, text=True, capture_output=True, timeout=60)
    assert "Stop it with: python3 dev.py down" in up.stdout


def test_down_without_a_server_says_where_it_looked(home: Path) -> None:
    down = mathctl(home, "down")
    assert down.returncode == 0
    assert f"No embedded API server runs for {home}" in down.stdout


def test_a_checkouts_mathctl_uses_the_checkouts_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """`.venv/bin/mathctl down` finds the server `python3 dev.py lab` started (./.mathctl)."""
    monkeypatch.delenv("MATHCTL_HOME", raising=False)
    assert lifecycle.home() == lifecycle.CHECKOUT / ".mathctl"
    assert (lifecycle.CHECKOUT / "dev.py").is_file()


def _has_kubectl() -> bool:
    import shutil

    return shutil.which("kubectl") is not None
