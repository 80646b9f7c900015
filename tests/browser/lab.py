"""A private embedded cluster and JupyterLab for the browser test, stopped by PID afterwards.

Everything lives in one temporary directory: ``MATHCTL_HOME`` (the embedded server), the
Jupyter runtime, config, user-settings and workspaces dirs (so neither the learner's lab nor
their settings are touched), and the notebook folder. Both servers listen on 127.0.0.1 only,
on free ports; every wait has a timeout and says what it waited for.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# The lab's own notices would cover the page; the learner's settings are not read at all.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


def find_chromium() -> str | None:
    """``$MATHCTL_CHROMIUM``, else the first Chromium/Chrome on PATH."""
    wanted = os.environ.get("MATHCTL_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Any, timeout: float, what: str, *, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}")
        time.sleep(every)


@dataclass
class Lab:
    url: str
    token: str
    notebook_dir: Path
    env: dict[str, str]

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(f"{self.url}{path}", method=method, data=(
            b"" if method == "POST" else None), headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def restart_kernel(self, notebook: str) -> None:
        """Restart the kernel of ``notebook`` (what Kernel ▸ Restart Kernel does)."""
        sessions = [s for s in self.api("GET", "/api/sessions") if s["path"].endswith(notebook)]
        assert sessions, f"no kernel session for {notebook}"
        self.api("POST", f"/api/kernels/{sessions[0]['kernel']['id']}/restart")

    def open_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?token={self.token}"


def _stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def _lab_ready(url: str, token: str, process: subprocess.Popen[bytes], log: Path) -> bool:
    if process.poll() is not None:
        raise RuntimeError(f"JupyterLab exited ({process.returncode}):\n{log.read_text()[-3000:]}")
    try:
        request = urllib.request.Request(f"{url}/api/status",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def running_lab(workdir: Path, notebooks: list[Path]) -> Iterator[Lab]:
    """An embedded cluster and a JupyterLab serving copies of ``notebooks``, outputs cleared."""
    import nbformat

    from mathctl.notebook.labsettings import install

    install()  # the setting this environment's lab needs, as `dev.py lab` installs it
    notebook_dir = workdir / "notebooks"
    notebook_dir.mkdir()
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, notebook_dir / path.name)
    settings = workdir / "lab-user-settings"
    for name, values in USER_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    env = {k: v for k, v in os.environ.items()
           if k not in {"KUBECONFIG", "MATHCTL_STATIC_VIEWS", "JUPYTER_TOKEN"}}
    env.update(MATHCTL_HOME=str(workdir / "mathctl-home"), MATHCTL_CLUSTER="embedded",
               JUPYTER_RUNTIME_DIR=str(workdir / "jupyter-runtime"),
               JUPYTER_CONFIG_DIR=str(workdir / "jupyter-config"),
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(workdir / "lab-workspaces"),
               IPYTHONDIR=str(workdir / "ipython"))
    up = subprocess.run([sys.executable, "-m", "mathctl", "up", "--port", "0"], env=env,
                        capture_output=True, text=True, timeout=60)
    if up.returncode:
        raise RuntimeError(f"mathctl up failed: {up.stdout}{up.stderr}")
    token, port = secrets.token_hex(16), free_port()
    log = workdir / "jupyterlab.log"
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with log.open("wb") as sink:
        lab = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebook_dir}",
             *as_root], env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=notebook_dir)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _lab_ready(url, token, lab, log), 90, "JupyterLab to answer")
        yield Lab(url, token, notebook_dir, env)
    finally:
        _stop(lab)
        subprocess.run([sys.executable, "-m", "mathctl", "down", "--quiet"], env=env,
                       timeout=60, check=False)
