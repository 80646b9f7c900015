"""One namespace per learner, so a shared cluster (a workshop's minikube, CI) keeps work apart.

``workshop_namespace()`` names it — ``$MATHCTL_NAMESPACE`` if set, else ``workshop-<user>`` —
and creates it if it is missing. Every stage notebook calls it right after ``connect()``; the
README says how to delete it afterwards (``kubectl delete namespace workshop-<user>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kubernetes import client
from kubernetes.client.rest import ApiException

from mathctl.cluster import learner_namespace


class HasApiClient(Protocol):
    api_client: client.ApiClient


def default_namespace_name(user: str | None = None) -> str:
    """The learner's namespace name: see :func:`mathctl.cluster.learner_namespace`."""
    return learner_namespace(user)


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


@dataclass(frozen=True)
class Cleaned:
    """What ``clean_namespace`` did; a clean-up cell shows it as a sentence, not a bare count."""

    deleted: int  # objects deleted directly; children the garbage collector removed not counted

    def __repr__(self) -> str:
        if not self.deleted:
            return "Nothing to clean up: no Numbers, Tuples or Fermats were left."
        objects = "object" if self.deleted == 1 else "objects"
        return (f"Cleaned up: deleted {self.deleted} {objects} (the garbage collector took "
                "their children); the namespace holds no Numbers, Tuples or Fermats now.")


def clean_namespace(cluster: HasApiClient, namespace: str, timeout: float = 30.0) -> Cleaned:
    """Delete every Fermat, Tuple and Number in ``namespace`` and wait until they are gone.

    Each stage ends with it, so the next one starts from an empty namespace. Returns a
    ``Cleaned`` whose ``deleted`` counts the objects deleted directly (children the garbage
    collector removes are not counted) and which a notebook shows as one sentence.
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
    return Cleaned(deleted)
