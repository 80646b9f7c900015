"""The notebooks' live view: tables and the ownership tree, redrawn as watch events arrive.

``live_view(cluster, namespace, log=operator)`` returns a widget box (an ``HTML`` widget with
the tables and the tree, and the controller's log ``Output`` widget under it) whose content a
``SnapshotWatcher`` thread keeps current while the controller works in its own thread. Only
widget values are updated from the thread — never ``print`` — as ipywidgets asks.

Under nbval (``MATHCTL_STATIC_VIEWS=1``, set by ``python3 dev.py test``) the same call shows
one static snapshot and starts no thread, because nbval ignores ``clear_output`` and a
redrawing cell would pile up outputs. Re-running a cell stops the view it started before.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from rich.console import Group
from rich.text import Text

from mathctl.resources.group import KINDS
from mathctl.views.render import Rendered, render_html
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


def _log_widget(log: Any) -> Any:
    """The Output widget of an operator runner, or the widget itself, or None."""
    if log is None:
        return None
    import ipywidgets as widgets

    if isinstance(log, widgets.Widget):
        return log
    for attr in ("output", "log", "widget"):
        candidate = getattr(log, attr, None)
        if isinstance(candidate, widgets.Widget):
            return candidate
    raise TypeError(f"log= expects an ipywidgets.Output or an operator with an .output widget, "
                    f"got {type(log).__name__}")


def view_of(snapshot: Snapshot, *, tree: bool = True, max_children: int | None = 12) -> Group:
    """The tables of ``snapshot`` and, if asked, its ownership tree."""
    parts = [snapshot_tables(snapshot, KINDS)]
    if tree:
        parts.append(ownership_tree(snapshot, max_children=max_children))
    return Group(*parts)


class LiveView:
    """A live widget for one namespace; ``stop()`` ends its watch threads."""

    def __init__(self, cluster: Any, namespace: str | None, *, log: Any = None,
                 tree: bool = True, max_children: int | None = 12) -> None:
        self._api_client = api_client_of(cluster)
        self.namespace = namespace
        self._log = log
        self._tree = tree
        self._max_children = max_children
        self._watcher: SnapshotWatcher | None = None
        self.widget: Any = None
        self.redraws = 0

    def _render(self, snapshot: Snapshot) -> None:
        stamp = Text(f"live · {time.strftime('%H:%M:%S')} · "
                     f"{len(snapshot.all())} objects", style="dim")
        body = Group(stamp, view_of(snapshot, tree=self._tree, max_children=self._max_children))
        self._html.value = render_html(body)
        self.redraws += 1

    def start(self) -> LiveView:
        """Build the widgets and start watching (a no-op under ``MATHCTL_STATIC_VIEWS``)."""
        if static_views() or self._watcher is not None:
            return self
        import ipywidgets as widgets

        self._html = widgets.HTML(value="<i>listing…</i>")
        children = [self._html]
        log = _log_widget(self._log)
        if log is not None:
            children.append(log)
        self.widget = widgets.VBox(children)
        with _running_lock:
            previous = _running.pop(self.namespace, None)
            _running[self.namespace] = self
        if previous is not None:
            previous.stop()
        self._watcher = SnapshotWatcher(self._api_client, self.namespace, on_change=self._render)
        self._watcher.start()
        return self

    def stop(self) -> None:
        """Stop the watch threads; the widget keeps its last picture."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        with _running_lock:
            if _running.get(self.namespace) is self:
                del _running[self.namespace]

    @property
    def running(self) -> bool:
        return self._watcher is not None and self._watcher.running

    def snapshot(self) -> Rendered:
        """What the view shows now, as a static picture."""
        snapshot = (self._watcher.snapshot() if self._watcher is not None
                    else take_snapshot(self._api_client, self.namespace))
        return Rendered(view_of(snapshot, tree=self._tree, max_children=self._max_children))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if static_views() or self.widget is None:
            display(self.snapshot())
        else:
            display(self.widget)

    def __repr__(self) -> str:
        state = "static" if static_views() else ("running" if self.running else "stopped")
        return f"<LiveView namespace={self.namespace!r} {state}>"


def live_view(cluster: Any, namespace: str | None, *, log: Any = None, tree: bool = True,
              max_children: int | None = 12) -> LiveView:
    """Start a live view of ``namespace``; show it by making it the cell's last expression."""
    return LiveView(cluster, namespace, log=log, tree=tree, max_children=max_children).start()


def stop_live_views() -> None:
    """Stop every live view this kernel started (the notebooks' last cell calls it)."""
    with _running_lock:
        views = list(_running.values())
    for view in views:
        view.stop()
