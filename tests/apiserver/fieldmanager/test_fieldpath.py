"""Field sets in their fieldsV1 form, against structured-merge-diff's fieldpath/set_test.go."""

from __future__ import annotations

from mathctl.apiserver.fieldmanager import fieldpath as fp

A = fp.from_paths(("f:spec", "f:a"), ("f:spec", "f:b"), ("f:metadata", "f:labels", "f:x"))
B = fp.from_paths(("f:spec", "f:b"), ("f:spec", "f:c"), ("f:spec",))


def test_a_set_is_the_nested_fields_v1_object() -> None:
    assert A == {"f:spec": {"f:a": {}, "f:b": {}}, "f:metadata": {"f:labels": {"f:x": {}}}}
    assert B == {"f:spec": {".": {}, "f:b": {}, "f:c": {}}}
    assert fp.has(B, ("f:spec",)) and not fp.has(A, ("f:spec",))


def test_union_difference_and_intersection() -> None:
    assert fp.union(A, B)["f:spec"] == {".": {}, "f:a": {}, "f:b": {}, "f:c": {}}
    assert fp.difference(A, B) == {"f:spec": {"f:a": {}},
                                   "f:metadata": {"f:labels": {"f:x": {}}}}
    assert fp.intersection(A, B) == {"f:spec": {"f:b": {}}}
    # RecursiveDifference: a member of the second set takes its whole subtree
    assert fp.recursive_difference(A, B) == {"f:metadata": {"f:labels": {"f:x": {}}}}


def test_members_iterate_a_level_before_its_children_and_print_as_kube_does() -> None:
    s = fp.from_paths(("f:spec", "f:ports", fp.key({"protocol": "TCP", "port": 80})),
                      ("f:spec", "f:value"), ("f:kind",))
    assert [fp.path_string(p) for p in fp.members(s)] == [
        ".kind", ".spec.value", '.spec.ports[port=80,protocol="TCP"]']


def test_serialisation_order_puts_fields_before_keys_and_self_first() -> None:
    s = {"k:{\"a\":1}": {}, "f:z": {}, ".": {}, "f:a": {}}
    assert list(fp.sorted_set(s)) == [".", "f:a", "f:z", 'k:{"a":1}']
