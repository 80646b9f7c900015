"""Object verbs over raw HTTP: what kube-apiserver v1.28 answers, code, reason and shape.

Expected values come from the Kubernetes source (cited where surprising): the registry store
(``apiserver/pkg/registry/generic/registry/store.go``), the handlers
(``apiserver/pkg/endpoints/handlers``) and the custom resource strategy
(``apiextensions-apiserver/pkg/registry/customresource``).
"""

from __future__ import annotations

import re

import pytest

from ..kube import API, Http, number, status_of

pytestmark = pytest.mark.usefixtures("crds")

UID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_create_returns_201_with_server_set_metadata(http: Http, ns_path: str,
                                                     namespace: str) -> None:
    r = http.post(f"{ns_path}/numbers", number("one", 1, uid="ignored", generation=7))
    assert r.status_code == 201
    body = r.json()
    md = body["metadata"]
    assert body["apiVersion"] == "math.mathctl.example/v1beta1" and body["kind"] == "Number"
    assert md["name"] == "one" and md["namespace"] == namespace
    assert UID.match(md["uid"]) and TIME.match(md["creationTimestamp"])
    assert md["generation"] == 1 and md["resourceVersion"].isdigit()
    assert body["spec"] == {"value": 1}


def test_create_cannot_set_status_when_status_is_a_subresource(http: Http, ns_path: str) -> None:
    obj = number("st", 2)
    obj["status"] = {"fizzBuzz": "2"}
    assert "status" not in http.post(f"{ns_path}/numbers", obj).json()


def test_generate_name(http: Http, ns_path: str) -> None:
    obj = number("", 3)
    del obj["metadata"]["name"]
    obj["metadata"]["generateName"] = "gen-"
    body = http.post(f"{ns_path}/numbers", obj).json()
    assert re.fullmatch(r"gen-[bcdfghjklmnpqrstvwxz2456789]{5}", body["metadata"]["name"])


def test_create_twice_is_409_already_exists(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("dup")).raise_for_status()
    r = http.post(f"{ns_path}/numbers", number("dup"))
    assert status_of(r) == (409, "AlreadyExists",
                            'numbers.math.mathctl.example "dup" already exists')
    assert r.json()["details"] == {"name": "dup", "group": "math.mathctl.example",
                                   "kind": "numbers"}


def test_create_in_missing_namespace_is_404(http: Http) -> None:
    r = http.post(f"{API}/namespaces/nowhere/numbers", number("x"))
    assert status_of(r) == (404, "NotFound", 'namespaces "nowhere" not found')
    assert r.json()["details"] == {"name": "nowhere", "kind": "namespaces"}


def test_create_without_a_name_is_422(http: Http, ns_path: str) -> None:
    obj = number("x")
    del obj["metadata"]["name"]
    r = http.post(f"{ns_path}/numbers", obj)
    code, reason, message = status_of(r)
    assert (code, reason) == (422, "Invalid")
    assert message == ('Number.math.mathctl.example "" is invalid: metadata.name: Required value: '
                       "name or generateName is required")
    assert r.json()["details"]["causes"] == [{
        "reason": "FieldValueRequired", "message": "Required value: name or generateName is "
        "required", "field": "metadata.name"}]


def test_create_with_a_bad_name_is_422(http: Http, ns_path: str) -> None:
    r = http.post(f"{ns_path}/numbers", number("Bad_Name"))
    code, reason, message = status_of(r)
    assert (code, reason) == (422, "Invalid")
    assert message.startswith('Number.math.mathctl.example "Bad_Name" is invalid: metadata.name: '
                              'Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain')


def test_schema_violation_is_422_with_field_causes(http: Http, ns_path: str) -> None:
    r = http.post(f"{ns_path}/numbers", number("s", "seven"))
    assert status_of(r) == (
        422, "Invalid", 'Number.math.mathctl.example "s" is invalid: spec.value: Invalid value: '
        '"string": spec.value in body must be of type integer: "string"')
    assert r.json()["details"]["causes"][0]["field"] == "spec.value"


