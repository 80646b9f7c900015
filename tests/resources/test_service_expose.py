"""The ServiceExpose model and CRD: names, parsing with clear errors, the generated schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mathctl.resources.crdgen import file_name, render
from mathctl.resources.service_expose import (
    SERVICE_EXPOSE,
    SERVICE_EXPOSE_CRD,
    ServiceExpose,
)
from mathctl.resources.structural import crd_errors
from mathctl.resources.wire import WireError

ROOT = Path(__file__).resolve().parents[2]


def body(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "backend": {"service": {"name": "web", "port": {"number": 8080}}},
        "domain": "example.com",
    }
    base.update({k: v for k, v in spec.items() if v is not None})
    for key in [k for k, v in spec.items() if v is None]:
        del base[key]
    return {"apiVersion": "expose.mathctl.example/v1beta1", "kind": "ServiceExpose",
            "metadata": {"name": "web", "namespace": "ns1"}, "spec": base}


def test_names_live_in_their_own_group_and_no_category() -> None:
    assert SERVICE_EXPOSE.api_version == "expose.mathctl.example/v1beta1"
    assert SERVICE_EXPOSE.crd_name == "serviceexposes.expose.mathctl.example"
    assert SERVICE_EXPOSE.short_names == ("svcx",)
    assert SERVICE_EXPOSE.categories == ()


def test_defaults_apply_when_path_path_type_and_tls_are_left_out() -> None:
    se = ServiceExpose.from_dict(body())
    assert (se.spec.path, se.spec.path_type, se.spec.tls_enabled) == ("/", "Prefix", False)
    assert se.spec.annotations == {}
    assert (se.spec.service_name, se.spec.port_number) == ("web", 8080)


def test_round_trip_keeps_every_field() -> None:
    full = body(path="/api", pathType="Exact", tls={"enabled": True, "secretName": "web-tls"},
                annotations={"cert-manager.io/cluster-issuer": "letsencrypt"})
    se = ServiceExpose.from_dict(full)
    assert se.to_dict() == full
    assert ServiceExpose.from_dict(se.to_dict()) == se


def test_new_builds_what_from_dict_reads() -> None:
    made = ServiceExpose.new("web", "web", 8080, "example.com", namespace="ns1")
    assert made == ServiceExpose.from_dict(body())


@pytest.mark.parametrize(("spec", "field", "words"), [
    ({"domain": None}, "spec.domain", "is required"),
    ({"backend": {"service": {"name": "web"}}}, "spec.backend.service.port", "is required"),
    ({"backend": {"service": {"name": "web", "port": {"number": 70000}}}},
     "spec.backend.service.port.number", "between 1 and 65535"),
    ({"backend": {"service": {"name": "Web", "port": {"number": 80}}}},
     "spec.backend.service.name", "does not match"),
    ({"pathType": "prefix"}, "spec.pathType", "Prefix, Exact, ImplementationSpecific"),
    ({"path": "api"}, "spec.path", "does not match"),
    ({"tls": {"enabled": "yes"}}, "spec.tls.enabled", "true or false"),
    ({"annotations": {"replicas": 3}}, "spec.annotations[replicas]", "quotes"),
    ({"annotations": ["a"]}, "spec.annotations", "key: value"),
    ({"annotations": {"expose.mathctl.example/x": "y"}}, "spec", "reserved prefix"),
])
def test_a_spec_that_skipped_validation_is_refused_with_the_field_and_fix(
        spec: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(WireError) as err:
        ServiceExpose.from_dict(body(**spec))
    assert err.value.path == field
    assert words in str(err.value)


def test_a_body_of_another_group_is_refused() -> None:
    wrong = {**body(), "apiVersion": "math.mathctl.example/v1beta1"}
    with pytest.raises(WireError, match=r"expose\.mathctl\.example/v1beta1"):
        ServiceExpose.from_dict(wrong)


def crd() -> dict[str, Any]:
    return yaml.safe_load(render(SERVICE_EXPOSE_CRD))


def test_the_crd_is_one_a_real_api_server_accepts() -> None:
    assert crd_errors(crd()) == []


def test_the_crd_file_is_generated_from_the_model() -> None:
    path = ROOT / "crds" / file_name(SERVICE_EXPOSE_CRD)
    assert path.name == "serviceexpose.yaml"
    assert path.read_text(encoding="utf-8") == render(SERVICE_EXPOSE_CRD), (
        "crds/serviceexpose.yaml is stale: run `python -m mathctl.resources.crdgen`")


def test_the_schema_defaults_and_validates_what_the_issue_asks() -> None:
    version = crd()["spec"]["versions"][0]
    spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
    props = spec["properties"]
    assert spec["required"] == ["backend", "domain"]
    assert props["path"]["default"] == "/"
    assert props["pathType"]["default"] == "Prefix"
    assert props["pathType"]["enum"] == ["Prefix", "Exact", "ImplementationSpecific"]
    assert props["annotations"] == {
        "description": props["annotations"]["description"], "type": "object",
        "additionalProperties": {"type": "string"}}
    port = props["backend"]["properties"]["service"]["properties"]["port"]
    assert port["properties"]["number"]["maximum"] == 65535
    assert version["subresources"] == {"status": {}}
    assert [c["name"] for c in version["additionalPrinterColumns"]] == [
        "Host", "Service", "Port", "Ready", "Age"]


def test_every_sample_parses_and_the_invalid_ones_do_not() -> None:
    samples = sorted((ROOT / "crds" / "samples").glob("serviceexpose*.yaml"))
    assert samples, "crds/samples/serviceexpose*.yaml are missing"
    for sample in samples:
        for doc in yaml.safe_load_all(sample.read_text(encoding="utf-8")):
            if doc and doc.get("kind") == "ServiceExpose":
                ServiceExpose.from_dict(doc)
