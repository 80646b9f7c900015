"""The notebooks' live view: widgets redrawn from a watch, or one static snapshot under nbval."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from mathctl.cluster import Cluster, wait_for
from mathctl.views.live import STATIC_ENV, live_view, stop_live_views

from .test_snapshot import create_number


def test_static_views_show_one_snapshot_and_start_no_thread(
        cluster: Cluster, crds: list[str], namespace: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATIC_ENV, "1")
    create_number(cluster.api_client, namespace, "seven", 7)
    view = live_view(cluster, namespace, log=widgets.Output())
    assert not view.running and view.widget is None
    InteractiveShell.instance()
    with capture_output() as captured:
        view._ipython_display_()
    assert len(captured.outputs) == 1  # one picture, nothing that redraws
    text = captured.outputs[0].data["text/plain"]
    assert text.splitlines()[:4] == [
        "Numbers",
        "NAME    VALUE   FIZZBUZZ   SQUARE   READY   OBSERVED   OWNER",
        "────────────────────────────────────────────────────────────",
        "seven   7       …          …        …       …/1",
    ]
    assert text.splitlines()[-1] == (
        "└── Number seven  value=7  fizzBuzz=…  isSquare=…  (no status yet)")
    assert "<pre" in captured.outputs[0].data["text/html"]


def test_live_view_redraws_on_watch_events_and_a_rerun_replaces_it(
        cluster: Cluster, crds: list[str], namespace: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATIC_ENV, raising=False)
    log = widgets.Output()
    first = live_view(cluster, namespace, log=log)
    try:
        assert first.running
        assert first.widget.children[1] is log  # the controller's log sits under the view
        create_number(cluster.api_client, namespace, "eight", 8)
        wait_for(lambda: "eight" in first.widget.children[0].value, 10, "a redraw with eight")
        second = live_view(cluster, namespace)  # re-running the cell
        assert not first.running and second.running
        wait_for(lambda: "eight" in second.widget.children[0].value, 10, "the second view")
    finally:
        stop_live_views()
    assert not second.running
