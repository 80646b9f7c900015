"""Routing, authentication and error answers: each one a ``Status`` as kube-apiserver sends it.

Where the real server's answer is surprising the source is cited: go-restful routes built-in
resources (a method a path lacks is 405 through ``serviceErrorHandler``), while custom
resources go through ``customresource_handler.go`` (its own 405s and 404s, and PUT on a
collection reaching the update handler, which needs a name: 400).
"""

from __future__ import annotations

import pytest
import requests

from ..kube import API, Http, number, status_of

pytestmark = pytest.mark.usefixtures("crds")


@pytest.mark.parametrize("path", ["/healthz", "/livez", "/readyz", "/version"])
def test_health_and_version_need_no_token(http: Http, path: str) -> None:
    anonymous = Http(http.url, None, http.session.verify)
    assert anonymous.get(path).status_code == 200


@pytest.mark.parametrize("token", [None, "wrong"])
def test_api_needs_the_bearer_token(http: Http, token: str | None) -> None:
    stranger = Http(http.url, token, http.session.verify)
    r = stranger.get("/api/v1/namespaces")
    assert status_of(r) == (401, "Unauthorized", "Unauthorized")


def test_plain_http_is_refused(http: Http) -> None:
    with pytest.raises(requests.ConnectionError):
        requests.get(http.url.replace("https://", "http://") + "/healthz", timeout=5)


def test_an_unknown_resource_of_a_built_in_group_is_a_404_status(http: Http) -> None:
    # go-restful serves /api/v1; its 404 goes through serviceErrorHandler as a Status
    # (apiserver pkg/endpoints/handlers/responsewriters, NewGenericServerResponse).
    assert status_of(http.get("/api/v1/foos")) == (
        404, "NotFound", "the server could not find the requested resource")


@pytest.mark.parametrize("path", ["/apis/math.mathctl.example/v1beta1/foos",
                                  "/apis/nope.example", "/apis/nope.example/v1",
                                  "/apis/nope.example/v1/things", "/apis/apps/v9/deployments",
                                  "/api/v2/pods", "/nonsense"])
def test_unknown_groups_and_paths_are_a_plain_text_404(http: Http, crds: list[str],
                                                       path: str) -> None:
    # No go-restful web service claims these: the CRD handler delegates to the
    # NotFoundHandler (apiserver pkg/server/handler.go), Go's http.NotFound.
    r = http.get(path)
    assert r.status_code == 404 and r.text == "404 page not found\n"
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("path", ["/apis/math.mathctl.example/v9",
                                  "/apis/math.mathctl.example/v9/numbers"])
def test_an_unserved_version_of_a_served_group_is_a_plain_404_page(http: Http, path: str) -> None:
    """kube's handler chain ends in Go's http.NotFound for these, not in a Status
    (apiserver pkg/server/mux/pathrecorder.go NotFoundHandler)."""
    r = http.get(path)
    assert (r.status_code, r.text) == (404, "404 page not found\n")
    assert r.headers["Content-Type"].startswith("text/plain")


def test_status_of_a_resource_without_that_subresource_is_404(http: Http,
                                                              namespace: str) -> None:
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps/x/status")
    assert status_of(r)[:2] == (404, "NotFound")


def test_malformed_json_is_400(http: Http, ns_path: str) -> None:
    r = http.post(f"{ns_path}/numbers", raw=b'{"apiVersion": ')
    assert status_of(r) == (
        400, "BadRequest", "the object provided is unrecognized (must be of type Number): "
        "couldn't get version/kind; json parse error: unexpected end of JSON input "
        '({"apiVersion": )')


@pytest.mark.parametrize(("literal", "go_error"), [
    ("NaN", "invalid character 'N' looking for beginning of value"),
    ("Infinity", "invalid character 'I' looking for beginning of value"),
    ("-Infinity", "invalid character 'I' in numeric literal"),
])
def test_nan_and_infinity_are_not_json(http: Http, ns_path: str, literal: str,
                                       go_error: str) -> None:
    # Python's json module reads them; Go's encoding/json, and so kube-apiserver, does not.
    head = ('{"apiVersion":"math.mathctl.example/v1beta1","kind":"Number",'
            '"metadata":{"name":"nan","annotations":{"a":"NaN"}},"spec":{"value":')
    r = http.post(f"{ns_path}/numbers", raw=f"{head}{literal}}}}}".encode())
    code, reason, message = status_of(r)
    assert (code, reason) == (400, "BadRequest")
    assert f"json parse error: {go_error}" in message
    http.post(f"{ns_path}/numbers", number("target", 1)).raise_for_status()
    patched = http.patch(f"{ns_path}/numbers/target",
                         raw=f'{{"spec":{{"value":{literal}}}}}'.encode())
    assert status_of(patched)[:2] == (400, "BadRequest")
    assert http.get(f"{ns_path}/numbers/target").json()["spec"]["value"] == 1


