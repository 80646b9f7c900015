"""What the operator image installs, and a guard that holds a local process to exactly that.

Why it exists: the image must carry only the operator's runtime dependencies — no JupyterLab,
ipywidgets or matplotlib — listed in ``deploy/image/requirements.txt`` and installed next to
mathctl (``pip install --no-deps``). Whether that list is enough cannot be learnt from the
list; it is learnt by running the operator with nothing else importable. :func:`closure` finds
the distributions the image will hold (the list and, through their metadata in this
environment, everything they require), and :func:`import_guard` writes a ``sitecustomize``
that makes every other installed distribution's modules unimportable in a process that puts
it on ``PYTHONPATH``. :mod:`mathctl.deploy.podrun` runs the operator that way.
"""

from __future__ import annotations

import importlib.metadata as md
import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from mathctl.deploy.install import DEPLOY

REQUIREMENTS = DEPLOY / "image" / "requirements.txt"
PACKAGE = "mathctl"


def requirements(path: Path = REQUIREMENTS) -> list[Requirement]:
    """The requirement lines of the image's list (comments and blanks skipped)."""
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    return [Requirement(line) for line in lines if line]


def closure(roots: list[Requirement]) -> set[str]:
    """Canonical names of ``roots`` and everything they require (markers evaluated here, extras
    followed), as installed in this environment."""
    seen: set[str] = set()
    todo: list[tuple[str, frozenset[str]]] = [(r.name, frozenset(r.extras)) for r in roots]
    while todo:
        name, extras = todo.pop()
        key = canonicalize_name(name)
        if key in seen and not extras:
            continue
        seen.add(key)
        try:
            wanted = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        for line in wanted:
            req = Requirement(line)
            environments = [{"extra": e} for e in extras] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in environments):
                todo.append((req.name, frozenset(req.extras)))
    return seen


def blocked_modules(allowed: set[str]) -> list[str]:
    """Top-level import names that belong only to installed distributions not in ``allowed``."""
    by_module = md.packages_distributions()
    blocked = []
    for module, dists in by_module.items():
        names = {canonicalize_name(d) for d in dists}
        if names and not names & allowed and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", module):
            blocked.append(module)
    return sorted(blocked)


_GUARD = '''\
"""Written by mathctl.deploy.image: only what the operator image installs is importable."""
import importlib.abc
import sys

BLOCKED = frozenset({blocked!r})


class _ImageOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(
                f"No module named {{name!r}} (not in the operator image: "
                "add it to deploy/image/requirements.txt if the operator needs it)",
                name=name)
        return None


sys.meta_path.insert(0, _ImageOnly())
'''


def import_guard(directory: Path, path: Path = REQUIREMENTS) -> Path:
    """Write the guard's ``sitecustomize.py`` into ``directory``; return the directory."""
    allowed = closure(requirements(path)) | {PACKAGE}
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(
        _GUARD.format(blocked=sorted(blocked_modules(allowed))), encoding="utf-8")
    return directory
