"""Watch semantics: resourceVersion, initial events, bookmarks, timeouts, selectors, 410 Gone.

Expected behaviour from ``apiserver/pkg/storage/cacher`` (``cache_watcher.go``: bookmarks 2 s
before the deadline, selector transitions as ADDED/DELETED; ``watch_cache.go``: "too old
resource version" as 410 Expired, sent as an ``ERROR`` event after a 200).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from kubernetes import client, watch

from mathctl.apiserver.testing import EmbeddedServer
from mathctl.cluster import Cluster

from .kube import API, GROUP, VERSION, Http, number

pytestmark = pytest.mark.usefixtures("crds")


def stream(http: Http, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every event of a watch the server ends (``timeoutSeconds``) or that errors."""
    query = "&".join(f"{k}={v}" for k, v in {"watch": "1", **params}.items())
    with http.get(f"{path}?{query}", stream=True, timeout=30) as r:
        assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
        return [json.loads(line) for line in r.iter_lines() if line]


def rv_of(obj: dict[str, Any]) -> int:
    return int(obj["metadata"]["resourceVersion"])


def test_events_after_a_resource_version_in_order(http: Http, ns_path: str) -> None:
    start = http.get(f"{ns_path}/numbers").json()["metadata"]["resourceVersion"]
    http.post(f"{ns_path}/numbers", number("w", 1)).raise_for_status()
    http.patch(f"{ns_path}/numbers/w", {"spec": {"value": 2}}).raise_for_status()
    http.patch(f"{ns_path}/numbers/w", {"spec": {"value": 2}}).raise_for_status()  # no-op
    http.patch(f"{ns_path}/numbers/w/status", {"status": {"fizzBuzz": "2"}}).raise_for_status()
    http.delete(f"{ns_path}/numbers/w").raise_for_status()
    events = stream(http, f"{ns_path}/numbers", resourceVersion=start, timeoutSeconds=1)
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "MODIFIED", "DELETED"]
    versions = [rv_of(e["object"]) for e in events]
    assert versions == sorted(versions) and len(set(versions)) == 4
    assert events[1]["object"]["spec"]["value"] == 2
    assert events[3]["object"]["status"] == {"fizzBuzz": "2"}


@pytest.mark.parametrize("since", [None, "0"])
def test_watch_without_a_version_starts_with_the_current_state(http: Http, ns_path: str,
                                                              since: str | None) -> None:
    for name in ("a", "b"):
        http.post(f"{ns_path}/numbers", number(name)).raise_for_status()
    params: dict[str, Any] = {"timeoutSeconds": 1}
    if since is not None:
        params["resourceVersion"] = since
    events = stream(http, f"{ns_path}/numbers", **params)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "a"), ("ADDED", "b")]


def test_timeout_ends_the_watch(http: Http, ns_path: str) -> None:
    started = time.monotonic()
    assert stream(http, f"{ns_path}/numbers", timeoutSeconds=1) == []
    assert 0.9 < time.monotonic() - started < 5


def test_bookmark_before_the_deadline(http: Http, ns_path: str) -> None:
    rv = http.get(f"{ns_path}/numbers").json()["metadata"]["resourceVersion"]
    events = stream(http, f"{ns_path}/numbers", resourceVersion=rv, timeoutSeconds=3,
                    allowWatchBookmarks="true")
    assert [e["type"] for e in events] == ["BOOKMARK"]
    bookmark = events[0]["object"]
    assert bookmark["kind"] == "Number"
    assert bookmark["apiVersion"] == f"{GROUP}/{VERSION}"
    assert int(bookmark["metadata"]["resourceVersion"]) >= int(rv)


def test_label_selector_transitions(http: Http, ns_path: str) -> None:
    rv = http.get(f"{ns_path}/numbers").json()["metadata"]["resourceVersion"]
    http.post(f"{ns_path}/numbers", number("sel", labels={"keep": "yes"})).raise_for_status()
    http.post(f"{ns_path}/numbers", number("other")).raise_for_status()
    http.patch(f"{ns_path}/numbers/sel", {"metadata": {"labels": {"keep": "no"}}})
    http.patch(f"{ns_path}/numbers/sel", {"metadata": {"labels": {"keep": "yes"}}})
    events = stream(http, f"{ns_path}/numbers", resourceVersion=rv, timeoutSeconds=1,
                    labelSelector="keep%3Dyes")
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "sel"), ("DELETED", "sel"), ("ADDED", "sel")]
    # cacher: the DELETED carries the old content at the new resourceVersion.
    assert events[1]["object"]["metadata"]["labels"] == {"keep": "yes"}
    assert rv_of(events[1]["object"]) > rv_of(events[0]["object"])


def test_field_selector_and_all_namespaces(http: Http, ns_path: str, namespace: str) -> None:
    rv = http.get(f"{API}/numbers").json()["metadata"]["resourceVersion"]
    http.post(f"{ns_path}/numbers", number("f1")).raise_for_status()
    http.post(f"{ns_path}/numbers", number("f2")).raise_for_status()
    events = stream(http, f"{API}/numbers", resourceVersion=rv, timeoutSeconds=1,
                    fieldSelector=f"metadata.name%3Df2,metadata.namespace%3D{namespace}")
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "f2")]


def test_too_old_resource_version_is_410_as_an_error_event() -> None:
    with EmbeddedServer(extra_args=("--watch-history", "5")) as server:
        http = Http(server.url, server.token, str(server.ca_cert))
        path = "/api/v1/namespaces/default/configmaps"
        first = http.post(path, {"metadata": {"name": "c0"}}).json()
        for i in range(1, 10):
            http.post(path, {"metadata": {"name": f"c{i}"}}).raise_for_status()
        events = stream(http, path, resourceVersion=rv_of(first), timeoutSeconds=5)
    assert len(events) == 1 and events[0]["type"] == "ERROR"
    status = events[0]["object"]
    assert status["kind"] == "Status" and status["code"] == 410
    assert status["reason"] == "Expired" and status["status"] == "Failure"
    assert status["message"].startswith(f"too old resource version: {rv_of(first)} (")


def test_official_client_watch(embedded: Cluster, namespace: str) -> None:
    api = client.CustomObjectsApi(embedded.api_client)
    api.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", number("o", 1))
    seen = []
    for event in watch.Watch().stream(api.list_namespaced_custom_object, GROUP, VERSION,
                                      namespace, "numbers", timeout_seconds=5):
        seen.append((event["type"], event["object"]["metadata"]["name"]))
        if len(seen) == 1:
            api.patch_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "o",
                                               {"spec": {"value": 2}})
        else:
            break
    assert seen == [("ADDED", "o"), ("MODIFIED", "o")]
