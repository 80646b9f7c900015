"""Turn any rich renderable into fixed-width text and HTML, the same bytes every time.

Notebook outputs compared by nbval, ``mathctl get``/``mathctl tree`` in a terminal, and the
tests all go through here, so a view looks the same wherever it is shown. ``Rendered`` wraps a
renderable for Jupyter: ``text/plain`` is the plain text (what nbval compares), ``text/html``
the coloured version (what the learner sees). Used by ``mathctl.views`` and
``mathctl.notebook.show_source``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich.console import Console, RenderableType

WIDTH = 100
_HTML = ('<pre style="font-family: Menlo, \'DejaVu Sans Mono\', Consolas, monospace; '
         'font-size: 12px; line-height: 1.3; white-space: pre; overflow-x: auto">{code}</pre>')


def _console(width: int) -> Console:
    return Console(file=io.StringIO(), width=width, record=True, color_system="truecolor",
                   force_terminal=True, force_jupyter=False, legacy_windows=False)


def render_text(renderable: RenderableType, width: int = WIDTH) -> str:
    """Plain text, trailing spaces removed from each line."""
    console = _console(width)
    console.print(renderable)
    text = console.export_text(styles=False)
    return "\n".join(line.rstrip() for line in text.splitlines())


def render_html(renderable: RenderableType, width: int = WIDTH) -> str:
    """An HTML ``<pre>`` with inline styles (no stylesheet needed in the notebook)."""
    console = _console(width)
    console.print(renderable)
    return console.export_html(inline_styles=True, code_format=_HTML)


@dataclass(frozen=True)
class Rendered:
    """A rich renderable that Jupyter shows as HTML and nbval compares as plain text."""

    renderable: RenderableType
    width: int = WIDTH

    def _repr_html_(self) -> str:
        return render_html(self.renderable, self.width)

    def __repr__(self) -> str:
        return render_text(self.renderable, self.width)

    def __str__(self) -> str:
        return render_text(self.renderable, self.width)
