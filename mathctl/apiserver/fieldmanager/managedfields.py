"""``metadata.managedFields``: who owns which field, kept on every write as kube-apiserver does.

kube-apiserver runs every create, update and patch through a field manager
(``k8s.io/apimachinery/pkg/util/managedfields/internal``, v1.28) built as a chain; this module
is that chain, outermost first:

* ``skipnonapplied.go`` — an update of an object with no managed fields keeps none (a create
  always starts tracking); an apply to such an object first gives every existing field to
  ``before-first-apply``;
* ``buildmanagerinfo.go`` — a manager is its name, operation, subresource and, for updates,
  the apiVersion (so ``kubectl`` updating through v1 and through v2 are two entries);
* ``managedfieldsupdater.go`` — an update merges what it changed into its manager's entry and
  stamps the time only when it changed something; an apply stamps it when the object changed;
* ``stripmeta.go`` — ``apiVersion``, ``kind`` and the server-set metadata are nobody's;
* ``structuredmerge.go`` + structured-merge-diff's ``merge/update.go`` — the ownership rules
  (:func:`update`, :func:`apply`): an update takes what it changed from everyone else, an apply
  conflicts (409) unless ``force``, and drops what its manager applied last time, no longer
  applies and nobody else owns (``prune``).

Sets are kept in their ``fieldsV1`` form (``fieldpath``), so an entry read from the stored object
is used as it is; computing an update's entry costs one walk over what changed.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any

from mathctl.apiserver.endpoints import errors
from mathctl.apiserver.fieldmanager import builtin_types, fieldpath, typed
from mathctl.apiserver.fieldmanager.fieldpath import Set
from mathctl.apiserver.registry import meta
from mathctl.apiserver.registry.registry import Resource

APPLY = "Apply"
UPDATE = "Update"
FIELDS_V1 = "FieldsV1"
BEFORE_FIRST_APPLY = "before-first-apply"
MAX_MANAGER_LENGTH = 128   # apimachinery validation FieldManagerMaxLength
_CURRENT = ("current-operation", UPDATE, "", "")

# stripmeta.go: never owned by anyone.
STRIPPED: Set = fieldpath.from_paths(
    ("f:apiVersion",), ("f:kind",), ("f:metadata",),
    *(("f:metadata", f"f:{name}") for name in (
        "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName",
        "generation", "managedFields", "resourceVersion")))

Key = tuple[str, str, str, str]
"""(manager, operation, apiVersion — empty for Apply, subresource): a manager's identity."""


@dataclass
class Entry:
    """One manager's fields, the apiVersion they were written through and when."""

    fields: Set
    api_version: str
    time: str | None


Managers = dict[Key, Entry]


# --- the type of an object ----------------------------------------------------------------

_CRD_TYPES: dict[int, tuple[dict[str, Any], typed.MapType]] = {}


def object_type(resource: Resource) -> typed.MapType:
    """The apply schema of ``resource``'s objects."""
    if not resource.is_custom:
        return builtin_types.kind_type(resource.kind)
    schema = resource.schema or {}
    cached = _CRD_TYPES.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    root = typed.from_openapi({"type": "object", **schema})
    if not isinstance(root, typed.MapType):
        root = typed.MapType(element=typed.UNTYPED)
    root.fields.update(apiVersion=typed.SCALAR, kind=typed.SCALAR,
                       metadata=builtin_types.ROOT_META)
    root.unowned = builtin_types.UNOWNED_ROOT
    _CRD_TYPES[id(schema)] = (schema, root)
    return root


def empty_object(resource: Resource) -> dict[str, Any]:
    """What ``runtime.ObjectCreater.New`` gives for the kind, as the comparisons see it."""
    if resource.is_custom:
        return {"apiVersion": resource.api_version, "kind": resource.kind}
    return {"kind": resource.kind, "apiVersion": resource.api_version,
            "metadata": {"creationTimestamp": None}, **builtin_types.zero(resource.kind)}


def reset_fields(resource: Resource, subresource: str) -> Set:
    """The fields a write through this endpoint cannot set (strategy ``GetResetFields``)."""
    if not resource.has_status:
        return {}
    return {"f:spec": {}} if subresource == "status" else {"f:status": {}}


# --- manager names ------------------------------------------------------------------------


def manager_name(field_manager: str, user_agent: str) -> str:
    """``managerOrUserAgent`` (handlers/rest.go): the fieldManager, else the user agent up to
    its first '/', printable characters only, at most 128 bytes."""
    return field_manager or _prefix_from_user_agent(user_agent)


