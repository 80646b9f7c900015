"""Durability: every acknowledged write survives ``kill -9`` and a restart, uid and all; the WAL
is checkpointed by the store's own thread."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from kubernetes import client

from mathctl.apiserver.storage.store import Store
from mathctl.apiserver.testing import EmbeddedServer
from mathctl.cluster import wait_for

pytestmark = pytest.mark.embedded_only(
    "kill -9 and restart of the embedded process, and its SQLite/WAL files")


def test_acknowledged_writes_survive_kill_9(private_server: EmbeddedServer) -> None:
    core = client.CoreV1Api(private_server.api_client())
    made = [core.create_namespaced_config_map("default", {"metadata": {"name": f"c{i}"},
                                                          "data": {"i": str(i)}})
            for i in range(30)]
    core.delete_namespaced_config_map("c0", "default")
    last = core.patch_namespaced_config_map("c1", "default", {"data": {"i": "patched"}})
    private_server.kill()
    private_server.start()
    core = client.CoreV1Api(private_server.api_client())
    after = {c.metadata.name: c for c in core.list_namespaced_config_map("default").items}
    assert "c0" not in after
    assert after["c1"].data == {"i": "patched"}
    assert after["c1"].metadata.resource_version == last.metadata.resource_version
    for obj in made[2:]:
        got = after[obj.metadata.name]
        assert (got.metadata.uid, got.metadata.resource_version) == (
            obj.metadata.uid, obj.metadata.resource_version)
    # The resourceVersion counter went on from where it was, past the delete too.
    fresh = core.create_namespaced_config_map("default", {"metadata": {"name": "fresh"}})
    assert int(fresh.metadata.resource_version) > int(last.metadata.resource_version)


def test_counter_survives_a_delete_of_the_newest_object(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "objects.db")
    store.put("configmaps", {"metadata": {"name": "a", "namespace": "x"}})
    store.delete("configmaps", "x", "a")
    assert store.rv == 2
    store.close()
    reopened = Store(tmp_path / "objects.db")
    assert reopened.rv == 2 and reopened.get("configmaps", "x", "a") is None
    reopened.close()


def test_the_wal_is_checkpointed_by_the_thread(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "objects.db")
    store.checkpointer.every = 10
    for i in range(25):
        store.put("configmaps", {"metadata": {"name": f"c{i}", "namespace": "x"},
                                 "data": {"i": "x" * 1000}})

    def rows_in_the_database_file() -> int:
        """Rows in a copy of the database file alone, without the WAL beside it."""
        shutil.copy(tmp_path / "objects.db", tmp_path / "copy.db")
        # immutable: read the file as it is, no -wal or -shm of its own either
        copied = sqlite3.connect(f"file:{tmp_path / 'copy.db'}?immutable=1", uri=True)
        try:
            return int(copied.execute("SELECT count(*) FROM objects").fetchone()[0])
        except sqlite3.DatabaseError:   # not even the table there yet, or a copy mid-write
            return 0
        finally:
            copied.close()

    # Automatic checkpoints are off: only the thread can have copied the 20 (at least) rows.
    wait_for(lambda: rows_in_the_database_file() >= 20, what="the thread's checkpoints")
    assert store.checkpointer.done >= 1
    store.close()
    assert not store.checkpointer._thread.is_alive()


def test_sorted_keys_follow_etcd_order_and_objects_added_or_removed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """etcd lists /registry/<resource>/<ns>/<name> in byte order: "a-b/x" before "a/x"."""
    store = Store(tmp_path / "objects.db")
    try:
        for namespace, name in [("a", "y"), ("a-b", "x"), ("a", "x")]:
            store.put("configmaps", {"metadata": {"name": name, "namespace": namespace}})
        assert store.sorted_keys("configmaps", None) == ["a-b/x", "a/x", "a/y"]
        assert store.sorted_keys("configmaps", "a") == ["x", "y"]
        store.put("configmaps", {"metadata": {"name": "w", "namespace": "a"}})
        store.delete("configmaps", "a-b", "x")
        assert store.sorted_keys("configmaps", None) == ["a/w", "a/x", "a/y"]
        assert store.sorted_keys("configmaps", "a") == ["w", "x", "y"]
        entry = store.by_key("configmaps", None, "a/w")
        assert entry is not None and entry.obj["metadata"]["name"] == "w"
        store.put("namespaces", {"metadata": {"name": "n"}})
        assert store.sorted_keys("namespaces", None) == ["n"]
    finally:
        store.close()
