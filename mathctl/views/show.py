"""One-shot views for notebook cells: ``show_tables(cluster, ns)`` and ``show_tree(cluster, ns)``.

Each reads a fresh ``Snapshot`` and returns a ``Rendered`` (HTML for the learner, plain text
for nbval), without ages, uids or resourceVersions, so a cell marked ``# NBVAL_CHECK_OUTPUT``
is deterministic once the notebook has waited for the controller to converge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubernetes import client

from mathctl.resources.group import KINDS, KindNames
from mathctl.views.render import Rendered
from mathctl.views.snapshot import take_snapshot
from mathctl.views.tables import snapshot_tables
from mathctl.views.tree import ownership_tree


def api_client_of(cluster: Any) -> client.ApiClient:
    """Accept a ``Cluster`` (from ``connect()``) or a plain ``ApiClient``."""
    if isinstance(cluster, client.ApiClient):
        return cluster
    api_client = getattr(cluster, "api_client", None)
    if not isinstance(api_client, client.ApiClient):
        raise TypeError(f"expected the result of connect() or a kubernetes ApiClient, got "
                        f"{type(cluster).__name__}; call e.g. show_tables(cluster, namespace) "
                        "with cluster = connect().")
    return api_client


def parse_kinds(kinds: Sequence[KindNames | str] | None) -> list[KindNames]:
    if kinds is None:
        return list(KINDS)
    by_name = {n: k for k in KINDS for n in (k.kind.lower(), k.plural, k.singular, *k.short_names)}
    out = []
    for kind in kinds:
        if isinstance(kind, KindNames):
            out.append(kind)
        elif kind.lower() in by_name:
            out.append(by_name[kind.lower()])
        else:
            raise ValueError(f"unknown kind {kind!r}; use one of: numbers, tuples, fermats")
    return out


def show_tables(cluster: Any, namespace: str | None,
                kinds: Sequence[KindNames | str] | None = None) -> Rendered:
    """A table per kind (default: all three) for ``namespace`` (None: all namespaces)."""
    chosen = parse_kinds(kinds)
    snapshot = take_snapshot(api_client_of(cluster), namespace, chosen)
    return Rendered(snapshot_tables(snapshot, chosen))


def show_tree(cluster: Any, namespace: str | None, *, max_children: int | None = 12) -> Rendered:
    """The Fermat → Tuple → Number ownership tree of ``namespace``."""
    snapshot = take_snapshot(api_client_of(cluster), namespace)
    return Rendered(ownership_tree(snapshot, max_children=max_children))
