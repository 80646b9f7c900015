"""Fuzzing the API server: random and targeted bad requests against a real server process.

Every answer must be what kube-apiserver could send: a success, or a ``Status`` whose
``code`` is the HTTP code, 4xx (or one of kube's own 5xx answers), and never Python exception
text. After each batch the server must still answer ``/healthz``.

CI runs a bounded number of examples (``MATHCTL_FUZZ_EXAMPLES``, default 120 per test; the
``ci`` hypothesis profile in tests/conftest.py makes them derandomized). A long one-off run::

    MATHCTL_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q -s tests/apiserver/test_fuzz.py
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mathctl.apiserver.testing import EmbeddedServer

from .kube import Http

EXAMPLES = int(os.environ.get("MATHCTL_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
NS = "fuzz"
EXCEPTION_TEXT = re.compile(
    r"Traceback|Server got itself in trouble|\b(?:Key|Type|Value|Attribute|Recursion|Overflow|"
    r"Index|Runtime|Assertion|UnicodeEncode|UnicodeDecode|Name|ZeroDivision|Lookup)Error\b|"
    r"StopIteration|File \"/")
# kube's own 5xx answers the server reproduces (etcd3/store.go Create; cacher's 504).
KUBE_5XX = ("resourceVersion should not be set on objects to be created",
            "Too large resource version")
ROOT = Path(__file__).resolve().parents[2]
COUNT = {"requests": 0}


@pytest.fixture(scope="module")
def server() -> Iterator[Http]:
    with EmbeddedServer() as embedded:
        http = Http(embedded.url, embedded.token, str(embedded.ca_cert))
        http.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                          "metadata": {"name": NS}})
        crd = yaml.safe_load((ROOT / "crds" / "number.yaml").read_text())
        http.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
        http.post(f"/api/v1/namespaces/{NS}/configmaps",
                  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"},
                   "data": {"a": "b"}})
        yield http
        log = (embedded.root / "server.log").read_text(errors="replace")
        if "Traceback" in log:
            print(log[-4000:])
        assert http.get("/healthz").status_code == 200
        print(f"\nfuzz: {COUNT['requests']} requests, 0 with exception text, server alive")


RESOURCES = ["/api/v1/namespaces/fuzz/configmaps", "/api/v1/namespaces/fuzz/secrets",
             "/api/v1/namespaces/fuzz/services", "/api/v1/namespaces/fuzz/serviceaccounts",
             "/apis/apps/v1/namespaces/fuzz/deployments",
             "/apis/networking.k8s.io/v1/namespaces/fuzz/ingresses",
             "/apis/rbac.authorization.k8s.io/v1/namespaces/fuzz/roles",
             "/apis/math.mathctl.example/v1beta1/namespaces/fuzz/numbers", "/api/v1/namespaces",
             "/api/v1/configmaps"]
KINDS = {"configmaps": ("v1", "ConfigMap"), "secrets": ("v1", "Secret"),
         "services": ("v1", "Service"), "serviceaccounts": ("v1", "ServiceAccount"),
         "deployments": ("apps/v1", "Deployment"),
         "ingresses": ("networking.k8s.io/v1", "Ingress"),
         "roles": ("rbac.authorization.k8s.io/v1", "Role"),
         "numbers": ("math.mathctl.example/v1beta1", "Number"),
         "namespaces": ("v1", "Namespace")}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20)
names = st.sampled_from(["cm", "a", "x-1"]) | st.text(max_size=12)


@st.composite
def objects(draw: st.DrawFn, plural: str) -> dict[str, Any]:
    """A body close to a valid object, with random parts swapped for random values."""
    api_version, kind = KINDS.get(plural, ("v1", "ConfigMap"))
    obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind,
                           "metadata": {"name": draw(names)}}
    for field in draw(st.lists(st.sampled_from(
            ["metadata", "metadata.labels", "metadata.annotations", "metadata.ownerReferences",
             "metadata.generateName", "metadata.finalizers", "data", "binaryData", "immutable",
             "spec", "spec.value", "spec.ports", "spec.replicas", "spec.rules", "rules",
             "stringData", "type", "status", "apiVersion", "kind"]), max_size=3)):
        head, _, tail = field.partition(".")
        if tail and isinstance(obj.get(head), dict):
            obj[head][tail] = draw(json_values)
        elif tail:
            obj[head] = {tail: draw(json_values)}
        else:
            obj[head] = draw(json_values)
    return obj


def _deep(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


TARGETED = [
    b'{"apiVersion":"v1","kind":"ConfigMap","metadata":"x"}', b"\xff\xfe\x00",
    b'{"metadata":{"name":"\\ud800"},"kind":"ConfigMap","apiVersion":"v1"}', b'"\\ud800"',
    b"[" * 5000 + b"]" * 5000, _deep(600), _deep(5000), b"1" * 5000,
    b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"n"},"data":{"k":1e400}}',
    b"x: !!binary aGk=", b"x: !!set {a}", b"!!python/object/apply:os.system [ls]",
    b"a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    b"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
    b'[{"op":"copy","from":"/data","path":"/data/x"}]', b"NaN", b"-Infinity", b"",
    b'{"apiVersion":{},"kind":[]}', b'{"kind":"ConfigMap","apiVersion":"v1","metadata":{}}',
]
CONTENT_TYPES = ["application/json", "application/yaml", "application/merge-patch+json",
                 "application/json-patch+json", "application/strategic-merge-patch+json",
                 "text/plain", "", "application/apply-patch+yaml"]
QUERY_KEYS = ["limit", "continue", "resourceVersion", "resourceVersionMatch", "labelSelector",
              "fieldSelector", "watch", "fieldValidation", "dryRun", "propagationPolicy",
              "gracePeriodSeconds", "includeObject"]
query_values = st.sampled_from(["", "1", "-1", "0", "１", "1_0", "garbage", "Exact", "true",
                                "a=b", "a in (b", "All", "Strict", "%", "\u0000", "9" * 40]) \
    | st.text(max_size=10)


@st.composite
def requests_(draw: st.DrawFn) -> tuple[str, str, dict[str, str], bytes, str]:
    method = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]))
    collection = draw(st.sampled_from(RESOURCES))
    path = collection
    if draw(st.booleans()):
        path += "/" + draw(st.sampled_from(["cm", "a", "status", "..", "%2F"])
                           | st.text(alphabet="abc-._~%", max_size=6))
        if draw(st.booleans()):
            path += "/" + draw(st.sampled_from(["status", "scale", "token", "x"]))
    if draw(st.integers(0, 9)) == 0:
        path = "/" + draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz/.%0123456789",
                                  max_size=30))
    query = {key: draw(query_values) for key in draw(st.lists(st.sampled_from(QUERY_KEYS),
                                                              max_size=3, unique=True))}
    if query.get("watch") in ("1", "true"):
        query["timeoutSeconds"] = "1"
    kind = draw(st.integers(0, 3))
    if kind == 0:
        body = json.dumps(draw(objects(collection.rsplit("/", 1)[1]))).encode()
    elif kind == 1:
        body = draw(st.sampled_from(TARGETED))
    elif kind == 2:
        body = json.dumps(draw(json_values)).encode()
    else:
        body = draw(st.binary(max_size=64))
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    return method, path, query, body, content_type


def check_answer(response: requests.Response) -> None:
    """The invariant: a Status with a kube code, never Python exception text."""
    text = response.text
    assert not EXCEPTION_TEXT.search(text), text[:500]
    if response.status_code < 400:
        return
    if (response.status_code, text) == (404, "404 page not found\n"):
        return  # a path outside every group/version: Go's http.NotFound, as on kube
    body = response.json()
    assert body.get("kind") == "Status", text[:300]
    assert body["code"] == response.status_code, text[:300]
    if response.status_code >= 500:
        assert any(known in body["message"] for known in KUBE_5XX), text[:300]


@FUZZ
@given(request=requests_())
def test_random_requests_get_kube_answers(server: Http,
                                          request: tuple[str, str, dict[str, str], bytes, str]
                                          ) -> None:
    method, path, query, body, content_type = request
    headers = {"Content-Type": content_type} if content_type else {}
    response = server.session.request(method, server.url + path, params=query, data=body,
                                      headers=headers, timeout=30)
    COUNT["requests"] += 1
    check_answer(response)


@pytest.mark.parametrize("body", TARGETED)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_targeted_bodies_get_kube_answers(server: Http, body: bytes, method: str) -> None:
    path = "/api/v1/namespaces/fuzz/configmaps" + ("/cm" if method == "PATCH" else "")
    for content_type in ("application/json", "application/yaml",
                         "application/json-patch+json", "application/merge-patch+json"):
        response = server.session.request(method, server.url + path, data=body, timeout=30,
                                          headers={"Content-Type": content_type})
        COUNT["requests"] += 1
        check_answer(response)
    assert server.get("/healthz").status_code == 200
    listing = server.get("/api/v1/configmaps",
                         headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"})
    assert listing.status_code == 200, listing.text
