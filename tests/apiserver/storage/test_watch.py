"""Watch semantics: resourceVersion, initial events, bookmarks, timeouts, selectors, 410 Gone.

Expected behaviour from ``apiserver/pkg/storage/cacher`` (``cache_watcher.go``: bookmarks 2 s
before the deadline, selector transitions as ADDED/DELETED; ``watch_cache.go``: "too old
resource version" as 410 Expired, sent as an ``ERROR`` event after a 200).
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import time
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, watch

from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.storage import watch as watch_module
from mathctl.apiserver.storage.store import Store
from mathctl.apiserver.testing import EmbeddedServer
from mathctl.cluster import Cluster

from ..kube import API, GROUP, VERSION, Http, number

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


@pytest.mark.embedded_only("shrinks the watch window with the server's --watch-history start-up "
                           "flag; a real cluster's window is its watch cache, not settable")
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


def test_official_client_watch(target: Cluster, namespace: str) -> None:
    api = client.CustomObjectsApi(target.api_client)
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


# -- issue 14: a window kube would have expired, and kube's bookmark schedule ---------------


def test_resource_version_1_on_a_busy_collection_is_410(http: Http, namespace: str) -> None:
    """kube's watch window starts at the cacher's initial list, so rv 1 is long gone.

    watch_cache.go getAllEventsSinceLocked (v1.28): ``resourceVersion < oldest-1`` →
    ``NewResourceExpired("too old resource version: %d (%d)", rv, oldest-1)``; watch.go sends
    it as one ERROR event after a 200 and ends the stream.
    """
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    for i in range(20):
        http.post(path, {"metadata": {"name": f"busy{i}"}}).raise_for_status()
    events = stream(http, path, resourceVersion=1, timeoutSeconds=5)
    assert [e["type"] for e in events] == ["ERROR"]
    status = events[0]["object"]
    assert (status["code"], status["reason"], status["status"]) == (410, "Expired", "Failure")
    assert re.fullmatch(r"too old resource version: 1 \(\d+\)", status["message"])


def test_no_bookmark_when_the_timeout_leaves_no_time_for_one(http: Http, ns_path: str) -> None:
    """cache_watcher.go nextBookmarkTime (v1.28): the bookmark is due 2 s before the request's
    deadline, and none is sent when that time is already past; with timeoutSeconds=2 it is
    the watch's own start, so kube ends the watch without a BOOKMARK."""
    rv = http.get(f"{ns_path}/numbers").json()["metadata"]["resourceVersion"]
    events = stream(http, f"{ns_path}/numbers", resourceVersion=rv, timeoutSeconds=2,
                    allowWatchBookmarks="true")
    assert events == []


@pytest.mark.parametrize(("now", "deadline", "expected"), [
    (0.0, 2.0, None),        # timeoutSeconds=2: the pre-timeout time is now → none
    (0.5, 2.0, None),        # and later it is past
    (0.0, 3.0, 1.0),         # 2 s before the deadline, sooner than a minute
    (0.0, 1800.0, 60.0),     # otherwise every bookmarkFrequency (1 minute)
    (1797.0, 1800.0, 1798.0),
])
def test_next_bookmark_time(now: float, deadline: float, expected: float | None) -> None:
    assert watch_module.next_bookmark_time(now, deadline) == expected


# -- issue 12: bounded memory ---------------------------------------------------------------


def _cm(name: str, size: int = 10) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default"}, "data": {"x": "y" * size}}


def test_windows_are_per_resource_and_bounded_by_bytes(tmp_path: Path) -> None:
    """A churning ConfigMap does not expire a quiet resource's versions (kube keeps one watch
    cache per resource); the windows together hold at most max_bytes of objects."""
    store = Store(tmp_path / "objects.db")
    try:
        hub = watch_module.WatchHub(store, capacity=1000, max_bytes=200_000)
        quiet = store.put("secrets", _cm("quiet"))
        for i in range(100):
            store.put("configmaps", _cm("big", 10_000 + i))
        assert hub.bytes <= 200_000
        assert len(hub.windows["configmaps"].changes) < 100
        assert hub.windows["secrets"].changes[0].rv == quiet.rv
        hub.open(_watcher("secrets"), quiet.rv - 1)    # still resumable
        oldest = hub.windows["configmaps"].changes[0].rv
        with pytest.raises(errors.ApiError) as expired:
            hub.open(_watcher("configmaps"), oldest - 2)
        assert expired.value.code == 410
        assert str(expired.value.status()["message"]) == \
            f"too old resource version: {oldest - 2} ({oldest - 1})"
        hub.open(_watcher("configmaps"), oldest - 1)
    finally:
        store.close()


def _watcher(storage: str) -> watch_module.Watcher:
    return watch_module.Watcher(storage, None, None, lambda entry: entry.raw)


def test_a_watcher_blocked_past_the_timeout_with_a_full_queue_is_closed() -> None:
    """cache_watcher.go add (v1.28): an event that cannot enter a full input channel before
    the timer fires terminates the watcher (``forget``) instead of queueing without end."""
    closed: list[bool] = []
    watcher = _watcher("configmaps")
    watcher.on_stall = lambda: closed.append(True)
    for _ in range(watch_module.CHANNEL_SIZE * 2):
        watcher.push(b"event\n")          # not writing: a burst waits for the writer
    assert not watcher.closed
    watcher.writing_since = time.monotonic() - watch_module.STALL_SECONDS - 1
    watcher.push(b"event\n")              # blocked on the client past the timeout
    assert watcher.closed and closed == [True] and not watcher.pending
    watcher.push(b"event\n")
    assert not watcher.pending


@pytest.mark.embedded_only("starts a private EmbeddedServer and speaks to its port and token over "
                           "a raw socket, 20 000 writes to its `default` namespace")
def test_a_stalled_raw_socket_watch_is_dropped_by_the_server() -> None:
    """Issue 12: 4 watchers that stopped reading grew the server by 700 MB; kube closes a
    watcher that falls behind (cacher), so here the server drops the connection."""
    with EmbeddedServer() as server:
        http = Http(server.url, server.token, str(server.ca_cert))
        path = "/api/v1/namespaces/default/configmaps"
        http.post(path, {"metadata": {"name": "load"}, "data": {"blob": "x" * 10_000}}
                  ).raise_for_status()
        context = ssl.create_default_context(cafile=str(server.ca_cert))
        raw = socket.create_connection(("127.0.0.1", server.port))
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
            sock.sendall(f"GET {path}?watch=1 HTTP/1.1\r\nHost: x\r\n"
                         f"Authorization: Bearer {server.token}\r\n\r\n".encode())
            for i in range(20_000):
                http.patch(f"{path}/load", {"data": {"blob": str(i % 10) * 10_000}},
                           content_type="application/merge-patch+json").raise_for_status()
                if i % 50 == 0 and _tcp_state(sock) in (TCP_CLOSE, TCP_CLOSE_WAIT):
                    break
            assert _tcp_state(sock) in (TCP_CLOSE, TCP_CLOSE_WAIT)
        # The server goes on serving (and a new watch works).
        assert http.get(path).status_code == 200


TCP_CLOSE_WAIT, TCP_CLOSE = 8, 7


def _tcp_state(sock: socket.socket) -> int:
    """The connection's TCP state (tcp_info.tcpi_state): CLOSE after the server's reset."""
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
