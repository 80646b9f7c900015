"""The learner's controllers beside the package's: same operator, same trees, what does it cost?

Why it exists: a learner's ``reconcile_*`` runs in the operator through
:func:`mathctl.controllers.learner.as_reconcile` — it reads the server (no cache) and its
writes are counted on the wire. This script builds the same Fermat trees with the package's
model answers and with a correct learner-style file (``tests/controllers/learner_examples.py``,
raw official-client calls), and prints for each: seconds until ``wait_settled``, the API writes
made, reconciles run, and the writes of a resync once converged (must be 0 for both).

    python bench/learner.py [--fermat 13,101] [--workers 4]

It starts its own embedded API server and runs the operator in this process; each run uses a
fresh namespace. Tests never assert on these figures.
"""

from __future__ import annotations

import argparse
import time
import uuid
from pathlib import Path

from kubernetes import client

from mathctl.apiserver.testing import EmbeddedServer
from mathctl.controllers.runner import Operator
from mathctl.notebook.crds import apply_crds
from mathctl.notebook.settle import wait_settled
from mathctl.resources.group import API_VERSION, FERMAT, GROUP, VERSION

ROOT = Path(__file__).resolve().parent.parent
LEARNER_FILE = ROOT / "tests" / "controllers" / "learner_examples.py"


def build(api: client.ApiClient, n: int, controllers: Path | None, workers: int) -> str:
    core, custom = client.CoreV1Api(api), client.CustomObjectsApi(api)
    ns = f"bench-learner-{uuid.uuid4().hex[:6]}"
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
    operator = Operator(api, namespace=ns, resync=None, workers=workers,
                        controllers=controllers).start()
    try:
        t0 = time.perf_counter()
        custom.create_namespaced_custom_object(GROUP, VERSION, ns, FERMAT.plural, {
            "apiVersion": API_VERSION, "kind": FERMAT.kind, "metadata": {"name": "f"},
            "spec": {"number": n}})
        snapshot = wait_settled(api, ns, timeout=300)
        seconds = time.perf_counter() - t0
        stats = operator.stats
        writes, reconciles = stats.writes, stats.reconciles
        resync = operator.resync(timeout=120)
        resync_writes = sum(len(o.writes) for _, o in resync)
    finally:
        operator.stop()
        core.delete_namespace(ns)
    who = "learner" if controllers else "package"
    return (f"{who:8} {n:6} {len(snapshot.all()):8} {seconds:8.2f} {writes:7} {reconciles:10} "
            f"{resync_writes:13}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fermat", default="13,101", help="comma-separated Fermat numbers")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    sizes = [int(x) for x in args.fermat.split(",")]
    with EmbeddedServer() as server:
        api = server.api_client()
        apply_crds(api)
        print(f"{'code':8} {'n':>6} {'objects':>8} {'seconds':>8} {'writes':>7} "
              f"{'reconciles':>10} {'resync writes':>13}")
        for n in sizes:
            for controllers in (None, LEARNER_FILE):
                print(build(api, n, controllers, args.workers), flush=True)
        api.close()


if __name__ == "__main__":
    main()
