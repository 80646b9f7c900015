"""``%solution <name>`` replaces the cell with the solution cell from solutions/."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbformat.v4 import new_code_cell, new_notebook

from mathctl.notebook import load_ipython_extension
from mathctl.notebook.magic import solution, solution_code

CELL = "def double(n):\n    ### BEGIN SOLUTION double: return 2 * n\n    return 2 * n\n" \
       "    ### END SOLUTION"


@pytest.fixture
def solutions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cell = new_code_cell(CELL)
    cell.metadata["tags"] = ["solution"]
    nbformat.write(new_notebook(cells=[cell, new_code_cell("checks.check_double(double)")]),
                   tmp_path / "10-x.ipynb")
    monkeypatch.setenv("MATHCTL_SOLUTIONS", str(tmp_path))
    return tmp_path


def test_solution_code_is_the_solution_cell_without_markers(solutions: Path) -> None:
    assert solution_code("double") == "def double(n):\n    return 2 * n"


def test_the_magic_sets_the_next_input_replacing_the_cell(solutions: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    ip = InteractiveShell.instance()
    load_ipython_extension(ip)
    ip.run_line_magic("solution", "double")
    assert ip.rl_next_input == "def double(n):\n    return 2 * n"
    assert "run the cell again" in capsys.readouterr().out


def test_unknown_and_missing_names_are_explained(solutions: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    solution("halve")
    assert capsys.readouterr().out == (
        f"No solution called 'halve' in {solutions}. Known solutions: double.\n")
    solution("")
    assert "Say which solution to load" in capsys.readouterr().out


def test_in_a_real_kernel_the_reply_asks_the_frontend_to_replace_the_cell(
        solutions: Path) -> None:
    """What JupyterLab receives: a ``set_next_input`` payload with ``replace: True``."""
    import os

    from jupyter_client.manager import start_new_kernel

    env = {**os.environ, "MATHCTL_SOLUTIONS": str(solutions)}
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        kc.execute_interactive("from mathctl.notebook import *", timeout=120)
        reply = kc.execute_interactive("%solution double", timeout=60)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    payload = [p for p in reply["content"]["payload"] if p["source"] == "set_next_input"]
    assert payload == [{"source": "set_next_input", "text": "def double(n):\n    return 2 * n",
                        "replace": True}]
