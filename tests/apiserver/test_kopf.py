"""kopf, unchanged, against the cluster under test: a minimal operator sees create, update, delete.

Run the way ``FACTS.md`` says kopf runs in a notebook: its own thread and event loop, a fresh
``OperatorRegistry``, a login handler, ``ready_flag``/``stop_flag``. The operator adds its
finalizer, patches status and posts events, so this exercises merge patches, finalizers,
watches and the events API the way a real cluster would be used.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import kopf
import pytest
from kubernetes import client

from mathctl.cluster import Cluster, wait_for

from .kube import GROUP, VERSION, bearer_of, number


@pytest.fixture
def operator(target: Cluster, crds: list[str], namespace: str
             ) -> Iterator[list[tuple[str, str]]]:
    seen: list[tuple[str, str]] = []
    registry = kopf.OperatorRegistry()
    config = target.api_client.configuration

    @kopf.on.login(registry=registry)
    def login(**_: Any) -> kopf.ConnectionInfo:
        token = bearer_of(config)
        return kopf.ConnectionInfo(server=config.host, ca_path=config.ssl_ca_cert,
                                   scheme="Bearer" if token else None, token=token,
                                   certificate_path=config.cert_file,
                                   private_key_path=config.key_file)

    @kopf.on.create(GROUP, VERSION, "numbers", registry=registry)
    def created(name: str, spec: dict[str, Any], patch: kopf.Patch, body: kopf.Body,
                **_: Any) -> None:
        seen.append(("create", name))
        patch.setdefault("status", {})["fizzBuzz"] = str(spec["value"])
        kopf.info(body, reason="Seen", message=f"value {spec['value']}")

    @kopf.on.update(GROUP, VERSION, "numbers", registry=registry)
    def updated(name: str, spec: dict[str, Any], **_: Any) -> None:
        seen.append(("update", f"{name}={spec['value']}"))

    @kopf.on.delete(GROUP, VERSION, "numbers", registry=registry)
    def deleted(name: str, **_: Any) -> None:
        seen.append(("delete", name))

    settings = kopf.OperatorSettings()
    settings.process.ultimate_exiting_timeout = None
    settings.watching.server_timeout = 30
    ready, stop = threading.Event(), threading.Event()

    def run() -> None:
        asyncio.run(kopf.operator(registry=registry, settings=settings, standalone=True,
                                  namespaces=[namespace], ready_flag=ready, stop_flag=stop))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(30), "kopf did not get ready"
    try:
        yield seen
    finally:
        stop.set()
        thread.join(30)


def test_kopf_reacts_to_create_update_delete(operator: list[tuple[str, str]],
                                             target: Cluster, namespace: str) -> None:
    api = client.CustomObjectsApi(target.api_client)
    api.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", number("n", 4))
    wait_for(lambda: ("create", "n") in operator, 20, "kopf to see the create")

    def handled() -> dict[str, Any] | None:
        obj = api.get_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n")
        return obj if (obj.get("status") or {}).get("fizzBuzz") else None

    obj = wait_for(handled, 20, "kopf to patch the Number's status")
    assert obj["status"]["fizzBuzz"] == "4"
    assert "kopf.zalando.org/KopfFinalizerMarker" in obj["metadata"]["finalizers"]

    api.patch_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n",
                                       {"spec": {"value": 9}})
    wait_for(lambda: ("update", "n=9") in operator, 20, "kopf to see the update")

    api.delete_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n")
    wait_for(lambda: ("delete", "n") in operator, 20, "kopf to see the delete")
    wait_for(lambda: not api.list_namespaced_custom_object(
        GROUP, VERSION, namespace, "numbers")["items"], 20,
        "the Number to go once kopf removed its finalizer")
    core = client.CoreV1Api(target.api_client)
    wait_for(lambda: [e for e in core.list_namespaced_event(namespace).items
                      if e.involved_object.name == "n" and e.reason == "Seen"],
             20, "kopf's event about the Number (POST to the v1 events API)")
