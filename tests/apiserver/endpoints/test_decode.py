"""Bad bodies are answered as kube-apiserver v1.28 answers them, never with exception text.

Unit tests of ``decode`` (depth, numbers, surrogates, YAML) and the same cases over HTTP
against the session's real server process.
"""

from __future__ import annotations

import json

import pytest

from mathctl.apiserver.endpoints import decode
from mathctl.apiserver.endpoints.patch import json_patch

from ..kube import Http, number, status_of

pytestmark = pytest.mark.usefixtures("crds")

# A 378-byte "billion laughs": 9^8 = 43 M strings once expanded.
BILLION_LAUGHS = (b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                  + b"".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n".encode()
                             for p, c in zip("abcdefg", "bcdefgh", strict=True)))


def test_lone_surrogates_become_the_replacement_character() -> None:
    # Go's encoding/json decode.go unquote: an invalid surrogate decodes as U+FFFD.
    assert decode.loads_json(b'{"a":"\\ud800","\\udfff":["\\ud800x"]}') == {
        "a": "\ufffd", "\ufffd": ["\ufffdx"]}


def test_integers_beyond_int64_become_floats_and_huge_ones_are_refused() -> None:
    # unstructured decoding keeps a number that is no int64 as float64 (json.go); a number no
    # float64 holds is encoding/json's UnmarshalTypeError.
    assert decode.loads_json(b"[9223372036854775807, 1000000000000000000000000]") == [
        9223372036854775807, 1e24]
    with pytest.raises(decode.DecodeError, match="cannot unmarshal number 1111"):
        decode.loads_json(b"1" * 5000)


@pytest.mark.parametrize("depth", [decode.MAX_DEPTH + 1, 5000, 100_000])
def test_nesting_beyond_the_bound_is_refused(depth: int) -> None:
    with pytest.raises(decode.DecodeError, match="exceeded max depth"):
        decode.loads_json(b"[" * depth + b"]" * depth)
    with pytest.raises(decode.DecodeError, match="exceeded max depth"):
        decode.loads_yaml(b"[" * depth + b"]" * depth)


def test_billion_laughs_is_refused_before_expansion() -> None:
    assert len(BILLION_LAUGHS) < 400
    with pytest.raises(decode.DecodeError, match="too many aliases"):
        decode.loads_yaml(BILLION_LAUGHS)


@pytest.mark.parametrize("text", [b"x: !!binary aGk=", b"x: !!set {a}",
                                  b"x: !!python/object/apply:os.system [ls]", b"x: .nan"])
def test_yaml_tags_json_has_not_are_refused(text: bytes) -> None:
    with pytest.raises(decode.DecodeError):
        decode.loads_yaml(text)


def test_yaml_keeps_dates_as_strings_and_keys_as_strings() -> None:
    # sigs.k8s.io/yaml YAMLToJSON: an unquoted date stays a string, keys become strings.
    assert decode.loads_yaml(b"when: 2024-01-01\n1: true\n") == {"when": "2024-01-01", "1": True}


def test_a_json_patch_copy_into_itself_stops_at_the_limit() -> None:
    doc = {"spec": {"a": "x" * 1000}}
    ops = [{"op": "copy", "from": "/spec", "path": f"/spec/c{i}"} for i in range(21)]
    with pytest.raises(Exception) as caught:
        decode.bounded_json_patch(json_patch, doc, ops)
    assert caught.value.code == 413   # type: ignore[attr-defined]


# -- over HTTP ----------------------------------------------------------------------------

def _cm(name: str, **fields: object) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, **fields}


def test_body_over_3_mib_is_413(http: Http, namespace: str) -> None:
    # handlers/rest.go limitedReadBody + errors.NewRequestEntityTooLargeError
    body = _cm("big", data={"k": "x" * (3 * 1024 * 1024 + 10)})
    r = http.post(f"/api/v1/namespaces/{namespace}/configmaps", body)
    assert status_of(r) == (413, "RequestEntityTooLarge",
                            "Request entity too large: limit is 3145728")


