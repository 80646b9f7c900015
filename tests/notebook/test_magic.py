"""The notebook magics, in a real IPython shell (and, once, a real kernel):

- ``%%my_controllers`` runs the cell and saves its definitions into ``my_controllers.py``,
  replacing those of the same name and keeping the rest;
- ``%solution <name>`` replaces the cell with the solution cell from solutions/ and runs it —
  and the stub under the magic line does not run over it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbformat.v4 import new_code_cell, new_notebook

from mathctl.controllers.learner import load_controllers
from mathctl.notebook import load_ipython_extension
from mathctl.notebook.magic import HEADER, merge, solution, solution_code

CELL = "def double(n):\n    ### BEGIN SOLUTION double: return 2 * n\n    return 2 * n\n" \
       "    ### END SOLUTION"
STUB = "def double(n):\n    raise NotImplementedError('double: return 2 * n')\n"


@pytest.fixture
def solutions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cell = new_code_cell(CELL)
    cell.metadata["tags"] = ["solution"]
    nbformat.write(new_notebook(cells=[cell, new_code_cell("checks.check_double(double)")]),
                   tmp_path / "10-x.ipynb")
    monkeypatch.setenv("MATHCTL_SOLUTIONS", str(tmp_path))
    return tmp_path


@pytest.fixture
def ip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> InteractiveShell:
    """The IPython shell with the magics, working in a folder of its own."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("MATHCTL_CONTROLLERS", raising=False)
    shell = InteractiveShell.instance()
    load_ipython_extension(shell)
    load_ipython_extension(shell)  # twice, as when the import cell is re-run
    shell.user_ns.pop("double", None)
    return shell


def run(ip: InteractiveShell, cell: str) -> None:
    result = ip.run_cell(cell)
    assert result.success, result.error_in_exec or result.error_before_exec


# --- %solution -------------------------------------------------------------------------------


def test_solution_code_is_the_solution_cell_without_markers(solutions: Path) -> None:
    assert solution_code("double") == "def double(n):\n    return 2 * n"


