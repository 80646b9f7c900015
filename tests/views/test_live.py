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


def test_in_a_real_kernel_the_thread_updates_reach_the_frontend(
        cluster: Cluster, crds: list[str], namespace: str) -> None:
    """The widget is redrawn from the watch thread: comm messages arrive on iopub."""
    import os
    from queue import Empty

    from jupyter_client.manager import start_new_kernel

    env = {k: v for k, v in os.environ.items() if k != STATIC_ENV}
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        kc.execute_interactive(
            "from kubernetes import config\n"
            "from mathctl.views.live import live_view\n"
            f"api = config.new_client_from_config(config_file={cluster.kubeconfig!r}, "
            f"context={cluster.context!r})\n"
            f"view = live_view(api, {namespace!r})\n"
            "display(view)", timeout=120)
        create_number(cluster.api_client, namespace, "sent-from-the-test", 21)

        def redraw_seen() -> bool:
            try:
                msg = kc.get_iopub_msg(timeout=0.5)
            except Empty:
                return False
            state = msg["content"].get("data", {}).get("state", {})
            return msg["msg_type"] == "comm_msg" and "sent-from-the-test" in str(
                state.get("value", ""))

        wait_for(redraw_seen, 30, "a widget update carrying the new Number")
        reply = kc.execute_interactive("view.stop(); print(view.running)", timeout=30)
        assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
