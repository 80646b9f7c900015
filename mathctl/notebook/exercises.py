"""Exercise notebooks are generated from the solution notebooks, so the two cannot drift.

``solutions/NN-*.ipynb`` are the source of truth. In a code cell tagged ``solution`` the lines
between ``### BEGIN SOLUTION <name>: <what to write>`` and ``### END SOLUTION`` are the piece a
learner writes; in ``notebooks/NN-*.ipynb`` (what learners open) they become a stub that says
what to write and raises ``NotImplementedError``, so an unfilled notebook still runs top to
bottom and its check cell answers with a hint. The outputs of the exercise cell, of its check
cell, and of every later cell that mentions the exercise's name are cleared — nbval then
does not compare them; so are those of every cell from the one that starts the learner's own
controllers (it names ``my_controllers.py``) on, since what they show is what the learner's
code did — and those cells are tagged ``nbval-skip``: with the stubs unfilled no controller
acts, so a cell waiting for a child to come back could only time out. (CI still runs them in
the solution notebooks, on the solutions' ``my_controllers.py``.) A later cell that calls an
exercise's function itself (``apply_ingress(…)``, not through its check) is tagged
``nbval-skip`` too: with the stub unfilled it can only raise ``NotImplementedError``. Every
other cell is copied as it is, outputs included.

    python -m mathctl.notebook.exercises            # rewrite notebooks/ from solutions/
    python -m mathctl.notebook.exercises --check    # exit 1 if notebooks/ is out of date

The ``%solution <name>`` magic (``mathctl.notebook.magic``) reads the same blocks back out of
the solution notebooks, so a stuck learner gets exactly the code the solutions run in CI.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

SOLUTION_TAG = "solution"
BEGIN = re.compile(
    r"^(?P<indent>[ \t]*)### BEGIN SOLUTION (?P<name>[A-Za-z_]\w*)(?::[ \t]*(?P<todo>.*?))?[ \t]*$"
)
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
CHECK_CALL = re.compile(r"\bcheck_\w+\(")
NBVAL_SKIP = "nbval-skip"
LEARNER_RUN = re.compile(r"\bmy_controllers\.py\b")
"""A cell running the learner's controllers: ``Operator(…, controllers="my_controllers.py")``."""
STAGE_FILE = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")

_REPO = Path(__file__).resolve().parents[2]


def solutions_dir() -> Path:
    """The solution notebooks: ``$MATHCTL_SOLUTIONS`` or ``solutions/`` of this checkout."""
    return Path(os.environ.get("MATHCTL_SOLUTIONS") or _REPO / "solutions")


def notebooks_dir() -> Path:
    """Where the learners' notebooks live: ``notebooks/`` of this checkout."""
    return _REPO / "notebooks"


class ExerciseError(ValueError):
    """A solution notebook breaks the conventions above; the message says where and how."""


@dataclass(frozen=True)
class Block:
    """One ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region of a solution cell."""

    name: str
    todo: str
    cell_source: str  # the whole cell, markers removed: what ``%solution name`` loads


def _blocks_in(source: str, where: str) -> Iterator[tuple[int, int, re.Match[str]]]:
    """Yield (begin line, end line, begin match) for each solution region of a cell's source."""
    lines = source.splitlines()
    begin: tuple[int, re.Match[str]] | None = None
    for i, line in enumerate(lines):
        if m := BEGIN.match(line):
            if begin is not None:
                raise ExerciseError(f"{where}: '### BEGIN SOLUTION' on line {i + 1} inside another "
                                    "solution region; close the first with '### END SOLUTION'.")
            begin = (i, m)
        elif END.match(line):
            if begin is None:
                raise ExerciseError(f"{where}: '### END SOLUTION' on line {i + 1} has no "
                                    "'### BEGIN SOLUTION <name>: <what to write>' before it.")
            yield begin[0], i, begin[1]
            begin = None
        elif "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
            raise ExerciseError(f"{where}: line {i + 1} looks like a solution marker but is not "
                                "one; write '### BEGIN SOLUTION <name>: <what to write>' or "
                                "'### END SOLUTION' alone on the line.")
    if begin is not None:
        raise ExerciseError(f"{where}: '### BEGIN SOLUTION' on line {begin[0] + 1} is never "
                            "closed; add '### END SOLUTION' after the solution lines.")


