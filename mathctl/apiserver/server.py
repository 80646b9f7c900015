"""Assembling one server: store, registry, watch hub, verb handlers, in-server controllers.

``__main__.py`` runs it as a process; this module only wires the parts together so the same
assembly is used everywhere. The in-server controllers (CRD establishing and cleanup,
namespace lifecycle, garbage collection) are asyncio tasks fed by the store's change feed.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from mathctl.apiserver.auth.rbac import bootstrap_objects
from mathctl.apiserver.auth.tokens import KEY_FILE, TokenIssuer
from mathctl.apiserver.controllers.gc import GarbageCollector
from mathctl.apiserver.controllers.namespaces import NamespaceController
from mathctl.apiserver.endpoints.app import ApiServer
from mathctl.apiserver.endpoints.handlers import SYSTEM_NAMESPACES, Handlers, Options
from mathctl.apiserver.lifecycle import TOKEN_FILE, make_private_dir
from mathctl.apiserver.registry.crds import CrdController
from mathctl.apiserver.registry.registry import Registry, builtin_resources
from mathctl.apiserver.storage.store import Store, encode
from mathctl.apiserver.storage.watch import HISTORY_BYTES, WatchHub

DB_FILE = "objects.db"


def read_or_create_token(data_dir: Path) -> str:
    """The data dir's bearer token, created (random, mode 0600) on first use."""
    path = data_dir / TOKEN_FILE
    if path.exists():
        return path.read_text().strip()
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token)
    return token


@dataclass
class Server:
    """A ready-to-serve server and its background tasks."""

    api: ApiServer
    store: Store
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        self.store.close()


def build(data_dir: Path, *, watch_history: int = 10_000,
          watch_history_bytes: int = HISTORY_BYTES, fsync: bool = False) -> Server:
    """Open (or create) the data dir and wire the parts; call from inside the event loop."""
    make_private_dir(data_dir)
    token = read_or_create_token(data_dir)
    store = Store(data_dir / DB_FILE, fsync=fsync)
    registry = Registry(builtin_resources())
    hub = WatchHub(store, watch_history, watch_history_bytes)
    handlers = Handlers(store, registry)
    api = ApiServer(store, registry, hub, handlers, token)
    crds = CrdController(store, registry, handlers)
    collector = GarbageCollector(store, registry, handlers)
    namespace_controller = NamespaceController(store, registry, handlers)
    namespaces = registry.get("", "v1", "namespaces")
    assert namespaces is not None
    for name in SYSTEM_NAMESPACES:
        if store.get("namespaces", "", name) is None:
            body = encode({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
            handlers.create(namespaces, "", body, Options())
    api.tokens = TokenIssuer(data_dir / KEY_FILE)
    for obj in bootstrap_objects():  # kube's default RBAC: discovery for every user, …
        rbac_resource = registry.get("rbac.authorization.k8s.io", "v1", obj["kind"].lower() + "s")
        assert rbac_resource is not None
        if store.get(rbac_resource.storage, "", obj["metadata"]["name"]) is None:
            handlers.create(rbac_resource, "", encode(obj), Options())
    hub.restart_windows()   # watch windows start after the bootstrap, as the cacher's list
    server = Server(api, store)
    loop = asyncio.get_running_loop()
    for controller in (crds, collector, namespace_controller):
        server.tasks.append(loop.create_task(controller.run()))
    return server
