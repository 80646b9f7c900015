"""kube's value rules for built-in kinds (pkg/apis/core/validation/validation.go, v1.28), and
table printing that survives an object stored before these rules existed."""

from __future__ import annotations

import json
import sqlite3

from mathctl.apiserver.testing import EmbeddedServer
from mathctl.apiserver.validation import builtin_validation as bv

from ..kube import Http, status_of

TABLE = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}


def test_config_map_keys_follow_is_config_map_key() -> None:
    # apimachinery/pkg/util/validation/validation.go IsConfigMapKey
    assert bv.config_key_problems("key.name_-1") == []
    assert bv.config_key_problems("..a") == ["must not start with '..'"]
    assert bv.config_key_problems("a\x00") == [bv._CONFIG_KEY_MESSAGE]
    causes = bv.validate_config_map({"data": {"a b": "v"}, "binaryData": {"k": "aGk="}})
    assert causes == [{"reason": "FieldValueInvalid", "field": "data[a b]",
                       "message": f'Invalid value: "a b": {bv._CONFIG_KEY_MESSAGE}'}]


def test_config_map_key_in_both_maps_and_total_size() -> None:
    # ValidateConfigMap: "duplicate of key present in data"; core.MaxConfigMapSize = 1 MiB
    causes = bv.validate_config_map({"data": {"k": "v"}, "binaryData": {"k": "aGk="}})
    assert causes[0]["message"] == 'Invalid value: "k": duplicate of key present in data'
    big = bv.validate_config_map({"data": {"k": "x" * (1024 * 1024 + 1)}})
    assert big[0]["message"] == "Too long: must have at most 1048576 bytes"


def test_tls_secret_needs_its_keys_and_service_ports_their_range() -> None:
    # ValidateSecret (SecretTypeTLS: field.Required(dataPath.Key("tls.crt"), ""))
    assert [c["field"] for c in bv.validate_secret({"type": "kubernetes.io/tls"})] == [
        "data[tls.crt]", "data[tls.key]"]
    # validateServicePort: IsValidPortNum "must be between 1 and 65535, inclusive"
    causes = bv.validate_service({"spec": {"ports": [{"port": 70000, "protocol": "ICMP"}]}})
    assert [c["message"] for c in causes] == [
        "Invalid value: 70000: must be between 1 and 65535, inclusive",
        'Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']
    assert bv.validate_deployment({"spec": {"replicas": -1}})[0]["message"] == (
        "Invalid value: -1: must be greater than or equal to 0")


def test_ingress_paths_need_a_type_and_an_absolute_path() -> None:
    # networking/validation/validation.go validateHTTPIngressPath
    ingress = {"spec": {"rules": [{"http": {"paths": [{"path": "x", "pathType": "Prefix"},
                                                      {"path": "/"}]}}]}}
    assert [c["field"] + ": " + c["message"] for c in bv.validate_ingress(ingress)] == [
        'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path',
        "spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified"]


def test_an_odd_object_stored_earlier_still_lists() -> None:
    """Issue 12: a ConfigMap with ``data: 5`` stored by an older server made ``kubectl get cm
    -A`` 500 for everyone. The list and the table answer; the odd row gets default columns."""
    with EmbeddedServer() as server:
        http = Http(server.url, server.token, str(server.ca_cert))
        http.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                         "metadata": {"name": "old"}})
        r = http.post("/api/v1/namespaces/old/configmaps", {
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "odd"}})
        assert r.status_code == 201, r.text
        server.stop()
        stored = r.json()
        stored["data"] = 5
        stored["immutable"] = "<script>"
        (db_path,) = server.data_dir.glob("*.db")
        db = sqlite3.connect(db_path)
        with db:
            db.execute("UPDATE objects SET data = ? WHERE storage = 'configmaps' AND name = 'odd'",
                       (json.dumps(stored).encode(),))
        db.close()
        server.start()
        assert http.get("/api/v1/configmaps").status_code == 200
        table = http.get("/api/v1/configmaps", headers=TABLE)
        assert table.status_code == 200, table.text
        assert [row["cells"][0] for row in table.json()["rows"]] == ["odd"]


def test_validators_answer_422_over_http(http: Http, namespace: str) -> None:
    # apps/validation/validation.go ValidateDeploymentSpec -> 422 Invalid
    r = http.post(f"/apis/apps/v1/namespaces/{namespace}/deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "neg"},
        "spec": {"replicas": -1, "selector": {"matchLabels": {"a": "b"}},
                 "template": {"metadata": {"labels": {"a": "b"}}}}})
    assert status_of(r) == (422, "Invalid", 'Deployment.apps "neg" is invalid: spec.replicas: '
                                            "Invalid value: -1: must be greater than or equal "
                                            "to 0")
    r = http.post(f"/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses", {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"},
        "spec": {"rules": [{"http": {"paths": [{"path": "/"}]}}]}})
    assert status_of(r)[:2] == (422, "Invalid")
