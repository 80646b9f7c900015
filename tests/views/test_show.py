"""One-shot notebook views and their argument checks."""

from __future__ import annotations

import pytest

from mathctl.resources.group import FERMAT, NUMBER
from mathctl.views.show import api_client_of, parse_kinds


def test_kinds_by_any_name() -> None:
    assert parse_kinds(["num", "fermats", "Number"]) == [NUMBER, FERMAT, NUMBER]
    assert len(parse_kinds(None)) == 3
    with pytest.raises(ValueError, match="unknown kind 'pods'; use one of: numbers, tuples"):
        parse_kinds(["pods"])


def test_a_wrong_cluster_argument_says_what_to_pass() -> None:
    with pytest.raises(TypeError, match=r"expected the result of connect\(\)"):
        api_client_of("https://127.0.0.1:6445")
