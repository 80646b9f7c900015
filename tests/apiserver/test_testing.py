"""``EmbeddedServer``: restart keeps the data dir, the port and the token."""

from __future__ import annotations

from kubernetes import client

from mathctl.apiserver.testing import EmbeddedServer


def test_restart_keeps_port_data_and_token() -> None:
    with EmbeddedServer() as server:
        url, token, pid = server.url, server.token, server.pid
        core = client.CoreV1Api(server.api_client())
        core.create_namespaced_config_map("default", {"metadata": {"name": "kept"}})
        server.restart()
        assert (server.url, server.token) == (url, token) and server.pid != pid
        again = client.CoreV1Api(server.api_client())
        assert again.read_namespaced_config_map("kept", "default").metadata.name == "kept"
        root = server.root
    assert not root.exists(), "the temporary data dir is removed"