def _strip_markers(source: str) -> str:
    return "\n".join(
        line for line in source.splitlines() if not (BEGIN.match(line) or END.match(line))
    )


def _stub(indent: str, name: str, todo: str) -> list[str]:
    return [
        f"{indent}# TODO {name}: {todo}",
        f"{indent}# Stuck? Put `%solution {name}` at the top of this cell and run it.",
        f"{indent}raise NotImplementedError(\"{name} is not written yet\")",
    ]


def _exercise_source(source: str, where: str) -> str:
    lines = source.splitlines()
    out: list[str] = []
    last = 0
    found = False
    for begin, end, m in _blocks_in(source, where):
        found = True
        indent, name, todo = m["indent"], m["name"], m["todo"]
        if not todo:
            raise ExerciseError(f"{where}: solution {name!r} does not say what to write; put it "
                                f"after a colon: '### BEGIN SOLUTION {name}: <what to write>'.")
        if not indent:
            raise ExerciseError(f"{where}: solution {name!r} is not inside a function body. The "
                                "stub raises NotImplementedError, which must only happen when "
                                "the check calls the function; indent the region inside a def.")
        out += lines[last:begin]
        out += _stub(indent, name, todo)
        last = end + 1
    if not found:
        raise ExerciseError(f"{where}: the cell is tagged {SOLUTION_TAG!r} but has no "
                            "'### BEGIN SOLUTION <name>: <what to write>' region.")
    out += lines[last:]
    return "\n".join(out)


