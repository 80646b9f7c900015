"""The verbs: create, get, list, update, patch, delete — the rules of a real kube-apiserver.

Each function takes an already-routed request (the :class:`Resource`, namespace, name, body,
query parameters) and returns what to answer, or raises :class:`ApiError`. ``app.py`` does the
HTTP; the rules live here: ``resourceVersion`` conflicts, ``/status`` isolation, generation
bumps only on spec changes, no-op writes that change nothing (no new resourceVersion, no
watch event), finalizers and ``deletionTimestamp``, garbage-collection finalizers chosen by
``propagationPolicy``. The comments cite the kube-apiserver code each rule comes from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mathctl.apiserver.auth import rbac
from mathctl.apiserver.endpoints import decode, errors, gotypes
from mathctl.apiserver.fieldmanager import managedfields
from mathctl.apiserver.registry import meta
from mathctl.apiserver.registry.conversion import to_storage, view, view_raw
from mathctl.apiserver.registry.registry import Registry, Resource
from mathctl.apiserver.storage.gofields import go_order
from mathctl.apiserver.storage.store import Entry, Store, encode

if TYPE_CHECKING:
    from types import ModuleType


_SCHEMA: list[ModuleType] = []


def _schema() -> ModuleType:
    """The schema engine, imported on first use: it is large and a restart needs it not."""
    if not _SCHEMA:
        from mathctl.apiserver.validation import schema

        _SCHEMA.append(schema)
    return _SCHEMA[0]

ORPHAN = "orphan"
FOREGROUND = "foregroundDeletion"
NAME_LABEL = "kubernetes.io/metadata.name"
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
# kube-controller-manager's user agent: the in-server controllers' writes are its (gc, namespaces)
CONTROLLER_MANAGER = "kube-controller-manager/v1.28.0 (linux/amd64) kubernetes/a1a8b5d"
# What a custom resource's PATCH accepts (customresource_handler.go: supportedTypes).
CR_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]
BUILTIN_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH]


@dataclass
class Result:
    """An answer: HTTP code, the body (object or ready JSON bytes), ``Warning`` headers."""

    code: int
    body: dict[str, Any] | bytes
    warnings: list[str] = field(default_factory=list)


@dataclass
class Options:
    """Query parameters that change how a write is done."""

    dry_run: bool = False
    field_validation: str = "Warn"   # the server's default since v1.27 when unset
    field_manager: str = ""
    force: bool | None = None        # apply only: take fields other managers own
    user_agent: str = ""
    applied: bool = False            # managedFields already set (server-side apply)

    @property
    def manager(self) -> str:
        """Who writes, for managedFields: ``fieldManager``, else the user agent's prefix."""
        from mathctl.apiserver.fieldmanager.managedfields import manager_name

        return manager_name(self.field_manager, self.user_agent)


