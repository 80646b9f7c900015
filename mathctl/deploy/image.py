"""What the operator image installs, and a site that holds a local process to exactly that.

Why it exists: the image must carry only the operator's runtime dependencies — no JupyterLab,
ipywidgets or matplotlib — listed in ``deploy/image/requirements.txt`` and installed next to
mathctl (``pip install --no-deps``). Whether that list is enough cannot be learnt from the
list; it is learnt by running the operator with nothing else importable. :func:`closure` finds
the distributions the image will hold (the list and, through their metadata in this
environment, everything they require), and :func:`image_site` links exactly those, and
mathctl, into one directory; :mod:`mathctl.deploy.podrun` runs the operator with ``python -S``
on that directory alone, so it can import nothing the image would not have.
"""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from mathctl.deploy.install import DEPLOY, ROOT

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


def image_site(directory: Path, path: Path = REQUIREMENTS) -> Path:
    """A directory holding only what the image installs: links to the top-level modules and
    metadata of every distribution in the :func:`closure`, and to mathctl itself.

    A process started as ``python -S`` (no site-packages, no ``.pth`` hooks) with this
    directory on ``PYTHONPATH`` sees the standard library, these and nothing else — not even
    for ``importlib.util.find_spec`` probes — as in the image.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name in sorted(closure(requirements(path))):
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            raise FileNotFoundError(
                f"{name} (needed by deploy/image/requirements.txt) is not installed here; "
                "install the test environment first (pip install -e '.[test]')") from None
        base = Path(str(dist.locate_file("")))
        tops = {Path(str(f)).parts[0] for f in dist.files or ()} - {".."}
        for top in sorted(tops):
            link, target = directory / top, base / top
            if target.exists() and not link.exists():
                link.symlink_to(target)
    package = ROOT / PACKAGE
    (directory / PACKAGE).symlink_to(package)
    return directory
