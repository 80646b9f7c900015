"""The side-by-side view of scenario results: a rich table for the terminal, HTML for notebooks.

Why it exists: ``mathctl scenarios`` prints one row per scenario (reconcile loop | event
switch: converged or what differs, and the writes made), and the notebook shows the same as
HTML, plus each scenario's two timelines beside each other. Both are pure functions of the
result dataclasses (:mod:`mathctl.scenarios.results`), which hold nothing run-specific, so the
output is identical on every run — nbval can compare it, and the tests compare exact text from
a fixed-width ``Console``.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from mathctl.scenarios.results import EntrySource, ScenarioResult, SideResult, TimelineEntry

GOOD, BAD = "✔", "✘"


def _verdict(side: SideResult) -> Text:
    if side.converged:
        return Text(f"{GOOD} converged", style="green")
    text = Text(f"{BAD} diverged", style="bold red")
    for difference in side.differences:
        text.append(f"\n  {difference}", style="red")
    return text


def _side_cell(side: SideResult) -> Text:
    text = _verdict(side)
    text.append(f"\n{side.writes_summary()}", style="dim")
    return text


_EVENT = re.compile(r"^(?P<kind>\w+) (?P<name>\S+) (?P<type>[A-Z]+(?: \(relist\))?)")


def timeline_lines(side: SideResult) -> list[tuple[EntrySource, str]]:
    """The timeline as lines, with runs of quiet events folded into one.

    Consecutive events of one kind and type that caused no write and got the same note
    (``Number tuple-x-0 ADDED``, ``… tuple-x-1 ADDED`` — "in sync" or "ignored") read as
    ``→ Number tuple-x-0, tuple-x-1 ADDED (note)``. Every event with a write keeps its line.
    """
    lines: list[tuple[EntrySource, str]] = []
    run: list[TimelineEntry] = []

    def flush() -> None:
        if len(run) > 1:
            first = _EVENT.match(run[0].text)
            assert first is not None
            names = ", ".join(_EVENT.match(e.text)["name"] for e in run)  # type: ignore[index]
            note = f" ({run[0].note})" if run[0].note else ""
            lines.append(("event", f"→ {first['kind']} {names} {first['type']}{note}"))
        elif run:
            lines.append(("event", str(run[0])))
        run.clear()

    for entry in side.timeline:
        match = _EVENT.match(entry.text) if entry.source == "event" else None
        if match is None or entry.actions:
            flush()
            lines.append((entry.source, str(entry)))
            continue
        if run:
            last = _EVENT.match(run[-1].text)
            assert last is not None
            if (last["kind"], last["type"], run[-1].note) != (
                    match["kind"], match["type"], entry.note):
                flush()
        run.append(entry)
    flush()
    return lines


_STYLES: dict[EntrySource, str] = {"you": "bold", "event": "", "missed": "yellow",
                                   "controller": "cyan"}


def _timeline(side: SideResult) -> Text:
    text = Text()
    for i, (source, line) in enumerate(timeline_lines(side)):
        text.append(("\n" if i else "") + line, style=_STYLES[source])
    return text


def summary_table(results: Sequence[ScenarioResult]) -> Table:
    """One row per scenario: what each side ended with, and the writes it made."""
    table = Table(title="Event switch vs reconcile loop, under the same faults",
                  show_lines=True, expand=False)
    table.add_column("scenario")
    table.add_column("reconcile loop")
    table.add_column("event switch")
    for r in results:
        table.add_row(Text(r.title, style="bold"), _side_cell(r.reconcile),
                      _side_cell(r.event_switch))
    table.caption = _tally(results)
    return table


def _tally(results: Sequence[ScenarioResult]) -> str:
    n = len(results)
    rec = sum(1 for r in results if r.reconcile.converged)
    evs = sum(1 for r in results if r.event_switch.converged)
    return f"converged: reconcile loop {rec} of {n}, event switch {evs} of {n}"


def scenario_renderable(result: ScenarioResult) -> Group:
    """One scenario in full: what it models, both end states, writes, and the two timelines."""
    table = Table(show_lines=True, expand=False)
    table.add_column("", style="bold")
    table.add_column("reconcile loop")
    table.add_column("event switch")
    table.add_row("end state", _verdict(result.reconcile), _verdict(result.event_switch))
    table.add_row("writes", result.reconcile.writes_summary(),
                  result.event_switch.writes_summary())
    table.add_row("timeline", _timeline(result.reconcile), _timeline(result.event_switch))
    head = Text(result.title, style="bold")
    head.append(f"\n{result.models}", style="italic")
    return Group(head, table)


def render_text(renderable: Any, width: int = 120) -> str:
    """Plain text of a renderable at a fixed width (no colour): what ``str()`` shows."""
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(renderable.__rich__() if hasattr(renderable, "__rich__") else renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in out.splitlines())


# --- HTML ------------------------------------------------------------------------------------

_CSS = ("<style>.mathctl-scn td,.mathctl-scn th{text-align:left;vertical-align:top;"
        "padding:4px 8px}.mathctl-scn .ok{color:#1a7f37}.mathctl-scn .bad{color:#cf222e}"
        ".mathctl-scn .dim{color:#666}.mathctl-scn .you{font-weight:bold}"
        ".mathctl-scn .missed{color:#9a6700}.mathctl-scn .controller{color:#0969da}"
        ".mathctl-scn ol{margin:0;padding-left:1.2em}</style>")


def _verdict_html(side: SideResult) -> str:
    if side.converged:
        return f'<span class="ok">{GOOD} converged</span>'
    items = "".join(f"<li>{html.escape(d)}</li>" for d in side.differences)
    return f'<span class="bad">{BAD} diverged</span><ul class="bad">{items}</ul>'


def _side_html(side: SideResult) -> str:
    return f'{_verdict_html(side)}<div class="dim">{html.escape(side.writes_summary())}</div>'


def _timeline_html(side: SideResult) -> str:
    items = "".join(f'<li class="{source}">{html.escape(line)}</li>'
                    for source, line in timeline_lines(side))
    return f"<ol>{items}</ol>"


def summary_html(results: Sequence[ScenarioResult]) -> str:
    rows = "".join(
        f"<tr><td><b>{html.escape(r.title)}</b><div class=\"dim\">{html.escape(r.models)}</div>"
        f"</td><td>{_side_html(r.reconcile)}</td><td>{_side_html(r.event_switch)}</td></tr>"
        for r in results)
    return (f'{_CSS}<table class="mathctl-scn"><caption>{html.escape(_tally(results))}'
            "</caption><thead><tr><th>scenario</th><th>reconcile loop</th><th>event switch</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>")


def scenario_html(result: ScenarioResult) -> str:
    r, e = result.reconcile, result.event_switch
    return (f'{_CSS}<div class="mathctl-scn"><b>{html.escape(result.title)}</b><br>'
            f"<i>{html.escape(result.models)}</i><table><thead><tr><th></th>"
            "<th>reconcile loop</th><th>event switch</th></tr></thead><tbody>"
            f"<tr><th>end state</th><td>{_verdict_html(r)}</td><td>{_verdict_html(e)}</td></tr>"
            f"<tr><th>writes</th><td>{html.escape(r.writes_summary())}</td>"
            f"<td>{html.escape(e.writes_summary())}</td></tr>"
            f"<tr><th>timeline</th><td>{_timeline_html(r)}</td><td>{_timeline_html(e)}</td></tr>"
            "</tbody></table></div>")


@dataclass(frozen=True)
class Report:
    """Several scenario results: shows as the side-by-side summary table."""

    results: tuple[ScenarioResult, ...]

    def __rich__(self) -> Table:
        return summary_table(self.results)

    def _repr_html_(self) -> str:
        return summary_html(self.results)

    def __str__(self) -> str:
        return render_text(self)
