"""The API names are spelled once and follow Kubernetes' naming rules."""

from __future__ import annotations

import re

from mathctl.resources.group import (
    API_VERSION,
    CATEGORY,
    FERMAT,
    GROUP,
    KINDS,
    NUMBER,
    TUPLE,
    VERSION,
)

DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


def test_group_version_and_category_are_the_contracts() -> None:
    assert GROUP == "math.mathctl.example"
    assert VERSION == "v1beta1"
    assert API_VERSION == "math.mathctl.example/v1beta1"
    assert CATEGORY == "math"


def test_kind_names() -> None:
    assert [(k.kind, k.plural, k.singular, k.short_names) for k in KINDS] == [
        ("Number", "numbers", "number", ("num",)),
        ("Tuple", "tuples", "tuple", ("tup",)),
        ("Fermat", "fermats", "fermat", ("fer",)),
    ]
    assert NUMBER.list_kind == "NumberList"
    assert TUPLE.crd_name == "tuples.math.mathctl.example"
    assert FERMAT.api_version == API_VERSION


def test_names_are_dns_1035_labels() -> None:
    for names in KINDS:
        for label in (names.plural, names.singular, *names.short_names, names.kind.lower()):
            assert DNS1035.match(label), label
