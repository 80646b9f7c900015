"""Stage 30 in a real browser: run cell by cell, save, restart, reopen — the live view survives.

This is the learner's path that static checks cannot see: JupyterLab 4 rendering the live
view (an ipywidget redrawn from a thread), the log box, autosave and a reopened notebook.
Headless Chromium (the distribution's package: ``apt-get install chromium``) is driven by
Playwright. Run it with ``python3 dev.py browser``; without a Chromium it is skipped, saying
so. Screenshots go to ``$MATHCTL_BROWSER_SHOTS`` (``dev.py browser`` prints where).

Two rounds on a copy of the solution notebook (so the live view has Numbers to show):

1. run every cell up to the clean-up, with the live view still running; save (the saved file
   must carry the widget state — the ``saveState`` setting ``mathctl.notebook.labsettings``
   installs); restart the kernel; reopen: the view is drawn from the saved state.
2. run the whole notebook again, clean-up included (the view stops and its output becomes a
   static copy); save, restart, reopen: the static copy shows.

Each time: no "Error displaying widget", no traceback, and the live view shows the Numbers.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .lab import ROOT, Lab, find_chromium, running_lab, wait_until

STAGE = next((ROOT / "solutions").glob("30-*.ipynb"))
CELL_TIMEOUT_MS = 120_000
WIDGET_ERROR = "Error displaying widget"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

chromium = find_chromium()
try:
    import playwright.sync_api as pw
except ImportError:  # pragma: no cover - playwright is in the test extras
    pw = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium is None, reason=(
        "no Chromium found (install the distribution's package, e.g. `sudo apt-get install "
        "chromium`, or set MATHCTL_CHROMIUM=/path/to/chrome); run with `python3 dev.py browser`")),
    pytest.mark.skipif(pw is None, reason="playwright is not installed (pip install playwright)"),
]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = Path(os.environ.get("MATHCTL_BROWSER_SHOTS") or tmp_path_factory.mktemp("shots"))
    where.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {where}")
    return where


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with running_lab(tmp_path_factory.mktemp("lab"), [STAGE]) as running:
        yield running


@pytest.fixture(scope="module")
def browser_page(lab: Lab) -> Iterator[Any]:
    with pw.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox"], timeout=60_000)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(60_000)
            yield context.new_page()
        finally:
            browser.close()


@pytest.fixture
def page(browser_page: Any, shots: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The page; a failing test leaves a screenshot of what the browser showed."""
    failed_before = request.session.testsfailed
    yield browser_page
    if request.session.testsfailed > failed_before:
        browser_page.screenshot(path=str(shots / f"FAILED-{request.node.name}.png"))


def open_notebook(page: Any, lab: Lab) -> None:
    """Load the lab on the notebook; wait for all its cells (a new notebook model shows one
    empty cell before its content arrives) and an idle kernel."""
    page.goto(lab.open_url(STAGE.name), timeout=60_000)
    saved = json.loads((lab.notebook_dir / STAGE.name).read_text())
    pw.expect(cells(page)).to_have_count(len(saved["cells"]), timeout=60_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        timeout=60_000)


def cells(page: Any) -> Any:
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")


def run_cells(page: Any, last: int) -> None:
    """Run cells 0 … ``last`` with the toolbar's ▶ (run and select the next), as a learner
    does, each code cell waited for until its prompt shows its execution count."""
    all_cells = cells(page)
    all_cells.nth(0).locator(".jp-InputPrompt").click()
    run = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar "
                       "[data-command='notebook:run-cell-and-select-next']")
    for index in range(last + 1):
        cell = all_cells.nth(index)
        pw.expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"), timeout=10_000)
        run.click()
        if "jp-CodeCell" in (cell.get_attribute("class") or ""):
            pw.expect(cell.locator(".jp-InputPrompt")).to_have_text(
                re.compile(r"\[\d+\]"), timeout=CELL_TIMEOUT_MS)


def cell_index(text: str) -> int:
    """The index of the first cell of the stage whose source contains ``text``."""
    sources = ["".join(c["source"]) for c in json.loads(STAGE.read_text())["cells"]]
    return next(i for i, source in enumerate(sources) if text in source)


def live_view_cell(page: Any) -> Any:
    return cells(page).nth(cell_index("live_view(cluster, namespace"))


