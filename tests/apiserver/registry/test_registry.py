"""The registry: CRD resources come and go, versions are ordered as Kubernetes orders them."""

from __future__ import annotations

from mathctl.apiserver.registry.registry import Registry, Resource, builtin_resources


def widget(version: str) -> Resource:
    return Resource(group="toys.example", version=version, plural="widgets", kind="Widget",
                    namespaced=True, is_custom=True)


def test_custom_resources_are_added_and_removed() -> None:
    registry = Registry(builtin_resources())
    registry.set_custom("widgets.toys.example", [widget("v1alpha1"), widget("v1"),
                                                 widget("v2beta1")])
    assert registry.versions("toys.example") == ["v1", "v2beta1", "v1alpha1"]
    assert registry.get("toys.example", "v1", "widgets") is not None
    registry.set_custom("widgets.toys.example", [])
    assert registry.versions("toys.example") is None
    assert registry.get("", "v1", "namespaces") is not None


def test_events_are_stored_once_for_both_groups() -> None:
    registry = Registry(builtin_resources())
    assert {r.api_version for r in registry.by_storage("events")} == {"v1",
                                                                      "events.k8s.io/v1"}
    resource = registry.for_storage("events")
    assert resource is not None and resource.api_version == "v1"
