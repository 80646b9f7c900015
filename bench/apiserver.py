"""How fast is the embedded API server? Prints tables; asserts nothing.

    .venv/bin/python bench/apiserver.py            # the full run (a few minutes)
    .venv/bin/python bench/apiserver.py --quick    # fewer operations, for a smoke check

Measured on a fresh server process (``EmbeddedServer``). The machine is shared (2 cores, other
sessions' load), so next to every wall-clock figure the table gives CPU time per operation,
which load does not change much: the server's (from ``/proc``) and the clients' (their own
``process_time``), and the 1-minute load average when the row was taken.

Clients are separate processes (never threads behind one GIL), started together at a barrier;
ops/s is all their operations over the span from the first start to the last finish.
Two kinds of client:

* ``requests`` — one keep-alive ``requests.Session`` per process, one request after another
  like a controller's client. This is "the same kind of Python client load" that issue 3's
  kube-apiserver figures were taken with, so these rows are the comparison. Such a client
  spends ~1 ms of CPU per request, twice or more what the server spends: on 2 cores, 4 of
  them are the bottleneck, not the server.
* ``http.client`` — the standard library's keep-alive connection, ~4x less client CPU per
  request: the same server under a lighter client, closer to what it can sustain.

What is measured:

* creates/s, merge-patches/s, status-patches/s, deletes/s and p50/p99 latency of custom
  resources (Numbers) for 1, 4 and 16 concurrent clients, with every write committed to SQLite
  before it is acknowledged (``synchronous=NORMAL``; one row with ``--fsync`` too);
* a LIST of 2 000 Numbers; watch delivery latency (write acknowledged → event read by a
  watcher) with 1 and 50 watchers (50 spread over 5 processes, as 50 controllers would be),
  and the server CPU per delivered event; time from process start to ``/readyz``; the
  server's RSS with 10 000 Numbers stored.

Targets (issue 3, against kube-apiserver v1.28 + etcd on the same machines): ≥ 800 writes/s
with 4 clients, LIST of 2 000 < 0.25 s, watch p99 < 20 ms, ready < 0.5 s, RSS < 250 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mathctl.apiserver.testing import EmbeddedServer  # noqa: E402

GROUP, VERSION = "math.mathctl.example", "v1beta1"
NS = "bench"
BASE = f"/apis/{GROUP}/{VERSION}/namespaces/{NS}/numbers"


def _session(url: str, token: str, ca: str) -> Any:
    import requests

    session = requests.Session()
    session.trust_env = False   # REQUESTS_CA_BUNDLE would override verify=
    session.verify = ca
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def _number(name: str, value: int) -> bytes:
    return json.dumps({"apiVersion": f"{GROUP}/{VERSION}", "kind": "Number",
                       "metadata": {"name": name}, "spec": {"value": value}}).encode()


def _connection(kind: str, url: str, token: str, ca: str) -> Any:
    """``request(method, path, body, content_type) -> (status, text)`` over one connection."""
    if kind == "requests":
        session = _session(url, token, ca)

        def with_requests(method: str, path: str, body: bytes | None,
                          content_type: str) -> tuple[int, str]:
            r = session.request(method, url + path, data=body,
                                headers={"Content-Type": content_type} if body else None)
            return r.status_code, r.text if r.status_code >= 300 else ""

        return with_requests
    import http.client
    import ssl

    conn = http.client.HTTPSConnection("127.0.0.1", int(url.rsplit(":", 1)[1]),
                                       context=ssl.create_default_context(cafile=ca))
    auth = {"Authorization": f"Bearer {token}"}

    def with_http_client(method: str, path: str, body: bytes | None,
                         content_type: str) -> tuple[int, str]:
        headers = {**auth, "Content-Type": content_type} if body else auth
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        text = r.read()
        return r.status, text.decode() if r.status >= 300 else ""

    return with_http_client


def _client(args: tuple[str, str, str, str, str, int, int, str, Any]
            ) -> tuple[list[float], float, float, float]:
    """One client process: ``count`` operations of one kind, started at the barrier.

    Returns (latencies, CPU seconds spent, monotonic start, monotonic end).
    """
    op, kind, url, token, ca, index, count, prefix, barrier = args
    request = _connection(kind, url, token, ca)
    request("GET", "/version", None, "")   # connect and handshake before the clock starts
    json_ct, merge_ct = "application/json", "application/merge-patch+json"
    latencies = []
    barrier.wait()
    cpu, begin = time.process_time(), time.monotonic()
    for i in range(count):
        name = f"{prefix}-{index}-{i}"
        start = time.perf_counter()
        if op == "create":
            code, text = request("POST", BASE, _number(name, i), json_ct)
        elif op == "patch":
            code, text = request("PATCH", f"{BASE}/{name}", json.dumps(
                {"spec": {"value": i + 1000}}).encode(), merge_ct)
        elif op == "status":
            code, text = request("PATCH", f"{BASE}/{name}/status", json.dumps(
                {"status": {"fizzBuzz": str(i), "isSquare": False}}).encode(), merge_ct)
        else:
            code, text = request("DELETE", f"{BASE}/{name}", None, "")
        latencies.append(time.perf_counter() - start)
        if code >= 300:
            raise RuntimeError(f"{op} {name}: {code} {text[:200]}")
    return latencies, time.process_time() - cpu, begin, time.monotonic()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


Row = tuple[str, float, float, float, float, float, float]


def writes(server: EmbeddedServer, clients: int, per_client: int, prefix: str, pool: Any,
           manager: Any, kind: str = "requests") -> list[Row]:
    """(operation, ops/s, p50 ms, p99 ms, server CPU ms/op, client CPU ms/op, load) per write."""
    rows = []
    for op in ("create", "patch", "status", "delete"):
        barrier = manager.Barrier(clients + 1)
        jobs = [(op, kind, server.url, server.token, str(server.ca_cert), c, per_client,
                 prefix, barrier) for c in range(clients)]
        pending = pool.map_async(_client, jobs, chunksize=1)
        barrier.wait(timeout=120)
        cpu = cpu_seconds(server.pid)
        results = pending.get(timeout=600)
        cpu = cpu_seconds(server.pid) - cpu
        latencies = [x for r in results for x in r[0]]
        span = max(r[3] for r in results) - min(r[2] for r in results)
        client_cpu = sum(r[1] for r in results)
        n = len(latencies)
        rows.append((op, n / span, _pct(latencies, 0.5) * 1000, _pct(latencies, 0.99) * 1000,
                     cpu / n * 1000, client_cpu / n * 1000, os.getloadavg()[0]))
    return rows


def _fill(server: EmbeddedServer, total: int, pool: Any, manager: Any, prefix: str,
          clients: int = 4) -> None:
    writes_of = total // clients
    barrier = manager.Barrier(clients + 1)
    pending = pool.map_async(_client, [
        ("create", "http.client", server.url, server.token, str(server.ca_cert), c, writes_of,
         prefix, barrier) for c in range(clients)], chunksize=1)
    barrier.wait(timeout=120)
    pending.get(timeout=600)


def list_time(server: EmbeddedServer, repeats: int = 10) -> tuple[float, int, float]:
    """(median seconds to GET and decode the list with ``requests``, items, server CPU s)."""
    session = _session(server.url, server.token, str(server.ca_cert))
    times, count = [], 0
    cpu = cpu_seconds(server.pid)
    for _ in range(repeats):
        start = time.perf_counter()
        r = session.get(server.url + BASE)
        body = r.json()
        times.append(time.perf_counter() - start)
        count = len(body["items"])
    return statistics.median(times), count, (cpu_seconds(server.pid) - cpu) / repeats


def _watchers(args: tuple[str, str, str, int, int, Any]) -> list[float]:
    """A process holding ``n`` watches; returns delivery latencies of ``expect`` events each."""
    url, token, ca, n, expect, ready = args
    import ssl

    import aiohttp

    async def main() -> list[float]:
        context = ssl.create_default_context(cafile=ca)
        latencies: list[float] = []
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"},
                                         connector=aiohttp.TCPConnector(ssl=context,
                                                                        limit=0)) as s:
            async def one() -> None:
                rv = (await (await s.get(url + BASE + "?limit=1")).json())["metadata"][
                    "resourceVersion"]
                async with s.get(f"{url}{BASE}?watch=1&resourceVersion={rv}",
                                 timeout=aiohttp.ClientTimeout(total=None)) as r:
                    ready.put(1)
                    seen = 0
                    async for line in r.content:
                        now = time.time()
                        event = json.loads(line)
                        sent = float(event["object"]["metadata"]["annotations"]["sent"])
                        latencies.append(now - sent)
                        seen += 1
                        if seen >= expect:
                            return

            await asyncio.gather(*(one() for _ in range(n)))
        return latencies

    return asyncio.run(main())


def watch_latency(server: EmbeddedServer, watchers: int, events: int, pool: Any,
                  manager: Any) -> tuple[float, float, float]:
    """(p50 ms, p99 ms, server CPU ms per delivered event) with ``watchers`` open watches."""
    session = _session(server.url, server.token, str(server.ca_cert))
    session.post(server.url + BASE, data=_number("watched", 0),
                 headers={"Content-Type": "application/json"})
    ready = manager.Queue()
    processes = min(watchers, 5)
    shares = [watchers // processes + (1 if i < watchers % processes else 0)
              for i in range(processes)]
    pending = pool.map_async(_watchers, [(server.url, server.token, str(server.ca_cert), n,
                                          events, ready) for n in shares], chunksize=1)
    for _ in range(watchers):
        ready.get(timeout=60)
    cpu = cpu_seconds(server.pid)
    for i in range(events):
        session.patch(f"{server.url}{BASE}/watched", data=json.dumps(
            {"metadata": {"annotations": {"sent": repr(time.time())}},
             "spec": {"value": i}}),
            headers={"Content-Type": "application/merge-patch+json"})
        time.sleep(0.01)  # a steady write rate, not a burst (pacing, not a wait)
    latencies = [x for r in pending.get(timeout=120) for x in r]
    cpu = cpu_seconds(server.pid) - cpu
    session.delete(f"{server.url}{BASE}/watched")
    return (_pct(latencies, 0.5) * 1000, _pct(latencies, 0.99) * 1000,
            cpu / len(latencies) * 1000)


def ready_time(repeats: int = 5) -> tuple[float, float]:
    """Median (wall seconds, server CPU seconds) from spawn to an answered /readyz."""
    times, cpus = [], []
    with EmbeddedServer() as first:   # the data dir and its certificates exist
        first.stop()
        for _ in range(repeats):
            start = time.perf_counter()
            first.start()
            times.append(time.perf_counter() - start)
            cpus.append(cpu_seconds(first.pid))
            first.stop()
    return statistics.median(times), statistics.median(cpus)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare(server: EmbeddedServer) -> None:
    import yaml

    session = _session(server.url, server.token, str(server.ca_cert))
    crd = yaml.safe_load((ROOT / "crds" / "number.yaml").read_text())
    session.post(server.url + "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                 json=crd).raise_for_status()
    session.post(server.url + "/api/v1/namespaces",
                 json={"metadata": {"name": NS}}).raise_for_status()
    deadline = time.monotonic() + 10
    while session.get(server.url + BASE).status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("the Number CRD was not served")
        time.sleep(0.01)


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer operations")
    args = parser.parse_args()
    per_op = 150 if args.quick else 600
    load_before = _load()
    ctx = mp.get_context("spawn")
    rows: list[list[str]] = []
    runs = [("requests", False, 1), ("requests", False, 4), ("requests", False, 16),
            ("requests", True, 4), ("http.client", False, 4)]
    with ctx.Pool(16) as pool, ctx.Manager() as manager:
        for kind, fsync, clients in runs:
            extra = ("--fsync",) if fsync else ()
            with EmbeddedServer(extra_args=extra) as server:
                prepare(server)
                for op, rate, p50, p99, cpu, client_cpu, load in writes(
                        server, clients, max(1, per_op // clients), "w", pool, manager, kind):
                    rows.append([kind, str(clients), "FULL" if fsync else "NORMAL", op,
                                 f"{rate:.0f}", f"{p50:.1f}", f"{p99:.1f}", f"{cpu:.2f}",
                                 f"{client_cpu:.2f}", f"{load:.1f}"])
        table("Writes of Numbers (each acknowledged after its SQLite commit)",
              ["client", "clients", "synchronous", "operation", "ops/s", "p50 ms", "p99 ms",
               "server CPU ms/op", "client CPU ms/op", "load"], rows)
        for kind in ("requests", "http.client"):
            mine = [r for r in rows if r[:3] == [kind, "4", "NORMAL"]]
            server_ms = statistics.mean(float(r[7]) for r in mine)
            client_ms = statistics.mean(float(r[8]) for r in mine)
            print(f"4 {kind} clients: the server spends {server_ms:.2f} ms of CPU per write "
                  f"(≈ {1000 / server_ms:.0f} writes/s on one free core), each client "
                  f"{client_ms:.2f} ms; on 2 free cores both together allow ≈ "
                  f"{2000 / (server_ms + client_ms):.0f} writes/s.")
        other: list[list[str]] = []
        with EmbeddedServer() as server:
            prepare(server)
            _fill(server, 2000, pool, manager, "l")
            seconds, count, cpu = list_time(server)
            other.append([f"LIST of {count} Numbers (requests, incl. decoding)",
                          f"{seconds * 1000:.0f} ms (server CPU {cpu * 1000:.0f} ms)",
                          "< 250 ms"])
            for watchers in (1, 50):
                p50, p99, cpu = watch_latency(server, watchers, 100 if args.quick else 300,
                                              pool, manager)
                other.append([f"watch delivery, {watchers} watcher(s)",
                              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (server CPU "
                              f"{cpu * 1000:.0f} µs/event)", "p99 < 20 ms"])
            _fill(server, 8000, pool, manager, "r")
            other.append(["RSS with 10 000 Numbers", f"{rss_mb(server.pid):.0f} MB",
                          "< 250 MB"])
        wall, cpu = ready_time()
        other.append(["process start → /readyz", f"{wall * 1000:.0f} ms (server CPU "
                      f"{cpu * 1000:.0f} ms)", "< 500 ms"])
    table("Reads, watches, start-up, memory", ["measure", "result", "target"], other)
    print(f"\nload average before: {load_before}; after: {_load()} "
          f"(on {os.cpu_count()} CPUs; other work on the machine slows every wall-clock figure)")
    return 0


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
