"""One namespace per learner, so a shared cluster (a workshop's minikube, CI) keeps work apart.

``workshop_namespace()`` names it — ``$MATHCTL_NAMESPACE`` if set, else ``workshop-<user>`` —
and creates it if it is missing. Every stage notebook calls it right after ``connect()``; the
README says how to delete it afterwards (``kubectl delete namespace workshop-<user>``).
"""

from __future__ import annotations

import getpass
import os
import re
from typing import Protocol

from kubernetes import client
from kubernetes.client.rest import ApiException

ENV = "MATHCTL_NAMESPACE"
PREFIX = "workshop-"
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


class HasApiClient(Protocol):
    api_client: client.ApiClient


def default_namespace_name(user: str | None = None) -> str:
    """``$MATHCTL_NAMESPACE``, or ``workshop-`` + the login name made DNS-1123-safe."""
    explicit = os.environ.get(ENV, "").strip()
    if explicit:
        if len(explicit) > 63 or not _LABEL.match(explicit):
            raise ValueError(
                f"{ENV}={explicit!r} is not a valid namespace name: use at most 63 lower-case "
                "letters, digits and '-', starting and ending with a letter or digit "
                "(e.g. workshop-alice)."
            )
        return explicit
    if user is None:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = ""
    safe = re.sub(r"[^a-z0-9-]+", "-", user.lower()).strip("-")
    safe = safe[: 63 - len(PREFIX)].rstrip("-") or "learner"
    return PREFIX + safe


def ensure_namespace(api_client: client.ApiClient, name: str) -> str:
    """Create namespace ``name`` unless it exists; return the name."""
    core = client.CoreV1Api(api_client)
    try:
        core.read_namespace(name)
    except ApiException as err:
        if err.status != 404:
            raise
        try:
            core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
        except ApiException as create_err:
            if create_err.status != 409:  # created meanwhile by someone else: fine
                raise
    return name


def workshop_namespace(cluster: HasApiClient | None = None) -> str:
    """The learner's namespace on ``cluster`` (``connect()`` if not given), created if missing."""
    if cluster is None:
        from mathctl.cluster import connect

        cluster = connect()
    return ensure_namespace(cluster.api_client, default_namespace_name())


def clean_namespace(cluster: HasApiClient, namespace: str, timeout: float = 30.0) -> int:
    """Delete every Fermat, Tuple and Number in ``namespace`` and wait until they are gone.

    Each stage ends with it, so the next one starts from an empty namespace. Returns how many
    objects were deleted directly (children the garbage collector removes are not counted).
    """
    from mathctl.cluster import wait_for
    from mathctl.resources.group import GROUP, KINDS, VERSION

    api = client.CustomObjectsApi(cluster.api_client)

    def remaining() -> list[tuple[str, str]]:
        found = []
        for kind in KINDS:
            try:
                items = api.list_namespaced_custom_object(GROUP, VERSION, namespace,
                                                          kind.plural).get("items", [])
            except ApiException as err:
                if err.status != 404:  # 404: the CRD is not installed, so there are none
                    raise
                items = []
            found += [(kind.plural, obj["metadata"]["name"]) for obj in items]
        return found

    deleted = 0
    for plural, name in sorted(remaining(), key=lambda item: [k.plural for k in KINDS][::-1]
                               .index(item[0])):  # parents first: the GC takes their children
        try:
            api.delete_namespaced_custom_object(GROUP, VERSION, namespace, plural, name,
                                                propagation_policy="Background")
            deleted += 1
        except ApiException as err:
            if err.status != 404:  # already gone (collected with its owner): fine
                raise
    wait_for(lambda: not remaining(), timeout=timeout,
             what=f"the Numbers, Tuples and Fermats of {namespace} to be deleted")
    return deleted
