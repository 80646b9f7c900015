"""``mathctl up / down / status / reset``: the learner's embedded API server, in the background.

State lives in ``$MATHCTL_HOME``: by default ``.mathctl/`` inside the checkout when mathctl runs
from one (``pip install -e``, what ``dev.py`` makes), so ``python3 dev.py lab``, ``python3 dev.py
down`` and ``.venv/bin/mathctl down`` all mean the same server; ``~/.mathctl`` for an installed
package (:func:`home`)::

    data/objects.db   the objects (SQLite, WAL)      data/token   the bearer token (0600)
    data/ca.crt       the CA that signed the server's certificate (certs.py)
    kubeconfig        context ``mathctl`` (0600)     server.json  pid, port and url
    server.log        the server's stderr

The data dir is private to its owner: 0700, every file in it 0600 (the database and its WAL
hold Secrets in clear), fixed on every start in case an older mathctl or a copy left it
readable (:func:`make_private_dir`).

The default port is a fixed 6445 (kube-apiserver's 6443 plus two, so it never collides with a
minikube or kind on the same laptop): a fixed port keeps the kubeconfig valid across
``down``/``up``, so a notebook kernel that loaded it keeps working after a restart. If that port
is taken by another program (a second learner on a shared machine), and no port was asked for,
``up`` takes a free one, says so, and remembers it in ``$MATHCTL_HOME/port`` for the next start;
a port asked for explicitly (``--port``, ``$MATHCTL_PORT``) that is taken is an error saying how
to choose another. ``cluster.connect()`` and the test fixtures
use :func:`ensure_running` and :func:`spawn` from here, so there is one way to start a server.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import select
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from mathctl.apiserver.certs import CA_CERT

DEFAULT_PORT = 6445
CONTEXT = "mathctl"
READY_TIMEOUT = 15.0


class ServerError(RuntimeError):
    """The server could not be started; the message says why and what to do."""


class PortInUseError(ServerError):
    """The port asked for is taken by another program."""


CHECKOUT = Path(__file__).resolve().parents[2]
"""The source checkout this package runs from, when it is one (it has ``dev.py``)."""


def home() -> Path:
    """``$MATHCTL_HOME``, else :func:`default_home`."""
    explicit = os.environ.get("MATHCTL_HOME")
    return Path(explicit).expanduser() if explicit else default_home()


def default_home() -> Path:
    """The checkout's ``.mathctl`` (where ``dev.py`` keeps it) when running from a checkout,
    else ``~/.mathctl``."""
    if (CHECKOUT / "dev.py").is_file() and (CHECKOUT / "pyproject.toml").is_file():
        return CHECKOUT / ".mathctl"
    return Path("~/.mathctl").expanduser()


def command_hint(verb: str) -> str:
    """The command that runs ``mathctl <verb>`` on this same home, typed as printed.

    ``dev.py`` sets ``MATHCTL_COMMAND`` (``python3 dev.py``) because neither ``mathctl`` nor
    ``.venv/bin`` is on the learner's PATH; otherwise the script that is running now, spelled
    as short as still works.
    """
    prefix = os.environ.get("MATHCTL_COMMAND")
    if not prefix:
        script = Path(sys.executable).parent / "mathctl"
        on_path = shutil.which("mathctl")
        prefix = "mathctl" if on_path and Path(on_path).resolve() == script.resolve() else (
            _relative(script) if script.exists() else f"{sys.executable} -m mathctl")
        explicit = os.environ.get("MATHCTL_HOME")
        if explicit and Path(explicit).expanduser() != default_home():
            prefix = f"MATHCTL_HOME={explicit} {prefix}"
    return f"{prefix} {verb}"


def _relative(path: Path) -> str:
    """``path`` relative to the current directory when below it (``.venv/bin/mathctl``)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


