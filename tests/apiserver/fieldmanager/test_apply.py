"""Server-side apply and managedFields over HTTP, with kube-apiserver v1.28's answers.

Sources of the expected values: structured-merge-diff v4.2.3 (``merge/update.go``: ownership,
conflicts, pruning; ``merge/multiple_appliers_test.go``, ``merge/key_test.go``,
``merge/set_test.go`` for the cases), apimachinery ``pkg/util/managedfields/internal``
(``conflict.go`` for the 409's message and causes, ``fieldmanager.go`` for resetting,
``skipnonapplied.go`` for ``before-first-apply``, ``stripmeta.go``), apiserver
``pkg/endpoints/handlers/patch.go`` and ``rest.go`` (``applyPatcher``, manager names from the
user agent) and apimachinery ``pkg/apis/meta/v1/validation`` (``ValidatePatchOptions``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client

from mathctl.cluster import Cluster, wait_for

from ..kube import API, GROUP, VERSION, Http, number, status_of

pytestmark = pytest.mark.usefixtures("crds")
APPLY = "application/apply-patch+yaml"
NUMBER_API = f"{GROUP}/{VERSION}"


def apply(http: Http, path: str, body: dict[str, Any], manager: str | None,
          query: str = "") -> Any:
    params = "&".join(p for p in (f"fieldManager={manager}" if manager else "", query) if p)
    return http.patch(f"{path}?{params}" if params else path, body, content_type=APPLY)


def entries(obj: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(manager, operation, subresource) -> fieldsV1."""
    return {(e["manager"], e["operation"], e.get("subresource", "")): e["fieldsV1"]
            for e in obj["metadata"].get("managedFields", [])}


def test_an_apply_creates_the_object_and_records_what_its_manager_set(
        http: Http, ns_path: str) -> None:
    r = apply(http, f"{ns_path}/numbers/n", number("n", 3, labels={"team": "a"}), "alice")
    assert r.status_code == 201
    md = r.json()["metadata"]
    [entry] = md["managedFields"]
    # A custom resource is a map: encoding/json writes its keys sorted, entries included.
    assert list(entry) == ["apiVersion", "fieldsType", "fieldsV1", "manager", "operation",
                           "time"]
    assert entry["time"] == md["creationTimestamp"]
    assert {k: v for k, v in entry.items() if k != "time"} == {
        "apiVersion": NUMBER_API, "fieldsType": "FieldsV1",
        # stripmeta.go: apiVersion, kind, metadata.name are nobody's
        "fieldsV1": {"f:metadata": {"f:labels": {"f:team": {}}}, "f:spec": {"f:value": {}}},
        "manager": "alice", "operation": "Apply"}


def test_applying_the_same_configuration_again_writes_nothing(http: Http, ns_path: str) -> None:
    path = f"{ns_path}/numbers/same"
    first = apply(http, path, number("same", 4), "alice").json()
    again = apply(http, path, number("same", 4), "alice")
    assert again.status_code == 200
    # Updater.Apply returns no object for a no-op and the time is not stamped
    # (managedfieldsupdater.go), so nothing differs and nothing is written.
    assert again.json() == first


def test_two_managers_own_their_fields_and_share_what_they_agree_on(
        http: Http, ns_path: str) -> None:
    path = f"{ns_path}/numbers/shared"
    apply(http, path, number("shared", 5, labels={"a": "1"}), "alice").raise_for_status()
    bob = apply(http, path, number("shared", 5, labels={"b": "2"}), "bob")
    assert bob.status_code == 200
    obj = bob.json()
    assert obj["metadata"]["labels"] == {"a": "1", "b": "2"}
    # Same value, no conflict: both own .spec.value (multiple_appliers_test.go)
    assert entries(obj) == {
        ("alice", "Apply", ""): {"f:metadata": {"f:labels": {"f:a": {}}},
                                 "f:spec": {"f:value": {}}},
        ("bob", "Apply", ""): {"f:metadata": {"f:labels": {"f:b": {}}},
                               "f:spec": {"f:value": {}}}}


