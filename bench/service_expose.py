"""What one ServiceExpose pass costs: the pure plan, and the reconcile on the embedded server.

Why it exists: the capstone's claim is that a converged ServiceExpose costs reads and no write,
and that deciding is cheap enough to run on every event. This prints, for N ServiceExposes
(tests never assert on timing):

1. the pure ``plan`` (desired Ingress + diff + conditions) per call, for an Ingress that is
   absent, equal, drifted and not owned;
2. ``reconcile_service_expose`` on the embedded API server: the first pass (create the Ingress,
   write the status), a converged pass (three GETs, no write), and a pass after the Ingress was
   edited by hand (one update): milliseconds p50 / p99 and writes per pass.

    python bench/service_expose.py [--count 200]

It starts its own embedded API server (ephemeral port, temporary data) and stops it at the end.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kubernetes import client

from mathctl.apiserver.testing import EmbeddedServer
from mathctl.controllers.service_expose import reconcile_service_expose
from mathctl.core.expose import desired_ingress, plan
from mathctl.notebook.checks_expose import sample_service_expose
from mathctl.notebook.crds import apply_crds
from mathctl.resources.service_expose import GROUP, PLURAL, TLS, VERSION

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Milliseconds for each of ``repeat`` calls of ``fn``."""
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def row(label: str, ms: list[float], writes: str = "") -> str:
    return (f"| {label:<34} | {len(ms):>5} | {statistics.median(ms):>9.3f} | "
            f"{p(ms, 0.99):>9.3f} | {writes:>12} |")


HEADER = ("| case                               |     n |  p50 (ms) |  p99 (ms) | writes/pass  |\n"
          "|------------------------------------|-------|-----------|-----------|--------------|")


def pure(count: int) -> list[str]:
    se = sample_service_expose(tls=TLS(enabled=True), annotations={"a": "1"})
    want = desired_ingress(se, "ns1")
    stored = {**want, "metadata": {**want["metadata"], "resourceVersion": "7", "uid": "u"}}
    drifted = {**stored, "spec": {**stored["spec"], "rules": [
        {**stored["spec"]["rules"][0], "host": "x.example.com"}]}}
    foreign = {**stored, "metadata": {**stored["metadata"], "ownerReferences": []}}
    cases = {"absent": None, "equal": stored, "drifted": drifted, "not owned": foreign}
    return [row(f"plan, Ingress {name}", timed(lambda c=current: plan(
        se, "ns1", c, None, now=NOW), count * 10)) for name, current in cases.items()]


def on_server(count: int) -> list[str]:
    with EmbeddedServer() as server:
        api = server.api_client()
        apply_crds(api)
        core, custom = client.CoreV1Api(api), client.CustomObjectsApi(api)
        net = client.NetworkingV1Api(api)
        core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="bench")))
        names = [f"app-{i}" for i in range(count)]
        for name in names:
            custom.create_namespaced_custom_object(GROUP, VERSION, "bench", PLURAL, {
                "apiVersion": f"{GROUP}/{VERSION}", "kind": "ServiceExpose",
                "metadata": {"name": name},
                "spec": {"backend": {"service": {"name": name, "port": {"number": 80}}},
                         "domain": "example.com"}})
        rows = []
        for label in ("first pass (create)", "converged pass", "after a hand edit"):
            if label == "after a hand edit":
                for name in names:
                    ingress = net.read_namespaced_ingress(name, "bench")
                    ingress.spec.rules[0].host = "hand.example.com"
                    net.replace_namespaced_ingress(name, "bench", ingress)
            ms, writes = [], 0
            for name in names:
                t0 = time.perf_counter()
                outcome = reconcile_service_expose(api, "bench", name)
                ms.append((time.perf_counter() - t0) * 1000)
                writes += len(outcome.writes)
            rows.append(row(f"reconcile, {label}", ms, f"{writes / len(names):.2f}"))
        api.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="ServiceExposes (default 200)")
    args = parser.parse_args()
    print(HEADER)
    for line in pure(args.count) + on_server(args.count):
        print(line, flush=True)


if __name__ == "__main__":
    main()
