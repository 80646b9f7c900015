"""Rendering a rich renderable the same way everywhere: text for nbval, HTML for the learner."""

from __future__ import annotations

from rich.table import Table

from mathctl.views.render import Rendered, render_html, render_text


def test_text_has_no_trailing_spaces_and_html_is_a_styled_pre() -> None:
    table = Table("A", "B")
    table.add_row("1", "two")
    text = render_text(table, width=40)
    assert all(line == line.rstrip() for line in text.splitlines())
    assert "│ 1 │ two │" in text
    html = render_html(table, width=40)
    assert html.startswith("<pre style=") and "two" in html
    shown = Rendered(table, width=40)
    assert repr(shown) == str(shown) == text
    assert shown._repr_html_() == html
