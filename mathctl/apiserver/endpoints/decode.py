"""Request bodies decoded into the shapes kube-apiserver's decoder accepts, before any handler.

Why a module of its own: every verb (create, update, the three patch types) reads a body, and
each used to call ``json.loads``/``yaml.safe_load`` and then walk the result recursively. A
hostile or careless body then reached the handlers as a Python exception (RecursionError,
OverflowError, a ``str`` that cannot be encoded), answered as a 500. Here the body is checked
once, at the door, with kube's limits and kube's words:

- size: 3 MiB (``limitedReadBody`` with the default ``MaxRequestBodyBytes``,
  staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go and
  staging/src/k8s.io/apiserver/pkg/server/config.go), and the same limit on the object after
  YAML expansion and after a patch;
- depth: :data:`MAX_DEPTH` (see there why not kube's 10 000);
- numbers: integers beyond int64 become floats, as Go's unstructured decoder does; one that
  does not fit a float64 is Go's ``cannot unmarshal number`` error (and Python's 4 300-digit
  int limit never raises inside the server);
- strings: a lone UTF-16 surrogate (``"\\ud800"``) becomes U+FFFD, as Go's decoder does;
- YAML: the safe loader, only the JSON-compatible tags, aliases expanded up to a bound
  (a "billion laughs" body is refused before it is built).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from mathctl.apiserver.endpoints import errors

MAX_BODY_BYTES = 3 * 1024 * 1024
"""kube's default ``MaxRequestBodyBytes`` (server/config.go: 3 MiB)."""

MAX_DEPTH = 100
"""Deepest nesting of objects/arrays a body may have.

kube's JSON decoder stops at 10 000 levels (sigs.k8s.io/json's ``maxNestingDepth``), but every
walk in this server (schema validation, pruning, defaulting, merge and strategic patch, table
printing, the watch encoders) is recursive Python, several frames per level, under Python's
default recursion limit of 1 000. 100 levels is ten times what any Kubernetes object the kit
meets uses (a Deployment's pod template is about 8) and leaves each walk an order of
magnitude of headroom, so no walk can ever fail half-way with RecursionError.
"""

MAX_YAML_NODES = 1_000_000
"""How many nodes a YAML document may expand to with its aliases (billion laughs guard).

A 3 MiB JSON body has at most ~1.5 M values; one million expanded YAML nodes is of that order.
"""

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_TAGS = frozenset({
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge",
})


def too_large(limit: int = MAX_BODY_BYTES) -> errors.ApiError:
    """errors.NewRequestEntityTooLargeError("limit is N") (apimachinery/pkg/api/errors)."""
    return errors.ApiError(413, "RequestEntityTooLarge",
                           f"Request entity too large: limit is {limit}")


def check_size(body: bytes) -> bytes:
    """``body``, or 413 when it is over the request limit."""
    if len(body) > MAX_BODY_BYTES:
        raise too_large()
    return body


class DecodeError(ValueError):
    """A body Go's decoder would refuse; ``str()`` is Go's wording."""


def _parse_int(text: str) -> int | float:
    if len(text) <= 18:
        return int(text)
    digits = text.lstrip("-")
    if len(digits) <= 19:
        value = int(text)
        if INT64_MIN <= value <= INT64_MAX:
            return value
    # Go's unstructured decoder keeps a number that is not an int64 as a float64.
    try:
        as_float = float(text)
    except (ValueError, OverflowError):
        as_float = float("inf")
    if as_float in (float("inf"), float("-inf")):
        shown = text if len(text) <= 30 else text[:30] + "..."
        raise DecodeError(f"json: cannot unmarshal number {shown} into Go value of type float64")
    return as_float


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        shown = text if len(text) <= 30 else text[:30] + "..."
        raise DecodeError(f"json: cannot unmarshal number {shown} into Go value of type float64")
    return value


def _no_constant(name: str) -> Any:
    """Python's json accepts NaN and Infinity; Go's encoding/json does not."""
    raise ValueError(name)


def loads_json(body: bytes | str) -> Any:
    """JSON as Go's decoder reads it: ``json.JSONDecodeError`` for syntax, :class:`DecodeError`
    for numbers and depth; lone surrogates replaced by U+FFFD."""
    if isinstance(body, bytes):
        # Go reads UTF-8 only, an invalid byte in a string as U+FFFD (Python would guess UTF-16
        # from a BOM and raise UnicodeDecodeError).
        body = body.decode("utf-8", "replace")
    try:
        value = json.loads(body, parse_int=_parse_int, parse_float=_parse_float,
                           parse_constant=_no_constant)
    except RecursionError:
        raise DecodeError("json: exceeded max depth") from None
    return sanitize(value)


