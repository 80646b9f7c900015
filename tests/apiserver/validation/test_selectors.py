# ruff: noqa: E501 (the golden tables keep kube's messages on one line each)
"""Tests for mathctl.apiserver.validation.selectors: label and field selectors as kube-apiserver parses them.

The expected canonical strings, match results and error messages in the tables come from running
``labels.Parse`` / ``fields.ParseSelector`` of Kubernetes v1.28.0 on the same input; the server
answers a parse error as ``400 BadRequest`` with exactly that message.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathctl.apiserver.validation.selectors import (
    SelectorError,
    custom_resource_field_message,
    metav1_field_message,
    parse_field_selector,
    parse_label_selector,
)

LABEL_SETS: list[dict[str, str]] = [
    {}, {"app": "demo"}, {"app": "demo", "tier": "web"}, {"app": "other", "n": "5"}, {"n": "12"},
    {"x": ""},
]

# (selector, (canonical String(), matches per LABEL_SETS) or ("error", message))
LABEL_CASES: list[tuple[str, Any]] = [
    ('', ('', [True, True, True, True, True, True])),
    ('app=demo', ('app=demo', [False, True, True, False, False, False])),
    ('app==demo', ('app==demo', [False, True, True, False, False, False])),
    ('app!=demo', ('app!=demo', [True, False, False, True, True, True])),
    ('app', ('app', [False, True, True, True, False, False])),
    ('!app', ('!app', [True, False, False, False, True, True])),
    ('app in (demo,other)', ('app in (demo,other)', [False, True, True, True, False, False])),
    ('app notin (demo)', ('app notin (demo)', [True, False, False, True, True, True])),
    ('app=demo,tier=web', ('app=demo,tier=web', [False, False, True, False, False, False])),
    (' app = demo , tier ', ('app=demo,tier', [False, False, True, False, False, False])),
    ('app in demo', ('error', "unable to parse requirement: found 'demo' expected: '('")),
    ('app in (demo', ('error', "unable to parse requirement: found '', expected: ',' or ')'")),
    ('app=', ('app=', [False, False, False, False, False, False])),
    ('app=,x', ('app=,x', [False, False, False, False, False, False])),
    ('app in ()', ('app in ()', [False, False, False, False, False, False])),
    ('app in (,)', ('app in ()', [False, False, False, False, False, False])),
    ('app in (a,,b)', ('app in (,a,b)', [False, False, False, False, False, False])),
    ('n>3', ('n>3', [False, False, False, True, True, False])),
    ('n<10', ('n<10', [False, False, False, True, False, False])),
    ('n>x', ('error', 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer')),
    ('n>', ('error', 'unable to parse requirement: values[0]: Invalid value: "": for \'Gt\', \'Lt\' operators, the value must be an integer')),
    ('Bad Key!=x', ('error', "unable to parse requirement: found 'Key', expected: in, notin, =, ==, !=, gt, lt")),
    ('app=bad value!', ('error', "found 'value', expected: ',' or 'end of string'")),
    ('app=demo,', ('error', "found '', expected: identifier after ','")),
    (',app', ('error', "found ',', expected: !, identifier, or 'end of string'")),
    ('app=(demo)', ('error', "unable to parse requirement: found '(', expected: identifier")),
    ('app=demo tier=web', ('error', "found 'tier', expected: ',' or 'end of string'")),
    ('app=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', ('error', 'unable to parse requirement: values[0][app]: Invalid value: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": must be no more than 63 characters')),
    ('example.com/app=demo', ('example.com/app=demo', [False, False, False, False, False, False])),
    ('a/b/c=d', ('error', 'unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\') with an optional DNS subdomain prefix and \'/\' (e.g. \'example.com/MyName\')')),
    ('/a=b', ('error', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty')),
    ('app ! demo', ('error', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt")),
    ('app=!demo', ('error', "unable to parse requirement: found '!', expected: identifier")),
    ('app in (a b)', ('error', "unable to parse requirement: found 'b', expected: ',' or ')'")),
    ('app notin(a)', ('app notin (a)', [True, True, True, True, True, True])),
    ('!', ('error', "unable to parse requirement: found '', expected: identifier")),
    ('!!app', ('error', "unable to parse requirement: found '!', expected: identifier")),
    ('app=a=b', ('error', "found '=', expected: ',' or 'end of string'")),
    ('in=in', ('in=in', [False, False, False, False, False, False])),
    ('notin in (in)', ('notin in (in)', [False, False, False, False, False, False])),
    ('x in (in,notin)', ('x in (in,notin)', [False, False, False, False, False, False])),
    ('app >= 3', ('error', "unable to parse requirement: found '=', expected: identifier")),
    ('app =! x', ('error', "unable to parse requirement: found '!', expected: identifier")),
    ('app==', ('app==', [False, False, False, False, False, False])),
    ('a,b,c', ('a,b,c', [False, False, False, False, False, False])),
    ('=a', ('error', "found '=', expected: !, identifier, or 'end of string'")),
    ('app=demo,app=other', ('app=demo,app=other', [False, False, False, False, False, False])),
    ('app in (demo),!tier', ('app in (demo),!tier', [False, True, False, False, False, False])),
    ('a-b_c.d=e', ('a-b_c.d=e', [False, False, False, False, False, False])),
    ('app=xé', ('error', 'unable to parse requirement: values[0][app]: Invalid value: "xé": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')')),
    ('-app=x', ('error', 'unable to parse requirement: <nil>: Invalid value: "-app": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')')),
]


@pytest.mark.parametrize(("text", "expected"), LABEL_CASES)
def test_label_selectors_match_kube(text: str, expected: Any) -> None:
    if expected[0] == "error":
        with pytest.raises(SelectorError) as info:
            parse_label_selector(text)
        assert info.value.message == expected[1]
        assert (info.value.status_code, info.value.reason) == (400, "BadRequest")
    else:
        selector = parse_label_selector(text)
        assert str(selector) == expected[0]
        assert [selector.matches(labels) for labels in LABEL_SETS] == expected[1]


SUPPORTED = {"metadata.name", "metadata.namespace", "spec.value", "zzz", "nonsense", "a", ""}

# (selector, canonical String() or ("error", message)) — parsing only, every field allowed
FIELD_CASES: list[tuple[str, Any]] = [
    ('', ''),
    ('metadata.name=a', 'metadata.name=a'),
    ('metadata.name==a', 'metadata.name=a'),
    ('metadata.name!=a', 'metadata.name!=a'),
    ('metadata.name=a,metadata.namespace=b', 'metadata.name=a,metadata.namespace=b'),
    ('spec.value=3', 'spec.value=3'),
    ('nonsense', ('error', "invalid selector: 'nonsense'; can't understand 'nonsense'")),
    ('metadata.name=a\\,b', 'metadata.name=a\\,b'),
    ('metadata.name=a,b', ('error', "invalid selector: 'metadata.name=a,b'; can't understand 'b'")),
    ('metadata.name=a=b', ('error', 'invalid field selector: unescaped character in value: 61')),
    ('metadata.name=a\\x', ('error', 'invalid field selector: invalid escape sequence: \\x')),
    ('metadata.name=a\\', ('error', 'invalid field selector: invalid escape sequence: \\')),
    ('metadata.name', ('error', "invalid selector: 'metadata.name'; can't understand 'metadata.name'")),
    (',metadata.name=a,', 'metadata.name=a'),
    ('metadata.name=', 'metadata.name='),
    ('=a', '=a'),
    ('a!=b=c', ('error', 'invalid field selector: unescaped character in value: 61')),
    ('metadata.namespace=x,spec.value=3,zzz=1', 'metadata.namespace=x,spec.value=3,zzz=1'),
]


@pytest.mark.parametrize(("text", "expected"), FIELD_CASES)
def test_field_selectors_parse_like_kube(text: str, expected: Any) -> None:
    if isinstance(expected, tuple):
        with pytest.raises(SelectorError) as info:
            parse_field_selector(text, SUPPORTED)
        assert info.value.message == expected[1]
    else:
        assert str(parse_field_selector(text, SUPPORTED)) == expected


def test_unsupported_field_on_a_custom_resource() -> None:
    # apiextensions-apiserver conversion/converter.go crConverter.ConvertFieldLabel
    with pytest.raises(SelectorError) as info:
        parse_field_selector("spec.value=3", {"metadata.name", "metadata.namespace"})
    assert info.value.message == "field label not supported: spec.value"
    assert custom_resource_field_message("x") == "field label not supported: x"


def test_unsupported_field_with_the_generic_metav1_message() -> None:
    # apimachinery runtime/conversion.go DefaultMetaV1FieldSelectorConversion
    with pytest.raises(SelectorError) as info:
        parse_field_selector("spec.value=3", {"metadata.name"}, unsupported=metav1_field_message)
    assert info.value.message == ('"spec.value" is not a known field selector: only '
                                  '"metadata.name", "metadata.namespace"')


def test_field_selector_matches_objects() -> None:
    obj = {"metadata": {"name": "n1", "namespace": "default"}, "type": "Opaque",
           "spec": {"value": 3}}
    supported = {"metadata.name", "metadata.namespace", "type", "spec.value"}
    assert parse_field_selector("metadata.name=n1", supported).matches(obj)
    assert not parse_field_selector("metadata.name!=n1", supported).matches(obj)
    assert parse_field_selector("metadata.namespace=default,type=Opaque", supported).matches(obj)
    assert parse_field_selector("spec.value=3", supported).matches(obj)
    assert parse_field_selector("metadata.name=a\\,b", supported).matches(
        {"metadata": {"name": "a,b"}})
    selector = parse_field_selector("metadata.name==n1", supported)
    assert selector.requires_exact_match("metadata.name") == "n1"
    assert parse_field_selector("", supported).empty()


label_values = st.from_regex(r"[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?", fullmatch=True)
label_sets = st.dictionaries(st.sampled_from(["app", "tier", "n"]), label_values, max_size=3)


@given(label_sets)
def test_a_set_based_selector_matches_the_set_it_was_built_from(labels: dict[str, str]) -> None:
    text = ",".join(f"{k}={v}" for k, v in labels.items())
    assert parse_label_selector(text).matches(labels)
    negated = ",".join(f"{k}!={v}" for k, v in labels.items())
    if labels:
        assert not parse_label_selector(negated).matches(labels)


@given(label_sets, label_sets)
def test_canonical_string_parses_back_to_the_same_selector(a: dict[str, str],
                                                           b: dict[str, str]) -> None:
    text = ",".join([f"{k} in ({v},x)" for k, v in a.items()] + [f"!{k}" for k in b])
    selector = parse_label_selector(text)
    again = parse_label_selector(str(selector))
    assert again == selector
