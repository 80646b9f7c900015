"""crds/samples/*.yaml are accepted and crds/samples/invalid/*.yaml rejected — offline and live.

Offline, each sample is checked twice: by the models (``from_dict``) and by jsonschema against
the generated CRD's openAPIV3Schema, an independent validator (int64 enforced through the
schema's ``format``, as the API server's decoder does). Live, the samples are created in a
fresh namespace on the ``cluster`` fixture — the embedded API server, or a real cluster with
``MATHCTL_CLUSTER`` — where the valid ones must come back with server-set fields the models
parse, and the invalid ones must be refused with 422 naming the field.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from mathctl.resources.crd import build_crd
from mathctl.resources.fermats import FERMAT_CRD, Fermat
from mathctl.resources.group import GROUP, VERSION
from mathctl.resources.limits import INT64_MAX, INT64_MIN
from mathctl.resources.numbers import NUMBER_CRD, Number
from mathctl.resources.tuples import TUPLE_CRD, Tuple
from mathctl.resources.wire import WireError

SAMPLES = Path(__file__).resolve().parents[2] / "crds" / "samples"
# The math kinds' samples (other kinds keep theirs beside them and test them themselves).
VALID = [SAMPLES / name for name in ("number-15.yaml", "number-16.yaml", "tuple-sample.yaml",
                                     "fermat-13.yaml", "fermat-7.yaml")]
MODELS: dict[str, Any] = {"Number": Number, "Tuple": Tuple, "Fermat": Fermat}
SOURCES = {"Number": NUMBER_CRD, "Tuple": TUPLE_CRD, "Fermat": FERMAT_CRD}
PLURALS = {kind: source.names.plural for kind, source in SOURCES.items()}

# The field each invalid sample gets wrong, as the API server's error names it.
REJECTED_FIELD = {
    "number-string-value.yaml": "spec.value",
    "number-above-int64.yaml": "spec.value",
    "tuple-no-numbers.yaml": "spec.numbers",
    "fermat-negative.yaml": "spec.number",
    "number-missing-value.yaml": "spec.value",
}
INVALID = [SAMPLES / "invalid" / name for name in REJECTED_FIELD]

checker = FormatChecker()


@checker.checks("int64")
def _int64(value: object) -> bool:
    return not isinstance(value, int) or INT64_MIN <= value <= INT64_MAX


@checker.checks("int32")
def _int32(value: object) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def schema_errors(body: dict[str, Any]) -> list[str]:
    crd = build_crd(SOURCES[body["kind"]])
    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    validator = Draft202012Validator(schema, format_checker=checker)
    return [".".join(map(str, e.absolute_path)) or e.message for e in validator.iter_errors(body)]


def test_the_samples_exist() -> None:
    assert all(p.is_file() for p in [*VALID, *INVALID])


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_samples_pass_both_validators(path: Path) -> None:
    body = load(path)
    assert body["apiVersion"] == f"{GROUP}/{VERSION}"
    model = MODELS[body["kind"]].from_dict(body)
    assert model.to_dict() == body
    assert schema_errors(body) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_samples_fail_both_validators_on_the_same_field(path: Path) -> None:
    body = load(path)
    field = REJECTED_FIELD[path.name]
    with pytest.raises(WireError) as caught:
        MODELS[body["kind"]].from_dict(body)
    assert caught.value.path == field
    errors = schema_errors(body)
    assert errors, f"jsonschema accepted {path.name}"
    parent = field.rsplit(".", 1)[0]
    assert all(e in (field, parent) for e in errors), errors


@pytest.mark.parametrize("path", [*VALID, *INVALID], ids=lambda p: p.name)
def test_every_sample_says_what_it_shows(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ")
    if path.parent.name == "invalid":
        assert text.startswith("# REJECTED by the API server (422 Invalid)")
        assert "Fix:" in text


# --- live: the same files against a real API server ------------------------------------------


def create(api_client: Any, namespace: str, body: dict[str, Any]) -> dict[str, Any]:
    from kubernetes import client

    api = client.CustomObjectsApi(api_client)
    return api.create_namespaced_custom_object(  # type: ignore[no-any-return]
        GROUP, VERSION, namespace, PLURALS[body["kind"]], body)


@pytest.mark.usefixtures("crds")
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_the_api_server_accepts_the_valid_samples(api_client: Any, namespace: str,
                                                  path: Path) -> None:
    created = create(api_client, namespace, load(path))
    model = MODELS[created["kind"]].from_dict(created)
    assert model.metadata.namespace == namespace
    assert model.metadata.uid and model.metadata.generation == 1
    assert model.metadata.creation_timestamp is not None
    assert model.spec == MODELS[created["kind"]].from_dict(load(path)).spec


@pytest.mark.usefixtures("crds")
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_the_api_server_rejects_the_invalid_samples(api_client: Any, namespace: str,
                                                    path: Path) -> None:
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException) as caught:
        create(api_client, namespace, load(path))
    assert caught.value.status == 422
    assert REJECTED_FIELD[path.name] in str(caught.value.body)


@pytest.mark.kubectl
@pytest.mark.usefixtures("crds")
def test_kubectl_get_shows_the_printer_columns(cluster: Any, api_client: Any,
                                               namespace: str) -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not on PATH")
    create(api_client, namespace, load(SAMPLES / "number-15.yaml"))
    out = subprocess.run(
        ["kubectl", "--kubeconfig", str(cluster.kubeconfig), "get", "num", "-n", namespace],
        capture_output=True, text=True, timeout=60, check=True).stdout
    header, row = out.splitlines()[:2]
    assert header.split() == ["NAME", "VALUE", "FIZZBUZZ", "SQUARE", "AGE"]
    assert row.split()[:2] == ["fifteen", "15"]
