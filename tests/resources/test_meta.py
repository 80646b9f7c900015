"""Objects parse from what the API server returns; owners need a server-assigned uid."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mathctl.resources.group import API_VERSION
from mathctl.resources.meta import (
    ObjectMeta,
    OwnerReference,
    is_status_current,
    object_from_dict,
    object_to_dict,
    owner_reference,
)
from mathctl.resources.numbers import Number, NumberSpec
from mathctl.resources.tuples import Tuple
from mathctl.resources.wire import WireError

SERVER_METADATA: dict[str, Any] = {
    "name": "squares-0",
    "namespace": "workshop",
    "uid": "0b7e6f0c-7c39-4d7e-a8b5-3a0d7d1f2a11",
    "resourceVersion": "1042",
    "generation": 3,
    "creationTimestamp": "2024-05-01T12:00:00Z",
    "labels": {"app": "x"},
    "managedFields": [{"manager": "kubectl", "operation": "Update"}],
    "ownerReferences": [{
        "apiVersion": API_VERSION, "kind": "Tuple", "name": "squares",
        "uid": "9d0a6c1e-0000-4000-8000-000000000001",
        "controller": True, "blockOwnerDeletion": True,
    }],
}


def test_metadata_keeps_what_controllers_read_and_ignores_the_rest() -> None:
    number = object_from_dict(Number, {"apiVersion": API_VERSION, "kind": "Number",
                                       "metadata": SERVER_METADATA, "spec": {"value": 1}})
    meta = number.metadata
    assert (meta.name, meta.namespace, meta.generation, meta.resource_version) == (
        "squares-0", "workshop", 3, "1042")
    assert meta.creation_timestamp == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert meta.deletion_timestamp is None
    assert meta.owner_references == (OwnerReference(
        api_version=API_VERSION, kind="Tuple", name="squares",
        uid="9d0a6c1e-0000-4000-8000-000000000001", controller=True, block_owner_deletion=True),)


def test_kind_and_api_version_mismatches_are_explained() -> None:
    with pytest.raises(WireError, match="this is a Tuple, not a Number"):
        object_from_dict(Number, {"kind": "Tuple", "metadata": {"name": "t"},
                                  "spec": {"numbers": [1]}})
    with pytest.raises(WireError, match=r"apiVersion: 'math\.mathctl\.example/v1' is not"):
        object_from_dict(Number, {"apiVersion": "math.mathctl.example/v1", "kind": "Number",
                                  "metadata": {"name": "n"}, "spec": {"value": 1}})
    with pytest.raises(WireError, match="metadata: is required"):
        object_from_dict(Number, {"spec": {"value": 1}})
    with pytest.raises(WireError, match="must be an object"):
        object_from_dict(Number, ["not", "a", "dict"])  # type: ignore[arg-type]


def test_manifest_has_api_version_and_kind_first() -> None:
    number = Number(metadata=ObjectMeta(name="n"), spec=NumberSpec(value=4))
    manifest = object_to_dict(number)
    assert list(manifest) == ["apiVersion", "kind", "metadata", "spec"]
    assert manifest == {"apiVersion": API_VERSION, "kind": "Number",
                        "metadata": {"name": "n"}, "spec": {"value": 4}}


def test_owner_reference_is_a_controller_reference_to_the_parent() -> None:
    parent = Tuple.from_dict({"apiVersion": API_VERSION, "kind": "Tuple",
                              "metadata": {"name": "squares", "uid": "u-1"},
                              "spec": {"numbers": [1, 4]}})
    ref = owner_reference(parent)
    assert ref == OwnerReference(api_version=API_VERSION, kind="Tuple", name="squares",
                                 uid="u-1", controller=True, block_owner_deletion=True)
    child = Number.new("squares-0", 1, owners=[ref])
    assert child.to_dict()["metadata"]["ownerReferences"] == [{
        "apiVersion": API_VERSION, "kind": "Tuple", "name": "squares", "uid": "u-1",
        "controller": True, "blockOwnerDeletion": True}]


def test_owner_without_uid_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"has no metadata\.uid yet: create it, then use"):
        owner_reference(Tuple.new("squares", [1]))


@pytest.mark.parametrize(
    ("generation", "observed", "current"),
    [(None, None, False), (1, None, False), (None, 1, False), (2, 1, False), (2, 2, True),
     (2, 3, True)],
)
def test_status_is_current_only_for_the_current_generation(
        generation: int | None, observed: int | None, current: bool) -> None:
    assert is_status_current(generation, observed) is current
