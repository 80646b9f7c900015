"""Durability: every acknowledged write survives ``kill -9`` and a restart, uid and all."""

from __future__ import annotations

from kubernetes import client

from mathctl.apiserver.store import Store
from mathctl.apiserver.testing import EmbeddedServer


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
