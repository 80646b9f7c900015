"""How long do paged lists of a large collection take? Prints figures; asserts nothing.

    .venv/bin/python bench/list_paging.py                  # 50 000 ConfigMaps
    .venv/bin/python bench/list_paging.py --count 10000    # a smaller store

Issue 12: ``kubectl get cm -A`` over 50 000 ConfigMaps took 19 s in pages of 500 (each page
rescanned the store) against 0.17 s for one raw list. The target: the paged ``kubectl`` under
3x one raw list plus kubectl's own printing (``kubectl get cm -A --chunk-size=0``: one list,
the same printing).

The ConfigMaps are written straight into a stopped server's store (``Store.put``, the server's
own write path, no HTTP: seconds, not minutes), in 10 namespaces, then the server starts on
that data dir. Timed, each the best of ``--repeat`` runs: one raw LIST (``requests``), the
same list in pages of 500 (``requests``, following ``continue``), and ``kubectl get cm -A``
with and without chunking (``kubectl`` from PATH, skipped if absent). For kubectl, its ``-v=6``
log splits the time: the server answering the list requests, and client-go's rate limiter
(5 requests/s after a burst of 10), which makes 100 pages take ~18 s against any API server.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mathctl.apiserver.storage.store import Store  # noqa: E402
from mathctl.apiserver.testing import EmbeddedServer  # noqa: E402

NAMESPACES = 10


def fill(data_dir: Path, count: int) -> None:
    """``count`` ConfigMaps (and their namespaces) written through the store, server stopped."""
    store = Store(data_dir / "objects.db")
    try:
        stamp = "2026-01-01T00:00:00Z"
        for n in range(NAMESPACES):
            name = f"bench-{n}"
            store.put("namespaces", {
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": name, "uid": str(uuid.uuid4()), "creationTimestamp": stamp,
                             "labels": {"kubernetes.io/metadata.name": name}},
                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        for i in range(count):
            store.put("configmaps", {
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": f"cm-{i:06}", "namespace": f"bench-{i % NAMESPACES}",
                             "uid": str(uuid.uuid4()), "creationTimestamp": stamp},
                "data": {"key": f"value-{i}"}})
    finally:
        store.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def best(repeat: int, run: Callable[[], Any], pid: int) -> tuple[float, float, Any]:
    """The best wall time of ``repeat`` runs, the server's CPU time in that run, the result."""
    runs = []
    for _ in range(repeat):
        cpu, started = cpu_seconds(pid), time.perf_counter()
        result = run()
        runs.append((time.perf_counter() - started, cpu_seconds(pid) - cpu, result))
    return min(runs, key=lambda r: r[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import requests

    with EmbeddedServer() as server:
        server.stop()
        started = time.perf_counter()
        fill(server.data_dir, args.count)
        print(f"wrote {args.count} ConfigMaps into the store in "
              f"{time.perf_counter() - started:.1f} s")
        server.start()
        session = requests.Session()
        session.trust_env = False
        session.verify = str(server.ca_cert)
        session.headers["Authorization"] = f"Bearer {server.token}"
        url = server.url + "/api/v1/configmaps"

        def raw() -> int:
            return len(session.get(url).json()["items"])

        def paged() -> tuple[int, int]:
            items, pages, token = 0, 0, ""
            while True:
                page = session.get(url, params={"limit": 500, **(
                    {"continue": token} if token else {})}).json()
                items += len(page["items"])
                pages += 1
                token = page["metadata"].get("continue", "")
                if not token:
                    return items, pages

        took, cpu, n = best(args.repeat, raw, server.pid)
        print(f"one raw LIST ({n} items):                    {took:6.2f} s  "
              f"(server CPU {cpu:.2f} s)")
        took, cpu, (n, pages) = best(args.repeat, paged, server.pid)
        print(f"LIST in pages of 500 ({n} items, {pages} pages):  {took:6.2f} s  "
              f"(server CPU {cpu:.2f} s)")
        if shutil.which("kubectl") is None:
            print("kubectl not on PATH: kubectl rows skipped")
            return
        for label, extra in (("kubectl get cm -A --chunk-size=0", ["--chunk-size=0"]),
                             ("kubectl get cm -A (pages of 500)", [])):
            def run(extra: list[str] = extra) -> tuple[int, float, float]:
                done = subprocess.run(
                    ["kubectl", "--kubeconfig", server.kubeconfig, "get", "cm", "-A", "-v=6",
                     *extra], capture_output=True, text=True, check=True, timeout=600)
                return (done.stdout.count("\n") - 1, *kubectl_waits(done.stderr))
            took, _, (n, served, throttled) = best(args.repeat, run, server.pid)
            print(f"{label:34} ({n} rows): {took:6.2f} s  (the server answering its lists: "
                  f"{served:.2f} s; kubectl's client-side throttling: {throttled:.2f} s)")


def kubectl_waits(log: str) -> tuple[float, float]:
    """From ``kubectl -v=6``: seconds spent in the list requests (``GET …configmaps… 200 OK
    in N milliseconds``) and in client-go's rate limiter (``Waited for …``; kubectl's client
    allows 5 requests/s after a burst of 10, against any API server)."""
    served = sum(float(m) for m in re.findall(r"configmaps\S* 200 OK in (\d+) millisecond",
                                                 log)) / 1000
    throttled = 0.0
    for amount, unit in re.findall(r"Waited for ([\d.]+)(ms|s) due to client-side throttling",
                                   log):
        throttled += float(amount) / (1000 if unit == "ms" else 1)
    return served, throttled

if __name__ == "__main__":
    main()