def _tags(cell: NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _clear(cell: NotebookNode) -> None:
    cell.outputs = []
    cell.execution_count = None


def _calls_stub(source: str, names: Sequence[str]) -> bool:
    """Whether the cell calls one of the exercises' functions itself: ``name(`` (a check's
    ``check_name(`` or a method ``x.name(`` does not count)."""
    return any(re.search(rf"(?<![.\w]){re.escape(name)}\(", source) for name in names)


def exercise_notebook(solution: NotebookNode, where: str = "<notebook>") -> NotebookNode:
    """Return the exercise notebook for one solution notebook (the argument is not changed).

    Besides the exercise cells, the outputs of every later cell that mentions an exercise's
    name are cleared: what they show depends on the learner's code (a check, a score).
    """
    nb = copy.deepcopy(solution)
    cells = nb.cells
    learner_names: list[str] = []
    learner_running = False
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        if SOLUTION_TAG not in _tags(cell):
            if learner_running:
                cell.metadata["tags"] = [*_tags(cell), NBVAL_SKIP]
            learner_running = learner_running or bool(LEARNER_RUN.search(cell.source))
            if learner_running or any(re.search(rf"\b{re.escape(name)}\b", cell.source)
                                      for name in learner_names):
                _clear(cell)
            if not learner_running and _calls_stub(cell.source, learner_names):
                cell.metadata["tags"] = [*_tags(cell), NBVAL_SKIP]
            continue
        here = f"{where}, cell {index}"
        learner_names += [m["name"] for _b, _e, m in _blocks_in(cell.source, here)]
        cell.source = _exercise_source(cell.source, here)
        cell.metadata["tags"] = [("exercise" if t == SOLUTION_TAG else t) for t in _tags(cell)]
        _clear(cell)
        following = next((c for c in cells[index + 1:] if c.cell_type == "code"), None)
        if following is None or not CHECK_CALL.search(following.source):
            raise ExerciseError(f"{here}: the next code cell after a solution cell must call a "
                                "checker (e.g. checks.check_fizzbuzz(fizzbuzz)) so the learner "
                                "knows at once whether their code works.")
        _clear(following)  # its verdict is on the learner's code, whatever names it mentions
    return nb


def solution_blocks(solution: NotebookNode, where: str = "<notebook>") -> Iterator[Block]:
    """Every solution region of a notebook, with the cell it belongs to."""
    for index, cell in enumerate(solution.cells):
        if cell.cell_type == "code" and SOLUTION_TAG in _tags(cell):
            for _b, _e, m in _blocks_in(cell.source, f"{where}, cell {index}"):
                yield Block(m["name"], m["todo"] or "", _strip_markers(cell.source))


def _read(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def _render(nb: NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def stage_notebooks(directory: Path) -> list[Path]:
    """The stage notebooks of a directory (``NN-name.ipynb``), in stage order."""
    return sorted(p for p in directory.glob("*.ipynb") if STAGE_FILE.match(p.name))


def find_block(name: str, directory: Path | None = None) -> tuple[Path, Block]:
    """The solution region called ``name`` and the notebook it is in."""
    directory = directory or solutions_dir()
    known: list[str] = []
    for path in stage_notebooks(directory):
        for block in solution_blocks(_read(path), path.name):
            if block.name == name:
                return path, block
            known.append(block.name)
    hint = f" Known solutions: {', '.join(sorted(known))}." if known else ""
    raise KeyError(f"No solution called {name!r} in {directory}.{hint}")


def expected_exercises(solutions: Path) -> dict[str, str]:
    """File name → text of every exercise notebook that ``solutions`` implies."""
    names: dict[str, str] = {}
    expected: dict[str, str] = {}
    for path in stage_notebooks(solutions):
        nb = _read(path)
        for block in solution_blocks(nb, path.name):
            if block.name in names:
                raise ExerciseError(f"{path.name}: solution {block.name!r} is also defined in "
                                    f"{names[block.name]}; `%solution {block.name}` must name "
                                    "exactly one region, so rename one of them.")
            names[block.name] = path.name
        expected[path.name] = _render(exercise_notebook(nb, path.name))
    return expected


def out_of_sync(solutions: Path, notebooks: Path) -> list[str]:
    """Why ``notebooks`` differs from what ``solutions`` generates (empty when in sync)."""
    expected = expected_exercises(solutions)
    problems = []
    for name, text in expected.items():
        target = notebooks / name
        if not target.exists():
            problems.append(f"{name}: missing from {notebooks}")
        elif target.read_text(encoding="utf-8") != text:
            problems.append(f"{name}: differs from what {solutions / name} generates")
    for path in stage_notebooks(notebooks):
        if path.name not in expected:
            problems.append(f"{path.name}: has no solution notebook in {solutions}")
    return problems


def write_exercises(solutions: Path, notebooks: Path) -> list[Path]:
    """Rewrite every exercise notebook that differs; return the files written."""
    written = []
    notebooks.mkdir(parents=True, exist_ok=True)
    for name, text in expected_exercises(solutions).items():
        target = notebooks / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mathctl.notebook.exercises",
        description="Generate the exercise notebooks (notebooks/) from the solutions (solutions/).",
    )
    parser.add_argument("--check", action="store_true",
                        help="only check that notebooks/ is in sync; exit 1 if not")
    parser.add_argument("--solutions", type=Path, default=solutions_dir())
    parser.add_argument("--notebooks", type=Path, default=notebooks_dir())
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = out_of_sync(args.solutions, args.notebooks)
            for problem in problems:
                print(problem)
            if problems:
                print("Run `python -m mathctl.notebook.exercises` to regenerate notebooks/.")
                return 1
            print(f"notebooks/ is in sync with {args.solutions}.")
            return 0
        for path in write_exercises(args.solutions, args.notebooks):
            print(f"wrote {path}")
        stale = [p for p in stage_notebooks(args.notebooks)
                 if not (args.solutions / p.name).exists()]
        for path in stale:
            print(f"warning: {path} has no solution notebook; delete it or add the solution.")
        return 0
    except ExerciseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
