"""The limits are the numbers the brief and Kubernetes fix."""

from __future__ import annotations

from mathctl.resources import limits


def test_int64_bounds() -> None:
    assert limits.INT64_MIN == -9223372036854775808
    assert limits.INT64_MAX == 9223372036854775807


def test_fan_out_and_name_limits() -> None:
    assert limits.MAX_FERMAT_NUMBER == 10_000
    assert limits.MAX_TUPLE_NUMBERS == 100
    assert limits.DNS1123_SUBDOMAIN_MAX == 253

