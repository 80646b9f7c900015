"""Schema-aware walks of server-side apply, case by case against structured-merge-diff v4.2.3.

The merge cases are the ``set`` triplets of ``typed/merge_test.go`` (lhs, rhs, merged); the
field sets follow ``typed/toset_test.go`` and the comparison ``typed/comparison_test.go``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mathctl.apiserver.fieldmanager import builtin_types, fieldpath, typed
from mathctl.apiserver.fieldmanager.typed import MISSING, SCALAR, ListType, MapType

SETS = MapType({"setStr": ListType(SCALAR, "set"), "setBool": ListType(SCALAR, "set"),
                "setNumeric": ListType(SCALAR, "set"), "numeric": SCALAR, "string": SCALAR,
                "bool": SCALAR})


@pytest.mark.parametrize(("lhs", "rhs", "merged"), [
    ('{"numeric":1}', '{"numeric":3.14159}', '{"numeric":3.14159}'),
    ('{"string":"aoeu"}', '{"bool":true}', '{"string":"aoeu","bool":true}'),
    ('{"setStr":["a","b","c"]}', '{"setStr":["a","b"]}', '{"setStr":["a","b","c"]}'),
    ('{"setStr":["a","b","c"]}', '{"setStr":[]}', '{"setStr":["a","b","c"]}'),
    ('{"setStr":["a","b"]}', '{"setStr":["b","a"]}', '{"setStr":["b","a"]}'),
    ('{"setStr":["a","b","c","g","f"]}', '{"setStr":["c","d","e","f"]}',
     '{"setStr":["a","b","c","g","d","e","f"]}'),
    ('{"setStr":["c","d","e","f"]}', '{"setStr":["a","c","e"]}',
     '{"setStr":["a","c","d","e","f"]}'),
    ('{"setStr":["a","b","c","x","y","z"]}', '{"setStr":["d","e","f","x","y","z"]}',
     '{"setStr":["a","b","c","d","e","f","x","y","z"]}'),
    ('{"setStr":["c","a","g","f"]}', '{"setStr":["c","f","a","g"]}',
     '{"setStr":["c","f","a","g"]}'),
    ('{"setStr":["a","b","c","d"]}', '{"setStr":["d","e","f","a"]}',
     '{"setStr":["b","c","d","e","f","a"]}'),
    ('{"setStr":["c","d","e","f","g","h","i","j"]}', '{"setStr":["2","h","3","e","4","k","l"]}',
     '{"setStr":["c","d","f","g","2","h","i","j","3","e","4","k","l"]}'),
    ('{"setStr":["a","b","c","d","e","f","g","h","i","j"]}',
     '{"setStr":["1","b","2","h","3","e","4","k","l"]}',
     '{"setStr":["a","1","b","c","d","f","g","2","h","i","j","3","e","4","k","l"]}'),
    ('{"setBool":[true]}', '{"setBool":[false]}', '{"setBool":[true, false]}'),
    ('{"setNumeric":[1,2,3.14159]}', '{"setNumeric":[1,2,3]}',
     '{"setNumeric":[1,2,3.14159,3]}'),
])
def test_merge_of_sets_keeps_the_order_structured_merge_diff_gives(
        lhs: str, rhs: str, merged: str) -> None:
    # typed/merge_test.go, "set" triplets (v4.2.3)
    assert typed.merge(json.loads(lhs), json.loads(rhs), SETS) == json.loads(merged)


ITEMS = MapType({"list": ListType(MapType({"key": SCALAR, "id": SCALAR,
                                           "value": MapType(element=SCALAR)}),
                                  "map", ("key", "id")),
                 "atomic": ListType(SCALAR)})


def test_merge_of_an_associative_list_merges_items_by_their_keys() -> None:
    # typed/merge_test.go "associative list": items with other keys are kept beside
    lhs = {"list": [{"key": "a", "id": 1, "value": {"a": "a"}}], "atomic": ["x", "y"]}
    rhs = {"list": [{"key": "a", "id": 1, "value": {"b": "b"}},
                    {"key": "a", "id": 2, "value": {"a": "a"}}], "atomic": ["z"]}
    assert typed.merge(lhs, rhs, ITEMS) == {
        "list": [{"key": "a", "id": 1, "value": {"a": "a", "b": "b"}},
                 {"key": "a", "id": 2, "value": {"a": "a"}}],
        "atomic": ["z"]}


def test_field_set_of_a_config_marks_struct_fields_only_when_they_are_leaves() -> None:
    # tofieldset.go: a struct field is a member only if null or an empty map; map keys and
    # list items always are; an atomic list is one member.
    config = {"list": [{"key": "a", "id": 1, "value": {"x": "1"}}], "atomic": ["x"]}
    assert typed.to_field_set(config, ITEMS) == {
        "f:atomic": {},
        "f:list": {'k:{"id":1,"key":"a"}': {".": {}, "f:id": {}, "f:key": {},
                                             "f:value": {"f:x": {}}}}}


def test_compare_reports_added_modified_and_removed_paths() -> None:
    lhs = {"list": [{"key": "a", "id": 1, "value": {"x": "1"}}], "atomic": ["x"]}
    rhs = {"list": [{"key": "a", "id": 1, "value": {"x": "2"}},
                    {"key": "b", "id": 1}], "atomic": ["x"]}
    added, modified, removed = typed.compare(lhs, rhs, ITEMS)
    assert added == {"f:list": {'k:{"id":1,"key":"b"}': {".": {}, "f:id": {}, "f:key": {}}}}
    assert modified == {"f:list": {'k:{"id":1,"key":"a"}': {"f:value": {"f:x": {}}}}}
    assert removed == {}
    assert typed.compare(lhs, lhs, ITEMS) == ({}, {}, {})


def test_remove_items_drops_members_with_everything_under_them() -> None:
    obj = {"list": [{"key": "a", "id": 1, "value": {"x": "1", "y": "2"}},
                    {"key": "b", "id": 1}], "atomic": ["x"]}
    gone = fieldpath.from_paths(("f:list", 'k:{"id":1,"key":"b"}'),
                                ("f:list", 'k:{"id":1,"key":"a"}', "f:value", "f:y"))
    assert typed.remove_items(obj, gone, ITEMS) == {
        "list": [{"key": "a", "id": 1, "value": {"x": "1"}}], "atomic": ["x"]}
    assert typed.remove_items({"atomic": ["x"]}, {"f:atomic": {}}, ITEMS) is MISSING


def test_a_container_port_is_keyed_with_its_defaulted_protocol() -> None:
    # core/v1 Container.Ports: +listMapKey=containerPort +listMapKey=protocol, protocol
    # defaults to TCP, so an item without it still has both keys.
    ports: Any = builtin_types.CONTAINER.field_type("ports")[0]
    assert typed.item_element(ports, {"containerPort": 80}, 0) == \
        'k:{"containerPort":80,"protocol":"TCP"}'


def test_crd_schemas_read_list_and_map_types() -> None:
    t = typed.from_openapi({"type": "object", "properties": {
        "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
        "plain": {"type": "array", "items": {"type": "string"}},
        "sel": {"type": "object", "additionalProperties": {"type": "string"},
                "x-kubernetes-map-type": "atomic"}}})
    assert isinstance(t, MapType)
    tags, plain, sel = (t.field_type(k)[0] for k in ("tags", "plain", "sel"))
    assert (tags.kind, plain.kind, sel.atomic) == ("set", "atomic", True)
    assert fieldpath.path_string(("f:spec", 'v:"a"')) == '.spec[="a"]'


KEYED = MapType({"items": ListType(MapType({"name": SCALAR, "port": SCALAR}), "map",
                                   ("name", "port"), {"port": 80}),
                 "tags": ListType(SCALAR, "set"), "free": MapType(element=typed.UNTYPED)})


@pytest.mark.parametrize(("value", "problems"), [
    # typed/validate.go and typed/helpers.go (structured-merge-diff v4.2.3): the words of
    # kube's "failed to create typed patch object" errors
    ({"items": [{"name": "a"}, {"name": "a", "port": 80}]},
     ['.items: duplicate entries for key [name="a",port=80]']),
    ({"items": [{"port": 1}]}, ['.items: element 0: associative list with keys has an element '
                                'that omits key field "name" (and doesn\'t have default value)']),
    ({"items": [None]}, [".items: element 0: associative list with keys may not have a null "
                         "element"]),
    ({"items": ["x"]}, [".items: element 0: associative list with keys may not have non-map "
                        "elements"]),
    ({"tags": ["a", "a"]}, ['.tags: duplicate entries for key [="a"]']),
    ({"tags": [{"a": 1}]}, [".tags: element 0: associative list without keys has an element "
                            "that's a map type"]),
    ({"tags": [None]}, [".tags: element 0: associative list without keys has an element "
                        "that's an explicit null"]),
    ({"items": {"name": "a"}}, [".items: expected list, got &{map[name:a]}"]),
    ({"free": ["a", 1]}, [".free: expected map, got &{[a 1]}"]),
    ({"other": 1, "zzz": 2}, [".other: field not declared in schema"]),
    ({"free": {"anything": [{"goes": None}]}, "items": None, "tags": []}, []),
])
def test_an_applied_configuration_is_read_strictly(value: Any, problems: list[str]) -> None:
    assert typed.validate(value, KEYED) == problems


def test_every_problem_is_reported_not_just_the_first() -> None:
    assert typed.validate({"items": [{"name": "a"}, {"name": "a"}], "tags": ["x", "x"]},
                          KEYED) == ['.items: duplicate entries for key [name="a",port=80]',
                                     '.tags: duplicate entries for key [="x"]']


SCALARS = typed.from_openapi({"type": "object", "properties": {
    "count": {"type": "integer"}, "ratio": {"type": "number"}, "name": {"type": "string"},
    "on": {"type": "boolean"}, "port": {"x-kubernetes-int-or-string": True}}})


@pytest.mark.parametrize(("value", "problem"), [
    # validateScalar (structured-merge-diff typed/helpers.go); kube-openapi's schemaconv makes
    # integer and number both "numeric". The numeric wording (Go's %T, numbers decoded as
    # float64) is the one kube users quote: ".spec.replicas: expected numeric (int or float),
    # got string".
    ({"count": "lots"}, ".count: expected numeric (int or float), got string"),
    ({"ratio": True}, ".ratio: expected numeric (int or float), got bool"),
    ({"count": {"a": 1}}, ".count: expected numeric (int or float), got map[string]interface {}"),
    ({"name": 5}, ".name: expected string, got &value.valueUnstructured{Value:5}"),
    ({"on": "yes"}, ".on: expected boolean, got &{yes}"),
])
def test_a_scalar_of_the_wrong_kind_is_refused(value: Any, problem: str) -> None:
    assert typed.validate(value, SCALARS) == [problem]


def test_scalars_of_the_right_kind_and_int_or_string_pass() -> None:
    assert typed.validate({"count": 3, "ratio": 0.5, "name": "n", "on": False, "port": "http"},
                          SCALARS) == []
    assert typed.validate({"count": 3.0, "port": 8080, "name": None}, SCALARS) == []