@functools.lru_cache(maxsize=256)
def _prefix_from_user_agent(user_agent: str) -> str:
    out, size = [], 0
    for char in user_agent.split("/")[0]:
        if not char.isprintable():   # Go's unicode.IsPrint: the same classes
            continue
        size += len(char.encode())
        if size > MAX_MANAGER_LENGTH:
            break
        out.append(char)
    return "".join(out)


def validate_field_manager(name: str) -> None:
    """``ValidateFieldManager``: at most 128 characters, all printable (422 otherwise)."""
    if len(name) > MAX_MANAGER_LENGTH:
        raise _options_invalid("FieldValueTooLong", "fieldManager",
                               f"Too long: may not be longer than {MAX_MANAGER_LENGTH}")
    for char in name:
        if not char.isprintable():
            raise _options_invalid(
                "FieldValueInvalid", "fieldManager",
                f"Invalid value: {_go_quote(name)}: invalid characters")


def _options_invalid(reason: str, field: str, message: str, kind: str = "PatchOptions"
                     ) -> errors.ApiError:
    return errors.invalid("meta.k8s.io", kind, "", [
        {"reason": reason, "message": message, "field": field}])


def _go_quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


# --- decoding and encoding the entries ----------------------------------------------------


def decode(entries: Any) -> Managers | None:
    """The managers of a ``managedFields`` list, ``None`` when it cannot be decoded."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        return None
    managers: Managers = {}
    for raw in entries:
        if not isinstance(raw, dict):
            return None
        fields = raw.get("fieldsV1", {})
        if fields is None:
            fields = {}
        if not isinstance(fields, dict) or raw.get("fieldsType", FIELDS_V1) not in (
                FIELDS_V1, ""):
            return None
        operation = raw.get("operation") or ""
        api_version = raw.get("apiVersion") or ""
        key = (str(raw.get("manager") or ""), str(operation),
               "" if operation == APPLY else str(api_version), str(raw.get("subresource") or ""))
        managers[key] = Entry(fields, str(api_version), _time(raw.get("time")))
    return managers


def _time(value: Any) -> str | None:
    """A ``metav1.Time`` as kube prints it (whole seconds, UTC, ``Z``)."""
    if not isinstance(value, str) or not value:
        return None
    if len(value) == 20 and value.endswith("Z"):
        return value
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode(managers: Managers, go_order: bool) -> list[dict[str, Any]]:
    """The ``managedFields`` list, sorted as ``sortEncodedManagedFields`` sorts it.

    ``go_order``: a built-in's entries and field sets in its Go serialisation order (a custom
    resource's object is written with sorted keys anyway).
    """
    out = []
    for (manager, operation, _, subresource), entry in sorted(
            managers.items(), key=lambda kv: (kv[0][1], kv[1].time or "", kv[0][0],
                                              kv[1].api_version, kv[0][3])):
        item: dict[str, Any] = {"manager": manager, "operation": operation,
                                "apiVersion": entry.api_version}
        if entry.time:
            item["time"] = entry.time
        item["fieldsType"] = FIELDS_V1
        item["fieldsV1"] = fieldpath.sorted_set(entry.fields) if go_order else entry.fields
        if subresource:
            item["subresource"] = subresource
        out.append(item)
    return out


def _now() -> str:
    """``meta.now()``, formatted once per second (every write of a busy second shares it)."""
    second = int(time.time())
    if _NOW[0] != second:
        _NOW[:] = [second, meta.now()]
    return str(_NOW[1])


_NOW: list[Any] = [0, ""]


def _strip(managers: Managers) -> None:
    for key in list(managers):
        fields = managers[key].fields
        if fields.keys().isdisjoint(STRIPPED):
            continue
        fields = fieldpath.difference(fields, STRIPPED)
        if fields:
            managers[key].fields = fields
        else:
            del managers[key]


# --- conflicts ----------------------------------------------------------------------------


class Conflicts(Exception):
    """Fields an apply would take from other managers (``merge.Conflicts``)."""

    def __init__(self, found: list[tuple[Key, Entry, tuple[str, ...]]]) -> None:
        super().__init__("conflicts")
        self.found = found

    def error(self) -> errors.ApiError:
        """``NewConflictError`` (internal/conflict.go): 409 with one cause per field."""
        causes = [{"type": "FieldManagerConflict",
                   "message": f"conflict with {_print_manager(key, entry)}",
                   "field": fieldpath.path_string(path)} for key, entry, path in self.found]
        if len(self.found) == 1:
            key, entry, path = self.found[0]
            message = (f"Apply failed with 1 conflict: conflict with "
                       f"{_print_manager(key, entry)}: {fieldpath.path_string(path)}")
        else:
            lines = []
            for key in sorted({k for k, _, _ in self.found}, key=_identifier):
                entry = next(e for k, e, _ in self.found if k == key)
                lines.append(f"conflicts with {_print_manager(key, entry)}:")
                lines.extend(f"- {fieldpath.path_string(p)}" for k, _, p in self.found
                             if k == key)
            message = f"Apply failed with {len(self.found)} conflicts: " + "\n".join(lines)
        return errors.ApiError(409, "Conflict", message, {"causes": causes})


def _identifier(key: Key) -> str:
    """``BuildManagerIdentifier``'s JSON, the order kube sorts managers in."""
    import json

    manager, operation, api_version, subresource = key
    body: dict[str, str] = {"manager": manager, "operation": operation}
    if api_version:
        body["apiVersion"] = api_version
    if subresource:
        body["subresource"] = subresource
    return json.dumps(body, separators=(",", ":"))