def test_the_magic_replaces_the_cell_and_the_stub_under_it_does_not_run(
        solutions: Path, ip: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    run(ip, f"%solution double\n{STUB}")
    assert ip.rl_next_input == "def double(n):\n    return 2 * n"
    assert ip.user_ns["double"](21) == 42  # the solution, not the stub below the magic
    assert capsys.readouterr().out == (
        "The solution for double is now in this cell and has run: double is defined.\n")
    run(ip, f"# my attempt\n\n%solution double\n{STUB}")  # comments above it are fine
    assert ip.user_ns["double"](1) == 2


def test_in_a_my_controllers_cell_the_magic_line_stays_and_the_solution_is_saved(
        solutions: Path, ip: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    run(ip, f"%%my_controllers\n%solution double\n{STUB}")
    assert ip.rl_next_input == "%%my_controllers\ndef double(n):\n    return 2 * n"
    assert ip.user_ns["double"](4) == 8
    saved = Path("my_controllers.py").read_text()
    assert saved == HEADER + "\ndef double(n):\n    return 2 * n\n"
    assert capsys.readouterr().out.splitlines() == [
        "Saved double to my_controllers.py.",
        "The solution for double is now in this cell and has run: double is defined."]


def test_unknown_and_missing_names_are_explained(solutions: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    solution("halve")
    assert capsys.readouterr().out == (
        f"No solution called 'halve' in {solutions}. Known solutions: double.\n")
    solution("")
    assert "Say which solution to load" in capsys.readouterr().out


def test_in_a_real_kernel_the_reply_replaces_the_cell_and_the_solution_is_defined(
        solutions: Path, tmp_path: Path) -> None:
    """What JupyterLab receives: a ``set_next_input`` payload with ``replace: True``; and the
    kernel has the solution, not the stub that was under the magic line. A ``%%my_controllers``
    cell's line is named as "your cell" in a learner error."""
    import os

    from jupyter_client.manager import start_new_kernel

    env = {**os.environ, "MATHCTL_SOLUTIONS": str(solutions)}
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        kc.execute_interactive("from mathctl.notebook import *", timeout=120)
        reply = kc.execute_interactive(f"%solution double\n{STUB}", timeout=60)
        outputs: list[str] = []

        def run(code: str) -> None:
            kc.execute_interactive(code, timeout=60, output_hook=lambda msg: outputs.append(
                msg["content"].get("text", "")))

        run("print(double(5))")
        run(f"%%my_controllers {tmp_path / 'mine.py'}\n"
            "def reconcile_number(api, namespace, name):\n"
            "    return {}['status']\n")
        run("from mathctl.controllers.learner import explain\n"
            "try:\n    reconcile_number(None, 'ns', 'n')\n"
            "except KeyError as exc:\n    print(explain(exc, 'reconcile_number').summary)\n")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    payload = [p for p in reply["content"]["payload"] if p["source"] == "set_next_input"]
    assert payload == [{"source": "set_next_input", "text": "def double(n):\n    return 2 * n",
                        "replace": True}]
    assert "".join(outputs).splitlines() == [
        "10",
        "Saved reconcile_number to mine.py.",
        "reconcile_number raised KeyError: 'status' at your cell line 2 (return {}['status']) "
        "— a new object has no status yet: read it with obj.get('status') or {} instead of "
        "obj['status'].",
    ]


# --- %%my_controllers ------------------------------------------------------------------------


def test_a_cell_runs_and_its_definitions_are_saved_replacing_the_same_names(
        ip: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    run(ip, "%%my_controllers\n"
            "import math\n"
            "LIMIT = 10\n"
            "# how many\n"
            "def count(n):\n"
            "    return min(n, LIMIT)\n"
            "def reconcile_number(api, namespace, name):\n"
            "    raise NotImplementedError\n"
            "print('checked', count(3))\n")
    assert capsys.readouterr().out == (
        "checked 3\nSaved math, LIMIT, count, reconcile_number to my_controllers.py.\n")
    assert ip.user_ns["count"](30) == 10
    run(ip, "%%my_controllers\n"
            "from math import isqrt\n"
            "def reconcile_number(api, namespace, name):\n"
            "    return isqrt(16)\n"
            "LIMIT = 20\n")
    text = Path("my_controllers.py").read_text()
    assert text == HEADER + (
        "\nimport math\n\n\nfrom math import isqrt\n\n\nLIMIT = 20\n\n\n# how many\n"
        "def count(n):\n    return min(n, LIMIT)\n\n\n"
        "def reconcile_number(api, namespace, name):\n    return isqrt(16)\n")
    assert ".venv/bin/mathctl run --controllers notebooks/my_controllers.py" in HEADER
    found = load_controllers(Path("my_controllers.py"))
    assert found.reconcilers["Number"](None, "ns", "n") == 4  # type: ignore[arg-type]


def test_an_assignment_that_needs_the_notebook_is_run_but_not_saved(
        ip: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    ip.user_ns["cluster"] = "the notebook's cluster"
    run(ip, "%%my_controllers\n"
            "from math import isqrt\n"
            "ROOTS = [isqrt(i) for i in range(5)]\n"
            "SQUARE = lambda n: n * n\n"
            "where = cluster.upper()\n")
    assert ip.user_ns["where"] == "THE NOTEBOOK'S CLUSTER"
    assert capsys.readouterr().out.splitlines() == [
        "Saved isqrt, ROOTS, SQUARE to my_controllers.py.",
        "Not saved: where (it uses cluster, which my_controllers.py does not define; only "
        "imports, constants and functions go there)."]
    assert "where" not in Path("my_controllers.py").read_text()
    assert load_controllers(Path("my_controllers.py")).reconcilers == {}


def test_a_cell_with_a_syntax_error_saves_nothing(ip: InteractiveShell) -> None:
    result = ip.run_cell("%%my_controllers\ndef broken(:\n    pass\n")
    assert isinstance(result.error_in_exec, SyntaxError)
    assert not Path("my_controllers.py").exists()


def test_a_file_broken_by_hand_is_explained_and_left_alone(
        ip: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    Path("my_controllers.py").write_text("def f(:\n")
    result = ip.run_cell("%%my_controllers\nX = 1\n")
    assert ip.user_ns["X"] == 1  # the cell ran
    assert str(result.error_in_exec).startswith(
        "my_controllers.py line 1 is not valid Python (invalid syntax), so this cell ran but "
        "was not saved: fix ")
    assert "Traceback" not in capsys.readouterr().out
    assert Path("my_controllers.py").read_text() == "def f(:\n"


def test_merge_keeps_what_the_learner_added_by_hand_and_stays_valid_python() -> None:
    by_hand = HEADER + "\nfrom __future__ import annotations\n\n# mine\nX = 1\n\n\n" \
                       "if __name__ == '__main__':\n    print(X)\n"
    merged = merge(by_hand, "import os\nX = 2\ndef f():\n    return X\n")
    ast.parse(merged)
    assert merged == HEADER + (
        "\nfrom __future__ import annotations\n\n\nimport os\n\n\nX = 2\n\n\n"
        "if __name__ == '__main__':\n    print(X)\n\n\ndef f():\n    return X\n")
