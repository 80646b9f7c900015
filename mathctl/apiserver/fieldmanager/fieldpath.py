"""Field sets as kube writes them in ``metadata.managedFields[].fieldsV1``.

Server-side apply records, per manager, the set of fields it owns. structured-merge-diff
(``sigs.k8s.io/structured-merge-diff/v4/fieldpath``) holds such a set as a tree of path
elements and serialises it as nested JSON objects (``serialize.go``)::

    {"f:spec": {"f:ports": {"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}": {".": {}, "f:port": {}}}}}

Here the set *is* that nested dict, so what is stored needs no decoding and no encoding:

* a key is a path element: ``f:<field>``, ``k:<json of the key fields>`` (a list item of an
  associative list), ``v:<json value>`` (an item of a set) or ``i:<index>``;
* a node ``{}`` is a member with no children; a node with children is a member only if it
  also holds ``".": {}``.

The operations are the ones the apply machinery needs (``set.go``): union, difference of
members, difference of whole subtrees, intersection, iteration of members, and the printed
form of a path in a conflict (``path.go`` / ``element.go`` ``String``: ``.spec.ports[port=80,
protocol="TCP"]``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

Set = dict[str, Any]
"""A field set: path element -> node (a node is a Set, plus ``"."`` when it is a member)."""

SELF = "."
EMPTY: Set = {}


def field(name: str) -> str:
    return "f:" + name


def key(fields: dict[str, Any]) -> str:
    """An associative list item, by its key fields (sorted by name, as ``KeyByFields``)."""
    return "k:" + _json({k: _number(fields[k]) for k in sorted(fields)})


def value(item: Any) -> str:
    return "v:" + _json(_number(item))


def _number(v: Any) -> Any:
    """A whole float as the integer Go's JSON writes for it (``2.0`` is ``2``): a key's default
    read from a schema as 2.0 names the same item as an object's 2 (``value.Compare``)."""
    if v.__class__ is float and v.is_integer() and abs(v) < 1e21:
        return int(v)
    return v


def index(i: int) -> str:
    return f"i:{i}"


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def is_member(node: Set) -> bool:
    return not node or SELF in node


def children(node: Set) -> Set:
    if SELF not in node:
        return node
    return {k: v for k, v in node.items() if k != SELF}


def make(member: bool, kids: Set) -> Set | None:
    """The node for a member flag and its children (``None``: nothing left)."""
    if not kids:
        return {} if member else None
    if member:
        return {SELF: {}, **kids}
    return kids


def from_paths(*paths: tuple[str, ...]) -> Set:
    """A set of the given member paths (each a tuple of path elements)."""
    out: Set = {}
    for path in paths:
        out = union(out, chain(path))
    return out


def chain(path: tuple[str, ...]) -> Set:
    """The set whose only member is ``path``."""
    node: Set = {}
    for pe in reversed(path):
        node = {pe: node}
    return node


def union(a: Set, b: Set) -> Set:
    if not b:
        return a
    if not a:
        return b
    out = dict(a)
    for pe, nb in b.items():
        na = out.get(pe)
        if na is None:
            out[pe] = nb
        elif pe != SELF and na is not nb:
            out[pe] = make(is_member(na) or is_member(nb), union(children(na), children(nb)))
    return out


def difference(a: Set, b: Set) -> Set:
    """Members of ``a`` that are not members of ``b`` (``Set.Difference``)."""
    if not a or not b:
        return a
    out: Set = {}
    for pe, na in a.items():
        nb = b.get(pe)
        if nb is None or pe == SELF:
            out[pe] = na
            continue
        node = make(is_member(na) and not is_member(nb), difference(children(na), children(nb)))
        if node is not None:
            out[pe] = node
    return out


def recursive_difference(a: Set, b: Set) -> Set:
    """``a`` without ``b``'s members and everything under them (``RecursiveDifference``)."""
    if not a or not b:
        return a
    out: Set = {}
    for pe, na in a.items():
        nb = b.get(pe)
        if nb is None or pe == SELF:
            out[pe] = na
            continue
        if is_member(nb):
            continue
        node = make(is_member(na), recursive_difference(children(na), children(nb)))
        if node is not None:
            out[pe] = node
    return out


def intersection(a: Set, b: Set) -> Set:
    if not a or not b:
        return {}
    out: Set = {}
    for pe, na in a.items():
        nb = b.get(pe)
        if nb is None or pe == SELF:
            continue
        node = make(is_member(na) and is_member(nb), intersection(children(na), children(nb)))
        if node is not None:
            out[pe] = node
    return out


def has(s: Set, path: tuple[str, ...]) -> bool:
    """Whether ``path`` (not empty) is a member of ``s``."""
    current, node = s, None
    for pe in path:
        node = current.get(pe)
        if node is None:
            return False
        current = children(node)
    return node is not None and is_member(node)


def with_prefix(s: Set, pe: str) -> Set:
    """The set under one path element (``Set.WithPrefix``)."""
    node = s.get(pe)
    return children(node) if node else {}


def members(s: Set, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every member path, as ``Set.Iterate`` visits them: a level's members, then its children."""
    ordered = sorted((k for k in s if k != SELF), key=order_key)
    for pe in ordered:
        if is_member(s[pe]):
            yield (*prefix, pe)
    for pe in ordered:
        kids = children(s[pe])
        if kids:
            yield from members(kids, (*prefix, pe))


def path_string(path: tuple[str, ...]) -> str:
    """``.spec.ports[port=80,protocol="TCP"]`` (``fieldpath.Path.String``)."""
    parts = []
    for pe in path:
        kind, text = pe[0], pe[2:]
        if kind == "f":
            parts.append("." + text)
        elif kind == "k":
            fields = json.loads(text)
            parts.append("[" + ",".join(f"{k}={_go_string(v)}" for k, v in fields.items()) + "]")
        elif kind == "v":
            parts.append(f"[={_go_string(json.loads(text))}]")
        else:
            parts.append(f"[{text}]")
    return "".join(parts)


def _go_string(v: Any) -> str:
    """``value.ToString``: strings quoted as Go's %q, numbers and booleans plain."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(_go_string(x) for x in v) + "]"
    if isinstance(v, dict):
        return "".join(f"{k}={_go_string(x)}" for k, x in v.items())
    return str(v)


_RANK = {"f": 0, "k": 1, "v": 2, "i": 3}


def order_key(pe: str) -> tuple[int, Any]:
    """``PathElement.Compare``: fields, then keys, then values, then indices."""
    kind = pe[0]
    if kind == "f":
        return (0, pe[2:])
    if kind == "i":
        return (3, int(pe[2:]))
    return (_RANK.get(kind, 4), _value_order(json.loads(pe[2:])))


def _value_order(v: Any) -> Any:
    """``value.Compare``'s order: numbers, strings, booleans, lists, maps, null."""
    if isinstance(v, bool):
        return (2, v)
    if isinstance(v, int | float):
        return (0, v)
    if isinstance(v, str):
        return (1, v)
    if isinstance(v, list):
        return (3, [_value_order(x) for x in v])
    if isinstance(v, dict):
        return (4, [(k, _value_order(v[k])) for k in sorted(v)])
    return (5, 0)


def sorted_set(s: Set) -> Set:
    """``s`` in the order structured-merge-diff serialises it ("." first, then by element)."""
    out: Set = {SELF: {}} if SELF in s else {}
    for pe in sorted((k for k in s if k != SELF), key=order_key):
        out[pe] = sorted_set(s[pe])
    return out
