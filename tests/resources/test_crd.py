"""The CRDs built from the models carry everything the brief and kubectl need."""

from __future__ import annotations

from typing import Any

import pytest

from mathctl.resources.crd import AGE, PrinterColumn, build_crd, field_column
from mathctl.resources.fermats import FERMAT_CRD
from mathctl.resources.group import KindNames
from mathctl.resources.numbers import NUMBER_CRD, NumberSpec, NumberStatus
from mathctl.resources.tuples import TUPLE_CRD

CRDS = {"Number": build_crd(NUMBER_CRD), "Tuple": build_crd(TUPLE_CRD),
        "Fermat": build_crd(FERMAT_CRD)}


def schema(kind: str) -> dict[str, Any]:
    return CRDS[kind]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]  # type: ignore[no-any-return]


def walk(node: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    out = [(path, node)]
    for name, sub in node.get("properties", {}).items():
        out += walk(sub, f"{path}.{name}")
    if isinstance(node.get("items"), dict):
        out += walk(node["items"], f"{path}[]")
    return out


@pytest.mark.parametrize("kind", list(CRDS))
def test_every_crd_is_namespaced_v1_with_status_and_names(kind: str) -> None:
    crd = CRDS[kind]
    spec = crd["spec"]
    assert crd["apiVersion"] == "apiextensions.k8s.io/v1"
    assert spec["group"] == "math.mathctl.example" and spec["scope"] == "Namespaced"
    assert spec["names"]["categories"] == ["math"]
    (version,) = spec["versions"]
    assert (version["name"], version["served"], version["storage"]) == ("v1beta1", True, True)
    assert version["subresources"] == {"status": {}}
    assert version["additionalPrinterColumns"][-1] == AGE.to_dict()
    assert schema(kind)["required"] == ["spec"]


def test_short_names() -> None:
    assert {k: c["spec"]["names"]["shortNames"] for k, c in CRDS.items()} == {
        "Number": ["num"], "Tuple": ["tup"], "Fermat": ["fer"]}


@pytest.mark.parametrize("kind", list(CRDS))
def test_every_integer_is_int64_or_int32_and_every_node_typed(kind: str) -> None:
    for path, node in walk(schema(kind)):
        assert node.get("type") in {"object", "array", "integer", "string", "boolean"}, path
        if node["type"] == "integer":
            assert node.get("format") in {"int64", "int32"}, path


def test_bounds() -> None:
    number = schema("Number")["properties"]["spec"]
    assert number["required"] == ["value"]
    assert "minimum" not in number["properties"]["value"]  # the full int64 range
    numbers = schema("Tuple")["properties"]["spec"]["properties"]["numbers"]
    assert (numbers["minItems"], numbers["maxItems"]) == (1, 100)
    assert numbers["x-kubernetes-list-type"] == "atomic"
    fermat = schema("Fermat")["properties"]["spec"]["properties"]["number"]
    assert (fermat["minimum"], fermat["format"]) == (0, "int64")
    assert "maximum" not in fermat  # int64 max comes from the format (see structural)


@pytest.mark.parametrize("kind", list(CRDS))
def test_conditions_look_like_metav1_condition(kind: str) -> None:
    conditions = schema(kind)["properties"]["status"]["properties"]["conditions"]
    assert conditions["x-kubernetes-list-type"] == "map"
    assert conditions["x-kubernetes-list-map-keys"] == ["type"]
    item = conditions["items"]
    assert item["required"] == ["type", "status", "lastTransitionTime", "reason", "message"]
    props = item["properties"]
    assert props["type"]["maxLength"] == 316 and "enum" not in props["type"]
    assert props["status"]["enum"] == ["True", "False", "Unknown"]
    assert props["reason"]["pattern"] == "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"
    assert props["lastTransitionTime"] == {
        "description": props["lastTransitionTime"]["description"],
        "type": "string", "format": "date-time"}
    assert props["observedGeneration"]["format"] == "int64"


def test_fermat_status_fields() -> None:
    status = schema("Fermat")["properties"]["status"]["properties"]
    assert list(status) == ["twoSquaresFound", "pairs", "expectedPairs", "agrees",
                            "observedGeneration", "conditions"]
    assert status["pairs"]["items"]["required"] == ["a", "b"]


def test_every_field_is_described_for_kubectl_explain() -> None:
    for kind in CRDS:
        for path, node in walk(schema(kind)):
            if path and not path.endswith("[]") and path != ".metadata":
                assert node.get("description"), f"{kind}{path}"


def test_field_column_reads_the_model() -> None:
    assert field_column("V", "spec", NumberSpec, "value", priority=1) == PrinterColumn(
        name="V", type="integer", json_path=".spec.value",
        description=NumberSpec.__dataclass_fields__["value"].metadata["wire"].description,
        priority=1)
    assert field_column("V", "spec", NumberSpec, "value", priority=1).to_dict()["priority"] == 1
    with pytest.raises(AttributeError, match="NumberStatus has no wire field 'value'"):
        field_column("V", "status", NumberStatus, "value")


def test_a_kind_in_another_group_without_categories() -> None:
    names = KindNames(kind="Thing", plural="things", singular="thing", short_names=(),
                      group="other.mathctl.example", version="v1", categories=())
    from dataclasses import replace

    crd = build_crd(replace(NUMBER_CRD, names=names))
    assert crd["metadata"]["name"] == "things.other.mathctl.example"
    assert "categories" not in crd["spec"]["names"]
    assert crd["spec"]["versions"][0]["name"] == "v1"
