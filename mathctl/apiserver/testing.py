"""``EmbeddedServer``: a fresh, private API server process for one test session or notebook.

It starts ``python -m mathctl.apiserver`` on an ephemeral port with its own temporary data dir
and kubeconfig, and offers what tests need to exercise a real server: ``.api_client()`` (the
official client, configured), ``.kill()`` (SIGKILL, for durability tests), ``.restart()`` (on the
same data dir and port) and ``.stop()``. The server dies with the process that started it (a
pipe only this process holds the write end of: ``--exit-with-parent``), so a test run or kernel
that is killed leaves no server behind; ``mathctl up``'s server is the one meant to outlive
its shell. ``tests/conftest.py`` builds its ``cluster`` fixture
on it; the conformance tests in ``tests/apiserver/`` start their own.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from mathctl.apiserver.lifecycle import CONTEXT, Endpoint, spawn, write_kubeconfig

if TYPE_CHECKING:
    from kubernetes.client import ApiClient


class EmbeddedServer(Endpoint):
    """A server process on 127.0.0.1 with its own data dir; use as a context manager."""

    def __init__(self, *, data_dir: Path | str | None = None,
                 extra_args: tuple[str, ...] = ()) -> None:
        self._own_dir = data_dir is None
        self.root = Path(tempfile.mkdtemp(prefix="mathctl-apiserver-")) if data_dir is None \
            else Path(data_dir)
        self.data_dir = self.root / "data"
        self.extra_args = extra_args
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self._lifeline = -1   # the write end of the server's --exit-with-parent pipe

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> EmbeddedServer:
        if self.proc is not None and self.proc.poll() is None:
            return self
        self._let_go()
        read_end, self._lifeline = os.pipe()   # neither end is inherited by other children
        try:
            self.proc, self.port = spawn(self.data_dir, self.port,
                                         log_path=self.root / "server.log",
                                         extra_args=self.extra_args, lifeline=read_end)
        except BaseException:
            self._let_go()
            raise
        finally:
            os.close(read_end)
        write_kubeconfig(Path(self.kubeconfig), self.url, self.token, self.ca_cert)
        return self

    def stop(self) -> None:
        """SIGTERM and wait (a clean shutdown)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._let_go()

    def kill(self) -> None:
        """SIGKILL, like ``kill -9``: no chance to flush anything."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._let_go()

    def _let_go(self) -> None:
        """Close this side of the lifeline (a server still running then stops by itself)."""
        if self._lifeline >= 0:
            os.close(self._lifeline)
            self._lifeline = -1

    def restart(self) -> EmbeddedServer:
        """Stop if running, then start again on the same data dir and port."""
        self.stop()
        return self.start()

    def close(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- access --------------------------------------------------------------------------

    @property
    def pid(self) -> int:
        assert self.proc is not None, "the server was not started"
        return self.proc.pid

    @property
    def kubeconfig(self) -> str:
        return str(self.root / "kubeconfig")

    @property
    def context(self) -> str:
        return CONTEXT

    def api_client(self, **configuration: Any) -> ApiClient:
        """An official-client ``ApiClient`` for this server (extra Configuration attributes ok)."""
        from kubernetes import client

        config = client.Configuration()
        config.host = self.url
        config.ssl_ca_cert = str(self.ca_cert)
        config.api_key = {"authorization": f"Bearer {self.token}"}
        for key, value in configuration.items():
            setattr(config, key, value)
        return client.ApiClient(config)