TOKEN_FILE = "token"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private_dir(path: Path) -> None:
    """Create ``path`` 0700 (and its parents), and make it and every file in it private.

    Run on every start, so a data dir made readable by an older version is fixed when reused;
    SQLite then creates ``-wal``/``-shm`` with the database file's mode (0600).
    """
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_DIR_MODE)
    for child in path.iterdir():
        if child.is_file() and not child.is_symlink():
            os.chmod(child, PRIVATE_FILE_MODE)


def server_url(port: int) -> str:
    return f"https://127.0.0.1:{port}"


class Endpoint:
    """How to reach a server from its port and data dir: the one place that knows where its
    URL, CA certificate and token are (``ServerInfo`` and ``testing.EmbeddedServer`` share it)."""

    port: int
    data_dir: Path

    @property
    def url(self) -> str:
        return server_url(self.port)

    @property
    def ca_cert(self) -> Path:
        """The CA certificate that verifies the server (TLS on 127.0.0.1)."""
        return self.data_dir / CA_CERT

    @property
    def token(self) -> str:
        return (self.data_dir / TOKEN_FILE).read_text().strip()


@dataclass(frozen=True)
class ServerInfo(Endpoint):
    """Where a running server answers, and how to reach it."""

    pid: int
    port: int
    data_dir: Path
    kubeconfig: Path


def write_kubeconfig(path: Path, url: str, token: str, ca_cert: Path, *,
                     context: str = CONTEXT, namespace: str = "default") -> None:
    """A kubeconfig with one context, written mode 0600 (it holds the token).

    ``namespace`` is the context's namespace: what ``kubectl`` uses without ``-n``. The learner's
    server gets the learner's namespace, so ``kubectl apply -f crds/samples/…`` lands where the
    notebooks and ``mathctl run`` look.
    """
    ca_data = base64.b64encode(ca_cert.read_bytes()).decode()
    text = (
        "# Written by mathctl for its embedded API server. Use it with:\n"
        f"#   export KUBECONFIG={path}\n"
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: {context}\n  cluster:\n    server: {url}\n"
        f"    certificate-authority-data: {ca_data}\n"
        f'users:\n- name: {context}\n  user:\n    token: "{token}"\n'
        f"contexts:\n- name: {context}\n  context:\n    cluster: {context}\n"
        f"    user: {context}\n    namespace: {namespace}\n"
        f"current-context: {context}\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def readyz(url: str, ca_cert: Path, timeout: float = 2.0) -> bool:
    try:
        context = ssl.create_default_context(cafile=str(ca_cert))
        with urllib.request.urlopen(f"{url}/readyz", timeout=timeout,
                                    context=context) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def ensure_namespace(info: ServerInfo, name: str, timeout: float = 5.0) -> None:
    """Create namespace ``name`` on the server unless it exists (409 AlreadyExists is fine).

    The learner's kubeconfig names it as its context namespace, and ``kubectl apply`` without
    ``-n`` into a namespace that does not exist is refused (404), as on any cluster.
    """
    body = json.dumps({"apiVersion": "v1", "kind": "Namespace",
                       "metadata": {"name": name}}).encode()
    request = urllib.request.Request(
        f"{info.url}/api/v1/namespaces", data=body, method="POST",
        headers={"Authorization": f"Bearer {info.token}", "Content-Type": "application/json"})
    context = ssl.create_default_context(cafile=str(info.ca_cert))
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context):
            pass
    except urllib.error.HTTPError as err:
        if err.code != 409:
            raise ServerError(f"could not create namespace {name!r}: HTTP {err.code}") from err


