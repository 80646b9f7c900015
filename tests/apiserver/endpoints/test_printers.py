"""The built-in kinds' Table cells, as kube's printers.go computes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mathctl.apiserver.endpoints.printers import build_builtin_table

NOW = dt.datetime(2026, 11, 22, 12, 0, 0, tzinfo=dt.UTC)
CREATED = "2026-11-22T11:57:00Z"  # 3m before NOW


def cells(plural: str, obj: dict[str, Any]) -> list[Any]:
    obj = {"metadata": {"name": "x", "creationTimestamp": CREATED, "resourceVersion": "7"},
           **obj}
    table = build_builtin_table(plural, [obj], now=NOW, include_object="Metadata",
                                list_meta=None)
    assert table is not None
    assert table["kind"] == "Table"
    assert len(table["columnDefinitions"]) == len(table["rows"][0]["cells"])
    assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
    return list(table["rows"][0]["cells"])


@pytest.mark.parametrize(("spec", "status", "expected"), [
    # printService: defaults ClusterIP/TCP as kube would have stored them; no IP allocated here.
    ({"ports": [{"port": 80}], "selector": {"b": "2", "a": "1"}}, {},
     ["x", "ClusterIP", "<none>", "<none>", "80/TCP", "3m", "a=1,b=2"]),
    ({"type": "NodePort", "clusterIP": "10.0.0.7",
      "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"},
                {"port": 53, "protocol": "UDP"}]}, {},
     ["x", "NodePort", "10.0.0.7", "<none>", "80:30080/TCP,53/UDP", "3m", "<none>"]),
    ({"type": "LoadBalancer"}, {}, ["x", "LoadBalancer", "<none>", "<pending>", "<none>", "3m",
                                    "<none>"]),
    ({"type": "LoadBalancer"}, {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}},
     ["x", "LoadBalancer", "<none>", "1.2.3.4", "<none>", "3m", "<none>"]),
    ({"type": "ExternalName", "externalName": "db.example"}, {},
     ["x", "ExternalName", "<none>", "db.example", "<none>", "3m", "<none>"]),
])
def test_service(spec: dict[str, Any], status: dict[str, Any], expected: list[Any]) -> None:
    assert cells("services", {"spec": spec, "status": status}) == expected


def test_ingress_hosts_ports_and_class() -> None:
    rules = [{"host": f"h{i}.example"} for i in range(5)]
    assert cells("ingresses", {"spec": {"rules": rules, "tls": [{}]}}) == [
        "x", "<none>", "h0.example,h1.example,h2.example + 2 more...", "", "80, 443", "3m"]
    # The server prints with Wide: true (pkg/printers/storage): the address is not clipped.
    assert cells("ingresses", {"spec": {"ingressClassName": "nginx", "rules": [{}]},
                               "status": {"loadBalancer": {"ingress": [
                                   {"hostname": "lb.example"}, {"ip": "9.9.9.9"}]}}}) == [
        "x", "nginx", "*", "9.9.9.9,lb.example", "80", "3m"]


def test_deployment_ready_and_wide_columns() -> None:
    obj = {"spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"spec": {"containers": [
                        {"name": "a", "image": "i:1"}, {"name": "b", "image": "j:2"}]}}},
           "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}
    assert cells("deployments", obj) == ["x", "2/3", 3, 2, "3m", "a,b", "i:1,j:2", "app=web"]
    assert cells("deployments", {"spec": {}})[1] == "0/1", "replicas defaults to 1"


def test_configmap_secret_serviceaccount_counts() -> None:
    assert cells("configmaps", {"data": {"a": "1"}, "binaryData": {"b": "AA=="}}) == [
        "x", 2, "3m"]
    assert cells("secrets", {"data": {"a": "MQ=="}}) == ["x", "Opaque", 1, "3m"]
    assert cells("secrets", {"type": "kubernetes.io/tls"})[1:3] == ["kubernetes.io/tls", 0]
    assert cells("serviceaccounts", {"secrets": [{"name": "t"}]}) == ["x", 1, "3m"]


def test_kinds_without_a_printer_fall_back() -> None:
    assert build_builtin_table("leases", [], now=NOW, include_object="Metadata",
                               list_meta=None) is None


def test_wide_columns_are_priority_one() -> None:
    table = build_builtin_table("deployments", [], now=NOW, include_object="Metadata",
                                list_meta={"resourceVersion": "5"})
    assert table is not None and table["rows"] == []
    assert [c["name"] for c in table["columnDefinitions"] if c["priority"] == 1] == [
        "Containers", "Images", "Selector"]
    assert table["metadata"] == {"resourceVersion": "5"}
