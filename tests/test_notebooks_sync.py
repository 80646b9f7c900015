"""``notebooks/`` (what learners open) is exactly what ``solutions/`` generates."""

from __future__ import annotations

from mathctl.notebook.exercises import notebooks_dir, out_of_sync, solutions_dir, stage_notebooks


def test_every_stage_has_a_solution_notebook() -> None:
    assert stage_notebooks(solutions_dir()), f"no NN-*.ipynb in {solutions_dir()}"


def test_notebooks_are_generated_from_solutions() -> None:
    problems = out_of_sync(solutions_dir(), notebooks_dir())
    assert not problems, (
        "notebooks/ is out of sync with solutions/:\n  " + "\n  ".join(problems) + "\n"
        "If you changed solutions/, run `python -m mathctl.notebook.exercises` and commit "
        "notebooks/. If you worked through the notebooks in JupyterLab (it saves them), that "
        "is expected: `git stash` or `git checkout notebooks/` restores the pristine copies.")
