"""Server-side apply's ownership rules, scenario by scenario against structured-merge-diff.

Each case is a schema, a run of operations (an apply by one manager, an update by another,
with or without force) and what kube ends with: the object, the fields each manager owns and
the conflicts an apply met. They restate the ``TestCase`` tables of structured-merge-diff
v4.2.3's ``merge/*_test.go`` (the version kube-apiserver v1.28 vendors), in this project's
words; each case names the upstream file and case it comes from.

The operations call ``managedfields.apply`` and ``managedfields._update`` as the handlers do.
Upstream keys a manager by its name alone; here an apply entry and an update entry are two
keys (apimachinery's ``buildmanagerinfo.go``), so a case never lets one name do both. The API
versions of the upstream cases are dropped: one version here, no conversion.
"""

from __future__ import annotations

import copy
import textwrap
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from mathctl.apiserver.fieldmanager import fieldpath, managedfields, typed
from mathctl.apiserver.fieldmanager.fieldpath import Set
from mathctl.apiserver.fieldmanager.managedfields import APPLY, UPDATE, Conflicts, Managers
from mathctl.apiserver.fieldmanager.typed import UNTYPED, MapType

# --- schemas, as a CRD's openAPIV3Schema would state them ---------------------------------

STR = {"type": "string"}
NUM = {"type": "number"}
STR_SET = {"type": "array", "items": STR, "x-kubernetes-list-type": "set"}
STR_MAP = {"type": "object", "additionalProperties": STR}


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def keyed(item: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {"type": "array", "items": item, "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": list(keys)}


# leaf_test.go leafFieldsParser
LEAF = typed.from_openapi(obj(numeric=NUM, string=STR, bool={"type": "boolean"}))
# set_test.go setFieldsParser: a set of strings
SETS = typed.from_openapi(obj(list=STR_SET))
# key_test.go associativeListParser / multiple_appliers_test.go: a list keyed by name
ASSOC = typed.from_openapi(obj(list=keyed(obj(name=STR, value=NUM), "name")))


def _recursive_map() -> MapType:
    node = MapType()
    node.element = node
    return node


# nested_test.go nestedTypeParser (the recursive map is built directly: a structural schema
# cannot refer to itself)
NESTED = typed.from_openapi(obj(
    listOfLists=keyed(obj(name=STR, value=STR_SET), "name"),
    listOfMaps=keyed(obj(name=STR, value=STR_MAP), "name"),
    mapOfLists={"type": "object", "additionalProperties": STR_SET},
    mapOfMaps={"type": "object", "additionalProperties": STR_MAP},
    struct=obj(name=STR, value=NUM)))
NESTED.fields["mapOfMapsRecursive"] = _recursive_map()
# default_keys_test.go portListParser: protocol defaults to TCP
PORTS = typed.from_openapi(obj(containerPorts=keyed(
    obj(port=NUM, protocol={"type": "string", "default": "TCP"}, name=STR),
    "port", "protocol")))
# default_keys_test.go bookParser: every key has a default, one of them a float
BOOK = typed.from_openapi(obj(book=keyed(obj(
    chapter={"type": "number", "default": 1}, section={"type": "string", "default": "A"},
    sentences=keyed(obj(page={"type": "number", "default": 2.0},
                        line={"type": "number", "default": 3}, text=STR), "page", "line")),
    "chapter", "section")))
# preserve_unknown_test.go: named fields plus string elements
PRESERVE = typed.from_openapi({"type": "object", "properties": {"num": NUM},
                               "additionalProperties": STR})
# multiple_appliers_test.go TestMultipleApplierAtomicMaps
ATOMIC_MAP = typed.from_openapi(obj(atomicMap={
    "type": "object", "additionalProperties": STR, "x-kubernetes-map-type": "atomic"}))
# structured-merge-diff's x-kubernetes-map-type: atomic on a struct, granular (the default)
STRUCTS = typed.from_openapi(obj(
    atomicStruct={**obj(name=STR, value=NUM), "x-kubernetes-map-type": "atomic"},
    granularStruct={**obj(name=STR, value=NUM), "x-kubernetes-map-type": "granular"},
    atomicList={"type": "array", "items": STR}))


# --- operations and the runner ------------------------------------------------------------


@dataclass
class Op:
    manager: str
    config: str
    update: bool = False
    force: bool = False
    conflicts: set[tuple[str, str]] | None = None   # expected; the apply then fails


def apply(manager: str, config: str, *, force: bool = False,
          conflicts: set[tuple[str, str]] | None = None) -> Op:
    return Op(manager, config, force=force, conflicts=conflicts)


def update(manager: str, config: str) -> Op:
    return Op(manager, config, update=True)


@dataclass
class Case:
    source: str                 # upstream file: Test function / case name
    schema: Any
    ops: list[Op]
    object: str | None          # the final object (YAML); None: not checked
    managed: dict[str, set[str]] | None = None
    ignored: Set = field(default_factory=dict)
    here: str | None = None     # the object kube ends with where it parts from upstream's


def _load(text: str) -> Any:
    return yaml.safe_load(textwrap.dedent(text)) or {}


def _same(a: Any, b: Any, schema: Any) -> bool:
    """Upstream's ``Compare(...).IsSame()``: a set's or keyed list's order does not count,
    and an empty object is a null one."""
    a = {} if a is typed.MISSING else a
    return typed.compare(a or {}, b or {}, schema) == ({}, {}, {})


def run(case: Case) -> tuple[Any, Managers]:
    live: Any = {}
    managers: Managers = {}
    for op in case.ops:
        config = _load(op.config)
        if op.update:
            key = (op.manager, UPDATE, "v1", "")
            managedfields._update(live, config, managers, key, "v1", case.schema, case.ignored)
            live = config
            continue
        saved = copy.deepcopy(managers)
        key = (op.manager, APPLY, "", "")
        try:
            merged = managedfields.apply(live, config, managers, key, "v1", op.force,
                                         case.schema, case.ignored)
        except Conflicts as conflict:
            managers = saved   # a failed request leaves the stored entries as they were
            found = {(k[0], fieldpath.path_string(p)) for k, _, p in conflict.found}
            assert found == op.conflicts, f"{case.source}: conflicts of {op.manager}"
            continue
        assert op.conflicts is None, f"{case.source}: expected conflicts {op.conflicts}"
        if merged is not None:
            live = merged
    return live, managers


def owned(managers: Managers) -> dict[str, set[str]]:
    names = [k[0] for k in managers]
    assert len(names) == len(set(names)), "one manager name, one entry"
    return {k[0]: {fieldpath.path_string(p) for p in fieldpath.members(e.fields)}
            for k, e in managers.items()}


CASES: list[Case] = []

DROPPED_NULL = """Where pruning empties a map a schema describes, structured-merge-diff's
RemoveItems (typed/remove.go) leaves ``null`` under its key, and ownership is worked out on
that object; kube-apiserver then drops the null before it stores the object (a built-in: Go's
struct decoding; a custom resource: the conversion after apply runs apiextensions'
PruneNonNullableNullsWithoutDefaults), as ``managedfields.apply`` does with
``typed.drop_emptied``. In a deduced value (no schema) the null stays, as upstream."""


def case(*args: Any, **kwargs: Any) -> None:
    CASES.append(Case(*args, **kwargs))


# --- leaf_test.go TestUpdateLeaf, deduced_test.go TestDeduced (leaf_*) -------------------

for schema, origin in ((LEAF, "leaf_test.go: TestUpdateLeaf/"),
                       (UNTYPED, "deduced_test.go: TestDeduced/leaf_")):
    case(origin + "apply_twice", schema, [
        apply("default", "{numeric: 1, string: string}"),
        apply("default", "{numeric: 2, string: string, bool: false}")],
        "{numeric: 2, string: string, bool: false}",
        {"default": {".numeric", ".string", ".bool"}})
    case(origin + "apply_update_apply_no_conflict", schema, [
        apply("default", "{numeric: 1, string: string}"),
        update("controller", "{numeric: 1, string: string, bool: true}"),
        apply("default", "{numeric: 2, string: string}")],
        "{numeric: 2, string: string, bool: true}",
        {"default": {".numeric", ".string"}, "controller": {".bool"}})
    case(origin + "apply_update_apply_with_conflict", schema, [
        apply("default", "{numeric: 1, string: string}"),
        update("controller", "{numeric: 1, string: controller string, bool: true}"),
        apply("default", "{numeric: 2, string: user string}",
              conflicts={("controller", ".string")}),
        apply("default", "{numeric: 2, string: user string}", force=True)],
        "{numeric: 2, string: user string, bool: true}",
        {"default": {".numeric", ".string"}, "controller": {".bool"}})
    case(origin + "apply_twice_remove", schema, [
        apply("default", "{numeric: 1, string: string, bool: false}"),
        apply("default", "{string: new string}")],
        "{string: new string}", {"default": {".string"}})
    case(origin + "update_remove_empty_set", schema, [
        apply("default", "{string: string}"),
        update("controller", "{string: new string}")],
        "{string: new string}", {"controller": {".string"}})
    case(origin + "apply_remove_empty_set", schema, [
        apply("default", "{string: string}"),
        apply("default", "")],
        "", {})

case("leaf_test.go: TestUpdateLeaf/update_apply_omits", LEAF, [
    apply("default", "{numeric: 2}"),
    update("controller", "{numeric: 1}"),
    apply("default", "")],
    "{numeric: 1}", {"controller": {".numeric"}})

# --- set_test.go TestUpdateSet ------------------------------------------------------------

case("set_test.go: TestUpdateSet/apply_twice", SETS, [
    apply("default", "{list: [a, c]}"),
    apply("default", "{list: [a, b, c, d]}")],
    "{list: [a, b, c, d]}",
    {"default": {'.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'}})
case("set_test.go: TestUpdateSet/apply_update_apply_no_overlap", SETS, [
    apply("default", "{list: [a, c]}"),
    update("controller", "{list: [a, b, c, d]}"),
    apply("default", "{list: [a, aprime, c, cprime]}")],
    "{list: [a, aprime, b, c, cprime, d]}",
    {"default": {'.list[="a"]', '.list[="aprime"]', '.list[="c"]', '.list[="cprime"]'},
     "controller": {'.list[="b"]', '.list[="d"]'}})
case("set_test.go: TestUpdateSet/apply_update_apply_with_overlap", SETS, [
    apply("default", "{list: [a, c]}"),
    update("controller", "{list: [a, b, c, d]}"),
    apply("default", "{list: [a, b, c]}")],
    "{list: [a, b, c, d]}",
    {"default": {'.list[="a"]', '.list[="b"]', '.list[="c"]'},
     "controller": {'.list[="b"]', '.list[="d"]'}})
case("set_test.go: TestUpdateSet/apply_twice_reorder", SETS, [
    apply("default", "{list: [a, b, c, d]}"),
    apply("default", "{list: [a, d, c, b]}")],
    "{list: [a, d, c, b]}",
    {"default": {'.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'}})
case("set_test.go: TestUpdateSet/apply_update_apply_reorder", SETS, [
    apply("default", "{list: [a, b, c, d]}"),
    update("controller", "{list: [a, d, c, b]}"),
    apply("default", "{list: [a, b, c, d]}")],
    "{list: [a, b, c, d]}",
    {"default": {'.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'}})
case("set_test.go: TestUpdateSet/apply_twice_remove", SETS, [
    apply("default", "{list: [a, b, c, d]}"),
    apply("default", "{list: [a, c]}")],
    "{list: [a, c]}", {"default": {'.list[="a"]', '.list[="c"]'}})

# --- key_test.go, multiple_appliers_test.go TestMultipleAppliersSet -----------------------

case("key_test.go: TestUpdateAssociativeLists/removing_obsolete_applied_structs", ASSOC, [
    apply("default", "{list: [{name: a, value: 1}]}"),
    apply("default", "{list: [{name: b, value: 2}]}")],
    "{list: [{name: b, value: 2}]}",
    {"default": {'.list[name="b"]', '.list[name="b"].name', '.list[name="b"].value'}})
case("multiple_appliers_test.go: TestMultipleAppliersSet/remove_one", ASSOC, [
    apply("apply-one", "{list: [{name: a}, {name: b}]}"),
    apply("apply-two", "{list: [{name: c}]}"),
    apply("apply-one", "{list: [{name: a}]}")],
    "{list: [{name: a}, {name: c}]}",
    {"apply-one": {'.list[name="a"]', '.list[name="a"].name'},
     "apply-two": {'.list[name="c"]', '.list[name="c"].name'}})
case("multiple_appliers_test.go: TestMultipleAppliersSet/same_value_no_conflict", ASSOC, [
    apply("apply-one", "{list: [{name: a, value: 0}]}"),
    apply("apply-two", "{list: [{name: a, value: 0}]}")],
    "{list: [{name: a, value: 0}]}",
    {m: {'.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value'}
     for m in ("apply-one", "apply-two")})
case("multiple_appliers_test.go: TestMultipleAppliersSet/change_value_yes_conflict", ASSOC, [
    apply("apply-one", "{list: [{name: a, value: 0}]}"),
    apply("apply-two", "{list: [{name: a, value: 1}]}",
          conflicts={("apply-one", '.list[name="a"].value')})],
    "{list: [{name: a, value: 0}]}",
    {"apply-one": {'.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value'}})
case("multiple_appliers_test.go: TestMultipleAppliersSet/remove_one_keep_one", ASSOC, [
    apply("apply-one", "{list: [{name: a}, {name: b}, {name: c}]}"),
    apply("apply-two", "{list: [{name: c}, {name: d}]}"),
    apply("apply-one", "{list: [{name: a}]}")],
    "{list: [{name: a}, {name: c}, {name: d}]}",
    {"apply-one": {'.list[name="a"]', '.list[name="a"].name'},
     "apply-two": {'.list[name="c"]', '.list[name="c"].name',
                   '.list[name="d"]', '.list[name="d"].name'}})

# --- nested_test.go TestUpdateNestedType ---------------------------------------------------

A = '.listOfLists[name="a"]'
B = '.listOfLists[name="b"]'
case("nested_test.go: TestUpdateNestedType/listOfLists_change_value", NESTED, [
    apply("default", "{listOfLists: [{name: a, value: [b, c]}]}"),
    apply("default", "{listOfLists: [{name: a, value: [a, c]}]}")],
    "{listOfLists: [{name: a, value: [a, c]}]}",
    {"default": {A, A + ".name", A + '.value[="a"]', A + '.value[="c"]'}})
case("nested_test.go: TestUpdateNestedType/listOfLists_change_key_and_value", NESTED, [
    apply("default", "{listOfLists: [{name: a, value: [b, c]}]}"),
    apply("default", "{listOfLists: [{name: b, value: [a, c]}]}")],
    "{listOfLists: [{name: b, value: [a, c]}]}",
    {"default": {B, B + ".name", B + '.value[="a"]', B + '.value[="c"]'}})
case("nested_test.go: TestUpdateNestedType/listOfMaps_change_value", NESTED, [
    apply("default", "{listOfMaps: [{name: a, value: {b: x, c: y}}]}"),
    apply("default", "{listOfMaps: [{name: a, value: {a: x, c: z}}]}")],
    "{listOfMaps: [{name: a, value: {a: x, c: z}}]}",
    {"default": {'.listOfMaps[name="a"]', '.listOfMaps[name="a"].name',
                 '.listOfMaps[name="a"].value.a', '.listOfMaps[name="a"].value.c'}})
case("nested_test.go: TestUpdateNestedType/listOfMaps_change_key_and_value", NESTED, [
    apply("default", "{listOfMaps: [{name: a, value: {b: x, c: y}}]}"),
    apply("default", "{listOfMaps: [{name: b, value: {a: x, c: z}}]}")],
    "{listOfMaps: [{name: b, value: {a: x, c: z}}]}",
    {"default": {'.listOfMaps[name="b"]', '.listOfMaps[name="b"].name',
                 '.listOfMaps[name="b"].value.a', '.listOfMaps[name="b"].value.c'}})
case("nested_test.go: TestUpdateNestedType/mapOfLists_change_value", NESTED, [
    apply("default", "{mapOfLists: {a: [b, c]}}"),
    apply("default", "{mapOfLists: {a: [a, c]}}")],
    "{mapOfLists: {a: [a, c]}}",
    {"default": {".mapOfLists.a", '.mapOfLists.a[="a"]', '.mapOfLists.a[="c"]'}})
case("nested_test.go: TestUpdateNestedType/mapOfLists_change_key_and_value", NESTED, [
    apply("default", "{mapOfLists: {a: [b, c]}}"),
    apply("default", "{mapOfLists: {b: [a, c]}}")],
    "{mapOfLists: {b: [a, c]}}",
    {"default": {".mapOfLists.b", '.mapOfLists.b[="a"]', '.mapOfLists.b[="c"]'}})
case("nested_test.go: TestUpdateNestedType/mapOfMaps_change_value", NESTED, [
    apply("default", "{mapOfMaps: {a: {b: x, c: y}}}"),
    apply("default", "{mapOfMaps: {a: {a: x, c: z}}}")],
    "{mapOfMaps: {a: {a: x, c: z}}}",
    {"default": {".mapOfMaps.a", ".mapOfMaps.a.a", ".mapOfMaps.a.c"}})
case("nested_test.go: TestUpdateNestedType/mapOfMaps_change_key_and_value", NESTED, [
    apply("default", "{mapOfMaps: {a: {b: x, c: y}}}"),
    apply("default", "{mapOfMaps: {b: {a: x, c: z}}}")],
    "{mapOfMaps: {b: {a: x, c: z}}}",
    {"default": {".mapOfMaps.b", ".mapOfMaps.b.a", ".mapOfMaps.b.c"}})
case("nested_test.go: TestUpdateNestedType/mapOfMapsRecursive_change_middle_key", NESTED, [
    apply("default", "{mapOfMapsRecursive: {a: {b: {c: null}}}}"),
    apply("default", "{mapOfMapsRecursive: {a: {d: {c: null}}}}")],
    "{mapOfMapsRecursive: {a: {d: {c: null}}}}",
    {"default": {".mapOfMapsRecursive.a", ".mapOfMapsRecursive.a.d",
                 ".mapOfMapsRecursive.a.d.c"}})
case("nested_test.go: TestUpdateNestedType/struct_apply_remove_all", NESTED, [
    apply("default", "{struct: {name: a, value: 1}}"),
    apply("default", "")],
    "", {})
case("nested_test.go: TestUpdateNestedType/struct_apply_remove_dangling", NESTED, [
    apply("default", "{struct: {name: a}}"),
    apply("default", "{struct: null}")],
    "{struct: null}", {"default": {".struct"}},
    # kube drops the null a struct is left with (see DROPPED_NULL)
    here="")
case("nested_test.go: TestUpdateNestedType/struct_apply_update_remove_all", NESTED, [
    apply("default", "{struct: {name: a}}"),
    update("controller", "{struct: {name: a, value: 1}}"),
    apply("default", "")],
    "{struct: {value: 1}}")
case("nested_test.go: TestUpdateNestedType/struct_apply_update_dict_dangling", NESTED, [
    apply("default", "{struct: {name: a}}"),
    update("controller", "{struct: {name: a, value: 1}}"),
    apply("default", "{struct: {}}")],
    "{struct: {value: 1}}")
case("nested_test.go: TestUpdateNestedType/struct_apply_update_dict_null", NESTED, [
    apply("default", "{struct: {name: a}}"),
    update("controller", "{struct: {name: a, value: 1}}"),
    apply("default", "{struct: null}")],
    "{struct: {value: 1}}")
case("nested_test.go: TestUpdateNestedType/struct_apply_update_took_over", NESTED, [
    apply("default", "{struct: {name: a}}"),
    update("controller", "{struct: {name: b, value: 1}}"),
    apply("default", "{struct: null}")],
    "{struct: {name: b, value: 1}}")

# --- multiple_appliers_test.go TestMultipleAppliersNestedType / DeducedType -------------

case("multiple_appliers_test.go: TestMultipleAppliersNestedType/"
     "remove_one_keep_one_with_two_sub_items", NESTED, [
    apply("apply-one", "{listOfLists: [{name: a}, {name: b, value: [c]}]}"),
    apply("apply-two", "{listOfLists: [{name: b, value: [d]}]}"),
    apply("apply-one", "{listOfLists: [{name: a}]}")],
    "{listOfLists: [{name: a}, {name: b, value: [d]}]}",
    {"apply-one": {A, A + ".name"}, "apply-two": {B, B + ".name", B + '.value[="d"]'}})
case("multiple_appliers_test.go: TestMultipleAppliersNestedType/"
     "remove_one_keep_one_with_dangling_subitem", NESTED, [
    apply("apply-one", "{listOfLists: [{name: a}, {name: b, value: [c]}]}"),
    apply("apply-two", "{listOfLists: [{name: b, value: [d]}]}"),
    update("controller", "{listOfLists: [{name: a}, {name: b, value: [c, d, e]}]}"),
    apply("apply-one", "{listOfLists: [{name: a}]}")],
    "{listOfLists: [{name: a}, {name: b, value: [d, e]}]}",
    {"apply-one": {A, A + ".name"}, "apply-two": {B, B + ".name", B + '.value[="d"]'},
     "controller": {B + '.value[="e"]'}})
case("multiple_appliers_test.go: TestMultipleAppliersNestedType/"
     "remove_one_with_dangling_subitem_keep_one", NESTED, [
    apply("apply-one", "{listOfLists: [{name: a}, {name: b, value: [c]}]}"),
    apply("apply-two", "{listOfLists: [{name: a, value: [b]}]}"),
    update("controller", "{listOfLists: [{name: a, value: [b]}, {name: b, value: [c, d]}]}"),
    apply("apply-one", "{listOfLists: [{name: a}]}")],
    "{listOfLists: [{name: a, value: [b]}]}",
    {"apply-one": {A, A + ".name"}, "apply-two": {A, A + ".name", A + '.value[="b"]'}})
case("multiple_appliers_test.go: TestMultipleAppliersNestedType/"
     "multiple_appliers_recursive_map", NESTED, [
    apply("apply-one", "{mapOfMapsRecursive: {a: {b: null}, c: {d: null}}}"),
    apply("apply-two", "{mapOfMapsRecursive: {a: null, c: {d: null}}}"),
    update("controller-one", "{mapOfMapsRecursive: {a: {b: {c: null}}, c: {d: {e: null}}}}"),
    update("controller-two",
           "{mapOfMapsRecursive: {a: {b: {c: {d: null}}}, c: {d: {e: {f: null}}}}}"),
    update("controller-one",
           "{mapOfMapsRecursive: {a: {b: {c: {d: {e: null}}}}, c: {d: {e: {f: {g: null}}}}}}"),
    apply("apply-one", "{mapOfMapsRecursive: null}")],
    "{mapOfMapsRecursive: {a: null, c: {d: {e: {f: {g: null}}}}}}",
    {"apply-one": {".mapOfMapsRecursive"},
     "apply-two": {".mapOfMapsRecursive.a", ".mapOfMapsRecursive.c",
                   ".mapOfMapsRecursive.c.d"},
     "controller-one": {".mapOfMapsRecursive.c.d.e", ".mapOfMapsRecursive.c.d.e.f.g"},
     "controller-two": {".mapOfMapsRecursive.c.d.e.f"}},
    here="{mapOfMapsRecursive: {c: {d: {e: {f: {g: null}}}}}}")   # DROPPED_NULL
case("multiple_appliers_test.go: TestMultipleAppliersDeducedType/"
     "multiple_appliers_recursive_map_deduced", UNTYPED, [
    apply("apply-one", "{a: {b: null}, c: {d: null}}"),
    apply("apply-two", "{a: null, c: {d: null}}"),
    update("controller-one", "{a: {b: {c: null}}, c: {d: {e: null}}}"),
    update("controller-two", "{a: {b: {c: {d: null}}}, c: {d: {e: {f: null}}}}"),
    update("controller-one", "{a: {b: {c: {d: {e: null}}}}, c: {d: {e: {f: {g: null}}}}}"),
    apply("apply-one", "")],
    "{a: null, c: {d: {e: {f: {g: null}}}}}",
    {"apply-two": {".a", ".c", ".c.d"},
     "controller-one": {".c.d.e", ".c.d.e.f.g"},
     "controller-two": {".c.d.e.f"}})
case("multiple_appliers_test.go: TestMultipleApplierAtomicMaps/force", ATOMIC_MAP, [
    apply("apply-one", "{atomicMap: {field1: a}}"),
    apply("apply-two", "{atomicMap: {field2: b}}", conflicts={("apply-one", ".atomicMap")}),
    apply("apply-two", "{atomicMap: {field2: b}}", force=True)],
    "{atomicMap: {field2: b}}", {"apply-two": {".atomicMap"}})

# --- deduced_test.go TestDeduced: lists of an untyped value are atomic -------------------

case("deduced_test.go: TestDeduced/apply_twice_list_is_atomic", UNTYPED, [
    apply("default", "{list: [a, c]}"),
    apply("default", "{list: [a, d, c, b]}")],
    "{list: [a, d, c, b]}", {"default": {".list"}})
case("deduced_test.go: TestDeduced/apply_update_apply_list", UNTYPED, [
    apply("default", "{list: [a, c]}"),
    update("controller", "{list: [a, b, c, d]}"),
    apply("default", "{list: [a, b, c]}", force=True)],
    "{list: [a, b, c]}", {"default": {".list"}})
NESTED_DEDUCED = [
    "{a: 1, b: {c: {d: 2, e: [1, 2, 3], f: [{name: n, value: 1}]}}}",
    "{a: 1, b: {c: {d: 3, e: [1, 2, 3, 4], f: [{name: n, value: 2}]}}, g: 5}",
    "{a: 2, b: {c: {d: 2, e: [3, 2, 1], f: [{name: n, value: 1}]}}}"]
case("deduced_test.go: TestDeduced/apply_update_apply_nested", UNTYPED, [
    apply("default", NESTED_DEDUCED[0]),
    update("controller", NESTED_DEDUCED[1]),
    apply("default", NESTED_DEDUCED[2], conflicts={
        ("controller", ".b.c.d"), ("controller", ".b.c.e"), ("controller", ".b.c.f")}),
    apply("default", NESTED_DEDUCED[2], force=True)],
    "{a: 2, b: {c: {d: 2, e: [3, 2, 1], f: [{name: n, value: 1}]}}, g: 5}")

# --- default_keys_test.go -----------------------------------------------------------------

P80 = '.containerPorts[port=80,protocol="TCP"]'
U80 = '.containerPorts[port=80,protocol="UDP"]'
case("default_keys_test.go: TestDefaultKeysFlat/apply_missing_defaulted_key_A", PORTS, [
    apply("default", "{containerPorts: [{port: 80}]}")],
    "{containerPorts: [{port: 80}]}", {"default": {P80, P80 + ".port"}})
case("default_keys_test.go: TestDefaultKeysFlat/apply_missing_defaulted_key_B", PORTS, [
    apply("default", "{containerPorts: [{port: 80}, {port: 80, protocol: UDP}]}")],
    "{containerPorts: [{port: 80}, {port: 80, protocol: UDP}]}",
    {"default": {P80, P80 + ".port", U80, U80 + ".port", U80 + ".protocol"}})
case("default_keys_test.go: TestDefaultKeysFlat/apply_missing_defaulted_key_with_conflict",
     PORTS, [
    apply("apply-one", "{containerPorts: [{port: 80, protocol: TCP, name: foo}]}"),
    apply("apply-two", "{containerPorts: [{port: 80, name: bar}]}",
          conflicts={("apply-one", P80 + ".name")})],
    "{containerPorts: [{port: 80, protocol: TCP, name: foo}]}",
    {"apply-one": {P80, P80 + ".port", P80 + ".protocol", P80 + ".name"}})
BOOK_A = '.book[chapter=1,section="A"]'
SENTENCE = BOOK_A + ".sentences[line=3,page=2]"
case("default_keys_test.go: TestDefaultKeysNested/apply_missing_every_key_nested", BOOK, [
    apply("default", "{book: [{sentences: [{text: blah}]}]}")],
    "{book: [{sentences: [{text: blah}]}]}",
    {"default": {BOOK_A, SENTENCE, SENTENCE + ".text"}})
case("default_keys_test.go: TestDefaultKeysNested/apply_integer_key_with_float_default", BOOK, [
    apply("default", "{book: [{sentences: [{text: blah}]}]}"),
    apply("default", "{book: [{sentences: [{text: blah, page: 2}]}]}")],
    "{book: [{sentences: [{text: blah, page: 2}]}]}",
    {"default": {BOOK_A, SENTENCE, SENTENCE + ".text", SENTENCE + ".page"}})

# --- preserve_unknown_test.go, ignore_test.go ---------------------------------------------

case("preserve_unknown_test.go: TestPreserveUnknownFields/preserve_unknown_fields", PRESERVE, [
    apply("default", "{num: 5, unknown: value}"),
    apply("default", "{num: 6, unknown: new}")],
    "{num: 6, unknown: new}", {"default": {".num", ".unknown"}})
case("ignore_test.go: TestIgnoredFields/update_does_not_own_ignored", LEAF, [
    update("default", "{numeric: 1, string: some string}")],
    "{numeric: 1, string: some string}", {"default": {".numeric"}},
    ignored=fieldpath.from_paths(("f:string",)))
case("ignore_test.go: TestIgnoredFields/update_does_not_own_deep_ignored", UNTYPED, [
    update("default", "{numeric: 1, obj: {string: foo, numeric: 2}}")],
    "{numeric: 1, obj: {string: foo, numeric: 2}}", {"default": {".numeric"}},
    ignored=fieldpath.from_paths(("f:obj",)))
case("ignore_test.go: TestIgnoredFields/apply_does_not_own_ignored", LEAF, [
    apply("default", "{numeric: 1, string: some string}")],
    "{numeric: 1, string: some string}", {"default": {".numeric"}},
    ignored=fieldpath.from_paths(("f:string",)))
case("ignore_test.go: TestIgnoredFields/apply_does_not_own_deep_ignored", UNTYPED, [
    apply("default", "{numeric: 1, obj: {string: foo, numeric: 2}}")],
    "{numeric: 1, obj: {string: foo, numeric: 2}}", {"default": {".numeric"}},
    ignored=fieldpath.from_paths(("f:obj",)))
# --- multiple_appliers_test.go TestMultipleAppliersFieldUnsetting (the v1-v1-v1 run) ------

UNSET = typed.from_openapi(obj(version=STR, struct=obj(
    name=STR, scalarField_v1=STR, complexField_v1=obj(name=STR))))
UNSETTING = "multiple_appliers_test.go: TestMultipleAppliersFieldUnsetting/"
case(UNSETTING + "unset_scalar_sole_owner", UNSET, [
    apply("apply-one", "{struct: {name: a, scalarField_v1: a}}"),
    apply("apply-one", "{struct: {name: a}}")],
    "{struct: {name: a}}", {"apply-one": {".struct.name"}})
case(UNSETTING + "unset_scalar_shared_with_applier", UNSET, [
    apply("apply-one", "{struct: {name: a, scalarField_v1: a}}"),
    apply("apply-two", "{struct: {scalarField_v1: a}}"),
    apply("apply-one", "{struct: {name: a}}")],
    "{struct: {name: a, scalarField_v1: a}}",
    {"apply-one": {".struct.name"}, "apply-two": {".struct.scalarField_v1"}})
case(UNSETTING + "unset_scalar_shared_with_updater", UNSET, [
    update("updater", "{struct: {name: a, scalarField_v1: a}}"),
    apply("applier", "{struct: {name: a, scalarField_v1: a}}"),
    apply("applier", "{struct: {name: a}}")],
    "{struct: {name: a, scalarField_v1: a}}",
    {"updater": {".struct", ".struct.name", ".struct.scalarField_v1"},
     "applier": {".struct.name"}})
case(UNSETTING + "updater_claims_field", UNSET, [
    apply("applier", "{struct: {name: a, scalarField_v1: a}}"),
    update("updater", "{struct: {name: a, scalarField_v1: b}}")],
    "{struct: {name: a, scalarField_v1: b}}",
    {"updater": {".struct.scalarField_v1"}, "applier": {".struct.name"}})
case(UNSETTING + "unset_complex_sole_owner", UNSET, [
    apply("apply-one", "{struct: {name: a, complexField_v1: {name: b}}}"),
    apply("apply-one", "{struct: {name: a}}")],
    "{struct: {name: a}}", {"apply-one": {".struct.name"}})
case(UNSETTING + "unset_complex_shared_with_applier", UNSET, [
    apply("apply-one", "{struct: {name: a, complexField_v1: {name: b}}}"),
    apply("apply-two", "{struct: {complexField_v1: {name: b}}}"),
    apply("apply-one", "{struct: {name: a}}")],
    "{struct: {name: a, complexField_v1: {name: b}}}",
    {"apply-one": {".struct.name"}, "apply-two": {".struct.complexField_v1.name"}})

# --- atomic and granular structs, atomic lists (x-kubernetes-map-type / list-type) -------
# Upstream states these through a schema's elementRelationship; the scenarios follow
# multiple_appliers_test.go's atomic map case and field_level_overrides_test.go.

case("field_level_overrides_test.go (atomic struct): an apply owns the struct whole",
     STRUCTS, [
    apply("apply-one", "{atomicStruct: {name: a, value: 1}}"),
    apply("apply-two", "{atomicStruct: {name: a, value: 1}}"),
    apply("apply-two", "{atomicStruct: {name: a}}",
          conflicts={("apply-one", ".atomicStruct")}),
    apply("apply-two", "{atomicStruct: {name: a}}", force=True)],
    "{atomicStruct: {name: a}}", {"apply-two": {".atomicStruct"}})
case("field_level_overrides_test.go (granular struct): fields owned one by one", STRUCTS, [
    apply("apply-one", "{granularStruct: {name: a}}"),
    apply("apply-two", "{granularStruct: {value: 1}}")],
    "{granularStruct: {name: a, value: 1}}",
    {"apply-one": {".granularStruct.name"}, "apply-two": {".granularStruct.value"}})
case("multiple_appliers_test.go (atomic list): an updater's change takes the whole list",
     STRUCTS, [
    apply("apply-one", "{atomicList: [a, b]}"),
    update("controller", "{atomicList: [a, b, c]}"),
    apply("apply-one", "{atomicList: [a]}", conflicts={("controller", ".atomicList")})],
    "{atomicList: [a, b, c]}", {"controller": {".atomicList"}})


@pytest.mark.parametrize("case", CASES, ids=[c.source.split(": ", 1)[1] for c in CASES])
def test_upstream_scenario(case: Case) -> None:
    live, managers = run(case)
    expected = case.here if case.here is not None else case.object
    if expected is not None:
        assert _same(live, _load(expected), case.schema), f"{case.source}: object {live}"
    if case.managed is not None:
        assert owned(managers) == case.managed, case.source
    assert all(e.fields for e in managers.values()), "no manager keeps an empty set"