def test_unknown_fields_strict_is_400_warn_is_a_warning(http: Http, ns_path: str) -> None:
    obj = number("u", 1)
    obj["spec"]["extra"] = True
    r = http.post(f"{ns_path}/numbers?fieldValidation=Strict", obj)
    # staging/src/k8s.io/apimachinery/pkg/runtime/serializer/versioning/versioning.go wraps
    # the strict decoding error as "<Kind> in version ... cannot be handled as a <Kind>: ..."
    assert status_of(r) == (400, "BadRequest",
                            'Number in version "v1beta1" cannot be handled as a Number: '
                            'strict decoding error: unknown field "spec.extra"')
    r = http.post(f"{ns_path}/numbers?fieldValidation=Warn", obj)
    assert r.status_code == 201 and "extra" not in r.json()["spec"]
    assert r.headers["Warning"] == '299 - "unknown field \\"spec.extra\\""'


def test_resource_version_on_create_is_refused(http: Http, ns_path: str) -> None:
    # etcd3/store.go Create returns a plain error: 500 without a reason.
    r = http.post(f"{ns_path}/numbers", number("rv", resourceVersion="5"))
    body = r.json()
    assert r.status_code == 500 and "reason" not in body
    assert body["message"] == "resourceVersion should not be set on objects to be created"


def test_get_and_list(http: Http, ns_path: str) -> None:
    created = http.post(f"{ns_path}/numbers", number("g", 4)).json()
    assert http.get(f"{ns_path}/numbers/g").json() == created
    listed = http.get(f"{ns_path}/numbers").json()
    assert listed["kind"] == "NumberList"
    assert listed["apiVersion"] == "math.mathctl.example/v1beta1"
    assert int(listed["metadata"]["resourceVersion"]) >= int(created["metadata"][
        "resourceVersion"])
    assert [i["metadata"]["name"] for i in listed["items"]] == ["g"]
    r = http.get(f"{ns_path}/numbers/missing")
    assert status_of(r) == (404, "NotFound", 'numbers.math.mathctl.example "missing" not found')


def test_list_limit_and_continue(http: Http, ns_path: str) -> None:
    for i in range(5):
        http.post(f"{ns_path}/numbers", number(f"p{i}", i)).raise_for_status()
    first = http.get(f"{ns_path}/numbers?limit=2").json()
    assert [i["metadata"]["name"] for i in first["items"]] == ["p0", "p1"]
    assert first["metadata"]["remainingItemCount"] == 3
    rest = http.get(f"{ns_path}/numbers?limit=10&continue={first['metadata']['continue']}")
    assert [i["metadata"]["name"] for i in rest.json()["items"]] == ["p2", "p3", "p4"]
    assert "continue" not in rest.json()["metadata"]


def test_list_across_namespaces(http: Http, ns_path: str, namespace: str) -> None:
    http.post(f"{ns_path}/numbers", number("everywhere")).raise_for_status()
    items = http.get(f"{API}/numbers").json()["items"]
    assert ("everywhere", namespace) in [(i["metadata"]["name"], i["metadata"]["namespace"])
                                         for i in items]


def test_update_with_a_stale_resource_version_is_409(http: Http, ns_path: str) -> None:
    obj = http.post(f"{ns_path}/numbers", number("c", 1)).json()
    obj["spec"]["value"] = 2
    fresh = http.put(f"{ns_path}/numbers/c", obj)
    assert fresh.status_code == 200 and fresh.json()["metadata"]["generation"] == 2
    obj["spec"]["value"] = 3      # still carries the first resourceVersion
    r = http.put(f"{ns_path}/numbers/c", obj)
    assert status_of(r) == (
        409, "Conflict", 'Operation cannot be fulfilled on numbers.math.mathctl.example "c": '
        "the object has been modified; please apply your changes to the latest version and "
        "try again")
    assert r.json()["details"] == {"name": "c", "group": "math.mathctl.example",
                                   "kind": "numbers"}


def test_a_custom_resource_put_without_resource_version_is_refused(http: Http,
                                                                   ns_path: str) -> None:
    """Custom resources allow no unconditional update (apiextensions-apiserver
    pkg/registry/customresource/strategy.go AllowUnconditionalUpdate() == false; the refusal is
    in apiserver pkg/registry/generic/registry/store.go Update), for the object and /status.
    The error names the resource, not the kind (store.go's qualifiedKind is built from
    QualifiedResource), and Go prints the uint64 zero with %#v as 0x0."""
    http.post(f"{ns_path}/numbers", number("uc", 1)).raise_for_status()
    for path in (f"{ns_path}/numbers/uc", f"{ns_path}/numbers/uc/status"):
        r = http.put(path, number("uc", 5))
        assert status_of(r) == (
            422, "Invalid", 'numbers.math.mathctl.example "uc" is invalid: '
            "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update")
        assert r.json()["details"]["kind"] == "numbers"
        assert r.json()["details"]["causes"] == [{
            "reason": "FieldValueInvalid", "field": "metadata.resourceVersion",
            "message": "Invalid value: 0x0: must be specified for an update"}]
    assert http.get(f"{ns_path}/numbers/uc").json()["spec"]["value"] == 1
    # A missing object is 404 first (the store finds no current version before it looks).
    assert http.put(f"{ns_path}/numbers/ghost", number("ghost", 5)).status_code == 404


def test_update_of_a_built_in_without_resource_version_is_unconditional(
        http: Http, namespace: str) -> None:
    # ConfigMaps (pkg/registry/core/configmap/strategy.go) allow unconditional update.
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    http.post(path, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "uc"},
                     "data": {"a": "1"}}).raise_for_status()
    r = http.put(f"{path}/uc", {"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "uc"}, "data": {"a": "2"}})
    assert r.status_code == 200 and r.json()["data"] == {"a": "2"}


def test_update_with_the_uid_of_a_deleted_object_is_409(http: Http, ns_path: str,
                                                        namespace: str) -> None:
    created = http.post(f"{ns_path}/numbers", number("gone", 1)).json()
    http.delete(f"{ns_path}/numbers/gone").raise_for_status()
    r = http.put(f"{ns_path}/numbers/gone", created)
    # The body's uid is a precondition (registry/rest/update.go defaultUpdatedObjectInfo.
    # Preconditions); etcd3/store.go GuaranteedUpdate checks it against the missing object's
    # empty uid before looking at existence, and storeerr.InterpretUpdateError turns the
    # invalid-object error into 409.
    assert status_of(r) == (
        409, "Conflict",
        'Operation cannot be fulfilled on numbers.math.mathctl.example "gone": StorageError: '
        f"invalid object, Code: 4, Key: /registry/math.mathctl.example/numbers/{namespace}/gone, "
        f"ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: "
        f"{created['metadata']['uid']}, UID in object meta: ")


def test_update_name_mismatch_is_400(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("a")).raise_for_status()
    r = http.put(f"{ns_path}/numbers/a", number("b"))
    assert status_of(r) == (400, "BadRequest", "the name of the object (b) does not match the "
                                               "name on the URL (a)")


def test_update_of_a_missing_object_is_404(http: Http, ns_path: str) -> None:
    r = http.put(f"{ns_path}/numbers/ghost", number("ghost"))
    assert status_of(r)[:2] == (404, "NotFound")


def test_noop_write_keeps_resource_version(http: Http, ns_path: str) -> None:
    obj = http.post(f"{ns_path}/numbers", number("same", 9)).json()
    again = http.put(f"{ns_path}/numbers/same", obj).json()
    assert again["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]
    patched = http.patch(f"{ns_path}/numbers/same", {"spec": {"value": 9}}).json()
    assert patched["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]


def test_main_endpoint_ignores_status_and_status_endpoint_ignores_spec(http: Http,
                                                                       ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("iso", 3)).raise_for_status()
    main = http.patch(f"{ns_path}/numbers/iso", {"spec": {"value": 4},
                                                 "status": {"fizzBuzz": "nope"}}).json()
    assert main["spec"]["value"] == 4 and "status" not in main
    assert main["metadata"]["generation"] == 2
    status = http.patch(f"{ns_path}/numbers/iso/status", {"spec": {"value": 100},
                                                          "status": {"fizzBuzz": "4"}}).json()
    assert status["spec"]["value"] == 4 and status["status"] == {"fizzBuzz": "4"}
    assert status["metadata"]["generation"] == 2, "a status write never bumps generation"
    assert int(status["metadata"]["resourceVersion"]) > int(main["metadata"]["resourceVersion"])
    got = http.get(f"{ns_path}/numbers/iso/status").json()
    assert got == status


def test_status_put_takes_only_status(http: Http, ns_path: str) -> None:
    obj = http.post(f"{ns_path}/numbers", number("sp", 5)).json()
    obj["status"] = {"fizzBuzz": "Buzz"}
    obj["spec"]["value"] = 6
    obj["metadata"]["labels"] = {"ignored": "yes"}
    r = http.put(f"{ns_path}/numbers/sp/status", obj).json()
    assert r["status"] == {"fizzBuzz": "Buzz"} and r["spec"]["value"] == 5
    assert "labels" not in r["metadata"]


def test_status_is_validated_against_its_schema(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("sv", 5)).raise_for_status()
    r = http.patch(f"{ns_path}/numbers/sv/status", {"status": {"isSquare": "no"}})
    code, reason, message = status_of(r)
    assert (code, reason) == (422, "Invalid")
    # status_strategy.go validates .status against properties.status with an empty root.
    assert 'isSquare: Invalid value: "string": isSquare in body must be of type boolean' in message


def test_generation_bumps_only_on_spec_changes(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("gen", 1)).raise_for_status()
    labelled = http.patch(f"{ns_path}/numbers/gen",
                          {"metadata": {"labels": {"a": "b"}}}).json()
    assert labelled["metadata"]["generation"] == 1
    changed = http.patch(f"{ns_path}/numbers/gen", {"spec": {"value": 2}}).json()
    assert changed["metadata"]["generation"] == 2


def test_patch_with_a_stale_resource_version_is_409(http: Http, ns_path: str) -> None:
    obj = http.post(f"{ns_path}/numbers", number("pc", 1)).json()
    http.patch(f"{ns_path}/numbers/pc", {"spec": {"value": 2}}).raise_for_status()
    r = http.patch(f"{ns_path}/numbers/pc", {"metadata": {"resourceVersion": obj["metadata"][
        "resourceVersion"]}, "spec": {"value": 3}})
    assert status_of(r)[:2] == (409, "Conflict")


def test_json_patch(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("jp", 1)).raise_for_status()
    r = http.patch(f"{ns_path}/numbers/jp", [{"op": "replace", "path": "/spec/value",
                                              "value": 8}],
                   content_type="application/json-patch+json")
    assert r.status_code == 200 and r.json()["spec"]["value"] == 8
    failing = http.patch(f"{ns_path}/numbers/jp", [{"op": "test", "path": "/spec/value",
                                                    "value": 1}],
                         content_type="application/json-patch+json")
    assert status_of(failing)[:2] == (422, "Invalid")


def test_strategic_merge_patch_on_a_custom_resource_is_415(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("smp", 1)).raise_for_status()
    r = http.patch(f"{ns_path}/numbers/smp", {"spec": {"value": 2}},
                   content_type="application/strategic-merge-patch+json")
    # customresource_handler.go: supportedTypes = json-patch, merge-patch, apply-patch.
    assert status_of(r) == (
        415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
        "accepted media types include: application/json-patch+json, "
        "application/merge-patch+json, application/apply-patch+yaml")


def test_patch_of_a_missing_object_is_404(http: Http, ns_path: str) -> None:
    r = http.patch(f"{ns_path}/numbers/none", {"spec": {"value": 1}})
    assert status_of(r)[:2] == (404, "NotFound")


def test_delete_returns_a_success_status(http: Http, ns_path: str) -> None:
    obj = http.post(f"{ns_path}/numbers", number("d", 1)).json()
    r = http.delete(f"{ns_path}/numbers/d")
    assert r.status_code == 200
    # Store.finalizeDelete: a Status, not the object, when it is gone at once.
    assert r.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {},
                        "status": "Success",
                        "details": {"name": "d", "group": "math.mathctl.example",
                                    "kind": "numbers", "uid": obj["metadata"]["uid"]}}
    assert http.get(f"{ns_path}/numbers/d").status_code == 404
    assert status_of(http.delete(f"{ns_path}/numbers/d"))[:2] == (404, "NotFound")


def test_delete_preconditions(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("pre", 1)).raise_for_status()
    r = http.delete(f"{ns_path}/numbers/pre", {"preconditions": {"uid": "other"}})
    code, reason, message = status_of(r)
    assert (code, reason) == (409, "Conflict")
    assert "the UID in the precondition (other) does not match the UID in record" in message


def test_finalizers_hold_an_object_until_removed(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("fin", 1, finalizers=["example.com/hold"]))
    r = http.delete(f"{ns_path}/numbers/fin")
    assert r.status_code == 200
    held = r.json()
    assert held["kind"] == "Number", "a held object is returned, not a Status"
    assert TIME.match(held["metadata"]["deletionTimestamp"])
    assert held["metadata"]["deletionGracePeriodSeconds"] == 0
    assert held["metadata"]["generation"] == 2, "markAsDeleting bumps generation"
    # ValidateNoNewFinalizers: no finalizer may be added to an object being deleted.
    added = http.patch(f"{ns_path}/numbers/fin", {"metadata": {"finalizers": [
        "example.com/hold", "example.com/more"]}})
    code, reason, message = status_of(added)
    assert (code, reason) == (422, "Invalid")
    assert message == ('Number.math.mathctl.example "fin" is invalid: metadata.finalizers: '
                       "Forbidden: no new finalizers can be added if the object is being "
                       'deleted, found new finalizers []string{"example.com/more"}')
    done = http.patch(f"{ns_path}/numbers/fin", {"metadata": {"finalizers": None}})
    assert done.status_code == 200
    assert http.get(f"{ns_path}/numbers/fin").status_code == 404


def test_delete_collection(http: Http, ns_path: str) -> None:
    for name in ("dc1", "dc2"):
        http.post(f"{ns_path}/numbers", number(name)).raise_for_status()
    r = http.delete(f"{ns_path}/numbers")
    assert r.status_code == 200 and r.json()["kind"] == "NumberList"
    assert sorted(i["metadata"]["name"] for i in r.json()["items"]) == ["dc1", "dc2"]
    assert http.get(f"{ns_path}/numbers").json()["items"] == []


def test_dry_run_writes_nothing(http: Http, ns_path: str) -> None:
    r = http.post(f"{ns_path}/numbers?dryRun=All", number("dry"))
    assert r.status_code == 201 and r.json()["metadata"]["name"] == "dry"
    assert http.get(f"{ns_path}/numbers/dry").status_code == 404


def test_configmap_crud_and_delete_status(http: Http, namespace: str) -> None:
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    cm = http.post(path, {"metadata": {"name": "cm"}, "data": {"a": "1"}}).json()
    assert cm["kind"] == "ConfigMap" and "generation" not in cm["metadata"]
    cm["data"]["a"] = "2"
    assert http.put(f"{path}/cm", cm).json()["data"] == {"a": "2"}
    r = http.delete(f"{path}/cm").json()
    assert r["status"] == "Success" and r["details"]["kind"] == "configmaps"
    assert "group" not in r["details"]


@pytest.mark.parametrize("plural", ["services", "serviceaccounts"])
def test_delete_of_a_service_or_serviceaccount_returns_the_object(
        http: Http, namespace: str, plural: str) -> None:
    # Their registries set Store.ReturnDeletedObject (pkg/registry/core/service/storage,
    # .../serviceaccount/storage): the typed clients' delete_namespaced_service expects a
    # V1Service back, not a Status.
    path = f"/api/v1/namespaces/{namespace}/{plural}"
    created = http.post(path, {"metadata": {"name": "gone"}}).json()
    r = http.delete(f"{path}/gone")
    assert r.status_code == 200
    body = r.json()
    assert body["kind"] == created["kind"]
    assert body["metadata"]["uid"] == created["metadata"]["uid"]
    assert http.get(f"{path}/gone").status_code == 404


def test_events_in_both_api_versions(http: Http, namespace: str) -> None:
    event = {"metadata": {"name": "ev1"}, "involvedObject": {"kind": "Number", "name": "n",
                                                             "namespace": namespace},
             "reason": "Test", "message": "hello", "type": "Normal"}
    http.post(f"/api/v1/namespaces/{namespace}/events", event).raise_for_status()
    new = http.get(f"/apis/events.k8s.io/v1/namespaces/{namespace}/events/ev1").json()
    assert new["apiVersion"] == "events.k8s.io/v1"
    assert new["regarding"]["name"] == "n" and new["note"] == "hello"
    assert "involvedObject" not in new and "message" not in new
    selected = http.get(f"/api/v1/namespaces/{namespace}/events"
                        "?fieldSelector=involvedObject.name=n").json()["items"]
    assert [e["metadata"]["name"] for e in selected] == ["ev1"]


def test_label_selector(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("l1", labels={"tier": "a"})).raise_for_status()
    http.post(f"{ns_path}/numbers", number("l2", labels={"tier": "b"})).raise_for_status()
    names = [i["metadata"]["name"] for i in http.get(
        f"{ns_path}/numbers?labelSelector=tier%3Da").json()["items"]]
    assert names == ["l1"]
    by_field = http.get(f"{ns_path}/numbers?fieldSelector=metadata.name%3Dl2").json()["items"]
    assert [i["metadata"]["name"] for i in by_field] == ["l2"]


def test_update_validates_labels(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("lab")).raise_for_status()
    r = http.patch(f"{ns_path}/numbers/lab", {"metadata": {"labels": {"bad key!": "x"}}})
    code, reason, message = status_of(r)
    assert (code, reason) == (422, "Invalid")
    assert 'metadata.labels: Invalid value: "bad key!"' in message


def test_pruned_unknown_field_does_not_bump_generation(http: Http, ns_path: str) -> None:
    http.post(f"{ns_path}/numbers", number("pr", 1)).raise_for_status()
    r = http.patch(f"{ns_path}/numbers/pr", {"spec": {"unknown": 1}})
    assert r.status_code == 200 and r.json()["metadata"]["generation"] == 1
    assert r.json()["spec"] == {"value": 1}


def test_empty_metadata_maps_and_lists_are_left_out(http: Http, namespace: str,
                                                    ns_path: str) -> None:
    """Metadata goes through Go's ObjectMeta, whose labels, annotations, ownerReferences and
    finalizers are ``omitempty`` (apimachinery pkg/apis/meta/v1/types.go): sent empty, they
    come back absent, on create and on update. A built-in is its Go struct; a custom
    resource's metadata is coerced through ObjectMeta (apiextensions-apiserver
    pkg/apiserver/schema/objectmeta/coerce.go SetObjectMeta)."""
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    empty = {"labels": {}, "annotations": {}, "finalizers": [], "ownerReferences": []}
    created = http.post(path, {"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "e", **empty}})
    assert created.status_code == 201, created.text
    assert not set(empty) & set(created.json()["metadata"])
    updated = http.put(f"{path}/e", {"apiVersion": "v1", "kind": "ConfigMap",
                                     "metadata": {"name": "e", "labels": None, **empty}})
    assert updated.status_code == 200, updated.text
    assert not set(empty) & set(updated.json()["metadata"])
    cr = http.post(f"{ns_path}/numbers", number("e", 1, **empty)).json()
    assert not set(empty) & set(cr["metadata"])
    cr["metadata"].update(empty)
    cr = http.put(f"{ns_path}/numbers/e", cr).json()
    assert not set(empty) & set(cr["metadata"])
