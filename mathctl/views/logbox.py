"""The live view's log box: the controller's last lines, the newest always in sight.

An ``ipywidgets.Output`` with a fixed height keeps its scroll position at the top, so past a
dozen lines the newest reconcile lines — the ones a learner is waiting for — sit below the
fold. ``LogBox`` is an ``HTML`` widget instead: it keeps the last lines itself and draws them in
a box that the browser anchors at its bottom (a ``column-reverse`` flex container starts
scrolled to its end), so each redraw shows the newest line without any JavaScript. It takes
lines the way an ``Output`` does (``append_stdout``), so an operator's ``LogBuffer`` feeds it.
Lines are shortened to fit beside the objects: no milliseconds, no ``INFO`` (other levels stay).
Redraws are throttled: a burst of lines costs one widget update per ``interval``.
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

HEIGHT = "14em"
_BOX = ('<div class="mathctl-log" style="display: flex; flex-direction: column-reverse; '
        'max-height: {height}; overflow-y: auto; border-left: 3px solid #ccc; '
        'padding-left: 6px"><pre style="flex: none; overflow: visible; margin: 0; '
        'font-size: 11px; line-height: 1.3; white-space: pre-wrap; overflow-wrap: anywhere">'
        '{lines}</pre></div>')
# "12:15:22.689 INFO    Number …" → "12:15:22 Number …": the level only when it is not INFO.
_LINE = re.compile(r"^(\d\d:\d\d:\d\d)\.\d{3} (?:INFO\s+)?")
EMPTY = "(no log lines yet: the controller logs each reconcile that writes something)"


def compact(line: str) -> str:
    """A log line without milliseconds and without the level when it is INFO."""
    return _LINE.sub(r"\1 ", line)


def log_html(lines: Iterable[str], *, title: str = "controller log",
             height: str = HEIGHT) -> str:
    """The box's HTML: a title line, then ``lines`` oldest first, anchored at the newest."""
    shown = [compact(line) for line in lines]
    body = "\n".join(html.escape(line) for line in shown) if shown else html.escape(EMPTY)
    head = f'<b style="font-size: 11px">{html.escape(title)}</b>'
    return head + _BOX.format(height=height, lines=body)


class LogBox:
    """An ``HTML`` widget showing the last ``maxlen`` lines appended to it."""

    def __init__(self, lines: Iterable[str] = (), *, maxlen: int = 200,
                 interval: float = 0.2) -> None:
        import ipywidgets as widgets

        self.lines: deque[str] = deque(lines, maxlen=maxlen)
        self.title = "controller log"
        self.interval = interval
        self.widget: Any = widgets.HTML(value=self.html(),
                                        layout=widgets.Layout(flex="1 1 360px", min_width="320px"))
        self._lock = threading.Lock()
        self._last_draw = 0.0
        self._pending: threading.Timer | None = None

    def html(self) -> str:
        return log_html(self.lines, title=self.title)

    def append_stdout(self, text: str) -> None:
        """Take new lines (the ``ipywidgets.Output`` method a ``LogBuffer`` calls)."""
        with self._lock:
            self.lines.extend(line for line in text.splitlines() if line.strip())
            wait = self._last_draw + self.interval - time.monotonic()
            if wait > 0:
                if self._pending is None:  # one redraw at the end of the burst
                    self._pending = threading.Timer(wait, self.redraw)
                    self._pending.daemon = True
                    self._pending.start()
                return
        self.redraw()

    def redraw(self) -> None:
        with self._lock:
            self._pending = None
            self._last_draw = time.monotonic()
            value = self.html()
        self.widget.value = value

    def close(self, title: str | None = None) -> None:
        """Draw the final lines now (with a new title, e.g. "stopped") and take no more."""
        with self._lock:
            if self._pending is not None:
                self._pending.cancel()
                self._pending = None
            if title is not None:
                self.title = title
        self.redraw()
