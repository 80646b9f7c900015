"""environment.yml (conda users) and pyproject.toml (pip users) install the same things."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines: list[str]) -> dict[str, str]:
    """``{canonical name: specifier}``; a name listed twice is an error."""
    pins: dict[str, str] = {}
    for line in lines:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name not in pins, f"{req.name} is listed twice"
        pins[name] = str(req.specifier)
    return pins


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def environment() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def pip_section(env: dict[str, Any]) -> list[str]:
    sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(sections) == 1, "environment.yml needs exactly one `- pip:` list"
    return [line for line in sections[0] if not line.startswith("-")]  # drop `-e .`


def test_environment_lists_the_same_requirements_as_pyproject() -> None:
    project = pyproject()["project"]
    wanted = _pins(project["dependencies"] + project["optional-dependencies"]["test"])
    listed = _pins(pip_section(environment()))
    missing = sorted(set(wanted) - set(listed))
    extra = sorted(set(listed) - set(wanted))
    assert not missing, f"add to environment.yml: {[f'{n}{wanted[n]}' for n in missing]}"
    assert not extra, f"add to pyproject.toml (or drop from environment.yml): {extra}"
    differ = {n: (wanted[n], listed[n]) for n in wanted if wanted[n] != listed[n]}
    assert not differ, f"specifiers differ (pyproject, environment.yml): {differ}"


def test_environment_installs_the_package_itself_and_the_same_python() -> None:
    env = environment()
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    python = next(Requirement(d) for d in conda if d.startswith("python"))
    assert str(python.specifier) == pyproject()["project"]["requires-python"]
    assert "pip" in conda
