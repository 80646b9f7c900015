"""Test helpers: make, read, edit and wait for Numbers/Tuples/Fermats in one namespace.

Everything here talks HTTP to the session's cluster (``tests/conftest.py``): a fresh embedded
API server, or the cluster ``MATHCTL_CLUSTER=<context>`` names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubernetes.client import ApiClient, CustomObjectsApi
from kubernetes.client.exceptions import ApiException

from mathctl.cluster import wait_for
from mathctl.resources.group import API_VERSION, GROUP, VERSION

PLURALS = {"Number": "numbers", "Tuple": "tuples", "Fermat": "fermats"}
SPEC_FIELD = {"Number": "value", "Tuple": "numbers", "Fermat": "number"}


class Kube:
    """Terse access to mathctl objects in one namespace, for tests."""

    def __init__(self, api: ApiClient, namespace: str) -> None:
        self.api = api
        self.namespace = namespace
        self.custom = CustomObjectsApi(api)

    def create(self, kind: str, name: str, spec_value: Any) -> dict[str, Any]:
        body = {"apiVersion": API_VERSION, "kind": kind, "metadata": {"name": name},
                "spec": {SPEC_FIELD[kind]: spec_value}}
        return self.custom.create_namespaced_custom_object(  # type: ignore[no-any-return]
            GROUP, VERSION, self.namespace, PLURALS[kind], body)

    def get(self, kind: str, name: str) -> dict[str, Any] | None:
        try:
            return self.custom.get_namespaced_custom_object(  # type: ignore[no-any-return]
                GROUP, VERSION, self.namespace, PLURALS[kind], name)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def list(self, kind: str) -> list[dict[str, Any]]:
        return list(self.custom.list_namespaced_custom_object(
            GROUP, VERSION, self.namespace, PLURALS[kind])["items"])

    def list_rv(self, kind: str) -> str:
        result = self.custom.list_namespaced_custom_object(
            GROUP, VERSION, self.namespace, PLURALS[kind])
        return str(result["metadata"]["resourceVersion"])

    def patch(self, kind: str, name: str, patch: dict[str, Any]) -> dict[str, Any]:
        return self.custom.patch_namespaced_custom_object(  # type: ignore[no-any-return]
            GROUP, VERSION, self.namespace, PLURALS[kind], name, patch)

    def set_spec(self, kind: str, name: str, spec_value: Any) -> dict[str, Any]:
        return self.patch(kind, name, {"spec": {SPEC_FIELD[kind]: spec_value}})

    def delete(self, kind: str, name: str) -> None:
        self.custom.delete_namespaced_custom_object(
            GROUP, VERSION, self.namespace, PLURALS[kind], name)

    def status(self, kind: str, name: str) -> dict[str, Any]:
        obj = self.get(kind, name)
        return dict((obj or {}).get("status") or {})

    def wait(self, kind: str, name: str, check: Callable[[dict[str, Any]], bool],
             what: str, timeout: float = 20.0) -> dict[str, Any]:
        """Wait until the object exists and ``check(obj)`` holds; return the object."""
        def ready() -> dict[str, Any] | None:
            obj = self.get(kind, name)
            return obj if obj is not None and check(obj) else None

        return wait_for(ready, timeout, f"{kind} {name}: {what}", interval=0.02)

    def wait_current(self, kind: str, name: str, timeout: float = 20.0) -> dict[str, Any]:
        """Wait until the object's status was computed for its current generation."""
        return self.wait(kind, name, is_current, "status for the current generation", timeout)


def is_current(obj: dict[str, Any]) -> bool:
    status = obj.get("status") or {}
    return bool(status.get("observedGeneration") == obj["metadata"].get("generation"))


def ready_condition(obj: dict[str, Any]) -> dict[str, Any]:
    for cond in (obj.get("status") or {}).get("conditions") or ():
        if cond["type"] == "Ready":
            return dict(cond)
    raise AssertionError(f"no Ready condition in {obj.get('status')}")
