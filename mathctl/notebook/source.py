"""``show_source(obj)``: the notebooks show the package's real code instead of pasting it.

A pasted copy drifts from the code that runs; this renders ``inspect.getsource`` of the live
object with ``rich.syntax.Syntax``, headed by the file and line it comes from, so what the
learner reads is what the controller executes. Every stage notebook uses it. Long lines wrap
(under a blank line-number gutter), never get cut: a cut regex or call reads as a different one.
"""

from __future__ import annotations

import importlib
import inspect
import textwrap
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.syntax import Syntax
from rich.text import Text

from mathctl.views.render import WIDTH, Rendered

_PACKAGE_ROOT = Path(importlib.import_module("mathctl").__file__ or ".").resolve().parent.parent


def _resolve(target: Any) -> Any:
    """Accept an object or a ``"package.module:qualified.name"`` string."""
    if not isinstance(target, str):
        return target
    module_name, _, qualname = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in filter(None, qualname.split(".")):
        obj = getattr(obj, part)
    return obj


def _where(obj: Any, start: int) -> str:
    try:
        path = Path(inspect.getsourcefile(obj) or "?").resolve()
        shown = path.relative_to(_PACKAGE_ROOT).as_posix()
    except (TypeError, ValueError):
        shown = getattr(obj, "__module__", None) or "?"
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "")
    return f"{shown}, line {start}" + (f" — {name}" if name else "")


def show_source(target: Any, *, line_numbers: bool = True) -> Rendered:
    """Render the source of a function, class or module (or ``"module:name"``) for display.

    Raises ``TypeError`` with advice when the object has no Python source (a builtin, or
    something defined in a notebook cell rather than in the package).
    """
    obj = _resolve(target)
    try:
        lines, start = inspect.getsourcelines(obj)
    except (OSError, TypeError) as err:
        raise TypeError(
            f"show_source cannot find Python source for {obj!r} ({err}). Pass a function, "
            "class or module of the mathctl package, e.g. show_source(mathctl.core.fizzbuzz)."
        ) from None
    start = max(start, 1)
    code = textwrap.dedent("".join(lines)).rstrip("\n")
    header = Text(_where(obj, start), style="bold")
    body = Syntax(code, "python", line_numbers=line_numbers, start_line=start,
                  theme="default", word_wrap=True)
    return Rendered(Group(header, body))


_LEXERS = {".yaml": "yaml", ".yml": "yaml", ".py": "python", ".json": "json", ".toml": "toml",
           ".md": "markdown", ".cfg": "ini", ".sh": "bash"}


def show_file(path: str | Path, *, lines: tuple[int, int] | None = None) -> Rendered:
    """Render a file of this checkout (e.g. ``"crds/number.yaml"``), or lines ``(first, last)``."""
    full = Path(path) if Path(path).is_absolute() else _PACKAGE_ROOT / path
    if not full.is_file():
        raise FileNotFoundError(f"show_file: {full} does not exist; give a path relative to the "
                                f"mathctl checkout ({_PACKAGE_ROOT}), e.g. 'crds/number.yaml'.")
    text = full.read_text(encoding="utf-8").rstrip("\n")
    first = 1
    if lines is not None:
        first, last = lines
        text = "\n".join(text.splitlines()[first - 1:last])
    try:
        shown = full.resolve().relative_to(_PACKAGE_ROOT).as_posix()
    except ValueError:
        shown = str(full)
    header = Text(shown + (f", lines {first}–{first + text.count(chr(10))}" if lines else ""),
                  style="bold")
    # A wrapped line continues under a blank line-number gutter, so a file with a line too long
    # for the view gets line numbers even when the whole file is shown.
    too_long = any(len(line) > WIDTH - 2 for line in text.splitlines())
    body = Syntax(text, _LEXERS.get(full.suffix, "text"),
                  line_numbers=lines is not None or too_long, start_line=first,
                  theme="default", word_wrap=True)
    return Rendered(Group(header, body))
