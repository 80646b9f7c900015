"""List and watch query options refused as kube-apiserver v1.28 refuses them.

Source: staging/src/k8s.io/apimachinery/pkg/apis/meta/internalversion/validation/validation.go
(ValidateListOptions, validateWatchOptions) and staging/src/k8s.io/apiserver/pkg/storage/
api_object_versioner.go (ParseResourceVersion: strconv.ParseUint).
"""

from __future__ import annotations

import pytest

from mathctl.apiserver.endpoints import listoptions

from ..kube import Http, status_of


@pytest.mark.parametrize("text", ["１", "1_0", " 7", "+", "0x10", "99999999999999999999"])
def test_go_int_refuses_what_python_int_accepts(text: str) -> None:
    assert listoptions.go_int(text) is None


@pytest.mark.parametrize("limit", ["１", "1_0"])
def test_limit_that_go_cannot_parse_is_400(http: Http, namespace: str, limit: str) -> None:
    # runtime.Convert_Slice_string_To_int64 -> strconv.ParseInt; 400 BadRequest
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps", params={"limit": limit})
    assert status_of(r) == (400, "BadRequest",
                            f'strconv.ParseInt: parsing "{limit}": invalid syntax')


@pytest.mark.parametrize("rv", ["garbage", "-1"])
def test_list_resource_version_that_is_no_uint_is_400(http: Http, namespace: str,
                                                      rv: str) -> None:
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps", params={"resourceVersion": rv})
    assert status_of(r) == (400, "BadRequest",
                            f'invalid resource version: strconv.ParseUint: parsing "{rv}": '
                            "invalid syntax")


def test_watch_resource_version_minus_one_is_400(http: Http, namespace: str) -> None:
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps",
                 params={"watch": "1", "resourceVersion": "-1"})
    assert status_of(r)[:2] == (400, "BadRequest")


@pytest.mark.parametrize(("params", "cause"), [
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
def test_resource_version_match_is_validated(http: Http, namespace: str,
                                             params: dict[str, str], cause: str) -> None:
    # handlers/get.go ListResource: errors.NewInvalid(ListOptions.meta.k8s.io, "", errs)
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps", params=params)
    assert status_of(r) == (422, "Invalid", f'ListOptions.meta.k8s.io "" is invalid: {cause}')


def test_valid_options_still_list(http: Http, namespace: str) -> None:
    r = http.get(f"/api/v1/namespaces/{namespace}/configmaps",
                 params={"limit": "10", "resourceVersion": "0",
                         "resourceVersionMatch": "NotOlderThan"})
    assert r.status_code == 200, r.text