def decode_body(resource: Resource, body: bytes) -> dict[str, Any]:
    """The request body as an object, or the 400 kube-apiserver answers for undecodable JSON
    (and the 400/413 of :mod:`mathctl.apiserver.endpoints.decode` for shapes its decoder
    refuses)."""
    if len(body) > decode.MAX_BODY_BYTES:
        raise decode.too_large()
    try:
        obj = loads_request(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _unrecognized(resource, body, "couldn't get version/kind; json parse error: "
                            + go_json_error(body, exc)) from None
    if not isinstance(obj, dict):
        raise _unrecognized(resource, body, (
            "couldn't get version/kind; json parse error: json: cannot unmarshal "
            f"{_json_type(obj)} into Go value of type struct {{ APIVersion string "
            '"json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'))
    for key in ("apiVersion", "kind"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise _unrecognized(resource, body, (
                "couldn't get version/kind; json parse error: json: cannot unmarshal "
                f"{_json_type(obj[key]) if not isinstance(obj[key], dict) else 'object'} into "
                f"Go struct field .{key} of type string"))
    if resource.is_custom and not obj.get("kind"):
        # json.go: decoding into Unstructured needs the kind from the data itself.
        raise _unrecognized(resource, body,
                            f"Object 'Kind' is missing in '{body.decode('utf-8', 'replace')}'")
    gotypes.check_resource(resource.group, resource.kind, resource.version, resource.is_custom,
                           obj)
    return obj


def _unrecognized(resource: Resource, body: bytes, why: str) -> errors.ApiError:
    """rest.go transformDecodeError, with summarizeData(body, 30)."""
    if not body:
        summary = "<empty>"
    elif body[:1] == b"{":
        text = body.decode("utf-8", "replace")
        summary = text if len(body) <= 30 else body[:30].decode("utf-8", "replace") + " ..."
    else:
        summary = body.hex() if len(body) <= 30 else body[:30].hex() + " ..."
    return errors.bad_request(
        f"the object provided is unrecognized (must be of type {resource.kind}): {why} "
        f"({summary})")


_CONSTANT = re.compile(r'"(?:\\.|[^"\\])*"|(-?Infinity|NaN)')


def loads_request(body: bytes | str) -> Any:
    """A request body as JSON, refusing what Go's decoder refuses (see :func:`go_json_error`)."""
    try:
        return decode.loads_json(body)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError | decode.DecodeError):
            raise
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        found = next(m for m in _CONSTANT.finditer(text) if m.group(1))
        pos = found.start(1) + (1 if found.group(1).startswith("-") else 0)
        raise json.JSONDecodeError("Expecting value" if pos == found.start(1)
                                   else "in numeric literal", text, pos) from None


def go_json_error(body: bytes, exc: Exception) -> str:
    """Go's encoding/json wording for the commonest syntax errors (Python's differs)."""
    if not isinstance(exc, json.JSONDecodeError):
        return str(exc)
    text, pos, msg = exc.doc, exc.pos, exc.msg
    if pos >= len(text.rstrip()) or msg.startswith("Unterminated"):
        return "unexpected end of JSON input"
    char = text[pos]
    shown = "'\\''" if char == "'" else f"'{char}'"
    if msg.startswith("Expecting value"):
        return f"invalid character {shown} looking for beginning of value"
    if msg == "in numeric literal":
        return f"invalid character {shown} in numeric literal"
    if msg.startswith("Expecting property name"):
        return f"invalid character {shown} looking for beginning of object key string"
    if msg.startswith("Expecting ':'"):
        return f"invalid character {shown} after object key"
    if msg.startswith("Expecting ',' delimiter"):
        inside = "array element" if text.rfind("[", 0, pos) > text.rfind("{", 0, pos) \
            else "object key:value pair"
        return f"invalid character {shown} after {inside}"
    if msg.startswith("Extra data"):
        return f"invalid character {shown} after top-level value"
    return msg


def _json_type(value: object) -> str:
    return {list: "array", str: "string", bool: "bool", type(None): "null"}.get(
        type(value), "number")


class Handlers:
    """The verbs over one store and registry."""

    def __init__(self, store: Store, registry: Registry) -> None:
        self.store = store
        self.registry = registry
        # storage key -> extra validation on create/update (CRDs), causes for a 422
        self.validators: dict[str, Callable[[dict[str, Any]], list[dict[str, str]]]] = {}
        # storage key -> a finalizer a delete adds (CRDs: customresourcecleanup)
        self.delete_finalizers: dict[str, str] = {}
        # Checks of a write (new object, old or None) before it is stored; raise to refuse
        # (escalation.Guard: RBAC escalation prevention).
        self.admission: list[Callable[[Resource, dict[str, Any], dict[str, Any] | None],
                                      None]] = []

    # -- helpers -------------------------------------------------------------------------

    def stored_api_version(self, resource: Resource) -> str:
        return "v1" if resource.storage == "events" else (
            self.registry.storage_versions.get(resource.storage, resource.api_version))

    def _existing(self, resource: Resource, namespace: str, name: str) -> Entry:
        entry = self.store.get(resource.storage, namespace, name)
        if entry is None:
            raise errors.not_found(resource.group, resource.plural, name)
        return entry

    def _check_type(self, resource: Resource, obj: dict[str, Any]) -> None:
        """apiVersion/kind of the body against the endpoint (create.go, update.go)."""
        api_version = obj.get("apiVersion")
        kind = obj.get("kind")
        if resource.is_custom and api_version != resource.api_version:
            raise errors.bad_request(
                f"the API version in the data ({api_version or ''}) does not match the "
                f"expected API version ({resource.api_version})")
        if api_version and api_version != resource.api_version:
            group = api_version.rpartition("/")[0]
            if group != resource.group:
                raise errors.bad_request(
                    f"the API version in the data ({api_version}) does not match the expected "
                    f"API version ({resource.api_version})")
        if kind and kind != resource.kind:
            if resource.is_custom:
                # customResourceValidator.ValidateTypeMeta; rest.BeforeCreate/BeforeUpdate name
                # the Invalid error after the object's own kind (its GroupVersionKind), so
                # details.kind is the body's kind.
                raise errors.invalid(resource.group, str(kind),
                                     (obj.get("metadata") or {}).get("name", ""),
                                     [_schema().FieldError.make(
                                         "FieldValueInvalid", "kind", kind,
                                         f"must be {resource.kind}").cause()])
            raise errors.bad_request(
                f'{kind} in version "{resource.version}" cannot be handled as a '
                f"{resource.kind}: no kind \"{kind}\" is registered for version "
                f'"{api_version or resource.api_version}" in scheme '
                '"pkg/api/legacyscheme/scheme.go:30"')

    def _check_namespace(self, resource: Resource, namespace: str, name: str) -> None:
        if not resource.namespaced:
            return
        ns = self.store.get("namespaces", "", namespace)
        if ns is None:
            raise errors.not_found("", "namespaces", namespace)
        if ns.obj.get("metadata", {}).get("deletionTimestamp"):
            # admission/plugin/namespace/lifecycle
            raise errors.forbidden(
                resource.group, resource.plural, name,
                f"unable to create new content in namespace {namespace} because it is being "
                "terminated",
                [{"reason": "NamespaceTerminating",
                  "message": f"namespace {namespace} is being terminated",
                  "field": "metadata.namespace"}])

    def _schema_checks(self, resource: Resource, obj: dict[str, Any], options: Options,
                       subresource: str = "") -> list[str]:
        """Prune, default and validate a custom resource; returns ``Warning`` texts."""
        if not resource.is_custom or not resource.schema:
            return []
        schema = _schema()
        from mathctl.apiserver.validation.compiled_schema import for_schema

        # The compiled acceptors answer "nothing to prune / valid" fast; anything else gets
        # the reference engine, which words kube's answer.
        fast = for_schema(resource.schema)
        name = obj.get("metadata", {}).get("name", "")
        unknown = [] if fast.prune_noop(obj) else schema.prune(resource.schema, obj)
        warnings: list[str] = []
        if unknown and options.field_validation == "Strict":
            text = ", ".join(f'unknown field "{p}"' for p in unknown)
            # The versioning codec's prefix around the strict decoder's error (versioning.go)
            raise errors.bad_request(
                f'{resource.kind} in version "{resource.version}" cannot be handled as a '
                f"{resource.kind}: strict decoding error: {text}")
        if unknown and options.field_validation == "Warn":
            warnings = [f'unknown field "{p}"' for p in unknown]
        if fast.has_defaults:
            schema.apply_defaults(resource.schema, obj)
        if subresource == "status":
            # status_strategy.go ValidateUpdate: .status against properties.status, root "".
            status_schema = (resource.schema.get("properties") or {}).get("status")
            problems = (schema.validate(status_schema, obj["status"])
                        if status_schema and "status" in obj
                        and not for_schema(status_schema).valid(obj["status"]) else [])
        else:
            problems = [] if fast.valid(obj) else schema.validate(resource.schema, obj)
        if problems:
            raise errors.invalid(resource.group, resource.kind, name,
                                 [p.cause() for p in problems])
        return warnings

    def _validate(self, resource: Resource, obj: dict[str, Any]) -> None:
        validator = self.validators.get(resource.storage)
        causes = validator(obj) if validator else []
        if causes:
            raise errors.invalid(resource.group, resource.kind,
                                 obj.get("metadata", {}).get("name", ""), causes)

    def _response(self, resource: Resource, entry_or_obj: Entry | dict[str, Any],
                  code: int = 200, warnings: list[str] | None = None) -> Result:
        if isinstance(entry_or_obj, Entry):
            return Result(code, view_raw(resource, entry_or_obj), warnings or [])
        return Result(code, entry_or_obj, warnings or [])

    def _put(self, resource: Resource, obj: dict[str, Any], options: Options) -> Entry | dict[
            str, Any]:
        if not options.dry_run:
            # the store sets it; present now, it takes its place in kube's key order
            obj.setdefault("metadata", {}).setdefault("resourceVersion", "")
        stored = go_order(resource, to_storage(resource, obj, self.stored_api_version(resource)))
        if options.dry_run:
            stored.setdefault("metadata", {})
            return view(resource, _fake_entry(stored))
        return self.store.put(resource.storage, stored)

    # -- read ----------------------------------------------------------------------------

    def get(self, resource: Resource, namespace: str, name: str) -> Result:
        return self._response(resource, self._existing(resource, namespace, name))

    # -- create --------------------------------------------------------------------------

    def create(self, resource: Resource, namespace: str, body: bytes,
               options: Options) -> Result:
        obj = decode_body(resource, body)
        self._check_type(resource, obj)
        obj["apiVersion"], obj["kind"] = resource.api_version, resource.kind
        md = obj.get("metadata")
        if md is None:
            md = obj["metadata"] = {}
        if not isinstance(md, dict):
            raise errors.bad_request(
                f"{resource.kind} in version \"{resource.version}\" cannot be handled as a "
                f"{resource.kind}: metadata must be an object")
        if md.get("namespace") and resource.namespaced and md["namespace"] != namespace:
            raise errors.bad_request(
                "the namespace of the provided object does not match the namespace sent on "
                "the request")
        if not md.get("name") and md.get("generateName"):
            md["name"] = meta.generate_name(md["generateName"])
        name = md.get("name") or ""
        name_rule = (_schema().name_is_dns_label if resource.name_rule == "label"
                     else rbac.name_is_path_segment if resource.name_rule == "path"
                     else _schema().name_is_dns_subdomain)
        problems = _schema().validate_object_meta(md, namespaced=None, name_fn=name_rule)
        if problems:
            raise errors.invalid(resource.group, resource.kind, name,
                                 [p.cause() for p in problems])
        if md.get("resourceVersion"):
            # etcd3/store.go Create: a plain error, so a 500 without a reason.
            raise errors.ApiError(500, "",
                                  "resourceVersion should not be set on objects to be created")
        self._check_namespace(resource, namespace, name)
        if self.store.get(resource.storage, namespace if resource.namespaced else "", name):
            raise errors.already_exists(resource.group, resource.plural, name)
        if resource.namespaced:
            md["namespace"] = namespace
        else:
            md.pop("namespace", None)
        for key in ("deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
            md.pop(key, None)
        _omit_empty_meta(md)
        md["uid"] = meta.new_uid()
        md["creationTimestamp"] = meta.now()
        if resource.tracks_generation:
            md["generation"] = 1
        else:
            md.pop("generation", None)
        if resource.has_status and resource.plural != "namespaces":
            # A create cannot set status (customresource strategy PrepareForCreate).
            obj.pop("status", None)
        if resource.plural == "namespaces" and not resource.group:
            obj["spec"] = {"finalizers": ["kubernetes"]}
            obj["status"] = {"phase": "Active"}
            # namespace strategy: the immutable label kubernetes.io/metadata.name (GA in 1.22)
            md.setdefault("labels", {})[NAME_LABEL] = name
        warnings = self._schema_checks(resource, obj, options)
        self._validate(resource, obj)
        for admit in self.admission:
            admit(resource, obj, None)
        if not options.applied:
            managedfields.on_write(resource, None, obj, options.manager, "")
        stored = self._put(resource, obj, options)
        return self._response(resource, stored, 201, warnings)

    # -- update (PUT) and patch ----------------------------------------------------------

    def update(self, resource: Resource, namespace: str, name: str, body: bytes,
               subresource: str, options: Options) -> Result:
        obj = decode_body(resource, body)
        self._check_type(resource, obj)
        md = obj.get("metadata") or {}
        if md.get("name") != name:
            raise errors.bad_request(
                f"the name of the object ({md.get('name', '')}) does not match the name on "
                f"the URL ({name})")
        if resource.namespaced and md.get("namespace") and md["namespace"] != namespace:
            raise errors.bad_request(
                f"the namespace of the object ({md['namespace']}) does not match the namespace "
                f"on the request ({namespace})")
        entry = self.store.get(resource.storage, namespace if resource.namespaced else "", name)
        _check_uid_precondition(resource, namespace, name, md, entry)
        if entry is None:
            raise errors.not_found(resource.group, resource.plural, name)
        if resource.is_custom and not md.get("resourceVersion"):
            raise _unconditional_update(resource, name)
        return self._apply_update(resource, entry, obj, subresource, options)

    def patch(self, resource: Resource, namespace: str, name: str, body: bytes,
              content_type: str, subresource: str, options: Options) -> Result:
        accepted = CR_PATCH_TYPES if resource.is_custom else BUILTIN_PATCH_TYPES
        if content_type not in accepted:
            raise errors.unsupported_media_type(accepted)
        from mathctl.apiserver.fieldmanager import apply

        apply.validate_patch_options(content_type == APPLY_PATCH, options)
        if content_type == APPLY_PATCH:
            return apply.apply_patch(self, resource, namespace, name, body, subresource, options)
        current = self._existing(resource, namespace, name)
        if len(body) > decode.MAX_BODY_BYTES:
            raise decode.too_large()
        try:
            patch_doc = loads_request(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise errors.bad_request(f"error decoding patch: {go_json_error(body, exc)}") from None
        target = view(resource, current)
        from mathctl.apiserver.endpoints import (
            patch as patching,  # the patch engine (its own module)
        )

        try:
            # ``target`` and ``patch_doc`` were decoded for this request: no copies needed.
            if content_type == MERGE_PATCH:
                patched = patching.merge_patch(target, patch_doc, in_place=True)
            elif content_type == JSON_PATCH:
                patched = decode.bounded_json_patch(patching.json_patch, target, patch_doc)
            else:
                from mathctl.apiserver.endpoints import strategic

                patched = strategic.strategic_merge_patch(target, patch_doc, resource.kind)
        except patching.PatchError as exc:
            raise errors.ApiError(exc.status_code, exc.reason, exc.message) from None
        if not isinstance(patched, dict):
            raise errors.bad_request("the patch did not produce an object")
        decode.check_object_size(patched)
        _check_patched_types(resource, patched, body)
        patched_md = patched.get("metadata")
        if not isinstance(patched_md, dict):
            patched_md = patched["metadata"] = {}
        # A patch that names a resourceVersion is a precondition; without one it is
        # unconditional (patch.go applies it to the current object).
        if not patched_md.get("resourceVersion"):
            patched_md["resourceVersion"] = str(current.rv)
        patched_md["name"], patched["kind"] = name, resource.kind
        patched["apiVersion"] = resource.api_version
        return self._apply_update(resource, current, patched, subresource, options)

    def replace(self, resource: Resource, obj: dict[str, Any]) -> Result:
        """An update from inside the server (controllers): same rules as a PUT, written as
        kube's controllers are (their user agent names the manager)."""
        md = obj["metadata"]
        current = self._existing(resource, md.get("namespace", ""), md["name"])
        return self._apply_update(resource, current, obj, "",
                                  Options(user_agent=CONTROLLER_MANAGER))

    def _apply_update(self, resource: Resource, current: Entry, obj: dict[str, Any],
                      subresource: str, options: Options) -> Result:
        old = view(resource, current)
        old_md = old["metadata"]
        name = old_md["name"]
        md = obj.get("metadata")
        if not isinstance(md, dict):
            md = obj["metadata"] = {}
        rv = md.get("resourceVersion")
        if rv and rv != old_md["resourceVersion"]:
            raise errors.stale(resource.group, resource.plural, name)
        _omit_empty_meta(md)
        obj["apiVersion"], obj["kind"] = resource.api_version, resource.kind
        if subresource == "status":
            # statusStrategy.PrepareForUpdate: everything but .status comes from the old object.
            new = view(resource, current)
            if "status" in obj:
                new["status"] = obj["status"]
            else:
                new.pop("status", None)
            if options.applied:
                # status_strategy.go PrepareForUpdate keeps the managedFields the apply set
                _copy_key(obj.get("metadata") or {}, new["metadata"], "managedFields")
        else:
            new = obj
            if resource.has_status:
                # The main endpoint ignores .status (strategy PrepareForUpdate).
                if "status" in old:
                    new["status"] = old["status"]
                else:
                    new.pop("status", None)
            # BeforeUpdate: server-set fields a client may omit come from the stored object.
            md["creationTimestamp"] = old_md.get("creationTimestamp")
            for key in ("uid", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace"):
                if key in old_md and key not in md:
                    md[key] = old_md[key]
            md["resourceVersion"] = old_md["resourceVersion"]
            if resource.tracks_generation:
                md["generation"] = old_md.get("generation", 1)
            name_rule = (_schema().name_is_dns_label if resource.name_rule == "label"
                         else rbac.name_is_path_segment if resource.name_rule == "path"
                         else _schema().name_is_dns_subdomain)
            problems = _schema().validate_object_meta_update(md, old_md) + [
                p for p in _schema().validate_object_meta(md, name_fn=name_rule)
                if not p.field.startswith(("metadata.name", "metadata.generateName"))]
            if problems:
                raise errors.invalid(resource.group, resource.kind, name,
                                     [p.cause() for p in problems])
            md.pop("selfLink", None)
            if resource.plural == "namespaces" and not resource.group:
                md.setdefault("labels", {})[NAME_LABEL] = name
        # Decoding prunes and defaults before the strategy compares specs (so a pruned
        # unknown field does not bump generation), then the result is validated.
        warnings = self._schema_checks(resource, new, options, subresource)
        if subresource != "status":
            if resource.tracks_generation:
                if meta.spec_of(new, resource.has_status) != meta.spec_of(old, resource.has_status):
                    md["generation"] += 1
            else:
                md.pop("generation", None)
        new["metadata"]["resourceVersion"] = old_md["resourceVersion"]
        self._validate(resource, new)
        for admit in self.admission:
            admit(resource, new, old)
        if not options.applied:
            managedfields.on_write(resource, old, new, options.manager, subresource)
        if new == old:
            # A write that changes nothing is not written: same resourceVersion, no event.
            return self._response(resource, current, 200, warnings)
        new_md = new["metadata"]
        if new_md.get("deletionTimestamp") and not new_md.get("finalizers") and (
                not _namespace_still_finalizing(resource, new)):
            # Store.Update -> errEmptiedFinalizers -> deleteWithoutFinalizers
            if not options.dry_run:
                self.store.delete(resource.storage, new_md.get("namespace", ""), name)
            return self._response(resource, new, 200, warnings)
        return self._response(resource, self._put(resource, new, options), 200, warnings)

    # -- delete --------------------------------------------------------------------------

    def delete(self, resource: Resource, namespace: str, name: str,
               delete_options: dict[str, Any], options: Options) -> Result:
        current = self._existing(resource, namespace, name)
        obj = view(resource, current)
        md = obj["metadata"]
        pre = delete_options.get("preconditions") or {}
        if pre.get("uid") and pre["uid"] != md.get("uid"):
            raise errors.conflict(
                resource.group, resource.kind, name,
                f"the UID in the precondition ({pre['uid']}) does not match the UID in record "
                f"({md.get('uid')}). The object might have been deleted and then recreated")
        if pre.get("resourceVersion") and pre["resourceVersion"] != md["resourceVersion"]:
            raise errors.conflict(
                resource.group, resource.kind, name,
                f"the ResourceVersion in the precondition ({pre['resourceVersion']}) does not "
                f"match the ResourceVersion in record ({md['resourceVersion']}). The object "
                "might have been modified")
        if resource.plural == "namespaces" and not resource.group:
            return self._delete_namespace(resource, current, obj, options)
        extra = self.delete_finalizers.get(resource.storage)
        if extra and not md.get("deletionTimestamp") and extra not in (md.get("finalizers") or []):
            md["finalizers"] = [*(md.get("finalizers") or []), extra]
        finalizers = _gc_finalizers(md, delete_options)
        if finalizers or md.get("deletionTimestamp"):
            changed = finalizers != (md.get("finalizers") or [])
            if not md.get("deletionTimestamp"):
                # Store.Delete -> markAsDeleting
                if md.get("generation"):
                    md["generation"] += 1
                md["deletionTimestamp"] = meta.now()
                md["deletionGracePeriodSeconds"] = 0
                changed = True
            if finalizers:
                md["finalizers"] = finalizers
            else:
                md.pop("finalizers", None)
            if not finalizers:
                return self._delete_now(resource, current, obj, options)
            if changed:
                written = self._put(resource, obj, options)
                code = 202 if delete_options.get("orphanDependents") is False else 200
                return self._response(resource, written, code)
            return self._response(resource, current, 200)
        return self._delete_now(resource, current, obj, options)

    def _delete_now(self, resource: Resource, current: Entry, obj: dict[str, Any],
                    options: Options) -> Result:
        md = obj["metadata"]
        if not options.dry_run:
            self.store.delete(resource.storage, md.get("namespace", ""), md["name"])
        if resource.returns_deleted_object:
            return self._response(resource, obj, 200)
        # Store.finalizeDelete: a Status naming what was deleted.
        details: dict[str, Any] = {"name": md["name"]}
        if resource.group:
            details["group"] = resource.group
        details["kind"] = resource.plural
        details["uid"] = md.get("uid", "")
        return Result(200, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Success", "details": details})

    def _delete_namespace(self, resource: Resource, current: Entry, obj: dict[str, Any],
                          options: Options) -> Result:
        """namespace REST Delete: mark Terminating; the namespace controller empties it."""
        md = obj["metadata"]
        if md.get("deletionTimestamp"):
            return self._response(resource, current, 200)
        if not (obj.get("spec") or {}).get("finalizers") and not md.get("finalizers"):
            return self._delete_now(resource, current, obj, options)
        md["deletionTimestamp"] = meta.now()
        md["deletionGracePeriodSeconds"] = 0
        obj.setdefault("status", {})["phase"] = "Terminating"
        return self._response(resource, self._put(resource, obj, options), 200)

    def delete_collection(self, resource: Resource, namespace: str | None,
                          selected: list[Entry], delete_options: dict[str, Any],
                          options: Options) -> list[dict[str, Any]]:
        """Delete every selected object; returns the deleted (or now terminating) objects."""
        items = []
        for entry in selected:
            md = entry.obj["metadata"]
            try:
                result = self.delete(resource, md.get("namespace", ""), md["name"],
                                     delete_options, options)
            except errors.ApiError as exc:
                if exc.code == 404:
                    continue
                raise
            items.append(view(resource, entry) if isinstance(result.body, dict)
                         and result.body.get("kind") == "Status" else
                         json.loads(result.body) if isinstance(result.body, bytes)
                         else result.body)
        return items


def _copy_key(source: dict[str, Any], target: dict[str, Any], key: str) -> None:
    if key in source:
        target[key] = source[key]
    else:
        target.pop(key, None)


def _check_uid_precondition(resource: Resource, namespace: str, name: str,
                            md: dict[str, Any], entry: Entry | None) -> None:
    """An update's body uid is a precondition (rest.defaultUpdatedObjectInfo.Preconditions),
    checked against the stored object — or an empty one when it is gone — before anything else
    (etcd3 store GuaranteedUpdate): a mismatch is 409 (storeerr.InterpretUpdateError)."""
    uid = md.get("uid")
    stored_uid = entry.obj["metadata"].get("uid", "") if entry is not None else ""
    if not uid or uid == stored_uid:
        return
    key = "/registry/" + (f"{resource.group}/" if resource.is_custom else "") + resource.plural
    key += f"/{namespace}/{name}" if resource.namespaced else f"/{name}"
    raise errors.conflict(
        resource.group, resource.plural, name,
        f"StorageError: invalid object, Code: 4, Key: {key}, ResourceVersion: 0, "
        f"AdditionalErrorMsg: Precondition failed: UID in precondition: {uid}, UID in object "
        f"meta: {stored_uid}")


def _namespace_still_finalizing(resource: Resource, obj: dict[str, Any]) -> bool:
    return resource.plural == "namespaces" and not resource.group and bool(
        (obj.get("spec") or {}).get("finalizers"))


def _gc_finalizers(md: dict[str, Any], delete_options: dict[str, Any]) -> list[str]:
    """deletionFinalizersForGarbageCollection (registry/generic/registry/store.go)."""
    policy = delete_options.get("propagationPolicy")
    orphan_flag = delete_options.get("orphanDependents")
    existing = md.get("finalizers") or []
    if orphan_flag is not None:
        orphan, foreground = bool(orphan_flag), False
    elif policy in ("Orphan", "Background", "Foreground"):
        orphan, foreground = policy == "Orphan", policy == "Foreground"
    else:
        # The first GC finalizer already present decides; none: the default, Background.
        first = next((f for f in existing if f in (ORPHAN, FOREGROUND)), None)
        orphan, foreground = first == ORPHAN, first == FOREGROUND
    result = [f for f in existing if f not in (ORPHAN, FOREGROUND)]
    if orphan:
        result.append(ORPHAN)
    if foreground:
        result.append(FOREGROUND)
    if set(result) == set(existing):
        return list(existing)
    return result


def _fake_entry(obj: dict[str, Any]) -> Entry:
    return Entry(encode(obj), int(obj["metadata"].get("resourceVersion") or 0), obj)


def _check_patched_types(resource: Resource, patched: dict[str, Any], body: bytes) -> None:
    """Go's type errors for a patch result. The stored managedFields were the server's own
    and decoded once already: unless the patch names them, they are not walked again."""
    names_them = b"managedFields" in body or b"\\u" in body   # or might, through an escape
    gotypes.check_resource(resource.group, resource.kind, resource.version, resource.is_custom,
                           patched if names_them else decode.without_managed_fields(patched))


# ObjectMeta's fields tagged ``json:",omitempty"`` whose empty value Go leaves out
# (apimachinery pkg/apis/meta/v1/types.go); creationTimestamp is a struct, never "empty".
# managedFields is left to the field manager: an empty list there means "reset them"
# (fieldmanager.go isResetManagedFields tells an empty slice from a nil one).
_OMITEMPTY_META = ("generateName", "selfLink", "uid", "resourceVersion", "generation", "labels",
                   "annotations", "ownerReferences", "finalizers")


def _omit_empty_meta(md: dict[str, Any]) -> None:
    """Metadata goes through Go's ObjectMeta and back: an empty ``labels: {}`` or
    ``finalizers: []`` (or a null) is not kept, so a client reads it back as absent. A
    built-in is decoded into its Go struct; a custom resource's metadata is coerced through
    ObjectMeta too (apiextensions-apiserver pkg/apiserver/schema/objectmeta/coerce.go
    ``SetObjectMeta``, whose ``ToUnstructured`` honours ``omitempty``)."""
    for key in _OMITEMPTY_META:
        if key in md and md[key] in (None, "", 0, {}, []) and md[key] is not False:
            del md[key]


def _unconditional_update(resource: Resource, name: str) -> errors.ApiError:
    """A PUT of a custom resource (or its /status) without ``metadata.resourceVersion``.

    Custom resources do not allow unconditional updates (apiextensions-apiserver
    pkg/registry/customresource/strategy.go: ``AllowUnconditionalUpdate`` is false), so kube's
    generic store refuses it once the object is found (apiserver pkg/registry/generic/registry/
    store.go, ``Update``): 422, the value printed as Go prints a uint64 zero with ``%#v``.
    """
    return errors.invalid(resource.group, resource.plural, name, [{
        "reason": "FieldValueInvalid", "field": "metadata.resourceVersion",
        "message": "Invalid value: 0x0: must be specified for an update"}])
