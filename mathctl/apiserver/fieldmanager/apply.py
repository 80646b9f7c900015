"""Server-side apply: ``PATCH`` with ``Content-Type: application/apply-patch+yaml``.

What ``kubectl apply --server-side``, ``kubectl diff --server-side``, controller-runtime's
``client.Apply`` and the official Python client's ``_content_type="application/apply-patch+yaml"``
send. The request is a (partial) object, the manager's whole intent: the server merges it into
the live object by the schema's list and map types, records which fields the manager now owns,
answers 409 when it would take a field another manager set (unless ``force=true``), and drops
the fields this manager applied before and no longer applies (``managedfields.apply``).

The request rules come from kube-apiserver v1.28: ``handlers/patch.go`` (the ``applyPatcher``:
YAML decoding, creating the object when it does not exist), ``validation.ValidatePatchOptions``
(``fieldManager`` is required, ``force`` only for apply), ``versioncheck.go`` and
``structuredmerge.go`` (the body's apiVersion and kind, no ``managedFields`` in it). After the
merge the result is an ordinary update (or create): status isolation, defaults, validation,
``dryRun``, and a no-op apply writes nothing (no new resourceVersion, no watch event).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from mathctl.apiserver.endpoints import decode, errors
from mathctl.apiserver.fieldmanager import fieldpath, managedfields, typed
from mathctl.apiserver.registry import meta
from mathctl.apiserver.registry.conversion import view
from mathctl.apiserver.registry.registry import Resource
from mathctl.apiserver.storage.store import encode

if TYPE_CHECKING:
    from mathctl.apiserver.endpoints.handlers import Handlers, Options, Result


def validate_patch_options(is_apply: bool, options: Options) -> None:
    """``ValidatePatchOptions`` (apimachinery meta/v1 validation): 422 PatchOptions."""
    if not is_apply and options.force is not None:
        raise _invalid("FieldValueForbidden", "force",
                       "Forbidden: may not be specified for non-apply patch")
    if is_apply and not options.field_manager:
        # "This field is defaulted to "kubectl" by kubectl, but HAS TO be explicitly set by
        # controllers."
        raise _invalid("FieldValueRequired", "fieldManager",
                       "Required value: is required for apply patch")
    managedfields.validate_field_manager(options.field_manager)


def _invalid(reason: str, field: str, message: str) -> errors.ApiError:
    return errors.invalid("meta.k8s.io", "PatchOptions", "", [
        {"reason": reason, "message": message, "field": field}])


def decode_config(body: bytes) -> dict[str, Any]:
    """The applied configuration: YAML (JSON is YAML), which must be an object.

    Read through the server's bounded decoder, so an apply body is held to the same size,
    depth and alias-expansion limits as any other (``decode.py``)."""
    decode.check_size(body)
    config = _as_json(body)
    if config is _NOT_JSON:
        try:
            config = decode.loads_yaml(body) if body.strip() else None
        except decode.DecodeError as exc:
            raise errors.bad_request(f"error decoding YAML: {exc}") from None
    if config is None:
        config = {}
    if not isinstance(config, dict):
        kind = "array" if isinstance(config, list) else "string" if isinstance(config, str) \
            else "number"
        raise errors.bad_request(
            "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot "
            f"unmarshal {kind} into Go value of type map[string]interface {{}}")
    decode.check_size(encode(config))
    return config


_NOT_JSON: Any = object()


def _as_json(body: bytes) -> Any:
    """A body that is a JSON object (what kubectl and the client libraries send), read by the
    JSON decoder: it reads JSON as the YAML path does, about 40 times faster than PyYAML's
    pure-Python parser. Anything else is YAML's to read (and to word the error)."""
    if body.lstrip()[:1] != b"{":
        return _NOT_JSON
    try:
        return decode.loads_json(body)
    except ValueError:   # json.JSONDecodeError and decode.DecodeError alike
        return _NOT_JSON


def _gvk(config: dict[str, Any]) -> str:
    """``schema.GroupVersionKind.String()`` of the body: ``group/version, Kind=kind``."""
    api_version = config.get("apiVersion") if isinstance(config.get("apiVersion"), str) else ""
    group, _, version = (api_version or "").rpartition("/")
    kind = config.get("kind") if isinstance(config.get("kind"), str) else ""
    return f"{group}/{version}, Kind={kind}"


