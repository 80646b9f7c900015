"""How fast the controllers converge on the embedded API server, printed as tables.

Why it exists: the workshop promises that a Number's status appears "at once", that a
Fermat tree of a thousand objects builds in seconds, and that a deleted child is back before
you can look. This script measures those promises (tests never assert on timing):

1. create a Number → its status visible (the official client polling): p50 / p99 of 50;
2. create a Fermat(n) → the whole tree reports (``status.agrees`` set) for n = 13, 101, 1009,
   4999: objects created, API writes made by the operator, seconds, writes per object;
3. delete a Tuple's child by hand → the child exists again, and → the Tuple is ready again.

    python bench/controllers.py [--workers 4] [--fermat 13,101,1009,4999] [--numbers 50]

It starts its own embedded API server and runs the operator in this process, watching every
namespace; each part uses a fresh namespace.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import kopf
from kubernetes import client, watch
from kubernetes.client.exceptions import ApiException

from mathctl.apiserver.testing import EmbeddedServer
from mathctl.cluster import Cluster, wait_for
from mathctl.controllers.operator import configure_settings
from mathctl.controllers.runner import Operator
from mathctl.notebook.crds import apply_crds
from mathctl.resources.group import API_VERSION, GROUP, VERSION

PLURAL = {"Number": "numbers", "Tuple": "tuples", "Fermat": "fermats"}
FIELD = {"Number": "value", "Tuple": "numbers", "Fermat": "number"}


class Bench:
    def __init__(self, api: client.ApiClient, operator: Operator) -> None:
        self.api = api
        self.core = client.CoreV1Api(api)
        self.custom = client.CustomObjectsApi(api)
        self.operator = operator

    def namespace(self, prefix: str) -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:6]}"
        self.core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
        return name

    def create(self, ns: str, kind: str, name: str, value: Any) -> dict[str, Any]:
        body = {"apiVersion": API_VERSION, "kind": kind, "metadata": {"name": name},
                "spec": {FIELD[kind]: value}}
        return self.custom.create_namespaced_custom_object(  # type: ignore[no-any-return]
            GROUP, VERSION, ns, PLURAL[kind], body)

    def get(self, ns: str, kind: str, name: str) -> dict[str, Any] | None:
        try:
            return self.custom.get_namespaced_custom_object(  # type: ignore[no-any-return]
                GROUP, VERSION, ns, PLURAL[kind], name)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def poll(self, ns: str, kind: str, name: str, check: Callable[[dict[str, Any]], bool],
             timeout: float) -> float:
        """Seconds until ``check(obj)`` holds, polling as fast as the server answers."""
        start = time.perf_counter()

        def ok() -> bool:
            obj = self.get(ns, kind, name)
            return obj is not None and check(obj)

        wait_for(ok, timeout, f"{kind} {ns}/{name}", interval=0.0005)
        return time.perf_counter() - start

    def watch_until(self, ns: str, kind: str, name: str,
                    check: Callable[[dict[str, Any]], bool], timeout: float) -> float:
        """Seconds until ``check(obj)`` holds, watching the object (for long waits: polling a
        big object every half millisecond would slow down the very thing being measured)."""
        start = time.perf_counter()
        w = watch.Watch()
        for event in w.stream(self.custom.list_namespaced_custom_object, GROUP, VERSION, ns,
                              PLURAL[kind], field_selector=f"metadata.name={name}",
                              timeout_seconds=int(timeout)):
            if event["type"] in ("ADDED", "MODIFIED") and check(event["object"]):
                w.stop()
                return time.perf_counter() - start
        raise TimeoutError(f"{kind} {ns}/{name} did not get there within {timeout} s")


class WarningLog(logging.Handler):
    """Keeps every warning the reconcile loops log (retried failures), for the summary."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def current(obj: dict[str, Any]) -> bool:
    status = obj.get("status") or {}
    return bool(status.get("observedGeneration") == obj["metadata"].get("generation"))


def bench_numbers(b: Bench, count: int) -> None:
    ns = b.namespace("bench-numbers")
    b.create(ns, "Number", "warmup", 1)
    b.poll(ns, "Number", "warmup", current, 30)
    latencies = []
    for i in range(count):
        start = time.perf_counter()
        b.create(ns, "Number", f"n{i}", i * 7 - 100)
        b.poll(ns, "Number", f"n{i}", current, 30)
        latencies.append(time.perf_counter() - start)
    ms = [x * 1000 for x in latencies]
    print(f"\nNumber: create → status visible ({count} Numbers, one at a time)")
    print(f"  {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    print(f"  {percentile(ms, .5):8.1f} {percentile(ms, .9):8.1f} {percentile(ms, .99):8.1f} "
          f"{max(ms):8.1f}")


