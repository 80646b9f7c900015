"""What server-side apply knows of the built-in kinds the embedded server stores.

kube-apiserver derives each built-in's apply schema from the Go types of ``k8s.io/api``: a
list is merged item by item when its field carries ``+listType=map`` / ``+listMapKey`` (or, for
older fields, ``patchStrategy=merge`` with a ``patchMergeKey``), ``+listType=set`` makes a set,
every other list is atomic; ``map[string]string`` fields are maps whose keys are not struct
fields (``labels``, ``data``, ``selector``), ``+mapType=atomic`` maps are one leaf. The tables
below carry that for the fields the workshop's objects use (ObjectMeta, Deployments and their
pod templates, Services, Ingresses, ConfigMaps, Secrets, RBAC); every other field reads as a
struct field (:data:`typed.OPEN`), which is what it is in Go.

``ZERO`` holds what a kind's zero value serialises to (``runtime.ObjectCreater.New`` then
``ToUnstructured``): non-pointer structs are present even when empty, so an object created
with a ``spec`` does not record ``spec`` itself as added, exactly as on a real cluster
(``f:spec`` without ``.: {}``), while a custom resource's empty object has no ``spec`` at all.
"""

from __future__ import annotations

from typing import Any

from mathctl.apiserver.fieldmanager.typed import OPEN_VALUE, SCALAR, ListType, MapType

STRING_MAP = MapType(element=SCALAR)

OWNER_REFERENCE = MapType({k: SCALAR for k in (
    "apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion")})
OBJECT_META = MapType({
    **{k: SCALAR for k in (
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")},
    "labels": STRING_MAP,
    "annotations": STRING_MAP,
    # ObjectMeta: +listType=map +listMapKey=uid; +listType=set
    "ownerReferences": ListType(OWNER_REFERENCE, "map", ("uid",)),
    "finalizers": ListType(SCALAR, "set"),
    "managedFields": ListType(OPEN_VALUE),
})


# stripmeta.go: what no manager owns, so what a comparison of whole objects can skip
UNOWNED_META = frozenset({"name", "namespace", "creationTimestamp", "selfLink", "uid",
                          "clusterName", "generation", "managedFields", "resourceVersion"})
UNOWNED_ROOT = frozenset({"apiVersion", "kind"})
# an object's own metadata (a pod template's is an ObjectMeta whose fields are owned)
ROOT_META = MapType(OBJECT_META.fields, unowned=UNOWNED_META)


def _open(**fields: Any) -> MapType:
    return MapType(fields, open=True)


def _keyed(*keys: str, item: MapType | None = None, **defaults: Any) -> ListType:
    return ListType(item or _open(), "map", keys, defaults)


_CONDITIONS = _keyed("type")
_RESOURCES = _open(limits=STRING_MAP, requests=STRING_MAP)
CONTAINER = _open(
    # core/v1 Container: ports +listType=map +listMapKey=containerPort +listMapKey=protocol
    ports=_keyed("containerPort", "protocol", protocol="TCP"),
    env=_keyed("name"),
    volumeMounts=_keyed("mountPath"),
    volumeDevices=_keyed("devicePath"),
    resources=_RESOURCES,
)
POD_SPEC = _open(
    containers=_keyed("name", item=CONTAINER),
    initContainers=_keyed("name", item=CONTAINER),
    ephemeralContainers=_keyed("name", item=CONTAINER),
    volumes=_keyed("name"),
    imagePullSecrets=_keyed("name"),
    hostAliases=_keyed("ip"),
    nodeSelector=STRING_MAP,
    overhead=STRING_MAP,
    topologySpreadConstraints=_keyed("topologyKey", "whenUnsatisfiable"),
    schedulingGates=_keyed("name"),
    resourceClaims=_keyed("name"),
)
# meta/v1 LabelSelector: +structType=atomic (its fields still say what it may hold)
LABEL_SELECTOR = MapType({"matchLabels": STRING_MAP, "matchExpressions": ListType(_open())},
                         atomic=True)
POD_TEMPLATE = _open(metadata=OBJECT_META, spec=POD_SPEC)


def _kind(**fields: Any) -> MapType:
    return MapType({"metadata": ROOT_META, **fields}, open=True, unowned=UNOWNED_ROOT)


KINDS: dict[str, MapType] = {
    "Deployment": _kind(
        spec=_open(selector=LABEL_SELECTOR, template=POD_TEMPLATE),
        status=_open(conditions=_CONDITIONS)),
    "Service": _kind(
        # core/v1 ServiceSpec: ports +listType=map +listMapKey=port +listMapKey=protocol;
        # selector +mapType=atomic
        spec=_open(ports=_keyed("port", "protocol", protocol="TCP"),
                   selector=MapType(element=SCALAR, atomic=True)),
        status=_open(conditions=_CONDITIONS)),
    "Namespace": _kind(status=_open(conditions=_CONDITIONS)),
    "ConfigMap": _kind(data=STRING_MAP, binaryData=STRING_MAP),
    "Secret": _kind(data=STRING_MAP, stringData=STRING_MAP),
    "ServiceAccount": _kind(secrets=_keyed("name")),
    "CustomResourceDefinition": _kind(status=_open(conditions=_CONDITIONS)),
}
ANY_KIND = _kind()

ZERO: dict[str, dict[str, Any]] = {
    "Deployment": {"spec": {"template": {"metadata": {}, "spec": {"containers": None}},
                            "strategy": {}}, "status": {}},
    "Service": {"spec": {}, "status": {"loadBalancer": {}}},
    "Ingress": {"spec": {}, "status": {"loadBalancer": {}}},
    "Namespace": {"spec": {}, "status": {}},
    "Lease": {"spec": {}},
    "RoleBinding": {"roleRef": {"apiGroup": "", "kind": "", "name": ""}},
    "ClusterRoleBinding": {"roleRef": {"apiGroup": "", "kind": "", "name": ""}},
    "Event": {"involvedObject": {}, "source": {}},
    "CustomResourceDefinition": {"spec": {"names": {"plural": "", "kind": ""}, "scope": "",
                                          "versions": None},
                                 "status": {"conditions": None, "acceptedNames": {
                                     "plural": "", "kind": ""}, "storedVersions": None}},
}


def kind_type(kind: str) -> MapType:
    return KINDS.get(kind, ANY_KIND)


def zero(kind: str) -> dict[str, Any]:
    """A fresh copy of ``kind``'s zero value (only the parts that are not omitted)."""
    import copy

    return copy.deepcopy(ZERO.get(kind, {}))