def test_custom_resource_without_kind_is_400(http: Http, ns_path: str) -> None:
    body = b'{"apiVersion":"math.mathctl.example/v1beta1","metadata":{"name":"k"}}'
    r = http.post(f"{ns_path}/numbers", raw=body)
    code, reason, message = status_of(r)
    assert (code, reason) == (400, "BadRequest")
    assert message.startswith("the object provided is unrecognized (must be of type Number): "
                              "Object 'Kind' is missing in ")


def test_api_version_mismatch_is_400(http: Http, ns_path: str) -> None:
    obj = number("m")
    obj["apiVersion"] = "other.example/v1"
    r = http.post(f"{ns_path}/numbers", obj)
    assert status_of(r) == (400, "BadRequest",
                            "the API version in the data (other.example/v1) does not match the "
                            "expected API version (math.mathctl.example/v1beta1)")


def test_kind_mismatch_on_a_custom_resource_is_422(http: Http, ns_path: str) -> None:
    obj = number("k")
    obj["kind"] = "Gadget"
    r = http.post(f"{ns_path}/numbers", obj)
    # customResourceValidator.ValidateTypeMeta (apiextensions-apiserver pkg/registry/
    # customresource/validator.go) gives the cause; rest.BeforeCreate (apiserver pkg/registry/
    # rest/create.go) wraps it in NewInvalid(kind.GroupKind()) with the kind that
    # strategy.ObjectKinds reads from the object itself: the body's "Gadget".
    assert status_of(r) == (422, "Invalid", 'Gadget.math.mathctl.example "k" is invalid: kind: '
                                            'Invalid value: "Gadget": must be Number')
    assert r.json()["details"]["kind"] == "Gadget"


def test_wrong_content_type_is_415(http: Http, ns_path: str) -> None:
    r = http.post(f"{ns_path}/numbers", number("ct"), content_type="text/plain")
    assert status_of(r) == (415, "UnsupportedMediaType",
                            "the body of the request was in an unknown format - accepted media "
                            "types include: application/json, application/yaml")


def test_yaml_body_is_accepted(http: Http, ns_path: str) -> None:
    body = (b"apiVersion: math.mathctl.example/v1beta1\nkind: Number\n"
            b"metadata: {name: yaml}\nspec: {value: 3}\n")
    r = http.post(f"{ns_path}/numbers", raw=body, content_type="application/yaml")
    assert r.status_code == 201 and r.json()["spec"] == {"value": 3}


def test_delete_on_status_is_405(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("s")).raise_for_status()
    r = http.delete(f"{ns_path}/numbers/s/status")
    # crdHandler.serveStatus: only get, update, patch -> NewMethodNotSupported.
    assert status_of(r) == (405, "MethodNotAllowed", 'delete is not supported on resources of '
                                                     'kind "numbers.math.mathctl.example"')
    assert r.json()["details"] == {"group": "math.mathctl.example", "kind": "numbers"}


def test_delete_on_a_builtin_status_is_405(http: Http, namespace: str) -> None:
    r = http.delete(f"/api/v1/namespaces/{namespace}/status")
    assert status_of(r) == (405, "MethodNotAllowed",
                            "the server does not allow this method on the requested resource")


def test_put_on_a_custom_resource_collection_is_400(http: Http, ns_path: str) -> None:
    r = http.put(f"{ns_path}/numbers", number("x"))
    # The CR handler routes PUT to update, whose namer needs a name (namer.go errEmptyName).
    assert status_of(r) == (400, "BadRequest", "name must be provided")


def test_put_on_a_builtin_collection_is_405(http: Http, namespace: str) -> None:
    r = http.put(f"/api/v1/namespaces/{namespace}/configmaps", {"metadata": {"name": "x"}})
    assert status_of(r)[:2] == (405, "MethodNotAllowed")


def test_create_across_all_namespaces_is_404_for_custom_resources(http: Http) -> None:
    # crdHandler.ServeHTTP (apiextensions-apiserver customresource_handler.go): a namespaced
    # resource without a namespace serves only list and watch; the rest goes to the
    # delegate, the plain-text NotFoundHandler.
    r = http.post(f"{API}/numbers", number("x"))
    assert r.status_code == 404 and r.text == "404 page not found\n"


def test_bad_label_selector_is_400(http: Http, ns_path: str) -> None:
    code, reason, _ = status_of(http.get(f"{ns_path}/numbers?labelSelector=a%20in%20b"))
    assert (code, reason) == (400, "BadRequest")


def test_unsupported_field_selector_is_400(http: Http, ns_path: str) -> None:
    r = http.get(f"{ns_path}/numbers?fieldSelector=spec.value%3D1")
    assert status_of(r) == (400, "BadRequest", "field label not supported: spec.value")
