"""The notebooks' live view: widgets redrawn from a watch, or one static snapshot under nbval."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from mathctl.cluster import Cluster, wait_for
from mathctl.views.live import STATIC_ENV, live_view, stamp, stop_live_views, view_of
from mathctl.views.render import render_text
from mathctl.views.snapshot import Snapshot

from .objects import number, tuple_
from .test_snapshot import create_number


def test_the_view_shows_tables_for_flat_objects_and_only_the_tree_once_objects_own_others(
        ) -> None:
    flat = Snapshot.of("ws", {"numbers": [number("n3", 3, "Fizz")]})
    assert render_text(view_of(flat)).splitlines()[0] == "Numbers"
    parent = tuple_("t", [4], all_squares=True, ready=1)
    owned = Snapshot.of("ws", {"numbers": [number("t-0", 4, "4", True, owner=parent)],
                               "tuples": [parent]})
    assert render_text(view_of(owned)).splitlines() == [
        "namespace ws",
        "└── Tuple t  numbers=[4]  allSquares=yes  ready=1/1",
        "    └── Number t-0  value=4  fizzBuzz=4  isSquare=yes",
    ]  # one picture, not the tables and then the same rows again as a tree
    assert render_text(view_of(owned, tree=False)).splitlines()[0] == "Numbers"


def test_the_status_line_says_live_or_when_the_view_stopped() -> None:
    snap = Snapshot.of("ws", {"numbers": [number("n3", 3, "Fizz")]})
    at = 1_700_000_000.0  # 22:13:20 UTC
    import time
    clock = time.strftime("%H:%M:%S", time.localtime(at))
    assert stamp(snap, now=at).plain == f"● live · {clock} · 1 object"
    assert stamp(snap, stopped_at=at).plain == (
        f"■ stopped at {clock} · 1 object then; not updated since "
        "(show_tables() shows what is there now)")


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
    assert "Number seven" not in text  # the tables alone: nothing is owned, no tree
    assert "<pre" in captured.outputs[0].data["text/html"]


def test_live_view_redraws_on_watch_events_and_a_rerun_replaces_it(
        cluster: Cluster, crds: list[str], namespace: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATIC_ENV, raising=False)
    log = widgets.Output()
    first = live_view(cluster, namespace, log=log)
    try:
        assert first.running
        status, row = first.widget.children
        objects, shown_log = row.children
        assert shown_log is log  # the controller's log sits beside the objects
        create_number(cluster.api_client, namespace, "eight", 8)
        wait_for(lambda: "1 object" in status.value, 10, "a redraw counting eight")
        assert "● live" in status.value and "eight" in objects.value
        second = live_view(cluster, namespace)  # re-running the cell
        assert not first.running and second.running
        assert "■ stopped at" in status.value  # the first one says it stopped
        wait_for(lambda: "eight" in second.widget.children[1].children[0].value, 10,
                 "the second view")
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
        seen: list[dict[str, Any]] = []
        reply = kc.execute_interactive("view.stop(); print(view.running)", timeout=30,
                                       output_hook=seen.append)
        assert reply["content"]["status"] == "ok"
        # The widget output becomes static HTML, which a lab without the kernel still shows.
        updates = [m["content"]["data"] for m in seen if m["msg_type"] == "update_display_data"]
        assert len(updates) == 1
        assert "application/vnd.jupyter.widget-view+json" not in updates[0]
        assert "stopped at" in updates[0]["text/html"]
        assert "sent-from-the-test" in updates[0]["text/html"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
