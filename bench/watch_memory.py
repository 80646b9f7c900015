"""Does the server's memory stay bounded when watchers stop reading? Prints; asserts nothing.

    .venv/bin/python bench/watch_memory.py                 # 4 stalled watchers, 10 KB patches
    .venv/bin/python bench/watch_memory.py --seconds 20    # a shorter load
    .venv/bin/python bench/watch_memory.py --big           # 500 patches of a 0.9 MB ConfigMap

Issue 12's load: a fresh server (``EmbeddedServer``), a 10 KB ConfigMap, 4 watches opened over
raw TLS sockets that send the request and never read a byte, then one client merge-patching
the ConfigMap as fast as it can for ``--seconds``. The server's RSS (``/proc/<pid>/status``)
is printed before the load, at its end, and after the 4 sockets are closed (once the server
answers again). ``--big`` is the history case: no watchers, 500 patches of a 0.9 MB ConfigMap.
The target (issue 12): under 300 MB with 4 stalled watchers.
"""

from __future__ import annotations

import argparse
import socket
import ssl
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mathctl.apiserver.testing import EmbeddedServer  # noqa: E402

PATH = "/api/v1/namespaces/default/configmaps"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def stalled_watch(server: EmbeddedServer) -> ssl.SSLSocket:
    """A watch request on a socket that is never read from."""
    context = ssl.create_default_context(cafile=str(server.ca_cert))
    raw = socket.create_connection(("127.0.0.1", server.port))
    # A small receive buffer, as a client that stopped reading long ago would have filled.
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
    sock.sendall((f"GET {PATH}?watch=1&resourceVersion=0 HTTP/1.1\r\n"
                  f"Host: 127.0.0.1:{server.port}\r\nAuthorization: Bearer {server.token}\r\n"
                  "\r\n").encode())
    return sock


def session(server: EmbeddedServer) -> Any:
    import requests

    s = requests.Session()
    s.trust_env = False   # REQUESTS_CA_BUNDLE would override verify=
    s.headers["Authorization"] = f"Bearer {server.token}"
    s.verify = str(server.ca_cert)
    return s


def patch_loop(server: EmbeddedServer, size: int, *, seconds: float, count: int) -> int:
    """Create one ConfigMap of ``size`` bytes and patch it until time or count runs out."""
    s = session(server)
    url = server.url + PATH
    s.post(url, json={"metadata": {"name": "load"}, "data": {"blob": "x" * size, "n": "0"}}
           ).raise_for_status()
    headers = {"Content-Type": "application/merge-patch+json"}
    done, end = 0, time.monotonic() + seconds
    while done < count and time.monotonic() < end:
        done += 1
        body = {"data": {"n": str(done), "blob": str(done % 10) * size}}
        s.patch(f"{url}/load", json=body, headers=headers).raise_for_status()
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--watchers", type=int, default=4)
    parser.add_argument("--big", action="store_true", help="500 patches of a 0.9 MB ConfigMap")
    args = parser.parse_args()
    with EmbeddedServer() as server:
        session(server).get(server.url + PATH).raise_for_status()
        before = rss_mb(server.pid)
        if args.big:
            patches = patch_loop(server, 900_000, seconds=600, count=500)
            print(f"500 patches of a 0.9 MB ConfigMap: {patches} done")
            print(f"server RSS  before: {before:.0f} MB   after: {rss_mb(server.pid):.0f} MB")
            return
        socks = [stalled_watch(server) for _ in range(args.watchers)]
        started = time.monotonic()
        patches = patch_loop(server, 10_000, seconds=args.seconds, count=10**9)
        took = time.monotonic() - started
        loaded = rss_mb(server.pid)
        for sock in socks:
            sock.close()
        session(server).get(server.url + PATH).raise_for_status()
        closed = rss_mb(server.pid)
        print(f"{args.watchers} stalled watchers, {patches} patches of a 10 KB ConfigMap "
              f"in {took:.0f} s")
        print(f"server RSS  before: {before:.0f} MB   end of load: {loaded:.0f} MB   "
              f"after the watchers closed: {closed:.0f} MB")


if __name__ == "__main__":
    main()