def test_billion_laughs_over_http_is_400_and_stores_nothing(http: Http, namespace: str) -> None:
    r = http.post(f"/api/v1/namespaces/{namespace}/configmaps", raw=BILLION_LAUGHS,
                  content_type="application/yaml")
    assert status_of(r)[:2] == (400, "BadRequest")
    assert http.get(f"/api/v1/namespaces/{namespace}/configmaps").json()["items"] == []


@pytest.mark.parametrize(("metadata", "message"), [
    # encoding/json UnmarshalTypeError via the versioning codec (versioning.go Decode)
    ("x", "json: cannot unmarshal string into Go struct field ConfigMap.metadata of type "
          "v1.ObjectMeta"),
    ({"name": "a", "labels": 5}, "json: cannot unmarshal number into Go struct field "
                                 "ObjectMeta.metadata.labels of type map[string]string"),
    ({"name": "a", "ownerReferences": "a"},
     "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.ownerReferences "
     "of type []v1.OwnerReference"),
    ({"name": "a", "generateName": True},
     "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.generateName of "
     "type string"),
])
def test_wrong_metadata_types_are_400_with_go_wording(http: Http, namespace: str,
                                                      metadata: object, message: str) -> None:
    r = http.post(f"/api/v1/namespaces/{namespace}/configmaps",
                  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata})
    assert status_of(r) == (400, "BadRequest",
                            f'ConfigMap in version "v1" cannot be handled as a ConfigMap: '
                            f"{message}")


def test_api_version_of_the_wrong_type_is_unrecognized(http: Http, namespace: str) -> None:
    # rest.go transformDecodeError; the kind finder is an anonymous struct (".apiVersion")
    r = http.post(f"/api/v1/namespaces/{namespace}/configmaps",
                  {"apiVersion": {}, "kind": "ConfigMap", "metadata": {"name": "a"}})
    code, reason, message = status_of(r)
    assert (code, reason) == (400, "BadRequest")
    assert ("couldn't get version/kind; json parse error: json: cannot unmarshal object into "
            "Go struct field .apiVersion of type string") in message


@pytest.mark.parametrize(("fields", "message"), [
    ({"data": 5}, "cannot unmarshal number into Go struct field ConfigMap.data of type "
                  "map[string]string"),
    ({"data": "xx"}, "cannot unmarshal string into Go struct field ConfigMap.data of type "
                     "map[string]string"),
    ({"immutable": "<script>"}, "cannot unmarshal string into Go struct field "
                                "ConfigMap.immutable of type bool"),
])
def test_config_map_of_the_wrong_shape_is_400(http: Http, namespace: str,
                                              fields: dict[str, object], message: str) -> None:
    r = http.post(f"/api/v1/namespaces/{namespace}/configmaps", _cm("bad", **fields))
    assert status_of(r) == (400, "BadRequest",
                            f'ConfigMap in version "v1" cannot be handled as a ConfigMap: '
                            f"json: {message}")


def test_config_map_key_with_nul_is_422(http: Http, namespace: str) -> None:
    # core/validation/validation.go ValidateConfigMap + validation.IsConfigMapKey
    r = http.post(f"/api/v1/namespaces/{namespace}/configmaps", _cm("bad", data={"a\x00": "v"}))
    code, reason, message = status_of(r)
    assert (code, reason) == (422, "Invalid")
    assert message.startswith('ConfigMap "bad" is invalid: data[a\x00]: Invalid value: '
                              '"a\\x00": a valid config key must consist of alphanumeric')


def test_lone_surrogate_body_is_stored_as_replacement(http: Http, namespace: str) -> None:
    raw = b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s"},"data":{"k":"\\ud800"}}'
    r = http.post(f"/api/v1/namespaces/{namespace}/configmaps", raw=raw)
    assert r.status_code == 201, r.text
    assert r.json()["data"] == {"k": "\ufffd"}


