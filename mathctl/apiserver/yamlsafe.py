"""YAML request bodies read as kube reads them: plain JSON values, and no alias bombs.

Why it exists: PyYAML's ``safe_load`` is safe from code execution but not from size. Aliases
are shared references, so a 378-byte "billion laughs" document loads instantly and then
expands to 44 MB when it is encoded and stored; a recursive anchor (``&a [*a]``) never ends;
and ``!!binary``, ``!!set`` or a bare timestamp load as Python ``bytes``, ``set`` or
``datetime``, which JSON cannot hold. kube converts YAML with sigs.k8s.io/yaml (goyaml v2 into
JSON): it refuses "excessive aliasing", refuses what has no JSON form, and keeps a timestamp
as the string it was written as. :func:`load_plain` does the same: it composes the node graph,
measures its expanded size without expanding it (each node's size once, memoized), refuses a
cycle or more than :data:`MAX_EXPANDED_NODES`, and constructs only JSON types.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_EXPANDED_NODES = 1_000_000
"""Nodes after alias expansion; a 3 MiB JSON body holds fewer."""


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader without the constructors for values JSON has no type for."""


# add_constructor gives the subclass its own table first; only then drop entries from it
# (popping from the inherited table would change every SafeLoader in the process).
_PlainLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node))  # kept as written, as goyaml→JSON does
for _tag in ("tag:yaml.org,2002:binary", "tag:yaml.org,2002:set", "tag:yaml.org,2002:omap",
             "tag:yaml.org,2002:pairs"):
    _PlainLoader.yaml_constructors.pop(_tag, None)


def _unsupported(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None, None, f"could not convert a value tagged {node.tag!r} to JSON", node.start_mark)


_PlainLoader.add_constructor(None, _unsupported)


def load_plain(data: bytes | str) -> Any:
    """The single YAML document in ``data`` as JSON values; ``yaml.YAMLError`` otherwise."""
    loader = _PlainLoader(data)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node) -> None:
    """Raise if the aliased graph is cyclic or expands past :data:`MAX_EXPANDED_NODES`."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_EXPANDED_NODES:
                raise yaml.YAMLError("yaml: document contains excessive aliasing")
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise yaml.YAMLError("yaml: document contains a recursive alias")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []
