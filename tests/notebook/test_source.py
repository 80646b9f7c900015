"""``show_source`` and ``show_file`` render the package's real code and files."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import pytest

from mathctl.core import fizzbuzz
from mathctl.notebook.source import show_file, show_source

ROOT = Path(__file__).resolve().parents[2]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def body(rendered: list[str]) -> str:
    """The rendered lines after the header, without the line-number gutter."""
    gutter = len(re.match(r"\s*\d+ ", rendered[1]).group(0))  # type: ignore[union-attr]
    return "\n".join(line[gutter:] for line in rendered[1:])


def test_show_source_renders_the_live_code_with_file_and_line() -> None:
    lines, start = inspect.getsourcelines(fizzbuzz)
    text = repr(show_source(fizzbuzz)).splitlines()
    assert text[0] == f"mathctl/core/arithmetic.py, line {start} — fizzbuzz"
    assert text[1].split() == [str(start), *lines[0].split()]
    assert len(text) >= 1 + len(lines)  # long lines wrap onto more
    assert squash(body(text)) == squash("".join(lines))  # nothing cut
    assert repr(show_source("mathctl.core:fizzbuzz")) == repr(show_source(fizzbuzz))
    assert "<pre" in show_source(fizzbuzz)._repr_html_()


def test_show_source_refuses_what_has_no_source() -> None:
    with pytest.raises(TypeError, match="cannot find Python source for <built-in function len>"):
        show_source(len)


def test_show_file_renders_a_checkout_file_or_a_line_range() -> None:
    whole = repr(show_file("crds/number.yaml")).splitlines()
    assert whole[0] == "crds/number.yaml"
    assert "    4 kind: CustomResourceDefinition" in whole  # long lines: numbered, wrapped
    assert squash(body(whole)) == squash((ROOT / "crds/number.yaml").read_text())
    part = repr(show_file("crds/number.yaml", lines=(1, 2))).splitlines()
    assert part[0] == "crds/number.yaml, lines 1–2"
    assert len(part) == 3
    with pytest.raises(FileNotFoundError, match="relative to the mathctl checkout"):
        show_file("crds/nope.yaml")


REGEX = ("'^(([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.)*([a-z0-9]([-a-z0-9]*[a-z0-9])?)"
         "(/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.)*/)$'")


def test_show_file_wraps_long_lines_in_text_and_html_and_never_cuts_them(tmp_path: Path) -> None:
    crd = tmp_path / "crd.yaml"
    crd.write_text(f"spec:\n  pattern: {REGEX}\n  description: {'word ' * 20}older means stale\n")
    shown = show_file(crd)
    assert repr(shown).splitlines()[1:] == [
        "  1 spec:",
        "  2   pattern:",
        "    '^(([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.)*([a-z0-9]([-a-z0-9]*[a-z0-9])?)"
        "(/([a-z0-9]([-a-z0-9]*[a-z0",
        "    -9])?)\\.)*/)$'",
        "  3   description: word word word word word word word word word word word word word "
        "word word word",
        "    word word word word older means stale",
    ]  # a line too long to fit gets line numbers: the continuation sits under a blank gutter
    assert squash(body(repr(shown).splitlines())) == squash(crd.read_text())
    page = shown._repr_html_()
    assert "older means stale" in page and "*/)$&#x27;" in page
    assert "word word word word older means stale" in re.sub(r"<[^>]+>", "", page)


def test_show_source_wraps_a_long_call_keeping_its_closing_parenthesis(tmp_path: Path) -> None:
    module = tmp_path / "longline.py"
    module.write_text(
        "def reconcile():\n"
        "    return write_status_if_changed(api, 'math.mathctl.example', 'v1beta1', "
        "'numbers', namespace, name, retry=True)\n")
    spec = importlib.util.spec_from_file_location("longline", module)
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    text = repr(show_source(loaded.reconcile)).splitlines()
    assert text[1:] == [
        "  1 def reconcile():",
        "  2     return write_status_if_changed(api, 'math.mathctl.example', 'v1beta1', "
        "'numbers', namespace,",
        "    name, retry=True)",
    ]
    html_text = re.sub(r"<[^>]+>", "", show_source(loaded.reconcile)._repr_html_())
    assert "name, retry=True)" in html_text
