"""One stored Event, two API versions: core/v1 and events.k8s.io/v1."""

from __future__ import annotations

from mathctl.apiserver.registry.conversion import to_storage, view
from mathctl.apiserver.registry.registry import Registry, builtin_resources
from mathctl.apiserver.storage.store import Entry, encode

REGISTRY = Registry(builtin_resources())
CORE = REGISTRY.get("", "v1", "events")
NEW = REGISTRY.get("events.k8s.io", "v1", "events")


def test_events_convert_both_ways() -> None:
    assert CORE is not None and NEW is not None
    sent = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"},
            "regarding": {"name": "n"}, "note": "hi", "reportingController": "kopf",
            "deprecatedCount": 2}
    stored = to_storage(NEW, sent, "v1")
    assert stored["apiVersion"] == "v1"
    assert (stored["involvedObject"], stored["message"], stored["reportingComponent"],
            stored["count"]) == ({"name": "n"}, "hi", "kopf", 2)
    entry = Entry(encode(stored), 1, stored)
    assert view(NEW, entry) == sent
    assert view(CORE, entry) == stored
