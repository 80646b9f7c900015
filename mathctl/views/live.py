"""The notebooks' live view: the objects of a namespace and the controller's log, redrawn live.

``live_view(cluster, namespace, log=operator)`` returns a widget box whose content a
``SnapshotWatcher`` thread keeps current while the controller works in its own thread. Only
widget values are updated from the thread — never ``print`` — as ipywidgets asks.

It is kept compact so "watch the live view above fill in" works on one screen: a status line,
then *either* the tables (flat objects, stage 30) *or* the ownership tree (once objects own
others, stages 50–60, where the tree already carries every status), and the controller's log
beside it (below it on a narrow screen), its newest line always in sight (``LogBox``).

Stopping the view (``stop()``, ``stop_live_views()``, or re-running the cell) says so —
"stopped at …", the picture dimmed — and replaces the cell's widget output by a static HTML
copy of that last picture (``update_display``), so a notebook saved afterwards reopens without
a kernel and never shows "Error displaying widget: model not found". While a view runs, its
output is a widget; JupyterLab keeps widget state in the saved notebook only with the
``saveState`` setting, which ``mathctl.notebook.labsettings`` installs.

Under nbval (``MATHCTL_STATIC_VIEWS=1``, set by ``python3 dev.py test``) the same call shows
one static snapshot and starts no thread, because nbval ignores ``clear_output`` and a
redrawing cell would pile up outputs. Re-running a cell stops the view it started before.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Any

from rich.console import RenderableType
from rich.styled import Styled
from rich.text import Text

from mathctl.resources.group import KINDS
from mathctl.views import describe as d
from mathctl.views.logbox import LogBox, log_html
from mathctl.views.render import Rendered, render_html, render_text
from mathctl.views.show import api_client_of
from mathctl.views.snapshot import Snapshot, take_snapshot
from mathctl.views.tables import snapshot_tables
from mathctl.views.tree import ownership_tree
from mathctl.views.watcher import SnapshotWatcher

STATIC_ENV = "MATHCTL_STATIC_VIEWS"
_running: dict[str | None, LiveView] = {}
_running_lock = threading.Lock()


def static_views() -> bool:
    """True when views must not start threads or redraw (nbval, CI, headless runs)."""
    return os.environ.get(STATIC_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _log_parts(log: Any) -> tuple[Any, Any]:
    """``(widget to show, LogBuffer feeding a LogBox or None)`` for ``log=``.

    An operator (anything with a ``.log`` that can ``attach``) gets a ``LogBox`` fed by its
    log buffer; a widget (e.g. an ``ipywidgets.Output``) is shown as it is."""
    if log is None:
        return None, None
    import ipywidgets as widgets

    if isinstance(log, widgets.Widget):
        return log, None
    buffer = getattr(log, "log", None)
    if callable(getattr(buffer, "attach", None)) and callable(getattr(buffer, "tail", None)):
        return None, buffer
    for attr in ("output", "widget"):
        candidate = getattr(log, attr, None)
        if isinstance(candidate, widgets.Widget):
            return candidate, None
    raise TypeError(f"log= expects an operator (Operator(...).start()) or an ipywidgets.Output, "
                    f"got {type(log).__name__}")


def has_owners(snapshot: Snapshot) -> bool:
    """True when some object is owned by another one of the snapshot (a tree to draw)."""
    uids = {str(d.meta(o).get("uid")) for o in snapshot.all()}
    return any(str((d.controller_ref(o) or {}).get("uid")) in uids for o in snapshot.all())


def view_of(snapshot: Snapshot, *, tree: bool | None = None,
            max_children: int | None = 12) -> RenderableType:
    """The tables of ``snapshot``, or its ownership tree: ``tree=None`` picks the tree once
    objects own others (it then shows every status the tables would), the tables otherwise."""
    if tree is None:
        tree = has_owners(snapshot)
    if tree:
        return ownership_tree(snapshot, max_children=max_children)
    return snapshot_tables(snapshot, KINDS)


def stamp(snapshot: Snapshot, *, stopped_at: float | None = None,
          now: float | None = None) -> Text:
    """The status line: ``live · 10:04:43 · 15 objects`` or ``stopped at 10:05:02 · …``."""
    count = len(snapshot.all())
    objects = f"{count} object{'' if count == 1 else 's'}"
    if stopped_at is None:
        return Text(f"● live · {time.strftime('%H:%M:%S', time.localtime(now))} · {objects}",
                    style="green")
    return Text(f"■ stopped at {time.strftime('%H:%M:%S', time.localtime(stopped_at))} · "
                f"{objects} then; not updated since (show_tables() shows what is there now)",
                style="bold")


_ROW = ('<div style="display: flex; flex-flow: row wrap; gap: 4px 16px; '
        'align-items: flex-start">{view}<div style="flex: 1 1 360px; min-width: 320px">{log}'
        '</div></div>')
VIEW_HEIGHT = "28em"


class LiveView:
    """A live widget for one namespace; ``stop()`` ends its watch threads."""

    def __init__(self, cluster: Any, namespace: str | None, *, log: Any = None,
                 tree: bool | None = None, max_children: int | None = 12) -> None:
        self._api_client = api_client_of(cluster)
        self.namespace = namespace
        self._log = log
        self._tree = tree
        self._max_children = max_children
        self._watcher: SnapshotWatcher | None = None
        self._buffer: Any = None
        self._logbox: LogBox | None = None
        self._display_id = f"mathctl-live-{uuid.uuid4().hex}"
        self._displayed = False
        self._last: Snapshot | None = None
        self.stopped_at: float | None = None
        self._render_lock = threading.Lock()
        self.widget: Any = None
        self.redraws = 0

    def _body(self, snapshot: Snapshot) -> RenderableType:
        body = view_of(snapshot, tree=self._tree, max_children=self._max_children)
        return body if self.stopped_at is None else Styled(body, "dim")

    def _render(self, snapshot: Snapshot) -> None:
        with self._render_lock:  # the watch thread and stop() may both draw
            self._last = snapshot
            self._stamp.value = render_html(stamp(snapshot, stopped_at=self.stopped_at))
            self._html.value = render_html(self._body(snapshot))
            self.redraws += 1

    def start(self) -> LiveView:
        """Build the widgets and start watching (a no-op under ``MATHCTL_STATIC_VIEWS``)."""
        if static_views() or self._watcher is not None:
            return self
        import ipywidgets as widgets

        self._stamp = widgets.HTML(value="<i>listing…</i>")
        self._html = widgets.HTML(value="", layout=widgets.Layout(
            flex="0 1 auto", max_height=VIEW_HEIGHT, overflow="auto"))
        row = [self._html]
        shown, self._buffer = _log_parts(self._log)
        if self._buffer is not None:
            self._logbox = LogBox(self._buffer.tail(50))
            self._buffer.attach(self._logbox)
            shown = self._logbox.widget
        if shown is not None:
            row.append(shown)
        self.widget = widgets.VBox([self._stamp, widgets.Box(row, layout=widgets.Layout(
            display="flex", flex_flow="row wrap", align_items="flex-start",
            grid_gap="4px 16px"))])
        with _running_lock:
            previous = _running.pop(self.namespace, None)
            _running[self.namespace] = self
        if previous is not None:
            previous.stop()
        self._watcher = SnapshotWatcher(self._api_client, self.namespace, on_change=self._render)
        self._watcher.start()
        return self

    def stop(self) -> None:
        """Stop the watch threads; the view says "stopped at …" and keeps its last picture,
        and a displayed view's cell output becomes a static copy of it."""
        watcher = self._watcher
        if watcher is not None:
            watcher.stop()
            self._watcher = None
            self.stopped_at = time.time()
            if self._buffer is not None and self._logbox is not None:
                self._buffer.detach(self._logbox)
                self._logbox.close(title="controller log (until the view stopped)")
            self._render(watcher.snapshot())
            if self._displayed:
                from IPython.display import update_display

                update_display(self._static_bundle(), raw=True, display_id=self._display_id)
        with _running_lock:
            if _running.get(self.namespace) is self:
                del _running[self.namespace]

    @property
    def running(self) -> bool:
        return self._watcher is not None and self._watcher.running

    def snapshot(self) -> Rendered:
        """What the view shows now, as a static picture."""
        snapshot = (self._watcher.snapshot() if self._watcher is not None
                    else self._last or take_snapshot(self._api_client, self.namespace))
        return Rendered(self._body(snapshot))

    def _static_bundle(self) -> dict[str, str]:
        """The stopped view as HTML and text: what its cell keeps once the view stopped."""
        snapshot = self._last or take_snapshot(self._api_client, self.namespace)
        head = stamp(snapshot, stopped_at=self.stopped_at)
        view = render_html(self._body(snapshot))
        lines = list(self._logbox.lines) if self._logbox is not None else []
        log = log_html(lines, title="controller log (until the view stopped)") if lines else ""
        text = "\n".join([render_text(head), render_text(self._body(snapshot)), *lines])
        return {"text/html": render_html(head) + _ROW.format(view=view, log=log),
                "text/plain": text}

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if static_views() or self.widget is None:
            display(self.snapshot())
        elif self.stopped_at is not None:
            display(self._static_bundle(), raw=True)
        else:
            bundle = self.widget._repr_mimebundle_()
            bundle["text/plain"] = repr(self)
            display(bundle, raw=True, display_id=self._display_id)
            self._displayed = True

    def __repr__(self) -> str:
        state = "static" if static_views() else ("running" if self.running else "stopped")
        return f"<LiveView namespace={self.namespace!r} {state}>"


def live_view(cluster: Any, namespace: str | None, *, log: Any = None,
              tree: bool | None = None, max_children: int | None = 12) -> LiveView:
    """Start a live view of ``namespace``; show it by making it the cell's last expression.

    ``log=operator`` shows the operator's log beside the objects; ``tree`` forces the
    ownership tree (True) or the tables (False) instead of choosing by what is there."""
    return LiveView(cluster, namespace, log=log, tree=tree, max_children=max_children).start()


def stop_live_views() -> None:
    """Stop every live view this kernel started (the notebooks' last cell calls it)."""
    with _running_lock:
        views = list(_running.values())
    for view in views:
        view.stop()
