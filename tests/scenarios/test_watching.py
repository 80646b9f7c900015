"""Reading real watches until they match a list; failing with a reason instead of hanging."""

from __future__ import annotations

import pytest
from kubernetes import client

from mathctl.resources.group import GROUP, VERSION
from mathctl.resources.numbers import Number
from mathctl.resources.tuples import Tuple
from mathctl.scenarios.watching import Event, HarnessError, NamespaceView, list_namespace


def test_catch_up_delivers_every_change_in_order_tuples_first(
        api_client: client.ApiClient, crds: list[str], namespace: str) -> None:
    view = NamespaceView.open(api_client, namespace, timeout=5)
    custom = client.CustomObjectsApi(api_client)
    try:
        custom.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers",
                                               Number.new("n-0", 1).to_dict())
        custom.create_namespaced_custom_object(GROUP, VERSION, namespace, "tuples",
                                               Tuple.new("t", [1]).to_dict())
        custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n-0",
                                              {"spec": {"value": 2}})
        events = view.catch_up(list_namespace(api_client, namespace))
        assert [e.describe() for e in events] == [
            "Tuple t ADDED numbers=[1]", "Number n-0 ADDED value=1", "Number n-0 MODIFIED value=2",
        ]
        custom.delete_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n-0")
        events = view.catch_up(list_namespace(api_client, namespace))
        assert [e.describe() for e in events] == ["Number n-0 DELETED"]
        assert view.catch_up(list_namespace(api_client, namespace)) == []
    finally:
        view.close()


def test_an_object_created_and_deleted_between_lists_is_found_by_counting_creates(
        api_client: client.ApiClient, crds: list[str], namespace: str) -> None:
    view = NamespaceView.open(api_client, namespace, timeout=5)
    custom = client.CustomObjectsApi(api_client)
    try:
        custom.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers",
                                               Number.new("brief", 1).to_dict())
        custom.delete_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "brief")
        truth = list_namespace(api_client, namespace)
        assert view.catch_up(truth) == []  # the list alone cannot tell
        events = view.catch_up(truth, {("Number", "brief"): 1})
        assert [e.describe() for e in events] == ["Number brief ADDED value=1",
                                                  "Number brief DELETED"]
    finally:
        view.close()


def test_a_watch_that_never_shows_the_listed_state_times_out_with_a_reason(
        api_client: client.ApiClient, crds: list[str], namespace: str) -> None:
    view = NamespaceView.open(api_client, namespace, timeout=0.5)
    truth = list_namespace(api_client, namespace)
    truth.objects["Number"].append(
        {"kind": "Number", "metadata": {"name": "ghost", "resourceVersion": "1"}})
    try:
        with pytest.raises(HarnessError, match=r"watch on numbers in namespace .* delivered "
                                               r"nothing for 0.5 s .* e\.g\. ghost"):
            view.catch_up(truth)
    finally:
        view.close()


def test_a_relisted_event_says_so() -> None:
    obj = {"kind": "Tuple", "metadata": {"name": "t", "resourceVersion": "9", "uid": "u"},
           "spec": {"numbers": [3, 4]}}
    event = Event("ADDED", obj, relisted=True)
    assert event.describe() == "Tuple t ADDED (relist) numbers=[3, 4]"
    assert event.as_watch_event() == {"type": "ADDED", "object": obj}