def _print_manager(key: Key, entry: Entry) -> str:
    """``printManager``: ``"kubectl"``, or ``"m" using v1`` for an update's manager."""
    manager, operation, api_version, subresource = key
    text = _go_quote(manager)
    if subresource:
        text += f" with subresource {_go_quote(subresource)}"
    if operation == UPDATE:
        return f"{text} using {api_version}"
    return text


# --- the ownership rules (structured-merge-diff merge/update.go) --------------------------


def _changes(old: Any, new: Any, t: Any, ignored: Set) -> tuple[Set, Set, Set]:
    added, modified, removed = typed.compare(old, new, t)
    if ignored:
        added, modified, removed = (
            fieldpath.recursive_difference(s, ignored) if not s.keys().isdisjoint(ignored)
            else s for s in (added, modified, removed))
    return added, modified, removed


def _take(old: Any, new: Any, managers: Managers, workflow: Key, force: bool, t: Any,
          ignored: Set) -> tuple[Set, Set, Set]:
    """``Updater.update``: what changed leaves every other manager (conflicts unless force)."""
    added, modified, removed = _changes(old, new, t, ignored)
    changed = fieldpath.union(modified, added)
    conflicts: dict[Key, Set] = {}
    if changed:
        for key, entry in managers.items():
            if key != workflow and not changed.keys().isdisjoint(entry.fields):
                both = fieldpath.intersection(entry.fields, changed)
                if both:
                    conflicts[key] = both
    if conflicts and not force:
        raise Conflicts([(key, managers[key], path) for key, both in conflicts.items()
                         for path in fieldpath.members(both)])
    for key, both in conflicts.items():
        managers[key].fields = fieldpath.difference(managers[key].fields, both)
    if removed:
        for key, entry in managers.items():
            if key != workflow and not removed.keys().isdisjoint(entry.fields):
                entry.fields = fieldpath.difference(entry.fields, removed)
    for key in [k for k, e in managers.items() if not e.fields]:
        del managers[key]
    return added, modified, removed


def _update(old: Any, new: Any, managers: Managers, key: Key, api_version: str, t: Any,
            ignored: Set) -> None:
    """An update by ``key``: managedfieldsupdater.go over stripmeta.go over ``Updater.Update``."""
    added, modified, _ = _take(old, new, managers, _CURRENT, True, t, ignored)
    taken = fieldpath.union(modified, added)
    if not taken.keys().isdisjoint(STRIPPED):
        taken = fieldpath.difference(taken, STRIPPED)
    _strip(managers)
    if taken:
        previous = managers.get(key)
        fields = fieldpath.union(previous.fields, taken) if previous else taken
        managers[key] = Entry(fields, api_version, _now())
    _cap_update_managers(managers)


MAX_UPDATE_MANAGERS = 10
"""``DefaultMaxUpdateManagers``: more Update entries than this are folded into buckets."""
ANCIENT_CHANGES = "ancient-changes"


