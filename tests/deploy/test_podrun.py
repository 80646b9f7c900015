"""The operator, run exactly as its pod runs it, with only its ServiceAccount's token.

Each test starts an embedded API server (RBAC on), applies deploy/install.yaml as the admin,
gets the ServiceAccount's token through the TokenRequest API, and starts the image's
entrypoint with the Deployment's args and env, able to import only what the image installs.
Then it drives the workshop's samples through every kind of change and looks at what the
operator did, asked for, and logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from mathctl.cluster import wait_for
from mathctl.deploy import install, permissions
from mathctl.deploy.podrun import PodRun, exercise_samples, find, liveness, sample
from mathctl.resources.group import GROUP, VERSION

from . import kustomize
from .kustomize import needs_kubectl

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pod() -> Iterator[tuple[PodRun, dict[str, Any]]]:
    with PodRun() as run:
        seen = exercise_samples(run.admin)
        assert liveness(f"http://127.0.0.1:{run.liveness_port}/healthz")
        footprint = run.footprint()
        assert footprint is None or footprint[0] < 192, "over the Deployment's memory limit"
        run.stop_operator()
        yield run, seen


def test_operator_converges_the_samples_as_its_service_account(
        pod: tuple[PodRun, dict[str, Any]]) -> None:
    run, seen = pod
    assert seen["fifteen"]["status"]["fizzBuzz"] == "FizzBuzz"
    assert seen["squares"]["status"]["allSquares"] is True
    assert seen["thirteen"]["status"]["pairs"] == [{"a": 2, "b": 3}]
    assert seen["five"]["status"]["pairs"] == [{"a": 1, "b": 2}]
    requests = run.requests()
    assert requests, "the server recorded no request from the ServiceAccount"
    assert all(allowed for _, allowed in requests), run.denied()
    assert "Forbidden" not in run.log()
    assert run.proc is not None and run.proc.returncode == 0, run.log()[-2000:]


def test_cluster_role_grants_exactly_what_the_operator_used(
        pod: tuple[PodRun, dict[str, Any]]) -> None:
    run, _ = pod
    needed, granted = run.needed(), run.granted()
    # what the recorded run made, plus reads only a 409 causes (derived from the kinds)
    assert run.recorded() <= needed and permissions.conflict_reads() <= needed
    suggestion = yaml.safe_dump({"rules": permissions.to_rules(needed)}, sort_keys=False)
    assert needed == granted, (
        "deploy/base/clusterrole.yaml must grant exactly what the operator uses.\n"
        f"Missing:\n{permissions.describe(needed - granted) or '  (none)'}\n"
        f"Never used:\n{permissions.describe(granted - needed) or '  (none)'}\n"
        f"Rules the recorded run needed:\n{suggestion}"
        "then run `python -m mathctl.deploy` to regenerate install.yaml")


def _without(verb: str, resource: str) -> Any:
    def edit(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        role = find(docs, "ClusterRole")
        for rule in role["rules"]:
            if resource in rule["resources"] and verb in rule["verbs"]:
                rule["verbs"].remove(verb)
                break
        else:
            raise AssertionError(f"the ClusterRole does not grant {verb} {resource}")
        return docs
    return edit


def test_without_update_on_numbers_status_the_operator_logs_a_clear_403() -> None:
    with PodRun(edit_documents=_without("update", "numbers/status")) as run:
        from kubernetes import client

        core, custom = client.CoreV1Api(run.admin), client.CustomObjectsApi(run.admin)
        core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="ns")))
        custom.create_namespaced_custom_object(GROUP, VERSION, "ns", "numbers",
                                               sample("number-15.yaml"))
        expected = ('numbers.math.mathctl.example "fifteen" is forbidden: User '
                    '"system:serviceaccount:mathctl-system:mathctl-operator" cannot update '
                    'resource "numbers/status" in API group "math.mathctl.example" in the '
                    'namespace "ns"')
        line = wait_for(lambda: next((ln for ln in run.log().splitlines() if expected in ln),
                                     None), timeout=60, what="the operator to log the 403")
        assert "HTTP 403 Forbidden" in line
        assert "Number ns/fifteen" in line
        number = custom.get_namespaced_custom_object(GROUP, VERSION, "ns", "numbers", "fifteen")
        assert not number.get("status")
        assert ("math.mathctl.example", "numbers/status", "update") in run.denied()


@pytest.mark.kubectl
@needs_kubectl
def test_workshop_overlay_watches_only_its_namespace_with_a_role_binding() -> None:
    built = kustomize.build(install.DEPLOY / "overlays" / "workshop")
    crds = [d for d in install.documents(install.render())
            if d["kind"] == "CustomResourceDefinition"]
    with PodRun(documents=crds + built) as run:
        from kubernetes import client

        core, custom = client.CoreV1Api(run.admin), client.CustomObjectsApi(run.admin)
        core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="other")))
        for namespace in ("default", "other"):
            custom.create_namespaced_custom_object(GROUP, VERSION, namespace, "numbers",
                                                   sample("number-16.yaml"))
        wait_for(lambda: (custom.get_namespaced_custom_object(
            GROUP, VERSION, "default", "numbers", "sixteen").get("status") or {})
            .get("isSquare") is True, timeout=60, what="Number default/sixteen's status")
        other = custom.get_namespaced_custom_object(GROUP, VERSION, "other", "numbers",
                                                    "sixteen")
        assert not other.get("status"), "the workshop operator must watch only `default`"
        requests = run.requests()
        assert all(ok for _, ok in requests), [a for a, ok in requests if not ok]
        assert {a.namespace for a, _ in requests if a.resource_request} == {"default"}
