"""The schema-aware walks of ``typed.py``, case by case against structured-merge-diff v4.2.3.

Field sets of objects (``typed/toset_test.go``), the comparison of two objects into removed,
modified and added fields (``typed/symdiff_test.go``), removal (``typed/remove_test.go``) and
merge (``typed/merge_test.go``), restated as tables; each table names its upstream case.
Fields are written as printed paths (``.list[id=1,key="a"].key``); ``__untyped_atomic_`` (a
value kept whole) is ``SCALAR``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mathctl.apiserver.fieldmanager import fieldpath, typed
from mathctl.apiserver.fieldmanager.fieldpath import Set
from mathctl.apiserver.fieldmanager.typed import MISSING, SCALAR, UNTYPED, ListType, MapType

# toset_test.go / remove_test.go "simple pair"
PAIR = MapType({"key": SCALAR, "value": SCALAR})
# toset_test.go "struct grab bag": sets of scalars, an atomic struct and map, an atomic list
GRAB_BAG = MapType({
    "numeric": SCALAR, "string": SCALAR, "bool": SCALAR,
    "setStr": ListType(SCALAR, "set"), "setBool": ListType(SCALAR, "set"),
    "setNumeric": ListType(SCALAR, "set"),
    "color": MapType({"R": SCALAR, "G": SCALAR, "B": SCALAR}, atomic=True),
    "arbitraryWavelengthColor": MapType(element=SCALAR, atomic=True),
    "args": ListType(MapType({"key": SCALAR, "value": SCALAR}))})
# toset_test.go / remove_test.go "associative list": keyed by key and id
ROOT = MapType({
    "list": ListType(MapType({"key": SCALAR, "id": SCALAR, "value": MapType(element=SCALAR),
                              "bv": SCALAR, "nv": SCALAR}), "map", ("key", "id")),
    "atomicList": ListType(SCALAR),
    "atomicMap": MapType(element=SCALAR, atomic=True)})
# symdiff_test.go "null/empty map", "null/empty struct", "null/empty list"
NESTED_MAP = MapType({"inner": MapType(element=SCALAR)})
NESTED_STRUCT = MapType({"inner": MapType({"value": SCALAR})})
NESTED_LIST = MapType({"inner": ListType(SCALAR, "set")})


def _recursive() -> MapType:
    node = MapType()
    node.element = node
    return node


# symdiff_test.go "map merge": a map of itself
RECURSIVE = _recursive()


def paths(s: Set) -> set[str]:
    return {fieldpath.path_string(p) for p in fieldpath.members(s)}


# --- to_field_set ---------------------------------------------------------------------------

TOSET = [
    # toset_test.go "simple pair"
    (PAIR, '{"key":"foo","value":1}', {".key", ".value"}),
    (PAIR, '{"key":"foo","value":{"a": "b"}}', {".key", ".value"}),
    (PAIR, '{"key":"foo","value":null}', {".key", ".value"}),
    (PAIR, '{"key":"foo"}', {".key"}),
    # toset_test.go "struct grab bag"
    (GRAB_BAG, '{"numeric":3.14159}', {".numeric"}),
    (GRAB_BAG, '{"bool":false}', {".bool"}),
    (GRAB_BAG, '{"setStr":["a","b","c"]}', {'.setStr[="a"]', '.setStr[="b"]', '.setStr[="c"]'}),
    (GRAB_BAG, '{"setBool":[true,false]}', {".setBool[=true]", ".setBool[=false]"}),
    (GRAB_BAG, '{"setNumeric":[1,2,3,3.14159]}',
     {".setNumeric[=1]", ".setNumeric[=2]", ".setNumeric[=3]", ".setNumeric[=3.14159]"}),
    (GRAB_BAG, '{"color":{}}', {".color"}),
    (GRAB_BAG, '{"color":null}', {".color"}),
    (GRAB_BAG, '{"color":{"R":255,"G":0,"B":0}}', {".color"}),
    (GRAB_BAG, '{"arbitraryWavelengthColor":{"IR":255}}', {".arbitraryWavelengthColor"}),
    (GRAB_BAG, '{"args":[]}', {".args"}),
    (GRAB_BAG, '{"args":null}', {".args"}),
    (GRAB_BAG, '{"args":[{"key":"a","value":"b"},{"key":"c","value":"d"}]}', {".args"}),
    # toset_test.go "associative list"
    (ROOT, '{"list":[]}', set()),
    (ROOT, '{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}',
     {'.list[id=1,key="a"]', '.list[id=1,key="a"].key', '.list[id=1,key="a"].id',
      '.list[id=1,key="a"].value.a'}),
    (ROOT, '{"list":[{"key":"a","id":1},{"key":"a","id":2},{"key":"b","id":1}]}',
     {f'.list[id={i},key="{k}"]{f}' for k, i in (("a", 1), ("a", 2), ("b", 1))
      for f in ("", ".key", ".id")}),
    (ROOT, '{"atomicList":["a","a","a"]}', {".atomicList"}),
]


@pytest.mark.parametrize(("schema", "obj", "expected"), TOSET)
def test_to_field_set(schema: Any, obj: str, expected: set[str]) -> None:
    assert paths(typed.to_field_set(json.loads(obj), schema)) == expected


# --- compare ----------------------------------------------------------------------------------

# (schema, lhs, rhs, removed, modified, added); every row is also checked the other way round,
# removed and added swapping, as upstream does.
SYMDIFF = [
    # symdiff_test.go "simple pair"
    (PAIR, '{"key":"foo","value":1}', '{"key":"foo","value":1}', set(), set(), set()),
    (PAIR, '{"key":"foo","value":{}}', '{"key":"foo","value":1}', set(), {".value"}, set()),
    (PAIR, '{"key":"foo","value":1}', '{"key":"foo","value":{"or":{"how":"nested"}}}',
     set(), {".value"}, set()),
    (PAIR, '{"key":"foo","value":null}', '{"key":"foo","value":{}}', set(), {".value"}, set()),
    (PAIR, '{"key":"foo"}', '{"value":true}', {".key"}, set(), {".value"}),
    (PAIR, '{"key":"foot"}', '{"key":"foo","value":true}', set(), {".key"}, {".value"}),
    # "null/empty map", "null/empty struct", "null/empty list"
    *[row for schema, empty in ((NESTED_MAP, "{}"), (NESTED_STRUCT, "{}"), (NESTED_LIST, "[]"))
      for row in (
          (schema, "{}", f'{{"inner":{empty}}}', set(), set(), {".inner"}),
          (schema, "{}", '{"inner":null}', set(), set(), {".inner"}),
          (schema, '{"inner":null}', f'{{"inner":{empty}}}', set(), {".inner"}, set()),
          (schema, f'{{"inner":{empty}}}', f'{{"inner":{empty}}}', set(), set(), set()))],
    # "map merge"
    (RECURSIVE, '{"a":{},"b":{}}', '{"a":{},"b":{}}', set(), set(), set()),
    (RECURSIVE, '{"a":{}}', '{"b":{}}', {".a"}, set(), {".b"}),
    (RECURSIVE, '{"a":{"b":{"c":{}}}}', '{"a":{"b":{}}}', {".a.b.c"}, set(), set()),
    (RECURSIVE, '{"a":{}}', '{"a":{"b":{}}}', set(), set(), {".a.b"}),
    # "untyped deduced": maps granular, lists and scalars leaves
    (UNTYPED, '{"a":{}}', '{"a":{"b":{}}}', set(), set(), {".a.b"}),
    (UNTYPED, '{"a":null}', '{"a":{"b":{}}}', set(), set(), {".a.b"}),
    (UNTYPED, '{"a":[]}', '{"a":["b"]}', set(), {".a"}, set()),
    (UNTYPED, '{"a":null}', '{"a":["b"]}', set(), {".a"}, set()),
    (UNTYPED, '{"a":null}', '{"a":"b"}', set(), {".a"}, set()),
    (UNTYPED, '{"a":{"b":{}}}', '{"a":["b"]}', {".a.b"}, {".a"}, set()),
    (UNTYPED, '{"a":{"b":{}}}', '{"a":"b"}', {".a.b"}, {".a"}, set()),
    (UNTYPED, '{"a":["b"]}', '{"a":"b"}', set(), {".a"}, set()),
]


@pytest.mark.parametrize(("schema", "lhs", "rhs", "removed", "modified", "added"), SYMDIFF)
def test_compare(schema: Any, lhs: str, rhs: str, removed: set[str], modified: set[str],
                 added: set[str]) -> None:
    a, m, r = typed.compare(json.loads(lhs), json.loads(rhs), schema)
    assert (paths(r), paths(m), paths(a)) == (removed, modified, added)
    a, m, r = typed.compare(json.loads(rhs), json.loads(lhs), schema)
    assert (paths(r), paths(m), paths(a)) == (added, modified, removed)


# --- remove_items -----------------------------------------------------------------------------

# (schema, object, fields to remove, what is left; None: nothing). A list or map that empties
# under a field is left null there, as upstream leaves it.
REMOVE = [
    # remove_test.go "simple pair"
    (PAIR, '{"key":"foo"}', [("f:key",)], None),
    (PAIR, '{"key":"foo"}', [], '{"key":"foo"}'),
    (PAIR, '{"key":"foo","value":true}', [("f:key",)], '{"value":true}'),
    (PAIR, '{"key":"foo","value":{"a": "b"}}', [("f:value",)], '{"key":"foo"}'),
    # "struct grab bag"
    (GRAB_BAG, '{"setBool":[false]}', [("f:setBool", "v:false")], '{"setBool":null}'),
    (GRAB_BAG, '{"setBool":[false]}', [("f:setBool", "v:true")], '{"setBool":[false]}'),
    (GRAB_BAG, '{"setBool":[true,false]}', [("f:setBool", "v:true")], '{"setBool":[false]}'),
    (GRAB_BAG, '{"setBool":[true,false]}', [("f:setBool",)], None),
    (GRAB_BAG, '{"setNumeric":[1,2,3,4.5]}', [("f:setNumeric", "v:1"), ("f:setNumeric", "v:4.5")],
     '{"setNumeric":[2,3]}'),
    (GRAB_BAG, '{"setStr":["a","b","c"]}', [("f:setStr", 'v:"a"')], '{"setStr":["b","c"]}'),
    # "associative and atomic"
    (ROOT, '{"list":[{"key":"a","id":1},{"key":"a","id":2},{"key":"b","id":1}]}',
     [("f:list", 'k:{"id":1,"key":"a"}')], '{"list":[{"key":"a","id":2},{"key":"b","id":1}]}'),
    (ROOT, '{"atomicList":["a", "a", "a"]}', [("f:atomicList",)], None),
    (ROOT, '{"atomicMap":{"a": "c", "b": "d"}}', [("f:atomicMap",)], None),
]


@pytest.mark.parametrize(("schema", "obj", "gone", "left"), REMOVE)
def test_remove_items(schema: Any, obj: str, gone: list[tuple[str, ...]],
                      left: str | None) -> None:
    result = typed.remove_items(json.loads(obj), fieldpath.from_paths(*gone), schema)
    assert result == (MISSING if left is None else json.loads(left))


def test_the_nulls_removal_leaves_are_dropped_where_a_schema_describes_the_value() -> None:
    # what kube's conversion after apply does (Go structs; a CR's
    # PruneNonNullableNullsWithoutDefaults); a deduced value keeps its null
    before = {"setBool": [True], "numeric": 1}
    pruned = typed.remove_items(before, fieldpath.from_paths(("f:setBool", "v:true")), GRAB_BAG)
    assert pruned == {"setBool": None, "numeric": 1}
    assert typed.drop_emptied(pruned, before, GRAB_BAG) == {"numeric": 1}
    before = {"a": {"b": 1}, "c": 2}
    pruned = typed.remove_items(before, fieldpath.from_paths(("f:a", "f:b")), UNTYPED)
    assert typed.drop_emptied(pruned, before, UNTYPED) == {"a": None, "c": 2}
    nested = {"x": {"y": {"z": 1}}}
    pruned = typed.remove_items(nested, fieldpath.from_paths(("f:x", "f:y", "f:z")), RECURSIVE)
    assert pruned == {"x": {"y": None}}
    assert typed.drop_emptied(pruned, nested, RECURSIVE) == {"x": {}}


def test_a_whole_float_names_the_same_item_as_its_integer() -> None:
    # default_keys_test.go "apply_integer_key_with_float_default": a key's default 2.0 and an
    # item's 2 are one item (value.Compare), written as Go writes the float: 2
    sentences = ListType(MapType({"page": SCALAR, "line": SCALAR}), "map", ("page", "line"),
                         {"page": 2.0, "line": 3})
    assert typed.item_element(sentences, {}, 0) == typed.item_element(
        sentences, {"page": 2}, 0) == 'k:{"line":3,"page":2}'
    assert fieldpath.value(2.0) == "v:2" and fieldpath.value(2.5) == "v:2.5"


# --- merge ------------------------------------------------------------------------------------

# (schema, live, applied, merged): typed/merge_test.go, the cases test_typed.py does not hold
MERGE = [
    # "simple pair"
    (PAIR, '{"key":"foo","value":{}}', '{"key":"foo","value":1}', '{"key":"foo","value":1}'),
    (PAIR, '{"key":"foo","value":1}', '{"key":"foo","value":{}}', '{"key":"foo","value":{}}'),
    (PAIR, '{"key":"foo","value":null}', '{"key":"foo","value":{}}',
     '{"key":"foo","value":{}}'),
    (PAIR, '{"key":"foo"}', '{"value":true}', '{"key":"foo","value":true}'),
    # "null/empty map", "null/empty struct", "null/empty list": the applied empty or null wins
    *[row for schema, empty in ((NESTED_MAP, "{}"), (NESTED_STRUCT, "{}"), (NESTED_LIST, "[]"))
      for row in (
          (schema, "{}", f'{{"inner":{empty}}}', f'{{"inner":{empty}}}'),
          (schema, "{}", '{"inner":null}', '{"inner":null}'),
          (schema, '{"inner":null}', f'{{"inner":{empty}}}', f'{{"inner":{empty}}}'),
          (schema, f'{{"inner":{empty}}}', '{"inner":null}', '{"inner":null}'),
          (schema, f'{{"inner":{empty}}}', f'{{"inner":{empty}}}', f'{{"inner":{empty}}}'))],
    # "associative list": live items keep their places, new ones follow the applied order
    (ROOT, '{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}',
     '{"list":[{"key":"a","id":2,"value":{"a":"a"}}]}',
     '{"list":[{"key":"a","id":1,"value":{"a":"a"}},{"key":"a","id":2,"value":{"a":"a"}}]}'),
    (ROOT, '{"list":[{"key":"a","id":1},{"key":"b","id":1}]}',
     '{"list":[{"key":"a","id":1},{"key":"a","id":2}]}',
     '{"list":[{"key":"a","id":1},{"key":"b","id":1},{"key":"a","id":2}]}'),
    (ROOT, '{"list":[{"key":"b","id":2}]}',
     '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}',
     '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}'),
    (ROOT, '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}',
     '{"list":[{"key":"c","id":3},{"key":"b","id":2}]}',
     '{"list":[{"key":"a","id":1},{"key":"c","id":3},{"key":"b","id":2}]}'),
    (ROOT, '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}',
     '{"list":[{"key":"c","id":3},{"key":"a","id":1}]}',
     '{"list":[{"key":"b","id":2},{"key":"c","id":3},{"key":"a","id":1}]}'),
    # an atomic list is replaced whole, by null or [] too
    (ROOT, '{"atomicList":["a","a","a"]}', '{"atomicList":null}', '{"atomicList":null}'),
    (ROOT, '{"atomicList":["a","b","c"]}', '{"atomicList":[]}', '{"atomicList":[]}'),
    (ROOT, '{"atomicList":["a","a","a"]}', '{"atomicList":["a","a"]}', '{"atomicList":["a","a"]}'),
    # "struct grab bag": sets of booleans and numbers
    (GRAB_BAG, '{"setBool":[true]}', '{"setBool":[false]}', '{"setBool":[true, false]}'),
    (GRAB_BAG, '{"setNumeric":[1,2,3.14159]}', '{"setNumeric":[1,2,3]}',
     '{"setNumeric":[1,2,3.14159,3]}'),
]


@pytest.mark.parametrize(("schema", "live", "applied", "merged"), MERGE)
def test_merge(schema: Any, live: str, applied: str, merged: str) -> None:
    assert typed.merge(json.loads(live), json.loads(applied), schema) == json.loads(merged)