def spawn(data_dir: Path, port: int, *, log_path: Path | None = None, detach: bool = False,
          extra_args: tuple[str, ...] = (), lifeline: int | None = None
          ) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``python -m mathctl.apiserver`` and wait until it listens and ``/readyz`` is ok.

    Returns the process and its port. Raises :class:`ServerError` when the port is taken or the
    server does not come up (the log's tail is in the message). ``lifeline`` is the read end of
    a pipe: the server gets it and stops when the pipe's write end closes (``EmbeddedServer``
    keeps that end, so its server dies with it); ``mathctl up`` passes none, as its server must
    outlive the shell that started it.
    """
    make_private_dir(data_dir)
    # The log may quote objects (errors name them): private like the data dir.
    log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                            PRIVATE_FILE_MODE), "ab") if log_path else subprocess.DEVNULL
    if log_path:
        os.chmod(log_path, PRIVATE_FILE_MODE)
    # The server verifies no one's certificate, but importing aiohttp builds client SSL
    # contexts that load the system's CA bundle (~0.1 s); point them at nothing.
    env = {**os.environ, "SSL_CERT_FILE": os.devnull, "SSL_CERT_DIR": os.devnull}
    try:
        tie = ("--exit-with-parent", str(lifeline)) if lifeline is not None else ()
        proc = subprocess.Popen(
            [sys.executable, "-m", "mathctl.apiserver", "--port", str(port),
             "--data-dir", str(data_dir), *tie, *extra_args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, env=env,
            start_new_session=detach, close_fds=True,
            pass_fds=(lifeline,) if lifeline is not None else ())
    finally:
        if log_path:
            log.close()  # type: ignore[union-attr]
    assert proc.stdout is not None
    line = _read_line(proc, READY_TIMEOUT)
    proc.stdout.close()
    try:
        message = json.loads(line) if line else {}
    except ValueError:
        message = {}
    if message.get("error") == "port-in-use":
        proc.wait()
        raise PortInUseError(
            f"Port {port} on 127.0.0.1 is already in use by another program, so the embedded "
            f"API server cannot listen there. Stop that program, or pick another port: "
            f"`mathctl up --port {port + 1}`.")
    if "port" not in message:
        proc.kill()
        proc.wait()
        tail = _tail(log_path) if log_path else ""
        raise ServerError("The embedded API server did not start" +
                          (f"; the end of its log ({log_path}):\n{tail}" if tail else "."))
    actual = int(message["port"])
    if not readyz(server_url(actual), data_dir / CA_CERT):
        proc.kill()
        proc.wait()
        raise ServerError(f"The embedded API server on port {actual} did not answer /readyz.")
    return proc, actual


def _read_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    """The first stdout line of ``proc``, waiting at most ``timeout`` seconds."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        readable, _, _ = select.select([fd], [], [], left)
        if not readable:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0].decode()


def _tail(path: Path | None, lines: int = 15) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this process still "exists"; reap it if it is ours.
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    return True


def running(where: Path | None = None) -> ServerInfo | None:
    """The server of ``$MATHCTL_HOME`` if it runs and answers, else None."""
    base = where or home()
    state = base / "server.json"
    try:
        data = json.loads(state.read_text())
    except (OSError, ValueError):
        return None
    info = ServerInfo(pid=int(data["pid"]), port=int(data["port"]), data_dir=base / "data",
                      kubeconfig=base / "kubeconfig")
    if not _alive(info.pid) or not readyz(info.url, info.ca_cert):
        return None
    return info


def default_port(where: Path | None = None) -> int:
    """``$MATHCTL_PORT`` if set (0: any free port), else the port this home last fell back to,
    else 6445."""
    if os.environ.get("MATHCTL_PORT"):
        return int(os.environ["MATHCTL_PORT"])
    with contextlib.suppress(OSError, ValueError):
        return int(((where or home()) / "port").read_text())
    return DEFAULT_PORT