def sanitize(value: Any) -> Any:
    """Check depth and replace lone surrogates, without recursion (returns the value)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    fix_root = isinstance(value, str) and _LONE_SURROGATE.search(value)
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                raise DecodeError("json: exceeded max depth")
            bad_keys = [k for k in node if isinstance(k, str) and _LONE_SURROGATE.search(k)]
            for key in bad_keys:
                node[_LONE_SURROGATE.sub("\ufffd", key)] = node.pop(key)
            for key, child in node.items():
                if isinstance(child, str):
                    if _LONE_SURROGATE.search(child):
                        node[key] = _LONE_SURROGATE.sub("\ufffd", child)
                elif isinstance(child, dict | list):
                    stack.append((child, depth + 1))
        elif isinstance(node, list):
            if depth > MAX_DEPTH:
                raise DecodeError("json: exceeded max depth")
            for i, child in enumerate(node):
                if isinstance(child, str):
                    if _LONE_SURROGATE.search(child):
                        node[i] = _LONE_SURROGATE.sub("\ufffd", child)
                elif isinstance(child, dict | list):
                    stack.append((child, depth + 1))
    if fix_root:
        return _LONE_SURROGATE.sub("\ufffd", value)
    return value


# -- YAML ---------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps: sigs.k8s.io/yaml keeps ``2024-01-01`` a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _check_nodes(root: yaml.Node) -> None:
    """Refuse non-JSON tags, too deep documents and alias expansion past the bound."""
    sizes: dict[int, int] = {}
    # Iterative post-order: a node's expanded size is 1 + its children's (aliases are the
    # same node object reached twice, so the sum counts every expansion).
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    on_path: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[key] > MAX_YAML_NODES:
                raise DecodeError(f"yaml: document expands to more than {MAX_YAML_NODES} "
                                  "nodes (too many aliases)")
            continue
        if key in sizes:
            continue
        if node.tag not in _JSON_TAGS:
            raise DecodeError(f"yaml: cannot decode {node.tag} tag: only strings, numbers, "
                              "booleans, null, maps and lists are allowed")
        if depth > MAX_DEPTH:
            raise DecodeError("json: exceeded max depth")
        if key in on_path:
            raise DecodeError("yaml: recursive alias")
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def loads_yaml(body: bytes) -> Any:
    """One YAML document as JSON-compatible data, or :class:`DecodeError`."""
    try:
        loader = _Loader(body.decode("utf-8", "replace"))
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_nodes(node)
            value = loader.construct_document(node)
        finally:
            loader.dispose()
    except RecursionError:
        raise DecodeError("json: exceeded max depth") from None
    except yaml.YAMLError as exc:
        raise DecodeError(f"error converting YAML to JSON: {exc}") from None
    except (ValueError, OverflowError) as exc:  # a 5 000-digit int, a bad !!float
        raise DecodeError(f"error converting YAML to JSON: {exc}") from None
    return sanitize(_to_json(value))


def _to_json(value: Any) -> Any:
    """Keys to strings and numbers to JSON's range, as sigs.k8s.io/yaml's YAMLToJSON does."""
    stack: list[Any] = [value]
    root = _scalar(value)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in list(node):
                child = node.pop(key)
                if isinstance(key, dict | list | tuple):
                    raise DecodeError("error converting YAML to JSON: yaml: invalid map key: "
                                      f"{type(key).__name__}")
                node[_key(key)] = _scalar(child)
                stack.append(node[_key(key)])
        elif isinstance(node, list):
            for i, child in enumerate(node):
                node[i] = _scalar(child)
                stack.append(node[i])
    return root


def _key(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _scalar(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str | dict | list):
        return value
    if isinstance(value, int):
        return value if INT64_MIN <= value <= INT64_MAX else _parse_int(str(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise DecodeError(f"json: unsupported value: {value}")
        return value
    raise DecodeError(f"error converting YAML to JSON: unsupported {type(value).__name__}")


def body_json(body: bytes, content_type: str) -> bytes:
    """A create/update body as JSON bytes, refusing oversize, too deep and YAML-bomb bodies.

    JSON bodies pass through unchanged when already clean (the handlers decode them with
    :func:`loads_json`); YAML is converted and its expansion held to the size limit.
    """
    check_size(body)
    if content_type in ("application/yaml", "application/x-yaml"):
        try:
            value = loads_yaml(body)
        except DecodeError as exc:
            raise errors.bad_request(str(exc)) from None
        from mathctl.apiserver.storage.store import encode

        return check_size(encode(value))
    return body


def without_managed_fields(obj: Any) -> Any:
    """``obj`` with its ``metadata.managedFields`` left out (a shallow copy, or ``obj`` itself
    when it has none), for the checks that look at what clients wrote."""
    md = obj.get("metadata") if isinstance(obj, dict) else None
    if not isinstance(md, dict) or "managedFields" not in md:
        return obj
    return {**obj, "metadata": {k: v for k, v in md.items() if k != "managedFields"}}


def check_object_size(obj: Any) -> None:
    """413 when an object built by the server (a patch result) is over the request limit."""
    from mathctl.apiserver.storage.store import encode

    if len(encode(obj)) > MAX_BODY_BYTES:
        raise too_large()
    # The server's own field sets run four levels deeper than the fields they name; the bound
    # is on what clients wrote.
    obj = without_managed_fields(obj)
    try:
        sanitize(obj)  # a patch can nest values deeper than either document: hold the bound
    except DecodeError as exc:
        raise errors.bad_request(f"error decoding patched object: {exc}") from None


def bounded_json_patch(apply: Any, target: dict[str, Any], ops: Any) -> Any:
    """``apply(target, ops)`` (RFC 6902), stopping a ``copy`` that grows the object past the
    limit after the operation that did it, not after 20 doublings (evanphx/json-patch's
    ``AccumulatedCopySizeLimit``, which kube sets to the request limit in patch.go)."""
    if not isinstance(ops, list) or not any(
            isinstance(op, dict) and op.get("op") == "copy" for op in ops):
        return apply(target, ops, in_place=True)
    for op in ops:
        if not isinstance(op, dict):
            return apply(target, ops, in_place=True)  # its 400 for a non-object
    if len(ops) > 10_000:
        return apply(target, ops, in_place=True)  # the 413 for too many operations
    doc: Any = target
    for op in ops:
        doc = apply(doc, [op], in_place=True)
        if isinstance(op, dict) and op.get("op") == "copy":
            check_object_size(doc)
    return doc