def _cap_update_managers(managers: Managers) -> None:
    """``capManagersManager.capUpdateManagers`` (internal/capmanagers.go).

    Every distinct client that updates an object leaves an Update entry; past ten, the oldest
    are merged, per apiVersion, into one ``ancient-changes`` entry, so an object written by many
    short-lived clients keeps a bounded managedFields. Apply entries are never capped.
    """
    updaters = [k for k in managers if k[1] == UPDATE]
    if len(updaters) <= MAX_UPDATE_MANAGERS:
        return
    # oldest first (whole seconds: the times are kept in kube's fixed form, so they sort as
    # text, a missing one first), ties by the manager's identifier
    updaters.sort(key=lambda k: (managers[k].time or "", _identifier(k)))
    first_of_version: dict[str, Key] = {}
    length = len(updaters)
    for key in updaters:
        if length <= MAX_UPDATE_MANAGERS:
            break
        entry = managers[key]
        version = entry.api_version
        bucket = (ANCIENT_CHANGES, UPDATE, version, "")
        first = first_of_version.get(version)
        if first is None:
            first_of_version[version] = key
            continue
        if bucket not in managers:
            managers[bucket] = managers.pop(first)
        merged = managers[bucket]
        managers[bucket] = Entry(fieldpath.union(entry.fields, merged.fields), version,
                                 entry.time)
        del managers[key]
        length -= 1


def apply(live: dict[str, Any], config: dict[str, Any], managers: Managers, key: Key,
          api_version: str, force: bool, t: Any, ignored: Set) -> dict[str, Any] | None:
    """``Updater.Apply``: the merged object (``None`` if it equals ``live``); ``managers`` is
    updated in place. Raises :class:`Conflicts`."""
    merged = typed.merge(live, config, t)
    last = managers.get(key)
    applied = typed.to_field_set(config, t)
    if ignored:
        applied = fieldpath.recursive_difference(applied, ignored)
    managers[key] = Entry(applied, api_version, last.time if last else None)
    if last is not None and last.fields:
        pruned = _prune(merged, managers, last.fields, t)
        # ownership is worked out on the object structured-merge-diff returns (nulls where
        # pruning emptied a map); the object stored is the one kube's conversion keeps
        _take(live, pruned, managers, key, force, t, ignored)
        merged = typed.drop_emptied(pruned, merged, t)
    else:
        _take(live, merged, managers, key, force, t, ignored)
    changed = merged != live
    _strip(managers)
    if changed:
        entry = managers.get(key)
        if entry is not None:
            entry.time = _now()
        return merged   # type: ignore[no-any-return]
    return None


def _prune(merged: Any, managers: Managers, last: Set, t: Any) -> Any:
    """``Updater.prune``: drop what the applier applied last time, no longer applies and that
    nobody else owns (with ``addBackOwnedItems`` and ``addBackDanglingItems``)."""
    def named(s: Set) -> Set:
        return typed.ensure_named_fields(s, t)

    def field_set(v: Any) -> Set:
        return named(typed.to_field_set(v, t))

    last_named = named(last)
    pruned = typed.remove_items(merged, last_named, t)
    managed: Set = {}
    for entry in managers.values():
        managed = fieldpath.union(managed, entry.fields)
    merged_set = field_set(merged)
    pruned = typed.remove_items(merged, fieldpath.difference(
        merged_set, fieldpath.union(field_set(pruned), named(managed))), t)
    gone = fieldpath.intersection(fieldpath.difference(merged_set, field_set(pruned)),
                                  last_named)
    return typed.remove_items(merged, gone, t) if gone else merged


# --- the entry points the handlers call ---------------------------------------------------


def on_write(resource: Resource, old: dict[str, Any] | None, new: dict[str, Any],
             manager: str, subresource: str) -> None:
    """Set ``new``'s managedFields for a create (``old`` None) or update (FieldManager.Update).

    ``old`` and ``new`` are the stored object and the one about to be stored, without their
    managedFields being compared (they are taken out for the walk and put back).
    """
    new_md = new.setdefault("metadata", {})
    sent = new_md.pop("managedFields", None)
    old_md = old.get("metadata", {}) if old is not None else {}
    live = old_md.pop("managedFields", None) if old is not None else None
    try:
        managers = _base_managers(sent, live, subresource)
        if not managers and old is not None:
            # skipnonapplied.go: an object without managed fields is not tracked by updates
            return
        t = object_type(resource)
        key = (manager, UPDATE, resource.api_version, subresource)
        _update(old if old is not None else empty_object(resource), new, managers, key,
                resource.api_version, t, reset_fields(resource, subresource))
        if managers:
            new_md["managedFields"] = encode(managers, not resource.is_custom)
    finally:
        if live is not None and old is not None:
            old_md["managedFields"] = live


def _base_managers(sent: Any, live: Any, subresource: str) -> Managers:
    """``decodeLiveOrNew``: the request's managedFields when it sets them (a subresource never
    does), ``[]`` or ``[{}]`` resets them, anything undecodable falls back to the live ones."""
    if not subresource and sent is not None:
        if sent == [] or sent == [{}]:
            return {}
        managers = decode(sent)
        if managers:
            return managers
    return decode(live) or {}
