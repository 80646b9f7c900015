"""``show_source`` and ``show_file`` render the package's real code and files."""

from __future__ import annotations

import inspect

import pytest

from mathctl.core import fizzbuzz
from mathctl.notebook.source import show_file, show_source


def test_show_source_renders_the_live_code_with_file_and_line() -> None:
    lines, start = inspect.getsourcelines(fizzbuzz)
    text = repr(show_source(fizzbuzz)).splitlines()
    assert text[0] == f"mathctl/core/arithmetic.py, line {start} — fizzbuzz"
    assert text[1].split() == [str(start), *lines[0].split()]
    assert len(text) == 1 + len(lines)
    assert repr(show_source("mathctl.core:fizzbuzz")) == repr(show_source(fizzbuzz))
    assert "<pre" in show_source(fizzbuzz)._repr_html_()


def test_show_source_refuses_what_has_no_source() -> None:
    with pytest.raises(TypeError, match="cannot find Python source for <built-in function len>"):
        show_source(len)


def test_show_file_renders_a_checkout_file_or_a_line_range() -> None:
    whole = repr(show_file("crds/number.yaml")).splitlines()
    assert whole[0] == "crds/number.yaml"
    assert "kind: CustomResourceDefinition" in whole
    part = repr(show_file("crds/number.yaml", lines=(1, 2))).splitlines()
    assert part[0] == "crds/number.yaml, lines 1–2"
    assert len(part) == 3
    with pytest.raises(FileNotFoundError, match="relative to the mathctl checkout"):
        show_file("crds/nope.yaml")