def save(page: Any, lab: Lab, *, widget_state: bool) -> dict[str, Any]:
    """Ctrl+S, then the saved file: with the live view's widget state when one runs."""
    saved = lab.notebook_dir / STAGE.name
    before = saved.stat().st_mtime_ns
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    wait_until(lambda: saved.stat().st_mtime_ns != before, 30, "the notebook to be saved")
    pw.expect(page.locator(".jp-mod-current.jp-mod-dirty")).to_have_count(0, timeout=30_000)
    nb = json.loads(saved.read_text())
    state = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if widget_state:
        assert state, "the saved notebook has no widget state: is saveState installed?"
    return nb  # type: ignore[no-any-return]


def assert_learner_sees_numbers(page: Any, *, stopped: bool) -> None:
    view = live_view_cell(page).locator(".jp-OutputArea")
    pw.expect(view).to_contain_text("Numbers", timeout=30_000)
    text = view.text_content() or ""
    assert "n15" in text and "FIZZBUZZ" in text, text
    assert ("stopped at" in text) == stopped, text
    assert ("● live" in text) == (not stopped), text
    notebook = page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").text_content() or ""
    assert WIDGET_ERROR not in notebook
    assert "Traceback" not in notebook
    assert page.locator(".jp-OutputArea-output[data-mime-type="
                        "'application/vnd.jupyter.stderr']").count() == 0


def assert_newest_log_line_in_sight(box: Any) -> None:
    """The box scrolls (more lines than fit) and its newest line is at its visible bottom."""
    box.scroll_into_view_if_needed()
    sizes = box.evaluate("e => ({box: e.getBoundingClientRect().bottom, scroll: e.scrollHeight,"
                         " client: e.clientHeight, "
                         "text: e.firstElementChild.getBoundingClientRect().bottom})")
    assert sizes["scroll"] > sizes["client"], sizes  # 15+ lines: more than the box shows
    assert abs(sizes["text"] - sizes["box"]) < 3, sizes


def shoot(page: Any, shots: Path, name: str) -> None:
    live_view_cell(page).scroll_into_view_if_needed()
    live_view_cell(page).locator(".jp-OutputArea").screenshot(path=str(shots / f"{name}-view.png"))
    page.screenshot(path=str(shots / f"{name}-page.png"))


def test_a_running_live_view_survives_save_restart_and_reopen(page: Any, lab: Lab,
                                                               shots: Path) -> None:
    started = time.monotonic()
    open_notebook(page, lab)
    clean_up = cell_index("stop_live_views()")
    # Every cell before the clean-up: the view still runs and shows what the stage built.
    run_cells(page, clean_up - 1)
    assert_learner_sees_numbers(page, stopped=False)
    box = live_view_cell(page).locator(".mathctl-log")
    assert box.count() == 1
    assert_newest_log_line_in_sight(box)
    height = live_view_cell(page).locator(".jp-OutputArea").bounding_box()["height"]
    print(f"live view output: {height:.0f} px tall")
    shoot(page, shots, "1-running")
    save(page, lab, widget_state=True)
    lab.restart_kernel(STAGE.name)
    open_notebook(page, lab)  # a fresh page: the lab reopened
    assert_learner_sees_numbers(page, stopped=False)
    shoot(page, shots, "2-reopened-after-restart")
    print(f"round 1: {time.monotonic() - started:.0f} s")


def test_a_stopped_live_view_is_kept_as_a_static_copy(page: Any, lab: Lab,
                                                      shots: Path) -> None:
    started = time.monotonic()
    open_notebook(page, lab)
    run_cells(page, cells(page).count() - 1)  # the whole notebook, clean-up included
    assert_learner_sees_numbers(page, stopped=True)
    assert_newest_log_line_in_sight(live_view_cell(page).locator(".mathctl-log"))
    shoot(page, shots, "3-stopped")
    nb = save(page, lab, widget_state=False)
    view_outputs = next(c["outputs"] for c in nb["cells"]
                        if "live_view(cluster" in "".join(c["source"]))
    # (the start line the operator prints is a stream output beside the view)
    assert [sorted(o["data"]) for o in view_outputs if "data" in o] == [["text/html", "text/plain"]]
    lab.restart_kernel(STAGE.name)
    open_notebook(page, lab)
    assert_learner_sees_numbers(page, stopped=True)
    shoot(page, shots, "4-stopped-reopened")
    print(f"round 2: {time.monotonic() - started:.0f} s")
