"""List and watch options kube refuses are refused here too (issue 12).

Sources (v1.28): apimachinery pkg/apis/meta/internalversion/validation/validation.go
(ValidateListOptions: resourceVersionMatch); apiserver pkg/storage/api_object_versioner.go
(ParseResourceVersion: strconv.ParseUint); integer parameters are parsed with Go's
strconv.ParseInt, which reads ASCII digits and a sign only.
"""

from __future__ import annotations

import pytest

from .kube import Http, status_of


@pytest.mark.parametrize("limit", ["１", "1_0", "1.0", " 1", "0x10"])
def test_limits_python_reads_but_go_does_not_are_400(http: Http, namespace: str,
                                                     limit: str) -> None:
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps", params={"limit": limit})
    assert status_of(r) == (400, "BadRequest", f'invalid value for limit: "{limit}"')


@pytest.mark.parametrize("watch", ["false", "true"])
@pytest.mark.parametrize("rv", ["garbage", "-1"])
def test_an_unparsable_resource_version_is_400(http: Http, namespace: str, rv: str,
                                               watch: str) -> None:
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps",
                 params={"resourceVersion": rv, "watch": watch, "timeoutSeconds": "1"})
    assert status_of(r) == (400, "BadRequest", (
        f'invalid resource version: resourceVersion: Invalid value: "{rv}": '
        f'strconv.ParseUint: parsing "{rv}": invalid syntax'))


@pytest.mark.parametrize(("params", "message"), [
    ({"resourceVersionMatch": "garbage", "resourceVersion": "1"},
     'resourceVersionMatch: Unsupported value: "garbage": supported values: "Exact", '
     '"NotOlderThan", ""'),
    ({"resourceVersionMatch": "Exact"},
     "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
     "resourceVersion is provided"),
    ({"resourceVersionMatch": "Exact", "resourceVersion": "0"},
     'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for '
     'resourceVersion "0"'),
])
def test_resource_version_match_is_validated_as_kube_does(http: Http, namespace: str,
                                                          params: dict[str, str],
                                                          message: str) -> None:
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps", params=params)
    assert status_of(r) == (422, "Invalid", f'ListOptions.meta.k8s.io "" is invalid: {message}')


def test_valid_options_still_list(http: Http, namespace: str) -> None:
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps",
                 params={"limit": "+5", "resourceVersion": "0",
                         "resourceVersionMatch": "NotOlderThan"})
    assert r.status_code == 200 and r.json()["kind"] == "ConfigMapList"
