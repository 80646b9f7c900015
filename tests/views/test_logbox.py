"""The live view's log box keeps the last lines, escaped, anchored at the newest one."""

from __future__ import annotations

from mathctl.cluster import wait_for
from mathctl.views.logbox import EMPTY, LogBox, log_html


def test_lines_are_escaped_oldest_first_in_a_box_the_browser_anchors_at_the_bottom() -> None:
    html = log_html(["12:15:22.689 INFO    Number ws/n3: status (2 ms)",
                     "12:15:23.001 WARNING <Tuple> & co"])
    assert "flex-direction: column-reverse" in html and "overflow-y: auto" in html
    # flex: none — JupyterLab gives <pre> overflow: auto, which would let it shrink and scroll
    # itself (at its top) inside the anchored box.
    assert '<pre style="flex: none; overflow: visible;' in html
    assert (">12:15:22 Number ws/n3: status (2 ms)\n"
            "12:15:23 WARNING &lt;Tuple&gt; &amp; co</pre>") in html
    assert EMPTY in log_html([])


def test_a_burst_of_lines_ends_in_one_redraw_holding_the_newest_and_the_cap() -> None:
    box = LogBox(["old"], maxlen=3, interval=0.05)
    for i in range(5):
        box.append_stdout(f"line {i}\n")
    wait_for(lambda: "line 4" in box.widget.value, 5, "the last line drawn")
    assert list(box.lines) == ["line 2", "line 3", "line 4"]
    assert "old" not in box.widget.value
    box.close(title="controller log (stopped)")
    assert "controller log (stopped)" in box.widget.value