def test_deep_nesting_is_400_and_lists_still_work(http: Http, ns_path: str) -> None:
    deep: object = "x"
    for _ in range(900):
        deep = {"a": deep}
    body = number("deep")
    body["spec"]["extra"] = deep   # type: ignore[index]
    raw = json.dumps(body).encode()
    r = http.post(f"{ns_path}/numbers", raw=raw)
    assert status_of(r)[:2] == (400, "BadRequest")
    assert "exceeded max depth" in r.json()["message"]
    assert http.get(f"{ns_path}/numbers").status_code == 200


def test_spec_value_beyond_int64_is_422_not_500(http: Http, ns_path: str) -> None:
    # 10^24 decodes as a float64 (unstructured); the int64 schema refuses it with 422.
    raw = json.dumps(number("big")).replace('"value": 1', '"value": 1' + "0" * 24).encode()
    r = http.post(f"{ns_path}/numbers", raw=raw)
    assert r.status_code == 422, r.text
    assert status_of(r)[1] == "Invalid"


def test_yaml_binary_tag_over_http_is_400(http: Http, namespace: str) -> None:
    raw = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: !!binary aGk=}\n"
    r = http.post(f"/api/v1/namespaces/{namespace}/configmaps", raw=raw,
                  content_type="application/yaml")
    assert status_of(r)[:2] == (400, "BadRequest")


def _nested(levels: int) -> object:
    deep: object = "x"
    for _ in range(levels):
        deep = {"a": deep}
    return deep


@pytest.mark.parametrize("content_type", ["application/merge-patch+json",
                                          "application/json-patch+json"])
def test_nesting_just_under_the_bound_is_served_by_every_walk(http: Http, ns_path: str,
                                                              content_type: str) -> None:
    """Every recursive walk (pruning, validation, patching, printing) handles MAX_DEPTH."""
    levels = decode.MAX_DEPTH - 4   # the object, spec and extra hold the rest
    body = number("near")
    body["spec"]["extra"] = _nested(levels)   # type: ignore[index]
    r = http.post(f"{ns_path}/numbers", body)
    assert r.status_code == 201, r.text
    patch: object = ({"metadata": {"annotations": {"a": "b"}}, "spec": {"extra": _nested(levels)}}
                     if content_type.startswith("application/merge")
                     else [{"op": "add", "path": "/spec/extra", "value": _nested(levels)}])
    r = http.patch(f"{ns_path}/numbers/near", patch, content_type=content_type)
    assert r.status_code == 200, r.text
    table = http.get(f"{ns_path}/numbers",
                     headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"})
    assert table.status_code == 200, table.text
    http.delete(f"{ns_path}/numbers/near")


def test_strategic_patch_of_a_deep_deployment(http: Http, namespace: str) -> None:
    levels = decode.MAX_DEPTH - 6
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                  "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
                      "metadata": {"labels": {"a": "b"}}, "spec": {"x": _nested(levels)}}}}
    path = f"/apis/apps/v1/namespaces/{namespace}/deployments"
    r = http.post(path, deployment)
    assert r.status_code == 201, r.text
    r = http.patch(f"{path}/d", {"spec": {"template": {"spec": {"x": _nested(levels)}}}},
                   content_type="application/strategic-merge-patch+json")
    assert r.status_code == 200, r.text
    r = http.patch(f"{path}/d", {"spec": {"template": {"spec": {"x": _nested(levels + 10)}}}},
                   content_type="application/strategic-merge-patch+json")
    assert status_of(r)[:2] == (400, "BadRequest")


def test_json_patch_that_nests_past_the_bound_is_400(http: Http, namespace: str) -> None:
    """Each document is within the bound, the result is not: refused, not a 500."""
    path = f"/apis/apps/v1/namespaces/{namespace}/deployments"
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "g"},
                  "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
                      "metadata": {"labels": {"a": "b"}}, "spec": {"x": _nested(60)}}}}
    assert http.post(path, deployment).status_code == 201
    r = http.patch(f"{path}/g", [{"op": "add", "path": "/spec/template/spec/x" + "/a" * 59,
                                  "value": _nested(60)}],
                   content_type="application/json-patch+json")
    assert status_of(r) == (400, "BadRequest",
                            "error decoding patched object: json: exceeded max depth")