def bench_fermat(b: Bench, numbers: list[int]) -> None:
    print("\nFermat(n): create → whole tree reports (status.agrees set)")
    print(f"  {'n':>6} {'objects':>8} {'writes':>8} {'seconds':>8} {'writes/obj':>10} "
          f"{'reconciles':>10} {'conflicts':>9} {'resync writes':>13}")
    for n in numbers:
        ns = b.namespace(f"bench-fermat-{n}")
        stats = b.operator.stats
        writes0, reconciles0, conflicts0 = stats.writes, stats.reconciles, stats.conflicts
        b.create(ns, "Fermat", "f", n)
        seconds = b.watch_until(ns, "Fermat", "f", lambda o: current(o) and o["status"].get(
            "agrees") is not None, 600)
        resync = b.operator.resync(timeout=600)
        resync_writes = sum(len(o.writes) for _, o in resync)
        late = [o.summary() for _, o in resync if o.writes]
        stats = b.operator.stats
        objects = 1 + (n // 2 + 1) * 3
        writes = stats.writes - writes0 - resync_writes
        print(f"  {n:>6} {objects:>8} {writes:>8} {seconds:>8.2f} {writes / objects:>10.2f} "
              f"{stats.reconciles - reconciles0:>10} {stats.conflicts - conflicts0:>9} "
              f"{resync_writes:>13}")
        for line in late[:5]:  # a converged tree must not need these: show them if it did
            print(f"         resync wrote: {line}")
        b.core.delete_namespace(ns)


def bench_self_heal(b: Bench, rounds: int) -> None:
    ns = b.namespace("bench-heal")
    b.create(ns, "Tuple", "t", [1, 2, 3])
    b.poll(ns, "Tuple", "t", lambda o: (o.get("status") or {}).get("readyNumbers") == 3, 30)
    back, ready = [], []
    for _ in range(rounds):
        old = b.get(ns, "Number", "t-1") or {}
        uid = old["metadata"]["uid"]
        start = time.perf_counter()
        b.custom.delete_namespaced_custom_object(GROUP, VERSION, ns, "numbers", "t-1")
        b.poll(ns, "Number", "t-1", lambda o, u=uid: o["metadata"]["uid"] != u, 30)
        back.append((time.perf_counter() - start) * 1000)
        b.poll(ns, "Tuple", "t", lambda o: (o.get("status") or {}).get("readyNumbers") == 3
               and b.get(ns, "Number", "t-1") is not None
               and current(b.get(ns, "Number", "t-1") or {}), 30)
        ready.append((time.perf_counter() - start) * 1000)
    print(f"\nSelf-heal: delete child Number t-1 by hand ({rounds} times)")
    print(f"  {'':24} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label, values in (("child exists again", back), ("Tuple ready again", ready)):
        print(f"  {label:24} {statistics.median(values):8.1f} {percentile(values, .99):8.1f} "
              f"{max(values):8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--numbers", type=int, default=50)
    parser.add_argument("--fermat", default="13,101,1009,4999")
    parser.add_argument("--heal", type=int, default=20)
    args = parser.parse_args()
    with EmbeddedServer() as server:
        api = server.api_client()
        apply_crds(Cluster(api_client=api, kubeconfig=server.kubeconfig,
                           context=server.context, kind="embedded", server=server.url))
        warnings = WarningLog()
        logging.getLogger("mathctl.controllers").addHandler(warnings)
        with Operator(api, all_namespaces=True, resync=None, workers=args.workers) as op:
            print(f"operator: {args.workers} reconcile workers, embedded server {server.url}")
            settings = configure_settings(kopf.OperatorSettings())
            print("kopf settings: posting.enabled="
                  f"{settings.posting.enabled}, scanning.disabled={settings.scanning.disabled}, "
                  f"watching.server_timeout={settings.watching.server_timeout}, "
                  f"client_timeout={settings.watching.client_timeout}, "
                  f"networking.request_timeout={settings.networking.request_timeout}, "
                  f"process.ultimate_exiting_timeout="
                  f"{settings.process.ultimate_exiting_timeout}")
            b = Bench(api, op)
            bench_numbers(b, args.numbers)
            bench_self_heal(b, args.heal)
            bench_fermat(b, [int(x) for x in args.fermat.split(",") if x])
            print(f"\ntotals: {op.stats}")
            for line in warnings.messages[-8:]:
                print(f"  warning: {line}")
        api.close()


if __name__ == "__main__":
    main()
