"""Kubernetes Events for what the operator did: ``kubectl describe tuple t`` tells the story.

Against the session's cluster (embedded, or ``MATHCTL_CLUSTER=<context>``). The Events are read
back as ``kubectl describe`` reads them: core/v1 with a field selector on
``involvedObject.name`` (the recorder writes ``events.k8s.io/v1``; both views of one Event are
served, see ``mathctl/apiserver/registry/conversion.py``).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest
from kubernetes.client import ApiClient, CoreV1Api

from mathctl.cluster import Cluster, wait_for
from mathctl.controllers.events import REPORTING_CONTROLLER
from mathctl.controllers.runner import Operator

from .kube import Kube


def events_about(api_client: ApiClient, namespace: str, name: str) -> list[Any]:
    listed = CoreV1Api(api_client).list_namespaced_event(
        namespace, field_selector=f"involvedObject.name={name}")
    return sorted(listed.items, key=lambda e: e.event_time)


def reasons(api_client: ApiClient, namespace: str, name: str) -> list[str]:
    return [e.reason for e in events_about(api_client, namespace, name)]


def test_created_recreated_restored_and_deleted_children_are_events(
        kube: Kube, api_client: ApiClient, namespace: str) -> None:
    with Operator(api_client, namespace=namespace, resync=None):
        kube.create("Tuple", "t", [1, 4])
        kube.wait("Tuple", "t", lambda o: o.get("status", {}).get("readyNumbers") == 2, "ready")
        wait_for(lambda: reasons(api_client, namespace, "t").count("Created") == 2, 10,
                 "two Created events")
        kube.delete("Number", "t-1")
        wait_for(lambda: "Recreated" in reasons(api_client, namespace, "t"), 10,
                 "a Recreated event for t-1")
        kube.set_spec("Number", "t-0", 7)
        wait_for(lambda: "Restored" in reasons(api_client, namespace, "t"), 10,
                 "a Restored event for t-0")
        kube.set_spec("Tuple", "t", [1])
        wait_for(lambda: "Deleted" in reasons(api_client, namespace, "t"), 10,
                 "a Deleted event for t-1")
        recreated = next(e for e in events_about(api_client, namespace, "t")
                         if e.reason == "Recreated")
        assert recreated.message == "Put back Number t-1, which was deleted"
        assert recreated.related.name == "t-1" and recreated.involved_object.kind == "Tuple"
        assert recreated.reporting_component == REPORTING_CONTROLLER
        assert recreated.type == "Normal" and recreated.action == "Create"
        assert recreated.involved_object.uid == kube.get("Tuple", "t")["metadata"]["uid"]


def test_a_converged_resync_records_no_event(
        kube: Kube, api_client: ApiClient, namespace: str) -> None:
    with Operator(api_client, namespace=namespace, resync=None) as op:
        kube.create("Tuple", "t", [2, 3])
        kube.wait("Tuple", "t", lambda o: o.get("status", {}).get("readyNumbers") == 2, "ready")
        wait_for(lambda: len(reasons(api_client, namespace, "t")) == 2, 10, "two events")
        outcomes = op.resync()
        assert sum(len(o.writes) for _, o in outcomes) == 0
        op.stop()  # posts whatever is queued before it returns
        assert reasons(api_client, namespace, "t") == ["Created", "Created"]


def test_a_name_taken_is_one_warning_not_one_per_resync(
        kube: Kube, api_client: ApiClient, namespace: str) -> None:
    kube.create("Number", "t-0", 5)  # someone else's Number holds the child's name
    with Operator(api_client, namespace=namespace, resync=None) as op:
        kube.create("Tuple", "t", [1])
        wait_for(lambda: "ChildNameTaken" in reasons(api_client, namespace, "t"), 10,
                 "a ChildNameTaken warning")
        op.resync()
        op.resync()
        op.stop()
        warnings = [e for e in events_about(api_client, namespace, "t") if e.type == "Warning"]
        assert [e.reason for e in warnings] == ["ChildNameTaken"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_describe_shows_them(kube: Kube, cluster: Cluster, api_client: ApiClient,
                                     namespace: str) -> None:
    with Operator(api_client, namespace=namespace, resync=None):
        kube.create("Tuple", "t", [9])
        wait_for(lambda: "Created" in reasons(api_client, namespace, "t"), 10, "an event")
    described = subprocess.run(
        ["kubectl", "--kubeconfig", str(cluster.kubeconfig), "describe", "tuple", "t",
         "-n", namespace], capture_output=True, text=True, timeout=60)
    assert described.returncode == 0, described.stderr
    events = described.stdout.split("Events:", 1)[1]
    assert "Created" in events and "Created Number t-0" in events


def test_too_many_children_is_a_warning(kube: Kube, api_client: ApiClient,
                                        namespace: str) -> None:
    from mathctl.resources.limits import MAX_FERMAT_NUMBER

    with Operator(api_client, namespace=namespace, resync=None):
        kube.create("Fermat", "big", MAX_FERMAT_NUMBER + 1)
        wait_for(lambda: "TooManyChildren" in reasons(api_client, namespace, "big"), 10,
                 "a TooManyChildren warning")
    warning = events_about(api_client, namespace, "big")[-1]
    assert warning.type == "Warning" and str(MAX_FERMAT_NUMBER) in warning.message
