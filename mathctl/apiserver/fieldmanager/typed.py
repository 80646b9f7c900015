"""Objects walked with their schema: the field sets, comparisons and merges of server-side apply.

structured-merge-diff (``sigs.k8s.io/structured-merge-diff/v4/typed``, the version kube-apiserver
v1.28 vendors, v4.2.3) sees an object through its schema: a map is either a struct (its
*named fields*) or a map of elements, either granular or ``atomic``; a list is ``atomic`` (owned
and replaced as a whole), a ``set`` of scalars (items are ``v:`` elements) or a ``map`` keyed by
some fields of its items (``k:`` elements). This module holds that view (:class:`MapType`,
:class:`ListType`, the scalar) and the four walks apply needs, each following its Go namesake:

* :func:`to_field_set` — ``tofieldset.go``: the fields an applied configuration sets;
* :func:`compare` — ``typed.go`` ``Compare`` (the merge walker with the comparison rules): what
  an update added, modified and removed;
* :func:`merge` — ``merge.go`` with ``ruleKeepRHS``: the applied configuration over the live
  object, associative lists item by item in the merged order of ``visitListItems``;
* :func:`remove_items` — ``remove.go``: what pruning takes out;

plus :func:`ensure_named_fields` (``Set.EnsureNamedFieldsAreMembers``). The schemas come from a
CRD's structural schema (:func:`from_openapi`, as kube-openapi's ``schemaconv`` reads
``x-kubernetes-list-type``, ``x-kubernetes-list-map-keys`` and ``x-kubernetes-map-type``) or,
for the built-ins, from ``builtin_types``. Values a schema does not describe are *deduced*
(maps granular, lists atomic), as kube does for ``x-kubernetes-preserve-unknown-fields``.
"""

from __future__ import annotations

from typing import Any

from mathctl.apiserver.fieldmanager import fieldpath
from mathctl.apiserver.fieldmanager.fieldpath import Set

MISSING: Any = object()
_CONTAINERS = (dict, list)
_E: Set = {}


class Scalar:
    """A leaf: ``kind`` ``"string"``, ``"numeric"`` or ``"boolean"`` when the schema says
    which (structured-merge-diff's ``schema.Scalar``), ``""`` for any scalar (or anything
    kept whole)."""

    __slots__ = ("kind",)

    def __init__(self, kind: str = "") -> None:
        self.kind = kind


class MapType:
    """A struct (``fields``), a map of ``element`` values, or both; ``atomic``: one leaf.

    ``open``: every key is a named field whose type is deduced (a built-in described only in
    part: what the server does not know of it still reads as Go struct fields).
    """

    __slots__ = ("atomic", "element", "fields", "open", "unowned")

    def __init__(self, fields: dict[str, Any] | None = None, element: Any = None, *,
                 atomic: bool = False, open: bool = False,
                 unowned: frozenset[str] = frozenset()) -> None:
        self.fields = fields or {}
        self.element = element
        self.atomic = atomic
        self.open = open
        # fields nobody ever owns (stripmeta.go): comparisons need not look at them
        self.unowned = unowned

    def field_type(self, name: str) -> tuple[Any, bool]:
        """(type, named) of the value under ``name``."""
        sub = self.fields.get(name)
        if sub is not None:
            return sub, True
        if self.open:
            return OPEN_VALUE, True
        return (self.element if self.element is not None else UNTYPED), False


class ListType:
    """``atomic``, ``set`` (scalars, ``v:`` items) or ``map`` (``k:`` items keyed by ``keys``)."""

    __slots__ = ("defaults", "item", "keys", "kind")

    def __init__(self, item: Any, kind: str = "atomic", keys: tuple[str, ...] = (),
                 defaults: dict[str, Any] | None = None) -> None:
        self.item = item
        self.kind = kind
        self.keys = keys
        self.defaults = defaults or {}


class _Deduced:
    """A value the schema does not describe: maps granular (keys are not named), lists atomic."""

    __slots__ = ()


class _OpenValue:
    """A value under an ``open`` map: a map is open again, a list atomic."""

    __slots__ = ()


