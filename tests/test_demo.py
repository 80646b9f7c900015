"""``mathctl demo`` tells the whole story against a real (embedded) API server."""

from __future__ import annotations

import io

from kubernetes import client
from rich.console import Console

from mathctl.cluster import Cluster
from mathctl.demo import NAMESPACE, run


def test_the_demo_runs_every_stage_and_removes_its_namespace(cluster: Cluster) -> None:
    out = io.StringIO()
    assert run(cluster, Console(file=out, width=100, color_system=None)) == 0
    text = out.getvalue()
    for stage in ("10 · a cluster", "20 · the Number resource", "30 · the FizzBuzz controller",
                  "40 · event switch vs reconcile loop", "50 · the Tuple parent",
                  "60 · the Fermat grand-parent", "70 · idempotency"):
        assert stage in text
    assert "converged: reconcile loop 9 of 9, event switch 4 of 9" in text
    assert "The tree found [(2, 3)]; the pure two_squares(13) says [(2, 3)]; agrees: True." in text
    assert "made 0 writes." in text
    names = [ns.metadata.name for ns in client.CoreV1Api(cluster.api_client).list_namespace().items
             if ns.metadata.deletion_timestamp is None]
    assert NAMESPACE not in names  # deleted (or terminating, on a real cluster)
