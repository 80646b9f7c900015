# ruff: noqa: E501 (the golden table keeps kube's results on one line each)
"""Tests for mathctl.apiserver.endpoints.strategic: strategic merge patches as kube-apiserver applies them.

Every expected object and error message in ``CASES`` comes from running
``strategicpatch.StrategicMergePatch`` of Kubernetes v1.28.0 with the real ``k8s.io/api`` types
(``apps/v1.Deployment``, ``core/v1.Service``, …) on the same input.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mathctl.apiserver.endpoints.patch import PatchError
from mathctl.apiserver.endpoints.strategic import (
    SUPPORTED_KINDS,
    StrategicPatchError,
    UnsupportedStrategicMergePatch,
    strategic_merge_patch,
)

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"},
                 "finalizers": ["a/x", "b/y"],
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
             "strategy": {"type": "RollingUpdate",
                          "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
             "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                 "containers": [
                     {"name": "app", "image": "nginx:1.25",
                      "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"},
                              {"name": "C", "value": "3"}],
                      "ports": [{"containerPort": 80, "protocol": "TCP"}],
                      "volumeMounts": [{"name": "data", "mountPath": "/data"}]},
                     {"name": "sidecar", "image": "busybox", "args": ["sleep", "1d"]}],
                 "volumes": [{"name": "data", "emptyDir": {}},
                             {"name": "cfg", "configMap": {"name": "c"}}],
                 "imagePullSecrets": [{"name": "reg"}],
                 "tolerations": [{"key": "k", "operator": "Exists"}]}}},
}
SERVICE: dict[str, Any] = {
    "apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
    "spec": {"ports": [{"port": 80, "targetPort": 8080, "name": "http"},
                       {"port": 443, "name": "https"}], "selector": {"app": "web"}},
}
CONFIG_MAP: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                              "data": {"a": "1", "b": "2"}}
ROLE: dict[str, Any] = {
    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"},
    "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}],
}
TARGETS = {"Deployment": DEPLOYMENT, "Service": SERVICE, "ConfigMap": CONFIG_MAP, "Role": ROLE}


def test_second_kubectl_apply_changes_one_image_and_drops_an_env_var() -> None:
    # The patch kubectl apply computes (CreateThreeWayMergePatch) when the manifest changes
    # the app container's image from nginx:1.25 to nginx:1.26 and no longer lists env B.
    patch = {
        "metadata": {"annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": '{"new":1}'}},
        "spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "app"}, {"name": "sidecar"}],
            "containers": [{"$setElementOrder/env": [{"name": "A"}, {"name": "C"}],
                            "env": [{"$patch": "delete", "name": "B"}],
                            "image": "nginx:1.26", "name": "app"}]}}},
    }
    result = strategic_merge_patch(DEPLOYMENT, patch, "Deployment")
    app, sidecar = result["spec"]["template"]["spec"]["containers"]
    assert app["image"] == "nginx:1.26"
    assert app["env"] == [{"name": "A", "value": "1"}, {"name": "C", "value": "3"}]
    assert app["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert sidecar == DEPLOYMENT["spec"]["template"]["spec"]["containers"][1]
    assert result["metadata"]["annotations"] == {
        "kubectl.kubernetes.io/last-applied-configuration": '{"new":1}'}
    assert DEPLOYMENT["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"


# (kind, patch, resulting object or ("error", kube's message))
CASES: list[tuple[str, dict[str, Any], Any]] = [
    ('Deployment', {'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{"new":1}'}}, 'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'app'}, {'name': 'sidecar'}], 'containers': [{'$setElementOrder/env': [{'name': 'A'}, {'name': 'C'}], 'env': [{'$patch': 'delete', 'name': 'B'}], 'image': 'nginx:1.26', 'name': 'app'}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{"new":1}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.26', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'containers': [{'name': 'app', 'image': 'nginx:1.27'}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.27', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'containers': [{'name': 'new', 'image': 'redis'}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'image': 'redis', 'name': 'new'}, {'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'$setElementOrder/containers': [{'name': 'new'}, {'name': 'app'}, {'name': 'sidecar'}], 'containers': [{'name': 'new', 'image': 'redis'}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'image': 'redis', 'name': 'new'}, {'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'containers': [{'name': 'x', 'image': 'y'}, {'$patch': 'replace'}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'image': 'y', 'name': 'x'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'containers': [{'name': 'sidecar', '$patch': 'delete'}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'tolerations': [{'key': 'z', 'operator': 'Exists'}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'z', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'containers': [{'name': 'app', 'env': [{'name': 'D', 'value': '4'}, {'name': 'A', 'value': '9'}]}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'D', 'value': '4'}, {'name': 'A', 'value': '9'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'containers': [{'name': 'app', 'ports': [{'containerPort': 443}]}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 443}, {'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'strategy': {'$retainKeys': ['type'], 'type': 'Recreate'}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'type': 'Recreate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'strategy': {'$retainKeys': ['type'], 'type': 'Recreate', 'rollingUpdate': None}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'type': 'Recreate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'strategy': {'$retainKeys': ['type'], 'type': 'Recreate', 'rollingUpdate': {'maxSurge': 2}}}},
     ('error', 'invalid patch format of retainKeys')),
    ('Deployment', {'spec': {'template': {'spec': {'volumes': [{'name': 'data', '$retainKeys': ['name', 'hostPath'], 'hostPath': {'path': '/x'}}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'hostPath': {'path': '/x'}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'metadata': {'finalizers': ['c/z', 'a/x']}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['c/z', 'a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'metadata': {'$deleteFromPrimitiveList/finalizers': ['a/x']}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'metadata': {'$setElementOrder/finalizers': ['b/y', 'a/x']}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['b/y', 'a/x'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'metadata': {'$setElementOrder/finalizers': ['c/z', 'b/y', 'a/x'], 'finalizers': ['c/z']}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['c/z', 'b/y', 'a/x'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'metadata': {'labels': {'app': None, 'tier': 'fe'}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'tier': 'fe'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'metadata': {'labels': {'$patch': 'replace', 'only': 'this'}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'only': 'this'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'metadata': {'labels': {'$patch': 'delete'}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'selector': None, 'template': {'spec': {'nodeSelector': {'a': 'b', 'c': None}}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'nodeSelector': {'a': 'b'}, 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'containers': [{'name': 'app', 'env': None}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'containers': [{'image': 'noname'}]}}}},
     ('error', 'map: map[image:noname] does not contain declared merge key: name')),
    ('Deployment', {'spec': {'template': {'spec': {'containers': [{'name': 'app', '$patch': 'merge'}]}}}},
     ('error', 'merging lists cannot yet be specified in the patch')),
    ('Deployment', {'spec': {'strategy': {'$retainKeys': 'type'}}},
     ('error', 'invalid patch format of retainKeys')),
    ('Deployment', {'spec': {'strategy': {'$retainKeys': ['type'], 'rollingUpdate': {}}}},
     ('error', 'invalid patch format of retainKeys')),
    ('Deployment', {'spec': {'template': {'spec': {'imagePullSecrets': [{'name': 'reg2'}]}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg2'}, {'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'replicas': '3'}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': '3', 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': [{'env': [{'name': 'A', 'value': '1'}, {'name': 'B', 'value': '2'}, {'name': 'C', 'value': '3'}], 'image': 'nginx:1.25', 'name': 'app', 'ports': [{'containerPort': 80, 'protocol': 'TCP'}], 'volumeMounts': [{'mountPath': '/data', 'name': 'data'}]}, {'args': ['sleep', '1d'], 'image': 'busybox', 'name': 'sidecar'}], 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Deployment', {'spec': {'template': {'spec': {'containers': {'name': 'x'}}}}},
     {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'annotations': {'kubectl.kubernetes.io/last-applied-configuration': '{}'}, 'finalizers': ['a/x', 'b/y'], 'labels': {'app': 'web'}, 'name': 'web', 'namespace': 'default'}, 'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': 'web'}}, 'strategy': {'rollingUpdate': {'maxSurge': 1, 'maxUnavailable': 0}, 'type': 'RollingUpdate'}, 'template': {'metadata': {'labels': {'app': 'web'}}, 'spec': {'containers': {'name': 'x'}, 'imagePullSecrets': [{'name': 'reg'}], 'tolerations': [{'key': 'k', 'operator': 'Exists'}], 'volumes': [{'emptyDir': {}, 'name': 'data'}, {'configMap': {'name': 'c'}, 'name': 'cfg'}]}}}}),
    ('Service', {'spec': {'ports': [{'port': 80, 'targetPort': 9090}]}},
     {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 's'}, 'spec': {'ports': [{'name': 'http', 'port': 80, 'targetPort': 9090}, {'name': 'https', 'port': 443}], 'selector': {'app': 'web'}}}),
    ('Service', {'spec': {'ports': [{'port': 8080, 'name': 'alt'}]}},
     {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 's'}, 'spec': {'ports': [{'name': 'alt', 'port': 8080}, {'name': 'http', 'port': 80, 'targetPort': 8080}, {'name': 'https', 'port': 443}], 'selector': {'app': 'web'}}}),
    ('Service', {'spec': {'$setElementOrder/ports': [{'port': 443}, {'port': 80}], 'ports': [{'port': 443, 'name': 'tls'}]}},
     {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 's'}, 'spec': {'ports': [{'name': 'tls', 'port': 443}, {'name': 'http', 'port': 80, 'targetPort': 8080}], 'selector': {'app': 'web'}}}),
    ('ConfigMap', {'data': {'a': None, 'c': '3'}},
     {'apiVersion': 'v1', 'data': {'b': '2', 'c': '3'}, 'kind': 'ConfigMap', 'metadata': {'name': 'c'}}),
    ('Role', {'rules': [{'apiGroups': [''], 'resources': ['secrets'], 'verbs': ['list']}]},
     {'apiVersion': 'rbac.authorization.k8s.io/v1', 'kind': 'Role', 'metadata': {'name': 'r'}, 'rules': [{'apiGroups': [''], 'resources': ['secrets'], 'verbs': ['list']}]}),
]


@pytest.mark.parametrize(("kind", "patch", "expected"), CASES)
def test_strategic_merge_patch_matches_kube(kind: str, patch: dict[str, Any],
                                            expected: Any) -> None:
    target = TARGETS[kind]
    before = copy.deepcopy(target)
    if isinstance(expected, tuple):
        with pytest.raises(StrategicPatchError) as info:
            strategic_merge_patch(target, copy.deepcopy(patch), kind)
        assert info.value.message == expected[1]
    else:
        assert strategic_merge_patch(target, copy.deepcopy(patch), kind) == expected
    assert target == before


@pytest.mark.parametrize(("patch", "code", "reason"), [
    # handlers/patch.go interpretStrategicMergePatchError
    ({"spec": {"strategy": {"$retainKeys": "type"}}}, 400, "BadRequest"),
    ({"metadata": {"$deleteFromPrimitiveList": ["a/x"]}}, 400, "BadRequest"),
    ({"spec": {"template": {"spec": {"containers": [{"image": "noname"}]}}}}, 500, ""),
])
def test_errors_carry_kubes_status(patch: dict[str, Any], code: int, reason: str) -> None:
    with pytest.raises(StrategicPatchError) as info:
        strategic_merge_patch(DEPLOYMENT, patch, "Deployment")
    assert (info.value.status_code, info.value.reason) == (code, reason)


def test_list_of_lists_is_422() -> None:
    # kube: "lists of lists are not supported" → NewGenericServerResponse(422).
    target = {"spec": {"template": {"spec": {"volumes": []}}}}
    with pytest.raises(StrategicPatchError) as info:
        strategic_merge_patch(target, {"spec": {"template": {"spec": {"volumes": [[1]]}}}},
                              "Deployment")
    assert (info.value.status_code, info.value.reason) == (422, "Invalid")


def test_custom_resources_get_415_like_kube() -> None:
    assert issubclass(UnsupportedStrategicMergePatch, PatchError)  # one except for all patches
    with pytest.raises(UnsupportedStrategicMergePatch) as info:
        strategic_merge_patch({"spec": {}}, {"spec": {"value": 1}}, "Number")
    assert (info.value.status_code, info.value.reason) == (415, "UnsupportedMediaType")
    assert info.value.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")


def test_kinds_the_server_stores_are_supported() -> None:
    assert {"Deployment", "Service", "Ingress", "ConfigMap", "Secret", "ServiceAccount", "Role",
            "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Namespace", "Event",
            "Lease"} <= SUPPORTED_KINDS


def test_service_account_secrets_merge_by_name() -> None:
    sa = {"metadata": {"name": "sa"}, "secrets": [{"name": "a"}],
          "imagePullSecrets": [{"name": "x"}]}
    patch = {"secrets": [{"name": "b"}], "imagePullSecrets": [{"name": "y"}]}
    out = strategic_merge_patch(sa, patch, "ServiceAccount")
    # kube puts the patch's new item before the server's (normalizeElementOrder); checked.
    assert out["secrets"] == [{"name": "b"}, {"name": "a"}]
    assert out["imagePullSecrets"] == [{"name": "y"}]  # no patch strategy in core/v1: replaced


def test_long_lists_keep_gos_stable_sort_order() -> None:
    # More than 20 items exercises the block-merge part of Go's sort.SliceStable.
    env = [{"name": f"V{i:02d}", "value": str(i)} for i in range(30)]
    target = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "env": env}]}}
    order = [{"name": f"V{i:02d}"} for i in reversed(range(30))]
    patch = {"spec": {"containers": [{"name": "c", "$setElementOrder/env": order}]}}
    out = strategic_merge_patch(target, patch, "Pod")
    assert [e["name"] for e in out["spec"]["containers"][0]["env"]] == [
        f"V{i:02d}" for i in reversed(range(30))]
