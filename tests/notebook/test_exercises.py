"""Exercise notebooks generated from solution notebooks: stubs, cleared outputs, sync check."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mathctl.notebook.exercises import (
    ExerciseError,
    exercise_notebook,
    find_block,
    main,
    out_of_sync,
    write_exercises,
)

SOLUTION = '''def fizzbuzz(n: int) -> str:
    """FizzBuzz of n."""
    ### BEGIN SOLUTION fizzbuzz: return "Fizz", "Buzz", "FizzBuzz" or str(n)
    if n % 15 == 0:
        return "FizzBuzz"
    return str(n)
    ### END SOLUTION'''


def _executed(source: str, text: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = new_code_cell(source, execution_count=1,
                         outputs=[new_output("stream", name="stdout", text=text)])
    if tags:
        cell.metadata["tags"] = tags
    return cell


def _solution_notebook() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("# Stage"),
        _executed("print('setup')", "setup\n"),
        _executed(SOLUTION, "", tags=["solution"]),
        _executed("checks.check_fizzbuzz(fizzbuzz)", "✓ fizzbuzz: all right\n"),
        _executed("print('after')", "after\n"),
        _executed("print(fizzbuzz(15))", "FizzBuzz\n"),
    ])


def test_solution_region_becomes_a_stub_and_exercise_outputs_are_cleared() -> None:
    solution = _solution_notebook()
    exercise = exercise_notebook(solution)
    cell = exercise.cells[2]
    assert cell.source == '''def fizzbuzz(n: int) -> str:
    """FizzBuzz of n."""
    # TODO fizzbuzz: return "Fizz", "Buzz", "FizzBuzz" or str(n)
    # Stuck? Put `%solution fizzbuzz` at the top of this cell and run it.
    raise NotImplementedError("fizzbuzz is not written yet")'''
    assert cell.metadata["tags"] == ["exercise"]
    for cleared in (exercise.cells[2], exercise.cells[3]):
        assert cleared.outputs == [] and cleared.execution_count is None
    assert exercise.cells[1].outputs == solution.cells[1].outputs  # other cells keep outputs
    assert exercise.cells[4].outputs[0].text == "after\n"
    assert exercise.cells[5].outputs == []  # uses the learner's function: not compared
    # ... and calls it, which the stub answers with NotImplementedError: nbval skips the cell
    assert exercise.cells[5].metadata["tags"] == ["nbval-skip"]
    assert "tags" not in exercise.cells[3].metadata  # a check calls it and never raises
    assert "tags" not in exercise.cells[4].metadata
    assert solution.cells[2].source == SOLUTION  # the solution is not modified
    namespace: dict[str, object] = {}
    exec(cell.source, namespace)  # the stub defines the function; calling it raises
    with pytest.raises(NotImplementedError, match="fizzbuzz is not written yet"):
        namespace["fizzbuzz"](3)  # type: ignore[operator]


def test_the_check_cell_is_cleared_even_when_it_does_not_name_the_exercise() -> None:
    """``check_ingress_diff(diff)`` names neither ``ingress_diff`` nor a stub's name as a word:
    a stored ✓ there would greet a learner who has written nothing yet."""
    solution = new_notebook(cells=[
        _executed(SOLUTION.replace("SOLUTION fizzbuzz:", "SOLUTION fizz_buzz:"), "",
                  tags=["solution"]),
        _executed("check_fizz(fizzbuzz)", "✓ fizz_buzz: all right\n"),
    ])
    assert exercise_notebook(solution).cells[1].outputs == []


@pytest.mark.parametrize(("source", "message"), [
    ("def f():\n    ### BEGIN SOLUTION f\n    return 1\n    ### END SOLUTION",
     "does not say what to write"),
    ("### BEGIN SOLUTION f: write it\nx = 1\n### END SOLUTION", "not inside a function body"),
    ("def f():\n    ### BEGIN SOLUTION f: write it\n    return 1", "never closed"),
    ("def f():\n    return 1\n    ### END SOLUTION", "has no '### BEGIN SOLUTION"),
    ("def f():\n    return 1", "has no '### BEGIN SOLUTION <name>"),
    ("def f():\n    ### BEGIN SOLUTION: oops\n    return 1\n    ### END SOLUTION",
     "looks like a solution marker"),
])
def test_malformed_solution_cells_are_refused_with_the_fix(source: str, message: str) -> None:
    nb = new_notebook(cells=[_executed(source, "", tags=["solution"]),
                             _executed("checks.check_f(f)", "")])
    with pytest.raises(ExerciseError, match=message):
        exercise_notebook(nb, "10-x.ipynb")


def test_a_solution_cell_must_be_followed_by_a_check_cell() -> None:
    nb = new_notebook(cells=[_executed(SOLUTION, "", tags=["solution"]),
                             _executed("print(fizzbuzz(3))", "3\n")])
    with pytest.raises(ExerciseError, match="must call a checker"):
        exercise_notebook(nb)


def test_sync_check_write_and_solution_lookup(tmp_path: Path) -> None:
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir()
    nbformat.write(_solution_notebook(), solutions / "30-fizz.ipynb")
    assert out_of_sync(solutions, notebooks) == [f"30-fizz.ipynb: missing from {notebooks}"]
    assert write_exercises(solutions, notebooks) == [notebooks / "30-fizz.ipynb"]
    assert out_of_sync(solutions, notebooks) == []
    assert write_exercises(solutions, notebooks) == []  # nothing to rewrite
    args = ["--solutions", str(solutions), "--notebooks", str(notebooks)]
    assert main(["--check", *args]) == 0

    (notebooks / "30-fizz.ipynb").write_text(
        (notebooks / "30-fizz.ipynb").read_text().replace("TODO", "DONE"))
    nbformat.write(_solution_notebook(), notebooks / "90-orphan.ipynb")
    assert out_of_sync(solutions, notebooks) == [
        "30-fizz.ipynb: differs from what " f"{solutions / '30-fizz.ipynb'} generates",
        f"90-orphan.ipynb: has no solution notebook in {solutions}",
    ]
    assert main(["--check", *args]) == 1

    path, block = find_block("fizzbuzz", solutions)
    assert path == solutions / "30-fizz.ipynb"
    assert "### BEGIN" not in block.cell_source and 'return "FizzBuzz"' in block.cell_source
    with pytest.raises(KeyError, match="Known solutions: fizzbuzz"):
        find_block("nope", solutions)


def test_two_regions_with_one_name_are_refused(tmp_path: Path) -> None:
    for stage in ("30-a", "40-b"):
        nbformat.write(_solution_notebook(), tmp_path / f"{stage}.ipynb")
    with pytest.raises(ExerciseError, match=r"also defined in 30-a\.ipynb"):
        out_of_sync(tmp_path, tmp_path / "out")