def check_config(resource: Resource, config: dict[str, Any]) -> None:
    """The body's type and metadata, refused as kube refuses them (400)."""
    if config.get("apiVersion") != resource.api_version or config.get("kind") != resource.kind:
        # versioncheck.go versionCheckManager.Apply
        raise errors.bad_request(f"invalid object type: {_gvk(config)}")
    md = config.get("metadata")
    if md is not None and not isinstance(md, dict):
        raise errors.bad_request(
            f'{resource.kind} in version "{resource.version}" cannot be handled as a '
            f"{resource.kind}: metadata must be an object")
    if isinstance(md, dict) and md.get("managedFields") is not None:
        # structuredmerge.go Apply
        raise errors.bad_request("metadata.managedFields must be nil")


def _check_typed(resource: Resource, config: dict[str, Any]) -> None:
    """The configuration read against the schema, as ``structuredMergeManager.Apply`` reads it
    (internal/structuredmerge.go): a refusal there is a plain Go error, so kube answers 500
    with no reason, and the message names the object by the body's namespace and name."""
    problems = typed.validate(config, managedfields.object_type(resource))
    if not problems:
        return
    md = config.get("metadata") if isinstance(config.get("metadata"), dict) else {}
    namespace = md.get("namespace") if isinstance(md.get("namespace"), str) else ""
    name = md.get("name") if isinstance(md.get("name"), str) else ""
    text = problems[0] if len(problems) == 1 else "errors:\n  " + "\n  ".join(problems)
    raise errors.ApiError(500, "", f"failed to create typed patch object "
                                   f"({namespace}/{name}; {_gvk(config)}): {text}")


def _check_name(resource: Resource, namespace: str, name: str, merged: dict[str, Any]) -> None:
    """patch.go checkName on the merged object."""
    md = merged.get("metadata") or {}
    if not md.get("name"):
        raise errors.bad_request(f"the name of the object ({name} based on URL) was "
                                 "undeterminable: name must be provided")
    if md["name"] != name:
        raise errors.bad_request(f"the name of the object ({md['name']}) does not match the "
                                 f"name on the URL ({name})")
    if resource.namespaced and md.get("namespace") and md["namespace"] != namespace:
        raise errors.bad_request("the namespace of the provided object does not match the "
                                 "namespace sent on the request")


def apply_patch(handlers: Handlers, resource: Resource, namespace: str, name: str, body: bytes,
                subresource: str, options: Options) -> Result:
    """Apply ``body`` for ``options.field_manager``; creates the object when it is missing."""
    config = decode_config(body)
    check_config(resource, config)
    _check_typed(resource, config)
    if resource.is_custom and resource.schema:
        from mathctl.apiserver.validation import schema

        # The typed read above refused what the schema does not declare; pruning is the CR
        # decoder's safety net for anything it let through, which then is nobody's.
        known = copy.deepcopy(config)
        schema.prune(resource.schema, known)
    else:
        known = config
    entry = handlers.store.get(resource.storage, namespace if resource.namespaced else "", name)
    live = view(resource, entry) if entry is not None else managedfields.empty_object(resource)
    live_md = live.get("metadata") or {}
    decoded = managedfields.decode(live_md.pop("managedFields", None))
    if decoded is None:
        raise errors.internal("failed to decode managed fields")
    managers = decoded
    t = managedfields.object_type(resource)
    ignored = managedfields.reset_fields(resource, subresource)
    if not managers and entry is not None:
        # skipnonapplied.go: the existing fields become before-first-apply's
        managedfields._update(managedfields.empty_object(resource), live, managers,
                              (managedfields.BEFORE_FIRST_APPLY, managedfields.UPDATE,
                               resource.api_version, subresource),
                              resource.api_version, t, ignored)
    key = (options.field_manager, managedfields.APPLY, "", subresource)
    before = {k: copy.copy(e) for k, e in managers.items()}
    try:
        merged = managedfields.apply(live, known, managers, key, resource.api_version,
                                     bool(options.force), t, ignored)
    except managedfields.Conflicts as conflicts:
        found = _not_from_client_side_apply(resource, options.field_manager, live,
                                            conflicts.found, t)
        if found:
            raise managedfields.Conflicts(found).error() from None
        # every conflict is a field kubectl's own client-side apply set: taken over
        managers = before
        merged = managedfields.apply(live, known, managers, key, resource.api_version, True,
                                     t, ignored)
    if options.field_manager == KUBECTL:
        target = merged if merged is not None else copy.deepcopy(live)
        if _update_last_applied(target, config):
            merged = target
    new = merged if merged is not None else live
    new_md = new.setdefault("metadata", {})
    if managers:
        new_md["managedFields"] = managedfields.encode(managers, not resource.is_custom)
    else:
        new_md.pop("managedFields", None)
    _check_name(resource, namespace, name, new)
    options.applied = True
    if entry is None:
        if subresource:
            raise errors.not_found(resource.group, resource.plural, name)
        # applyPatcher.createNewObject: the result is created
        return handlers.create(resource, namespace, encode(_with_body_extras(config, new)),
                               options)
    return handlers._apply_update(resource, entry, _with_body_extras(config, new), subresource,
                                  options)


