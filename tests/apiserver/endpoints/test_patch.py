# ruff: noqa: E501 (the golden tables keep kube's documents on one line each)
"""Tests for mathctl.apiserver.endpoints.patch: merge and JSON patches as kube-apiserver v1.28 applies them.

The expected documents and error texts in the tables come from running the library kube uses,
``github.com/evanphx/json-patch`` as vendored in Kubernetes v1.28.0, on the same inputs.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mathctl.apiserver.endpoints.patch import (
    MAX_JSON_PATCH_OPERATIONS,
    PatchError,
    json_patch,
    json_patch_unknown_fields,
    merge_patch,
)

DOC: dict[str, Any] = {
    "apiVersion": "v1", "metadata": {"name": "a", "labels": {"x": "1"}},
    "spec": {"value": 5, "numbers": [1, 2, 3], "obj": {"a": {"b": 1}}, "nul": None, "f": 1.5},
}

# (merge patch, resulting document)
MERGE_CASES: list[tuple[Any, Any]] = [
    ({'spec': {'value': 6}},
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 6}}),
    ({'spec': {'value': None}},
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}}}),
    ({'metadata': {'labels': None}},
     {'apiVersion': 'v1', 'metadata': {'name': 'a'}, 'spec': {'value': 5, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'nul': None, 'f': 1.5}}),
    ({'spec': {'new': {'a': None, 'b': {'c': None, 'd': 1}}}},
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'new': {'b': {'d': 1}}, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ({'spec': {'numbers': [None, {'a': None}]}},
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [None, {}], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ({'spec': {'obj': [{'a': None}]}},
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': [{'a': None}], 'value': 5}}),
    ({'spec': {'value': {'x': None, 'y': 2}}},
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': {'y': 2}}}),
    ({'spec': 'x'},
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': 'x'}),
    ([1, None, {'a': None}],
     [1, None, {}]),
    ({},
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'value': 5, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'nul': None, 'f': 1.5}}),
    ({'spec': {'nul': {'a': None}}},
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': {}, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
]


@pytest.mark.parametrize(("patch", "expected"), MERGE_CASES)
def test_merge_patch_matches_kube(patch: Any, expected: Any) -> None:
    before = copy.deepcopy(DOC)
    assert merge_patch(DOC, copy.deepcopy(patch)) == expected
    assert before == DOC  # the target is not modified


@pytest.mark.parametrize("patch", [None, 5, "x", True])
def test_merge_patch_that_is_not_an_object_or_array_is_a_bad_request(patch: Any) -> None:
    with pytest.raises(PatchError) as info:
        merge_patch(DOC, patch)
    assert (info.value.status_code, info.value.reason, info.value.message) == (
        400, "BadRequest", "Invalid JSON Patch")


# (operations, resulting document or evanphx's error text; "PANIC" where evanphx panics)
JSON_PATCH_CASES: list[tuple[Any, Any]] = [
    ([{'op': 'replace', 'path': '/spec/value', 'value': 7}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 7}}),
    ([{'op': 'test', 'path': '/spec/value', 'value': 4}],
     'testing value /spec/value failed: test failed'),
    ([{'op': 'test', 'path': '/spec/value', 'value': 5}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'test', 'path': '/spec/value', 'value': 5.0}],
     'testing value /spec/value failed: test failed'),
    ([{'op': 'test', 'path': '/spec/f', 'value': 1.5}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'test', 'path': '/spec/missing'}],
     'PANIC'),
    ([{'op': 'test', 'path': '/spec/missing', 'value': None}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'test', 'path': '/spec/nul', 'value': None}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'test', 'path': '/spec/nul', 'value': 1}],
     'testing value /spec/nul failed: test failed'),
    ([{'op': 'test', 'path': '/spec/value', 'value': None}],
     'testing value /spec/value failed: test failed'),
    ([{'op': 'test', 'path': '/spec/obj', 'value': {'a': {'b': 1}}}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'replace', 'path': '/spec/missing', 'value': 1}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'missing': 1, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'replace', 'path': '/nope/x', 'value': 1}],
     'replace operation does not apply: doc is missing path: /nope/x: missing value'),
    ([{'op': 'remove', 'path': '/spec/missing'}],
     "error in remove for path: '/spec/missing': Unable to remove nonexistent key: missing: missing value"),
    ([{'op': 'remove', 'path': '/spec/numbers/-1'}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'remove', 'path': '/spec/numbers/3'}],
     "error in remove for path: '/spec/numbers/3': Unable to access invalid index: 3: invalid index referenced"),
    ([{'op': 'add', 'path': '/spec/numbers/-', 'value': 9}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3, 9], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'add', 'path': '/spec/numbers/0', 'value': 9}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [9, 1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'add', 'path': '/spec/numbers/3', 'value': 9}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3, 9], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'add', 'path': '/spec/numbers/4', 'value': 9}],
     "error in add for path: '/spec/numbers/4': Unable to access invalid index: 4: invalid index referenced"),
    ([{'op': 'add', 'path': '/spec/numbers/-1', 'value': 9}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 2, 3, 9], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'add', 'path': '/spec/numbers/01', 'value': 9}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 9, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'add', 'path': '/spec/numbers/x', 'value': 9}],
     'error in add for path: \'/spec/numbers/x\': value was not a proper array index: \'x\': strconv.Atoi: parsing "x": invalid syntax'),
    ([{'op': 'replace', 'path': '/spec/numbers/5', 'value': 9}],
     'replace operation does not apply: doc is missing key: /spec/numbers/5: missing value'),
    ([{'op': 'replace', 'path': '/spec/numbers/-2', 'value': 9}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [1, 9, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'add', 'path': '/metadata/labels/a~1b', 'value': 'v'}],
     {'apiVersion': 'v1', 'metadata': {'labels': {'a/b': 'v', 'x': '1'}, 'name': 'a'}, 'spec': {'value': 5, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'nul': None, 'f': 1.5}}),
    ([{'op': 'add', 'path': '/metadata/annotations/x', 'value': 'v'}],
     'add operation does not apply: doc is missing path: "/metadata/annotations/x": missing value'),
    ([{'op': 'move', 'from': '/spec/value', 'path': '/spec/moved'}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'moved': 5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}}}),
    ([{'op': 'move', 'from': '/spec/missing', 'path': '/spec/moved'}],
     "error in move for path: 'missing': Unable to remove nonexistent key: missing: missing value"),
    ([{'op': 'copy', 'from': '/spec/obj', 'path': '/spec/copied'}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'copied': {'a': {'b': 1}}, 'f': 1.5, 'nul': None, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'copy', 'from': '/spec/numbers/1', 'path': '/spec/numbers/0'}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'nul': None, 'numbers': [2, 1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'bogus', 'path': '/spec'}],
     'Unexpected kind: bogus'),
    ([{'path': '/spec'}],
     'Unexpected kind: unknown'),
    ([{'op': 'add', 'value': 1}],
     'add operation failed to decode path: missing value'),
    ([{'op': 'add', 'path': '', 'value': 1}],
     'add operation does not apply: doc is missing path: "": missing value'),
    ([{'op': 'add', 'path': '/spec/value/x', 'value': 1}],
     'add operation does not apply: doc is missing path: "/spec/value/x": missing value'),
    ([{'op': 'remove', 'path': '/spec/nul'}],
     {'apiVersion': 'v1', 'metadata': {'name': 'a', 'labels': {'x': '1'}}, 'spec': {'f': 1.5, 'numbers': [1, 2, 3], 'obj': {'a': {'b': 1}}, 'value': 5}}),
    ([{'op': 'add', 'path': '/spec/obj/a/b/c', 'value': 1}],
     'add operation does not apply: doc is missing path: "/spec/obj/a/b/c": missing value'),
    ({'op': 'add'},
     'DECODE'),
]


@pytest.mark.parametrize(("ops", "expected"), JSON_PATCH_CASES)
def test_json_patch_matches_kube(ops: Any, expected: Any) -> None:
    before = copy.deepcopy(DOC)
    if isinstance(expected, dict):
        assert json_patch(DOC, copy.deepcopy(ops)) == expected
    else:
        with pytest.raises(PatchError) as info:
            json_patch(DOC, copy.deepcopy(ops))
        err = info.value
        if expected == "PANIC":
            assert (err.status_code, err.plain_text) == (500, True)
            assert err.message == ("This request caused apiserver to panic. Look in the logs "
                                   "for details.")
        elif expected == "DECODE":
            assert (err.status_code, err.reason) == (400, "BadRequest")
        else:
            # kube answers every failing operation with the same generic 422 and keeps the
            # library's text out of the response (errors.NewGenericServerResponse).
            assert (err.status_code, err.reason) == (422, "Invalid")
            assert err.message == ("the server rejected our request due to an error in our "
                                   "request")
            assert err.detail == expected
    assert before == DOC


def test_json_patch_that_is_not_a_list_is_a_bad_request_with_gos_message() -> None:
    with pytest.raises(PatchError) as info:
        json_patch(DOC, {"op": "add"})  # type: ignore[arg-type]
    assert info.value.status_code == 400
    assert info.value.message == ("json: cannot unmarshal object into Go value of type "
                                  "jsonpatch.Patch")


def test_too_many_operations_is_413() -> None:
    ops = [{"op": "test", "path": "/apiVersion", "value": "v1"}] * (MAX_JSON_PATCH_OPERATIONS + 1)
    with pytest.raises(PatchError) as info:
        json_patch(DOC, ops)
    assert (info.value.status_code, info.value.reason) == (413, "RequestEntityTooLarge")
    assert info.value.message == ("The allowed maximum operations in a JSON patch is 10000, "
                                  "got 10001")


def test_unknown_members_of_operations_for_strict_field_validation() -> None:
    ops = [{"op": "add", "path": "/a", "value": 1, "vaule": 2}, {"op": "remove", "path": "/b"}]
    assert json_patch_unknown_fields(ops) == ['json patch unknown field "[0].vaule"']
    assert json_patch_unknown_fields({"op": "add"}) == []


def test_json_pointer_escapes() -> None:
    doc = {"a/b": {"m~n": 1}}
    assert json_patch(doc, [{"op": "replace", "path": "/a~1b/m~0n", "value": 2}]) == {
        "a/b": {"m~n": 2}}


# --- merge patch laws (RFC 7386) -------------------------------------------------------------

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=3)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abcd"), inner,
                                                                 max_size=3),
    max_leaves=8,
)
documents = st.dictionaries(st.sampled_from("abcd"), json_values, max_size=4)
patches = st.dictionaries(st.sampled_from("abcd"), json_values, max_size=4)


@given(documents)
def test_empty_patch_changes_nothing(doc: dict[str, Any]) -> None:
    assert merge_patch(doc, {}) == doc


@given(documents, patches)
def test_merge_patch_is_idempotent(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    assume(not _null_in_array_object(patch))  # kube's one exception, pinned below
    once = merge_patch(doc, patch)
    assert merge_patch(once, patch) == once


def test_kube_merge_patch_is_not_idempotent_for_nulls_inside_arrays() -> None:
    # evanphx merge(): an array replacing an object keeps its nulls, an array replacing an
    # array has them pruned. Checked against the vendored library.
    once = merge_patch({"a": {}}, {"a": [{"a": None}]})
    assert once == {"a": [{"a": None}]}
    assert merge_patch(once, {"a": [{"a": None}]}) == {"a": [{}]}


def _null_in_array_object(value: Any, in_array: bool = False) -> bool:
    if isinstance(value, dict):
        return any((v is None and in_array) or _null_in_array_object(v, in_array)
                   for v in value.values())
    if isinstance(value, list):
        return any(_null_in_array_object(v, True) for v in value)
    return False


@given(documents, patches)
def test_null_deletes_and_other_values_arrive(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    result = merge_patch(doc, patch)
    for key, value in patch.items():
        if value is None:
            assert key not in result
        elif not isinstance(value, dict):
            assert result[key] == _without_nulls_in_objects(value) or isinstance(doc.get(key),
                                                                                  dict)
        else:
            assert isinstance(result[key], dict)


@given(documents, patches)
def test_merge_patch_does_not_mutate_its_inputs(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    doc_copy, patch_copy = copy.deepcopy(doc), copy.deepcopy(patch)
    merge_patch(doc, patch)
    assert (doc, patch) == (doc_copy, patch_copy)


def _without_nulls_in_objects(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls_in_objects(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls_in_objects(v) for v in value]
    return value
