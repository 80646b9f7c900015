"""``python -m mathctl.apiserver --port N --data-dir D``: the embedded API server process.

Started in the background by ``mathctl up`` and by ``testing.EmbeddedServer``; it binds
127.0.0.1 only, so nothing off this machine can reach it. It speaks HTTPS with a certificate
made for its data dir (``certs.py``: kubectl sends a bearer token only over TLS), and every API
request needs the data dir's bearer token, so other local users cannot use it without the
kubeconfig (mode 0600). Once listening, it prints one JSON line on
stdout (``{"port": …, "pid": …}``) so its starter learns the port, then logs to stderr only;
if the port is taken it prints ``{"error": "port-in-use", "port": …}`` and exits with code 3.
``--exit-with-parent FD`` (``EmbeddedServer`` passes it, ``mathctl up`` does not) ties the server
to its starter: FD is the read end of a pipe whose write end only the starter holds; when the
starter ends, however it ends (even ``kill -9``), the pipe reads end-of-file and the server stops.
Imports are kept light (no kubernetes client, no yaml until needed) so it is ready fast.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import logging
import os
import signal
import socket
import ssl
import sys
from pathlib import Path
from typing import Any

EXIT_PORT_IN_USE = 3


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m mathctl.apiserver", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any)")
    parser.add_argument("--data-dir", type=Path, required=True, help="where objects are kept")
    parser.add_argument("--watch-history", type=int, default=10_000,
                        help="events kept per resource for watches that resume from a "
                             "resourceVersion")
    parser.add_argument("--watch-history-bytes", type=int, default=64 << 20,
                        help="encoded bytes of events kept for resuming watches, all resources "
                             "together (default 64 MiB)")
    parser.add_argument("--fsync", action="store_true",
                        help="fsync every commit (synchronous=FULL): survives power loss too")
    parser.add_argument("--exit-with-parent", type=int, default=None, metavar="FD",
                        help="stop when this inherited pipe closes (its writer, the starter, "
                             "ended)")
    return parser.parse_args(argv)


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Rebinding right after a restart must not fail on connections still in TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _watch_lifeline(loop: asyncio.AbstractEventLoop, fd: int, stop: asyncio.Event) -> None:
    """Set ``stop`` once the pipe ``fd`` reads end-of-file: nobody holds its write end any more.

    The starter never writes; the kernel closes its end when it exits or is killed, so this
    needs no polling. If the starter died before this line, the EOF is already there.
    """
    os.set_blocking(fd, False)

    def readable() -> None:
        try:
            data = os.read(fd, 64)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            logging.getLogger(__name__).warning("the process that started this server ended; "
                                                "stopping")
            loop.remove_reader(fd)
            os.close(fd)
            stop.set()

    loop.add_reader(fd, readable)


def _announce(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()
    # Nothing else goes to stdout: the starter may have closed its end of the pipe.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


async def serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from mathctl.apiserver import certs
    from mathctl.apiserver.endpoints.decode import MAX_BODY_BYTES
    from mathctl.apiserver.server import build

    try:
        sock = _bind(args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            _announce({"error": "port-in-use", "port": args.port})
            return EXIT_PORT_IN_USE
        raise
    port = sock.getsockname()[1]
    server = build(args.data_dir, watch_history=args.watch_history,
                   watch_history_bytes=args.watch_history_bytes, fsync=args.fsync)
    server.api.address = f"127.0.0.1:{port}"
    _, cert_path, key_path = certs.ensure(args.data_dir)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_path, key_path)
    # MATHCTL_APISERVER_LOG=INFO logs every request to stderr (the server log).
    access_log = logging.getLogger("mathctl.apiserver.access")
    http = web.Server(server.api, access_log=access_log
                      if access_log.isEnabledFor(logging.INFO) else None)

    def request_factory(*args: Any) -> web.BaseRequest:
        # kube's --max-request-body-bytes (3 MiB); aiohttp's own default is 1 MiB. One byte
        # more, so a body of exactly the limit is read and the handler's check answers 413.
        return web.BaseRequest(*args, loop=asyncio.get_running_loop(),
                               client_max_size=MAX_BODY_BYTES + 1)

    http.request_factory = request_factory
    runner = web.ServerRunner(http,
                              handle_signals=False,
                              shutdown_timeout=0.5)
    await runner.setup()
    site = web.SockSite(runner, sock, shutdown_timeout=0.5, ssl_context=tls)
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.exit_with_parent is not None:
        _watch_lifeline(loop, args.exit_with_parent, stop)
    _announce({"port": port, "pid": os.getpid()})
    await stop.wait()
    await runner.cleanup()
    server.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=os.environ.get("MATHCTL_APISERVER_LOG", "WARNING"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    try:
        # uvloop's event loop and TLS cost ~15% less server CPU per request than asyncio's
        # (bench/apiserver.py); it is a dependency wherever it installs (not on Windows).
        import uvloop
    except ImportError:
        return asyncio.run(serve(args))
    return uvloop.run(serve(args))


if __name__ == "__main__":
    raise SystemExit(main())