def test_a_conflict_is_409_with_kubes_message_and_force_takes_the_field(
        http: Http, ns_path: str) -> None:
    path = f"{ns_path}/numbers/c"
    apply(http, path, number("c", 1), "alice").raise_for_status()
    r = apply(http, path, number("c", 2), "bob")
    assert status_of(r) == (409, "Conflict",
                            'Apply failed with 1 conflict: conflict with "alice": .spec.value')
    assert r.json()["details"] == {"causes": [{
        "type": "FieldManagerConflict", "message": 'conflict with "alice"',
        "field": ".spec.value"}]}
    assert http.get(path).json()["spec"]["value"] == 1
    forced = apply(http, path, number("c", 2), "bob", "force=true")
    assert forced.status_code == 200 and forced.json()["spec"]["value"] == 2
    assert entries(forced.json()) == {("bob", "Apply", ""): {"f:spec": {"f:value": {}}}}


def test_a_conflict_with_an_update_names_its_api_version(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers?fieldManager=editor", number("u", 1)).raise_for_status()
    r = apply(http, f"{ns_path}/numbers/u", number("u", 2), "alice")
    # conflict.go printManager: an Update manager is printed with "using <apiVersion>"
    assert status_of(r)[2] == ('Apply failed with 1 conflict: conflict with "editor" using '
                               f"{NUMBER_API}: .spec.value")


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _client_side_applied(http: Http, ns_path: str, name: str, value: int) -> str:
    """A Number as ``kubectl apply`` (client-side) leaves it: the annotation holds the applied
    configuration, and kubectl-client-side-apply owns what it set."""
    config = number(name, value)
    config["metadata"]["annotations"] = {}
    last = json.dumps(config, sort_keys=True, separators=(",", ":"))
    body = number(name, value, annotations={LAST_APPLIED: last})
    http.post(f"{ns_path}/numbers?fieldManager=kubectl-client-side-apply",
              body).raise_for_status()
    return f"{ns_path}/numbers/{name}"


def test_kubectl_server_side_apply_takes_over_from_client_side_apply(
        http: Http, ns_path: str) -> None:
    """lastappliedmanager.go: for the manager "kubectl", a conflict on a field that the
    last-applied annotation holds with the live value is no conflict (the upgrade from
    client-side apply); lastappliedupdater.go then writes kubectl's applied configuration into
    the annotation (unstructuredJSONScheme's json.NewEncoder(w).Encode: sorted keys, no spaces,
    and the newline Encode ends every value with)."""
    path = _client_side_applied(http, ns_path, "csa", 1)
    r = apply(http, path, number("csa", 2), "kubectl")
    assert r.status_code == 200, r.text
    obj = r.json()
    assert obj["spec"] == {"value": 2}
    assert entries(obj)[("kubectl", "Apply", "")] == {"f:spec": {"f:value": {}}}
    assert obj["metadata"]["annotations"][LAST_APPLIED] == (
        f'{{"apiVersion":"{NUMBER_API}","kind":"Number","metadata":{{"name":"csa"}},'
        '"spec":{"value":2}}\n')


def test_the_take_over_is_only_for_kubectl_and_only_for_unchanged_fields(
        http: Http, ns_path: str) -> None:
    path = _client_side_applied(http, ns_path, "other", 1)
    # Another manager gets the conflict: the upgrade is kubectl's alone.
    r = apply(http, path, number("other", 2), "alice")
    assert status_of(r)[:2] == (409, "Conflict")
    assert 'conflict with "kubectl-client-side-apply"' in status_of(r)[2]
    # Once someone changed the value since the client-side apply, the annotation no longer
    # matches the object and kubectl conflicts with that someone.
    http.patch(f"{path}?fieldManager=editor", {"spec": {"value": 5}}).raise_for_status()
    r = apply(http, path, number("other", 2), "kubectl")
    assert status_of(r) == (409, "Conflict", 'Apply failed with 1 conflict: conflict with '
                                             f'"editor" using {NUMBER_API}: .spec.value')


def test_more_than_ten_update_managers_fold_the_oldest_into_ancient_changes(
        http: Http, ns_path: str) -> None:
    """capmanagers.go: past DefaultMaxUpdateManagers (10) Update entries, the oldest (by time
    in whole seconds, then by identifier) of each apiVersion are merged into one
    "ancient-changes" entry, which takes the time of the last one merged into it. The names
    sort in the order the managers write, so the expectation holds in any second."""
    path = f"{ns_path}/numbers/many"
    http.post(f"{ns_path}/numbers?fieldManager=m00",
              number("many", 1, labels={"l00": "x"})).raise_for_status()
    for i in range(1, 11):
        http.patch(f"{path}?fieldManager=m{i:02}",
                   {"metadata": {"labels": {f"l{i:02}": "x"}}}).raise_for_status()
    got = entries(http.get(path).json())
    assert sorted(k[0] for k in got) == ["ancient-changes"] + [f"m{i:02}" for i in range(2, 11)]
    assert got[("ancient-changes", "Update", "")] == {
        "f:metadata": {"f:labels": {".": {}, "f:l00": {}, "f:l01": {}}}, "f:spec": {
            ".": {}, "f:value": {}}}


def test_fields_a_manager_stops_applying_are_removed_unless_someone_else_owns_them(
        http: Http, ns_path: str) -> None:
    path = f"{ns_path}/numbers/rm"
    apply(http, path, number("rm", 1, labels={"a": "1", "b": "2", "c": "3"}), "alice")
    apply(http, path, number("rm", 1, labels={"c": "3"}), "bob").raise_for_status()
    after = apply(http, path, number("rm", 1, labels={"a": "1"}), "alice").json()
    # b was alice's alone and is gone; c is bob's too and stays (update.go prune)
    assert after["metadata"]["labels"] == {"a": "1", "c": "3"}
    assert entries(after)[("alice", "Apply", "")]["f:metadata"] == {"f:labels": {"f:a": {}}}


def test_a_list_map_merges_by_key_and_each_manager_keeps_its_items(
        http: Http, ns_path: str) -> None:
    path = f"{ns_path}/numbers/lm"
    http.post(f"{ns_path}/numbers", number("lm", 1)).raise_for_status()

    def conditions(*types: str) -> dict[str, Any]:
        return {"apiVersion": NUMBER_API, "kind": "Number", "metadata": {"name": "lm"},
                "status": {"conditions": [
                    {"type": t, "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z",
                     "reason": "Because", "message": ""} for t in types]}}

    apply(http, f"{path}/status", conditions("Ready"), "ready-ctl").raise_for_status()
    apply(http, f"{path}/status", conditions("Audited", "Extra"), "auditor").raise_for_status()
    obj = apply(http, f"{path}/status", conditions("Audited"), "auditor").json()
    # status.conditions is x-kubernetes-list-type: map keyed by type (key_test.go)
    assert [c["type"] for c in obj["status"]["conditions"]] == ["Ready", "Audited"]
    fields = entries(obj)
    assert list(fields[("ready-ctl", "Apply", "status")]["f:status"]["f:conditions"]) == [
        'k:{"type":"Ready"}']
    assert list(fields[("auditor", "Apply", "status")]["f:status"]["f:conditions"]) == [
        'k:{"type":"Audited"}']


def test_deployment_containers_merge_by_name_and_ports_by_port_and_protocol(
        http: Http, namespace: str) -> None:
    path = f"/apis/apps/v1/namespaces/{namespace}/deployments/web"

    def deployment(container: dict[str, Any]) -> dict[str, Any]:
        return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [container]}}}}

    made = apply(http, path, deployment({"name": "app", "image": "nginx",
                                         "ports": [{"containerPort": 80}]}), "alice")
    assert made.status_code == 201
    obj = apply(http, path, deployment({"name": "sidecar", "image": "envoy"}), "bob").json()
    containers = obj["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["app", "sidecar"]
    alice = entries(obj)[("alice", "Apply", "")]
    # LabelSelector is +structType=atomic; ports are keyed by containerPort and the
    # defaulted protocol (core/v1 types.go); a built-in's sets are in serialisation order.
    assert alice["f:spec"]["f:selector"] == {}
    assert alice["f:spec"]["f:template"]["f:spec"]["f:containers"] == {
        'k:{"name":"app"}': {".": {}, "f:image": {}, "f:name": {}, "f:ports": {
            'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}}}
    # A built-in is a Go struct: metadata and the entries in field order
    assert list(obj)[:3] == ["kind", "apiVersion", "metadata"]
    assert list(obj["metadata"]["managedFields"][0]) == [
        "manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"]


def test_every_write_is_recorded_with_its_manager_operation_and_subresource(
        http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers?fieldManager=creator", number("w", 1)).raise_for_status()
    http.patch(f"{ns_path}/numbers/w", {"spec": {"value": 2}},
               headers={"User-Agent": "my-controller/0.1 (linux)"}).raise_for_status()
    obj = http.patch(f"{ns_path}/numbers/w/status?fieldManager=status-writer",
                     {"status": {"fizzBuzz": "2"}}).json()
    assert entries(obj) == {
        # the creator keeps .spec (the create added it) but lost .spec.value
        ("creator", "Update", ""): {"f:spec": {}},
        # rest.go managerOrUserAgent: the user agent up to its first "/"
        ("my-controller", "Update", ""): {"f:spec": {"f:value": {}}},
        ("status-writer", "Update", "status"): {"f:status": {".": {}, "f:fizzBuzz": {}}}}
    assert all(e["apiVersion"] == NUMBER_API for e in obj["metadata"]["managedFields"])


def test_managed_fields_reset_with_an_empty_list_and_apply_then_starts_before_first_apply(
        http: Http, ns_path: str) -> None:
    path = f"{ns_path}/numbers/reset"
    http.post(f"{ns_path}/numbers?fieldManager=creator", number("reset", 1)).raise_for_status()
    cleared = http.patch(path, {"metadata": {"managedFields": []}}).json()
    # fieldmanager.go isResetManagedFields; skipnonapplied.go keeps an untracked object so
    assert "managedFields" not in cleared["metadata"]
    later = http.patch(path, {"metadata": {"labels": {"x": "1"}}}).json()
    assert "managedFields" not in later["metadata"]
    r = apply(http, path, number("reset", 2), "alice")
    assert status_of(r)[2] == ('Apply failed with 1 conflict: conflict with "before-first-apply"'
                               f" using {NUMBER_API}: .spec.value")


def test_dry_run_apply_answers_the_result_and_stores_nothing(http: Http, ns_path: str) -> None:
    r = apply(http, f"{ns_path}/numbers/dry", number("dry", 7), "alice", "dryRun=All")
    assert r.status_code == 201 and r.json()["spec"] == {"value": 7}
    assert http.get(f"{ns_path}/numbers/dry").status_code == 404


@pytest.mark.parametrize(("query", "body", "expected"), [
    ("", number("v", 1), (422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: '
                                          "fieldManager: Required value: is required for apply "
                                          "patch")),
    ("fieldManager=m", {**number("v", 1), "kind": "Gadget"},
     (400, "BadRequest", f"invalid object type: {NUMBER_API}, Kind=Gadget")),
    ("fieldManager=m", number("v", 1, managedFields=[]),
     (400, "BadRequest", "metadata.managedFields must be nil")),
])
def test_refused_applies(http: Http, ns_path: str, query: str, body: dict[str, Any],
                         expected: tuple[int, str, str]) -> None:
    # validation.ValidatePatchOptions; versioncheck.go; structuredmerge.go Apply
    path = f"{ns_path}/numbers/v"
    r = http.patch(f"{path}?{query}" if query else path, body, content_type=APPLY)
    assert status_of(r) == expected


def test_an_apply_body_is_held_to_the_servers_decoding_limits(http: Http, ns_path: str) -> None:
    """An apply body goes through the same bounded YAML decoder as any other: an alias bomb is
    400 before it expands, and a body over the request limit is 413 (kube: the 3 MiB limit of
    apiserver pkg/endpoints/handlers/rest.go limitedReadBody; sigs.k8s.io/yaml's alias bound)."""
    from ..endpoints.test_decode import BILLION_LAUGHS

    path = f"{ns_path}/numbers/bomb?fieldManager=m"
    r = http.patch(path, raw=BILLION_LAUGHS, content_type=APPLY)
    assert status_of(r)[:2] == (400, "BadRequest")
    assert status_of(r)[2].startswith("error decoding YAML: ")
    big = f"apiVersion: {NUMBER_API}\nkind: Number\nmetadata:\n  name: bomb\n" + \
        "x: " + "y" * (3 * 1024 * 1024) + "\n"
    r = http.patch(path, raw=big.encode(), content_type=APPLY)
    assert status_of(r)[:2] == (413, "RequestEntityTooLarge")
    assert http.get(f"{ns_path}/numbers/bomb").status_code == 404


@pytest.mark.parametrize(("body", "message"), [
    # The patch object is read against the schema before anything else
    # (internal/structuredmerge.go Apply, ObjectToTyped without AllowDuplicates): a plain Go
    # error, so a 500 without a reason, naming the body's namespace/name and type.
    ({"metadata": {"name": "t"}, "spec": {"value": 1, "extra": 2}},
     ".spec.extra: field not declared in schema"),
    ({"metadata": {"name": "t", "finalizers": ["a.example/b", "a.example/b"]},
      "spec": {"value": 1}},
     '.metadata.finalizers: duplicate entries for key [="a.example/b"]'),
    ({"metadata": {"name": "t", "labels": ["x"]}, "spec": {"value": 1}},
     ".metadata.labels: expected map, got &{[x]}"),
    ({"metadata": {"name": "t"}, "spec": {"value": "seven"}},
     ".spec.value: expected numeric (int or float), got string"),
])
def test_an_apply_the_schema_cannot_read_is_a_500_as_on_kube(
        http: Http, ns_path: str, body: dict[str, Any], message: str) -> None:
    r = apply(http, f"{ns_path}/numbers/t", {"apiVersion": NUMBER_API, "kind": "Number", **body},
              "alice")
    assert r.status_code == 500 and r.json() == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": f"failed to create typed patch object (/t; {NUMBER_API}, Kind=Number): "
                   f"{message}", "code": 500}
    assert http.get(f"{ns_path}/numbers/t").status_code == 404


def test_duplicate_containers_in_an_applied_deployment_are_refused(http: Http,
                                                                   namespace: str) -> None:
    """The error Helm 4 and kubectl users meet (kubernetes/kubernetes#121575): duplicates in
    an applied configuration are refused, every one of them listed."""
    container = {"name": "c", "image": "x", "env": [{"name": "FOO", "value": "1"},
                                                    {"name": "FOO", "value": "2"}],
                 "ports": [{"containerPort": 93}, {"containerPort": 93, "protocol": "TCP"}]}
    body = {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "ssa-test", "namespace": namespace},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
                "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [container]}}}}
    r = apply(http, f"/apis/apps/v1/namespaces/{namespace}/deployments/ssa-test", body, "m")
    assert status_of(r) == (500, "", (
        f"failed to create typed patch object ({namespace}/ssa-test; apps/v1, Kind=Deployment): "
        "errors:\n"
        '  .spec.template.spec.containers[name="c"].env: duplicate entries for key [name="FOO"]\n'
        '  .spec.template.spec.containers[name="c"].ports: duplicate entries for key '
        '[containerPort=93,protocol="TCP"]'))


def test_force_is_only_for_apply(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("f", 1)).raise_for_status()
    r = http.patch(f"{ns_path}/numbers/f?force=true", {"spec": {"value": 2}})
    assert status_of(r) == (422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: force: '
                                            "Forbidden: may not be specified for non-apply patch")


def test_the_python_client_applies(api_client: client.ApiClient, namespace: str) -> None:
    api = client.CustomObjectsApi(api_client)

    def do(value: int) -> Any:
        return api.patch_namespaced_custom_object(
            GROUP, VERSION, namespace, "numbers", "py",
            number("py", value), field_manager="notebook", _content_type=APPLY)

    do(1)   # a create answers 201, for which this client method has no return type
    got = do(2)
    assert got["spec"] == {"value": 2}
    assert [(e["manager"], e["operation"]) for e in got["metadata"]["managedFields"]] == [
        ("notebook", "Apply")]


def test_custom_resources_come_back_with_sorted_keys_built_ins_in_struct_order(
        http: Http, namespace: str, ns_path: str) -> None:
    owner = {"apiVersion": "v1", "kind": "ConfigMap", "name": "o", "uid": "0000",
             "controller": True, "blockOwnerDeletion": True}
    shuffled = {k: owner[k] for k in ("uid", "blockOwnerDeletion", "name", "kind",
                                      "controller", "apiVersion")}
    cr = http.post(f"{ns_path}/numbers", number("ord", 1, ownerReferences=[shuffled])).json()
    # unstructured helpers.go doEncode: encoding/json sorts a map's keys
    assert list(cr["metadata"]["ownerReferences"][0]) == sorted(owner)
    assert list(cr["metadata"]) == sorted(cr["metadata"])
    cm = http.post(f"/api/v1/namespaces/{namespace}/configmaps", {
        "metadata": {"ownerReferences": [shuffled], "name": "ord"}, "apiVersion": "v1",
        "kind": "ConfigMap"}).json()
    # meta/v1 types.go field order
    assert list(cm["metadata"]["ownerReferences"][0]) == list(owner)
    assert list(cm["metadata"])[:2] == ["name", "namespace"]


# -- kubectl --------------------------------------------------------------------------------

@pytest.fixture
def kubectl(target: Cluster, tmp_path: Path) -> Iterator[Any]:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl not on PATH")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "KUBECONFIG": target.kubeconfig}
        return subprocess.run(["kubectl", *args], env=env, text=True, capture_output=True,
                              timeout=60, cwd=tmp_path)
    yield run


def test_kubectl_apply_server_side_twice_then_diff(kubectl: Any, http: Http, namespace: str,
                                                   tmp_path: Path) -> None:
    manifest = tmp_path / "n.yaml"
    manifest.write_text(f"apiVersion: {NUMBER_API}\nkind: Number\nmetadata:\n  name: k\n"
                        "spec:\n  value: 5\n")
    first = kubectl("apply", "--server-side", "-n", namespace, "-f", str(manifest))
    assert first.returncode == 0 and first.stdout.strip() == \
        "number.math.mathctl.example/k serverside-applied"
    path = f"{API}/namespaces/{namespace}/numbers/k"
    version = http.get(path).json()["metadata"]["resourceVersion"]
    second = kubectl("apply", "--server-side", "-n", namespace, "-f", str(manifest))
    assert second.stdout.strip() == "number.math.mathctl.example/k serverside-applied"
    assert http.get(path).json()["metadata"]["resourceVersion"] == version
    assert entries(http.get(path).json()) == {("kubectl", "Apply", ""): {
        "f:spec": {"f:value": {}}}}

    manifest.write_text(manifest.read_text().replace("value: 5", "value: 6"))
    diff = kubectl("diff", "--server-side", "-n", namespace, "-f", str(manifest))
    assert diff.returncode == 1, diff.stderr   # kubectl diff: 1 means "differences found"
    assert "-  value: 5" in diff.stdout and "+  value: 6" in diff.stdout
    assert http.get(path).json()["spec"]["value"] == 5, "diff is a dry run"

    other = kubectl("apply", "--server-side", "--field-manager=other", "-n", namespace, "-f",
                    str(manifest))
    assert other.returncode != 0 and 'conflict with "kubectl": .spec.value' in other.stderr
    forced = kubectl("apply", "--server-side", "--field-manager=other", "--force-conflicts",
                     "-n", namespace, "-f", str(manifest))
    assert forced.returncode == 0
    wait_for(lambda: http.get(path).json()["spec"]["value"] == 6, 5, "the forced apply")


def test_kubectl_apply_then_apply_server_side_needs_no_force(kubectl: Any, http: Http,
                                                              namespace: str,
                                                              tmp_path: Path) -> None:
    """The upgrade path the Kubernetes docs promise ("Upgrading from client-side apply to
    server-side apply"): a changed manifest applied server-side after a client-side apply goes
    through without --force-conflicts, and a client-side apply after it still works."""
    manifest = tmp_path / "t.yaml"
    manifest.write_text(f"apiVersion: {NUMBER_API}\nkind: Number\nmetadata:\n  name: up\n"
                        "spec:\n  value: 1\n")
    first = kubectl("apply", "-n", namespace, "-f", str(manifest))
    assert first.returncode == 0, first.stderr
    manifest.write_text(manifest.read_text().replace("value: 1", "value: 2"))
    ssa = kubectl("apply", "--server-side", "-n", namespace, "-f", str(manifest))
    assert ssa.returncode == 0, ssa.stderr
    path = f"{API}/namespaces/{namespace}/numbers/up"
    assert http.get(path).json()["spec"] == {"value": 2}
    manifest.write_text(manifest.read_text().replace("value: 2", "value: 3"))
    again = kubectl("apply", "-n", namespace, "-f", str(manifest))
    assert again.returncode == 0, again.stderr
    assert http.get(path).json()["spec"] == {"value": 3}


@pytest.mark.parametrize("body", [
    # JSON (what kubectl and the clients send) and the same object as YAML read the same
    f'{{"apiVersion": "{NUMBER_API}", "kind": "Number", "metadata": {{"name": "y"}}, '
    '"spec": {"value": 9223372036854775807}}',
    f"apiVersion: {NUMBER_API}\nkind: Number\nmetadata:\n  name: y\nspec:\n  value: "
    "9223372036854775807\n",
    # flow-style YAML that is not JSON still goes to the YAML reader
    f"{{apiVersion: {NUMBER_API}, kind: Number, metadata: {{name: y}}, "
    "spec: {value: 9223372036854775807}}",
])
def test_an_apply_body_is_json_or_yaml(http: Http, ns_path: str, body: str) -> None:
    r = http.patch(f"{ns_path}/numbers/y?fieldManager=m", raw=body.encode(), content_type=APPLY)
    assert r.status_code == 201, r.text
    assert r.json()["spec"] == {"value": 9223372036854775807}
