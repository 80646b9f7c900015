"""The list-then-watch snapshot behind the live views, against a real API server."""

from __future__ import annotations

import threading

from kubernetes import client

from mathctl.cluster import Cluster, wait_for
from mathctl.resources.group import GROUP, NUMBER, VERSION
from mathctl.views.snapshot import Snapshot
from mathctl.views.watcher import SnapshotWatcher

from .test_snapshot import create_number


def _names(snapshot: Snapshot) -> list[str]:
    return [o["metadata"]["name"] for o in snapshot.items(NUMBER)]


def test_watcher_follows_adds_updates_and_deletes(cluster: Cluster, crds: list[str],
                                                  namespace: str) -> None:
    create_number(cluster.api_client, namespace, "before", 1)  # listed, not watched
    seen: list[Snapshot] = []
    changed = threading.Event()

    def on_change(snapshot: Snapshot) -> None:
        seen.append(snapshot)
        changed.set()

    watcher = SnapshotWatcher(cluster.api_client, namespace, on_change=on_change,
                              min_interval=0.01)
    watcher.start()
    try:
        wait_for(lambda: seen and _names(seen[-1]) == ["before"], 10, "the initial list")
        create_number(cluster.api_client, namespace, "after", 2)
        wait_for(lambda: _names(seen[-1]) == ["after", "before"], 10, "the ADDED event")
        api = client.CustomObjectsApi(cluster.api_client)
        api.patch_namespaced_custom_object_status(GROUP, VERSION, namespace, NUMBER.plural,
                                                  "after", {"status": {"fizzBuzz": "2"}})
        wait_for(lambda: any(o.get("status", {}).get("fizzBuzz") == "2"
                             for o in seen[-1].items(NUMBER)), 10, "the MODIFIED event")
        api.delete_namespaced_custom_object(GROUP, VERSION, namespace, NUMBER.plural, "before")
        wait_for(lambda: _names(seen[-1]) == ["after"], 10, "the DELETED event")
        assert watcher.errors == []
    finally:
        watcher.stop(timeout=5)
    assert not watcher.running  # stop() interrupts the open watches instead of waiting them out