def ensure_running(where: Path | None = None, port: int | None = None
                   ) -> tuple[ServerInfo, bool]:
    """The running server of ``$MATHCTL_HOME``, started if needed; True if started now."""
    base = where or home()
    explicit = port is not None or bool(os.environ.get("MATHCTL_PORT"))
    port = default_port(base) if port is None else port
    info = running(base)
    if info is not None:
        return info, False
    base.mkdir(parents=True, exist_ok=True)
    data_dir = base / "data"
    try:
        proc, actual = spawn(data_dir, port, log_path=base / "server.log", detach=True)
    except PortInUseError:
        if explicit:
            raise
        # Nobody asked for this port: take a free one and keep it, so the kubeconfig written
        # below stays valid across down/up.
        proc, actual = spawn(data_dir, 0, log_path=base / "server.log", detach=True)
        (base / "port").write_text(str(actual))
    info = ServerInfo(pid=proc.pid, port=actual, data_dir=data_dir,
                      kubeconfig=base / "kubeconfig")
    from mathctl.cluster import learner_namespace  # stdlib-only; cluster imports this module

    try:
        namespace = learner_namespace()
    except ValueError as exc:  # a bad $MATHCTL_NAMESPACE: the message says how to fix it
        raise ServerError(str(exc)) from exc
    ensure_namespace(info, namespace)
    write_kubeconfig(info.kubeconfig, info.url, info.token, info.ca_cert, namespace=namespace)
    (base / "server.json").write_text(json.dumps({"pid": proc.pid, "port": actual,
                                                  "url": info.url}))
    return info, True


def stop(where: Path | None = None, timeout: float = 10.0) -> int | None:
    """Stop the server of ``$MATHCTL_HOME``; returns its pid, or None if none ran."""
    base = where or home()
    state = base / "server.json"
    try:
        pid = int(json.loads(state.read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None
    stopped = None
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid, timeout):
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, timeout)
        stopped = pid
    state.unlink(missing_ok=True)
    return stopped


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)  # polling a process we cannot wait() on (not our child)
    return True


# -- the verbs ------------------------------------------------------------------------------

def add_up_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=None,
                        help=f"port on 127.0.0.1 (default $MATHCTL_PORT or {DEFAULT_PORT})")


def add_down_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="say nothing if no server runs")


def cmd_up(args: argparse.Namespace) -> int:
    base = home()
    info = running(base)
    if info is not None:
        print(f"The embedded API server already runs (pid {info.pid}) at {info.url}.")
        print(f"Use it with:  export KUBECONFIG={info.kubeconfig}")
        return 0
    started = time.perf_counter()
    wanted = default_port(base) if args.port is None else args.port
    try:
        info, _ = ensure_running(base, args.port)
    except ServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if wanted and info.port != wanted:
        print(f"Port {wanted} is taken by another program, so the server listens on "
              f"{info.port} instead (remembered in {base / 'port'} for the next start).")
    elapsed = (time.perf_counter() - started) * 1000
    print(f"The embedded API server runs (pid {info.pid}) at {info.url}, ready in "
          f"{elapsed:.0f} ms; data in {info.data_dir}.")
    print(f"Use it with:  export KUBECONFIG={info.kubeconfig}   "
          "(kubectl's default namespace there is yours)")
    print(f"Stop it with: {command_hint('down')}")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    pid = stop(home())
    if pid is None:
        if not getattr(args, "quiet", False):
            print(f"No embedded API server runs for {home()} (no live server.json there). "
                  "Another home? Set MATHCTL_HOME to it.")
        return 0
    if not getattr(args, "quiet", False):
        print(f"Stopped the embedded API server (pid {pid}); its data stays in {home() / 'data'}.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    info = running(home())
    if info is None:
        print(f"No embedded API server runs for {home()}. Start one with: {command_hint('up')}")
        return 1
    print(f"The embedded API server runs (pid {info.pid}) at {info.url}; "
          f"data in {info.data_dir}; kubeconfig {info.kubeconfig}.")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    base = home()
    pid = stop(base)
    if pid is not None:
        print(f"Stopped the embedded API server (pid {pid}).")
    shutil.rmtree(base / "data", ignore_errors=True)
    (base / "kubeconfig").unlink(missing_ok=True)
    print(f"Wiped {base / 'data'}: every object and the token are gone. "
          f"`{command_hint('up')}` starts an empty server with a new token.")
    return 0
