"""The write counter and the injected crash, against a real API server."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from mathctl.resources.group import GROUP, VERSION
from mathctl.resources.numbers import Number
from mathctl.scenarios.writes import InjectedCrash, RecordingApiClient


def _numbers(api: client.ApiClient) -> client.CustomObjectsApi:
    return client.CustomObjectsApi(api)


def test_it_records_accepted_and_refused_writes_but_not_reads(
        api_client: client.ApiClient, crds: list[str], namespace: str) -> None:
    api = RecordingApiClient(api_client.configuration)
    custom = _numbers(api)
    custom.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers",
                                           Number.new("n", 1).to_dict())
    with pytest.raises(ApiException):
        custom.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers",
                                               Number.new("n", 1).to_dict())
    custom.get_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n")
    custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n",
                                          {"spec": {"value": 2}})
    custom.delete_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n")
    with pytest.raises(ApiException):
        custom.delete_namespaced_custom_object(GROUP, VERSION, namespace, "numbers", "n")
    assert [str(w) for w in api.writes] == [
        "create Number n", "create Number n ✗ 409 AlreadyExists", "patch Number n",
        "delete Number n", "delete Number n ✗ 404 NotFound",
    ]
    api.close()


def test_an_armed_crash_fires_after_the_write_reached_the_server(
        api_client: client.ApiClient, crds: list[str], namespace: str) -> None:
    api = RecordingApiClient(api_client.configuration)
    api.arm_crash(kind="Number", after=2)
    custom = _numbers(api)
    custom.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers",
                                           Number.new("a", 1).to_dict())
    try:
        custom.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers",
                                               Number.new("b", 2).to_dict())
    except Exception:  # what controller code would write; a crash must not be caught by it
        pytest.fail("InjectedCrash was caught by `except Exception`")
    except InjectedCrash:
        pass
    else:
        pytest.fail("no crash after the second write")
    listed: dict[str, Any] = _numbers(api_client).list_namespaced_custom_object(  # type: ignore[assignment]
        GROUP, VERSION, namespace, "numbers")
    assert sorted(o["metadata"]["name"] for o in listed["items"]) == ["a", "b"]
    assert not api.crash_armed  # it fires once
    api.close()


def test_a_crash_needs_at_least_one_write() -> None:
    api = RecordingApiClient(client.Configuration())
    with pytest.raises(ValueError, match="at least 1"):
        api.arm_crash(kind="Number", after=0)
