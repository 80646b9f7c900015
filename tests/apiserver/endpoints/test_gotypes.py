"""Go's encoding/json refusals (Go 1.20, kube v1.28's toolchain) for wrongly typed fields."""

from __future__ import annotations

import pytest

from mathctl.apiserver.endpoints import gotypes

CONFIG_MAP = gotypes.SHAPES[("", "ConfigMap")]


@pytest.mark.parametrize(("obj", "message"), [
    # encoding/json decode.go UnmarshalTypeError.Error: "Go struct field <Struct>.<path>"
    ({"metadata": []}, "json: cannot unmarshal array into Go struct field ConfigMap.metadata "
                       "of type v1.ObjectMeta"),
    ({"metadata": {"labels": {"a": 1}}},
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type "
     "string"),
    ({"metadata": {"ownerReferences": [{"controller": "yes"}]}},
     "json: cannot unmarshal string into Go struct field OwnerReference.metadata."
     "ownerReferences.controller of type bool"),
    ({"metadata": {"generation": 1e24}},
     "json: cannot unmarshal number 1e+24 into Go struct field ObjectMeta.metadata.generation "
     "of type int64"),
    # encoding/base64 CorruptInputError for a []byte value
    ({"binaryData": {"k": "a*"}}, "illegal base64 data at input byte 1"),
])
def test_wrong_types_get_go_wording(obj: dict[str, object], message: str) -> None:
    with pytest.raises(gotypes.GoTypeError) as caught:
        gotypes.check(CONFIG_MAP, obj)
    assert str(caught.value) == message


def test_null_and_right_types_pass() -> None:
    gotypes.check(CONFIG_MAP, {"metadata": {"labels": None, "name": "a"}, "data": {"k": "v"},
                               "binaryData": {"k": "aGk="}, "immutable": True})


def test_null_elements_become_go_zero_values() -> None:
    # encoding/json: null into a slice or map element leaves the element's zero value
    obj = {"metadata": {"ownerReferences": [None], "labels": {"a": None},
                        "finalizers": [None]}}
    gotypes.check(CONFIG_MAP, obj)
    assert obj["metadata"] == {"ownerReferences": [{}], "labels": {"a": ""}, "finalizers": [""]}