SCALAR = Scalar()
STRING = Scalar("string")
NUMERIC = Scalar("numeric")
BOOLEAN = Scalar("boolean")
UNTYPED = _Deduced()
OPEN_VALUE = _OpenValue()
DEDUCED_MAP = MapType(element=UNTYPED)
OPEN = MapType(open=True)
ATOMIC_LIST = ListType(UNTYPED)


def _resolve(t: Any, v: Any) -> Any:
    if t is UNTYPED:
        return DEDUCED_MAP if isinstance(v, dict) else ATOMIC_LIST if isinstance(v, list) \
            else SCALAR
    if t is OPEN_VALUE:
        return OPEN if isinstance(v, dict) else ATOMIC_LIST if isinstance(v, list) else SCALAR
    return t


def _granular_map(t: Any, lhs: Any, rhs: Any) -> bool:
    return (t.__class__ is MapType and not t.atomic
            and (lhs.__class__ is dict or lhs is MISSING or lhs is None)
            and (rhs.__class__ is dict or rhs is MISSING or rhs is None))


def _granular_list(t: Any, lhs: Any, rhs: Any) -> bool:
    return (t.__class__ is ListType and t.kind != "atomic"
            and (lhs.__class__ is list or lhs is MISSING or lhs is None)
            and (rhs.__class__ is list or rhs is MISSING or rhs is None))


def _empty(v: Any) -> bool:
    """Absent, null or an empty list or map (``emptyPromoteToLeaf``)."""
    return v is MISSING or v is None or (v.__class__ in _CONTAINERS and not v)


