"""LIST paging: ``limit``, ``continue`` tokens, snapshot pages, 410 for a compacted token.

Expected values from kube-apiserver v1.28: ``apiserver/pkg/storage/continue.go`` (the token:
base64url of ``{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\\u0000"}``, its 400 answers),
``apiserver/pkg/storage/etcd3/store.go`` ``GetList`` (key order, every page read at the first
page's revision, ``remainingItemCount`` only without a selector, and ``interpretListError`` /
``handleCompactedErrorForPaging``: 410 Expired with an inconsistent continue token of rv -1).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.storage import paging
from mathctl.apiserver.storage.store import Store
from mathctl.apiserver.storage.watch import WatchHub

from ..kube import Http, status_of


def _token(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    return data


def _cm(name: str, namespace: str = "default", value: str = "1") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace}, "data": {"v": value}}


@pytest.fixture
def store(tmp_path: Path) -> Any:
    s = Store(tmp_path / "objects.db")
    yield s
    s.close()


def _names(page: paging.Page) -> list[str]:
    return [e.obj["metadata"]["name"] for e in page.entries]


def test_pages_follow_etcd_key_order_across_namespaces(store: Store) -> None:
    hub = WatchHub(store, 1000)
    for namespace, name in [("a", "x"), ("a-b", "x"), ("a", "y"), ("b", "x")]:
        store.put("configmaps", _cm(name, namespace))
    # etcd keys /registry/configmaps/<ns>/<name>: "a-b/x" < "a/x" ('-' sorts before '/').
    assert store.sorted_keys("configmaps", None) == ["a-b/x", "a/x", "a/y", "b/x"]
    first = paging.list_page(store, hub, "configmaps", None, None, 3, "")
    assert [(e.obj["metadata"]["namespace"], e.obj["metadata"]["name"])
            for e in first.entries] == [("a-b", "x"), ("a", "x"), ("a", "y")]
    assert _token(first.meta["continue"]) == {"v": "meta.k8s.io/v1", "rv": store.rv,
                                              "start": "a/y\x00"}
    assert first.meta["remainingItemCount"] == 1
    rest = paging.list_page(store, hub, "configmaps", None, None, 3, first.meta["continue"])
    assert _names(rest) == ["x"] and "continue" not in rest.meta


def test_every_page_shows_the_collection_at_the_first_page_s_version(store: Store) -> None:
    hub = WatchHub(store, 1000)
    for name in "abcde":
        store.put("configmaps", _cm(name))
    first = paging.list_page(store, hub, "configmaps", "default", None, 2, "")
    listed_at = first.meta["resourceVersion"]
    store.delete("configmaps", "default", "d")              # deleted after the first page
    store.put("configmaps", _cm("c", value="2"))            # modified after it
    store.put("configmaps", _cm("cc"))                      # created after it
    rest = paging.list_page(store, hub, "configmaps", "default", None, 10,
                            first.meta["continue"])
    assert _names(rest) == ["c", "d", "e"]
    assert rest.entries[0].obj["data"] == {"v": "1"}
    assert rest.meta["resourceVersion"] == listed_at
    # remainingItemCount counts the collection at that version too: d (deleted since) and
    # e follow c; cc (created since) does not.
    one = paging.list_page(store, hub, "configmaps", "default", None, 1, first.meta["continue"])
    assert _names(one) == ["c"] and one.meta["remainingItemCount"] == 2


def test_a_token_older_than_the_window_is_410_with_an_inconsistent_token(store: Store) -> None:
    hub = WatchHub(store, capacity=3)
    for name in "abcde":
        store.put("configmaps", _cm(name))
    first = paging.list_page(store, hub, "configmaps", "default", None, 2, "")
    for value in "23456":
        store.put("configmaps", _cm("e", value=value))      # pushes the first rv out
    with pytest.raises(errors.ApiError) as caught:
        paging.list_page(store, hub, "configmaps", "default", None, 2, first.meta["continue"])
    status = caught.value.status()
    assert (status["code"], status["reason"]) == (410, "Expired")
    assert status["message"] == paging.INCONSISTENT_CONTINUE
    assert _token(status["metadata"]["continue"]) == {"v": "meta.k8s.io/v1", "rv": -1,
                                                      "start": "b\x00"}
    # That token continues from the latest state.
    rest = paging.list_page(store, hub, "configmaps", "default", None, 10,
                            status["metadata"]["continue"])
    assert _names(rest) == ["c", "d", "e"] and rest.entries[2].obj["data"] == {"v": "6"}
    assert rest.meta["resourceVersion"] == str(store.rv)


def test_a_selector_hides_remaining_item_count(store: Store) -> None:
    hub = WatchHub(store, 1000)
    for name in "abcd":
        store.put("configmaps", _cm(name))
    page = paging.list_page(store, hub, "configmaps", "default",
                            lambda obj: obj["metadata"]["name"] != "a", 2, "")
    assert _names(page) == ["b", "c"]
    assert "remainingItemCount" not in page.meta and "continue" in page.meta


@pytest.mark.parametrize(("token", "message"), [
    ("%%%", "invalid continue token: continue key is not valid: illegal base64 data at input "
            "byte 0"),
    (base64.urlsafe_b64encode(b'{"v":"meta.k8s.io/v1","rv":0,"start":"a"}').decode().rstrip("="),
     "invalid continue token: continue key is not valid: incorrect encoded start "
     "resourceVersion (version meta.k8s.io/v1)"),
    (base64.urlsafe_b64encode(b'{"v":"meta.k8s.io/v1","rv":3,"start":""}').decode().rstrip("="),
     "invalid continue token: continue key is not valid: encoded start key empty (version "
     "meta.k8s.io/v1)"),
    (base64.urlsafe_b64encode(b'{"v":"v2","rv":3,"start":"a"}').decode().rstrip("="),
     'invalid continue token: continue key is not valid server does not recognize this '
     'encoded version "v2"'),
    (base64.urlsafe_b64encode(b'{"v":"meta.k8s.io/v1","rv":3,"start":"../x"}').decode()
     .rstrip("="),
     "invalid continue token: continue key is not valid: ../x"),
])
def test_bad_tokens_are_400_in_kube_s_words(store: Store, token: str, message: str) -> None:
    with pytest.raises(errors.ApiError) as caught:
        paging.list_page(store, WatchHub(store, 10), "configmaps", "default", None, 2, token)
    assert (caught.value.code, caught.value.message) == (400, message)


def test_paging_over_http_reads_every_object_once(http: Http, namespace: str) -> None:
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    for i in range(25):
        http.post(path, {"metadata": {"name": f"cm{i:02}"}}).raise_for_status()
    seen: list[str] = []
    token, pages = "", 0
    while True:
        page = http.get(f"{path}?limit=10" + (f"&continue={token}" if token else "")).json()
        seen += [item["metadata"]["name"] for item in page["items"]]
        pages += 1
        token = page["metadata"].get("continue", "")
        if not token:
            break
    assert seen == [f"cm{i:02}" for i in range(25)] and pages == 3
    code, reason, message = status_of(http.get(f"{path}?limit=1&continue=%25"))
    assert (code, reason) == (400, "BadRequest")
    assert message.startswith("invalid continue token: continue key is not valid")