KUBECTL = "kubectl"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _not_from_client_side_apply(resource: Resource, manager: str, live: dict[str, Any],
                                found: list[Any], t: Any) -> list[Any]:
    """The conflicts left once those an upgrade from client-side apply may take are removed.

    ``lastAppliedManager.Apply`` (apimachinery pkg/util/managedfields/internal/
    lastappliedmanager.go): for the manager ``kubectl`` only, a conflict on a field that the
    object's ``last-applied-configuration`` annotation holds, with the value the object still
    has, is no conflict: ``kubectl apply --server-side`` after ``kubectl apply`` takes over
    the fields that client-side apply set, without ``--force-conflicts``.
    """
    if manager != KUBECTL:
        return found
    allowed = _last_applied_fields(resource, live, t)
    if allowed is None:
        return found
    return [c for c in found if not fieldpath.has(allowed, c[2])]


def _last_applied_fields(resource: Resource, live: dict[str, Any], t: Any) -> Any:
    """``allowedConflictsFromLastApplied``: the annotation's fields that match the live object
    (``None`` when there is no usable annotation)."""
    import json

    annotations = (live.get("metadata") or {}).get("annotations") or {}
    text = annotations.get(LAST_APPLIED) if isinstance(annotations, dict) else None
    if not isinstance(text, str) or not text:
        return None
    try:
        last = json.loads(text)
    except ValueError:
        return None
    if not isinstance(last, dict) or last.get("apiVersion") != resource.api_version:
        return None
    fields = typed.to_field_set(last, t)
    added, modified, removed = typed.compare(last, live, t)
    for changed in (modified, added, removed):
        fields = fieldpath.difference(fields, changed)
    return fields


def _update_last_applied(merged: dict[str, Any], config: dict[str, Any]) -> bool:
    """``lastAppliedUpdater.Apply`` (internal/lastappliedupdater.go): an object that carries
    client-side apply's annotation gets kubectl's applied configuration there, so a later
    client-side ``kubectl apply`` computes its three-way patch from what was really applied.
    The annotation is left out when the annotations would pass kube's 256 KiB total."""
    from mathctl.apiserver.validation.schema import go_json

    annotations = (merged.get("metadata") or {}).get("annotations")
    if not isinstance(annotations, dict) or not annotations.get(LAST_APPLIED):
        return False
    before = annotations[LAST_APPLIED]
    body = copy.deepcopy(config)
    body_annotations = (body.get("metadata") or {}).get("annotations")
    if isinstance(body_annotations, dict):
        body_annotations.pop(LAST_APPLIED, None)
    # buildLastApplied: runtime.Encode with unstructuredJSONScheme, json.NewEncoder(w).Encode
    # over the map, which ends the value with a newline
    annotations[LAST_APPLIED] = go_json(body) + "\n"
    if meta.annotations_size(annotations) > meta.TOTAL_ANNOTATION_SIZE_LIMIT:
        del annotations[LAST_APPLIED]
    return annotations.get(LAST_APPLIED) != before


def _with_body_extras(config: dict[str, Any], merged: dict[str, Any]) -> dict[str, Any]:
    """The merged object plus the configuration's unknown fields, so that the update's
    decoding reports them (``fieldValidation``) before it prunes them again."""
    if config is merged:
        return merged
    return _overlay(merged, config)


def _overlay(merged: Any, config: Any) -> Any:
    if not isinstance(merged, dict) or not isinstance(config, dict):
        return merged
    out = dict(merged)
    for k, v in config.items():
        if k not in out:
            out[k] = v
        elif isinstance(v, dict):
            out[k] = _overlay(out[k], v)
    return out