def _equal(a: Any, b: Any) -> bool:
    """``value.Equals``: numbers by value (1 equals 1.0), a boolean never equals a number."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


# --- path elements of list items ----------------------------------------------------------


def item_element(t: ListType, item: Any, i: int) -> str:
    """``listItemToPathElement``: ``k:`` for a map list, ``v:`` for a set, ``i:`` otherwise.

    An item that lacks a key field without a default cannot be named by its keys; kube refuses
    such an object earlier (schema validation), so here it falls back to its index.
    """
    if t.kind == "map" and t.keys and isinstance(item, dict):
        fields = {}
        for k in t.keys:
            if k in item:
                fields[k] = item[k]
            elif k in t.defaults:
                fields[k] = t.defaults[k]
            else:
                return fieldpath.index(i)
        return fieldpath.key(fields)
    if t.kind == "set" and item.__class__ not in _CONTAINERS:
        return fieldpath.value(item)
    return fieldpath.index(i)


def _index(t: ListType, items: list[Any]) -> tuple[list[str], dict[str, Any]]:
    order: list[str] = []
    seen: dict[str, Any] = {}
    for i, item in enumerate(items):
        pe = item_element(t, item, i)
        if pe in seen:
            continue   # a duplicate: the first one counts
        seen[pe] = item
        order.append(pe)
    return order, seen


# --- to_field_set -------------------------------------------------------------------------


def to_field_set(v: Any, t: Any) -> Set:
    """The fields ``v`` sets (an applied configuration's field set)."""
    return _tfs(v, t)[1]


def _tfs(v: Any, t: Any) -> tuple[bool, Set]:
    t = _resolve(t, v)
    if isinstance(t, ListType):
        if t.kind == "atomic":
            return True, _E
        if not isinstance(v, list):
            return v is not None, _E
        kids: Set = {}
        for i, item in enumerate(v):
            _, ch = _tfs(item, t.item)
            kids[item_element(t, item, i)] = fieldpath.make(True, ch)
        return False, kids
    if isinstance(t, MapType):
        if t.atomic:
            return True, _E
        if not isinstance(v, dict):
            return v is not None, _E
        kids = {}
        for k, val in v.items():
            sub, named = t.field_type(k)
            member, ch = _tfs(val, sub)
            member = member or val is None or (isinstance(val, dict) and not val) or not named
            node = fieldpath.make(member, ch)
            if node is not None:
                kids[fieldpath.field(k)] = node
        return False, kids
    return True, _E


# --- compare ------------------------------------------------------------------------------


def compare(lhs: Any, rhs: Any, t: Any) -> tuple[Set, Set, Set]:
    """(added, modified, removed) going from ``lhs`` to ``rhs`` (``TypedValue.Compare``)."""
    _, added, modified, removed = _cmp(lhs, rhs, t)
    return added, modified, removed


def _place(target: Set, pe: str, member: bool, kids: Set) -> None:
    node = fieldpath.make(member, kids)
    if node is not None:
        target[pe] = node


def _leaf(lhs: Any, rhs: Any) -> tuple[str, Set, Set, Set]:
    if lhs is MISSING:
        return "A", _E, _E, _E
    if rhs is MISSING:
        return "R", _E, _E, _E
    return ("" if _equal(lhs, rhs) else "M"), _E, _E, _E


def _cmp(lhs: Any, rhs: Any, t: Any) -> tuple[str, Set, Set, Set]:
    if t.__class__ is Scalar:
        return _leaf(lhs, rhs)
    t = _resolve(t, rhs if lhs is MISSING or lhs is None else lhs)
    if _empty(lhs) and _empty(rhs):
        return _leaf(lhs, rhs)
    acc: list[Set | None] = [None, None, None]   # added, modified, removed: made when needed
    if _granular_map(t, lhs, rhs):
        ld = lhs if lhs.__class__ is dict else _E
        rd = rhs if rhs.__class__ is dict else _E
        unowned = t.unowned
        for k, x in ld.items():
            y = rd.get(k, MISSING)
            if (y is not MISSING and (x is y or x == y)) or k in unowned:
                continue
            _collect(acc, fieldpath.field(k), _cmp(x, y, t.field_type(k)[0]))
        for k, y in rd.items():
            if k not in ld and k not in unowned:
                _collect(acc, fieldpath.field(k), _cmp(MISSING, y, t.field_type(k)[0]))
    elif _granular_list(t, lhs, rhs):
        l_order, l_items = _index(t, lhs if lhs.__class__ is list else [])
        r_order, r_items = _index(t, rhs if rhs.__class__ is list else [])
        for pe in l_order:
            x, y = l_items[pe], r_items.get(pe, MISSING)
            if y is not MISSING and x == y:
                continue
            _collect(acc, pe, _cmp(x, y, t.item))
        for pe in r_order:
            if pe not in l_items:
                _collect(acc, pe, _cmp(MISSING, r_items[pe], t.item))
    else:
        # a leaf: an atomic list or map, or a value its schema does not describe
        if (t is DEDUCED_MAP or t is ATOMIC_LIST or t is OPEN or t is SCALAR) \
                and lhs.__class__ is not rhs.__class__ and lhs is not MISSING \
                and rhs is not MISSING and lhs is not None and rhs is not None:
            # (SCALAR here is a deduced one: a schema's scalar returned above)
            return _cmp_kind_change(lhs, rhs)
        return _leaf(lhs, rhs)
    flag = "A" if lhs is MISSING else "R" if rhs is MISSING else ""
    return flag, acc[0] or _E, acc[1] or _E, acc[2] or _E


def _cmp_kind_change(lhs: Any, rhs: Any) -> tuple[str, Set, Set, Set]:
    """A deduced value that became another kind (a map turned list or string): modified, and
    each side walked with its own type, so a map's fields count as removed or added
    (``merge``'s two ``handleAtom`` walks when ``deduceAtom`` gives unequal atoms)."""
    flag = _leaf(lhs, rhs)[0]
    removed = _cmp(lhs, MISSING, UNTYPED)[3] if lhs.__class__ is dict else _E
    added = _cmp(MISSING, rhs, UNTYPED)[1] if rhs.__class__ is dict else _E
    return flag, added, _E, removed


_FLAGS = ("A", "M", "R")


def _collect(acc: list[Set | None], pe: str, result: tuple[str, Set, Set, Set]) -> None:
    flag = result[0]
    for i in range(3):
        kids = result[i + 1]
        member = flag == _FLAGS[i]
        if member or kids:
            target = acc[i]
            if target is None:
                target = acc[i] = {}
            _place(target, pe, member, kids)


# --- merge --------------------------------------------------------------------------------


def merge(lhs: Any, rhs: Any, t: Any) -> Any:
    """``rhs`` applied over ``lhs`` (``TypedValue.Merge``); ``MISSING`` when nothing is left."""
    if rhs is MISSING:
        return lhs
    if lhs is MISSING:
        return rhs
    t = _resolve(t, lhs if lhs is not None else rhs)
    if _empty(lhs) and _empty(rhs):
        return rhs
    if _granular_map(t, lhs, rhs):
        ld = lhs if isinstance(lhs, dict) else _E
        rd = rhs if isinstance(rhs, dict) else _E
        out = {}
        for k, x in ld.items():
            merged = merge(x, rd.get(k, MISSING), t.field_type(k)[0])
            if merged is not MISSING:
                out[k] = merged
        for k, y in rd.items():
            if k not in ld:
                out[k] = y
        return out if out else MISSING
    if _granular_list(t, lhs, rhs):
        return _merge_list(t, lhs if isinstance(lhs, list) else [],
                           rhs if isinstance(rhs, list) else [])
    return rhs


def _merge_list(t: ListType, lhs: list[Any], rhs: list[Any]) -> Any:
    """``visitListItems`` (v4.2.3): live items keep their places, new ones follow the config."""
    l_order, l_items = _index(t, lhs)
    r_order, r_items = _index(t, rhs)
    shared = [pe for pe in r_order if pe in l_items]
    next_shared = shared.pop(0) if shared else None
    out: list[Any] = []

    def emit(pe: str, with_rhs: bool) -> None:
        merged = merge(l_items.get(pe, MISSING), r_items[pe] if with_rhs else MISSING, t.item)
        if merged is not MISSING:
            out.append(merged)

    li = ri = 0
    while li < len(l_order) or ri < len(r_order):
        if li < len(l_order) and ri < len(r_order):
            pe = l_order[li]
            if pe == r_order[ri]:
                emit(pe, True)
                li += 1
                ri += 1
                next_shared = shared.pop(0) if shared else None
                continue
            if pe in r_items and next_shared is not None and next_shared != pe:
                li += 1
                continue
        if li < len(l_order):
            pe = l_order[li]
            if pe not in r_items:
                emit(pe, False)
                li += 1
                continue
        if ri < len(r_order):
            pe = r_order[ri]
            emit(pe, True)
            ri += 1
            if next_shared is not None and next_shared == pe:
                next_shared = shared.pop(0) if shared else None
    return out if out else MISSING


# --- removal and named fields -------------------------------------------------------------


def remove_items(v: Any, to_remove: Set, t: Any) -> Any:
    """``v`` without the members of ``to_remove`` (and what is under them), as ``remove.go``:
    a map or list that empties under a field or item is left ``null`` there (``MISSING`` at
    the top). Ownership is worked out on that object; :func:`drop_emptied` then takes out
    the nulls a schema would not keep."""
    t = _resolve(t, v)
    if isinstance(t, ListType) and isinstance(v, list):
        if not v or t.kind == "atomic":
            return MISSING
        items = []
        for i, item in enumerate(v):
            pe = item_element(t, item, i)
            node = to_remove.get(pe)
            if node is not None:
                if fieldpath.is_member(node):
                    continue
                item = remove_items(item, fieldpath.children(node), t.item)
                if item is MISSING:
                    item = None
            items.append(item)
        return items if items else MISSING
    if isinstance(t, MapType) and isinstance(v, dict):
        if not v or t.atomic:
            return MISSING
        out = {}
        for k, val in v.items():
            node = to_remove.get(fieldpath.field(k))
            if node is not None:
                if fieldpath.is_member(node):
                    continue
                val = remove_items(val, fieldpath.children(node), t.field_type(k)[0])
                if val is MISSING:
                    val = None
            out[k] = val
        return out if out else MISSING
    return v


def drop_emptied(v: Any, before: Any, t: Any) -> Any:
    """``v`` (what :func:`remove_items` left of ``before``) without the nulls it left where a
    map or list emptied, unless no schema describes the value.

    kube stores an applied object after converting it: a built-in through its Go struct (a
    null field is no field), a custom resource through the CR converter's
    ``PruneNonNullableNullsWithoutDefaults`` (apiextensions-apiserver). A value under
    ``x-kubernetes-preserve-unknown-fields`` has no schema there, and keeps its null.
    """
    if v is before or v is MISSING:
        return v
    t = _resolve(t, before)
    if v.__class__ is dict and before.__class__ is dict and isinstance(t, MapType):
        out = {}
        for k, val in v.items():
            old = before.get(k)
            if val is not old and old is not None:
                sub = t.field_type(k)[0]
                if val is None:
                    if sub is not UNTYPED:
                        continue
                else:
                    val = drop_emptied(val, old, sub)
            out[k] = val
        return out   # a struct left with no field is an empty one, as kube stores it
    if v.__class__ is list and before.__class__ is list and isinstance(t, ListType):
        old_items = _index(t, before)[1]
        items = []
        for i, item in enumerate(v):
            if item is None or item.__class__ in _CONTAINERS:
                old = old_items.get(item_element(t, item, i)) if item is not None else None
                if item is None:
                    continue   # an item emptied by removal (a list never holds a null item)
                item = drop_emptied(item, old, t.item) if old is not None else item
            items.append(item)
        return items
    return v


def ensure_named_fields(s: Set, t: Any) -> Set:
    """``s`` with every named (struct) field on its paths made a member."""
    if isinstance(t, _OpenValue):
        t = OPEN
    out: Set = {}
    for pe, node in s.items():
        if pe == fieldpath.SELF:
            out[pe] = node
            continue
        member = fieldpath.is_member(node)
        sub: Any = None
        if pe[0] == "f" and isinstance(t, MapType):
            sub, named = t.field_type(pe[2:])
            member = member or named
        elif pe[0] == "k" and isinstance(t, ListType):
            sub = t.item
        kids = fieldpath.children(node)
        out[pe] = fieldpath.make(member, ensure_named_fields(kids, sub) if kids else _E) or {}
    return out


# --- schemas --------------------------------------------------------------------------------


def from_openapi(schema: dict[str, Any] | None) -> Any:
    """The type of a CRD's structural schema (kube-openapi ``schemaconv``, CRD defaults:
    lists without ``x-kubernetes-list-type`` are atomic, maps granular)."""
    if not isinstance(schema, dict):
        return UNTYPED
    if schema.get("x-kubernetes-int-or-string"):
        return SCALAR
    kind = schema.get("type")
    if kind == "array":
        list_type = schema.get("x-kubernetes-list-type", "atomic")
        item_schema = schema.get("items") if isinstance(schema.get("items"), dict) else None
        item = from_openapi(item_schema) if item_schema else UNTYPED
        keys = tuple(schema.get("x-kubernetes-list-map-keys") or ())
        defaults = {}
        if item_schema:
            for k in keys:
                prop = (item_schema.get("properties") or {}).get(k) or {}
                if "default" in prop:
                    defaults[k] = prop["default"]
        return ListType(item, list_type if list_type in ("set", "map") else "atomic", keys,
                        defaults)
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        props = schema.get("properties") or {}
        fields = {name: from_openapi(sub) for name, sub in props.items()}
        extra = schema.get("additionalProperties")
        element = from_openapi(extra) if isinstance(extra, dict) else None
        if schema.get("x-kubernetes-preserve-unknown-fields") or extra is True or (
                not props and element is None):
            element = element or UNTYPED
        return MapType(fields, element, atomic=schema.get("x-kubernetes-map-type") == "atomic")
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return UNTYPED
    return _SCALAR_KINDS.get(kind, SCALAR)


# kube-openapi schemaconv: integer and number are both "numeric"
_SCALAR_KINDS = {"string": STRING, "integer": NUMERIC, "number": NUMERIC, "boolean": BOOLEAN}


# --- validation ---------------------------------------------------------------------------


def validate(v: Any, t: Any) -> list[str]:
    """Why ``v`` cannot be read as a ``t``, each as ``<path>: <problem>`` in kube's words.

    structured-merge-diff reads an applied configuration strictly (typed/validate.go, the
    patch object's ``ObjectToTyped`` without ``AllowDuplicates``): an associative list's item
    must be a map with its keys (or their defaults), a set's a scalar, none twice; a field a
    struct does not declare, or a list where a map belongs (or the reverse), is refused. A
    scalar's type is left to schema validation; the stored object is read leniently.
    """
    problems: list[str] = []
    _validate(v, t, (), problems)
    return problems


def _validate(v: Any, t: Any, path: tuple[str, ...], problems: list[str]) -> None:
    if v is None or t is UNTYPED or t is OPEN_VALUE:
        return   # null is a valid anything; what the schema leaves open takes anything
    where = fieldpath.path_string(path)
    if isinstance(t, ListType):
        if not isinstance(v, list):
            problems.append(f"{where}: expected list, got {_go_value(v)}")
            return
        seen: set[str] = set()
        for i, item in enumerate(v):
            if t.kind == "atomic":
                pe = fieldpath.index(i)
            else:
                problem = _item_problem(t, item)
                if problem:
                    # the element cannot be named, so nothing under it can be checked, and
                    # upstream stops looking at the list there
                    problems.append(f"{where}: element {i}: {problem}")
                    return
                pe = item_element(t, item, i)
                if pe in seen:
                    problems.append(f"{where}: duplicate entries for key "
                                    f"{fieldpath.path_string((pe,))}")
                seen.add(pe)
            _validate(item, t.item, (*path, pe), problems)
    elif isinstance(t, MapType):
        if not isinstance(v, dict):
            problems.append(f"{where}: expected map, got {_go_value(v)}")
            return
        for key in sorted(v):
            sub = t.fields.get(key)
            if sub is None and not t.open:
                sub = t.element
                if sub is None and t.fields:
                    # upstream stops at a map's first undeclared field
                    problems.append(f"{where}.{key}: field not declared in schema")
                    return
            _validate(v[key], OPEN_VALUE if sub is None else sub,
                      (*path, fieldpath.field(key)), problems)
    elif t.__class__ is Scalar and t.kind:
        problem = _scalar_problem(t.kind, v)
        if problem:
            problems.append(f"{where}: {problem}")


def _scalar_problem(kind: str, v: Any) -> str:
    """``validateScalar`` (typed/helpers.go), each kind worded with its own Go verb."""
    from mathctl.apiserver.validation.schema import go_type, go_value

    if kind == "numeric":
        if isinstance(v, bool) or not isinstance(v, int | float):
            return f"expected numeric (int or float), got {go_type(v)}"   # %T
    elif kind == "string":
        if not isinstance(v, str):
            return ("expected string, got "
                    f"&value.valueUnstructured{{Value:{go_value(v, sharp=True)}}}")
    elif kind == "boolean" and not isinstance(v, bool):
        return f"expected boolean, got {_go_value(v)}"
    return ""


def _item_problem(t: ListType, item: Any) -> str:
    """``listItemToPathElement``'s refusals (typed/helpers.go)."""
    if t.kind == "map":
        if item is None:
            return "associative list with keys may not have a null element"
        if not isinstance(item, dict):
            return "associative list with keys may not have non-map elements"
        for key in t.keys:
            if key not in item and key not in t.defaults:
                return (f'associative list with keys has an element that omits key field "{key}"'
                        " (and doesn't have default value)")
        return ""
    if isinstance(item, dict):
        return "associative list without keys has an element that's a map type"
    if isinstance(item, list):
        return "not supported: associative list with lists as elements"
    if item is None:
        return "associative list without keys has an element that's an explicit null"
    return ""


def _go_value(v: Any) -> str:
    """A ``value.Value`` printed with Go's ``%v``: ``&{…}`` around the value as Go prints it
    (the schema engine, which holds Go's formatting, is loaded only when an apply is refused)."""
    from mathctl.apiserver.validation.schema import go_value

    return "&{" + go_value(v) + "}"
