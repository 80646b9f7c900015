"""The notebook magics: ``%%my_controllers`` keeps the learner's file, ``%solution`` unsticks.

``%%my_controllers`` (first line of an exercise cell in stages 30, 40, 50 and 60) runs the cell
in the kernel as usual — so the check cell after it can call the functions — and saves the
cell's top-level definitions (``def``, ``class``, assignments, imports) into
``my_controllers.py`` beside the notebook (:func:`mathctl.controllers.learner.controllers_path`):
each replaces the definition of the same name already there, everything else in the file is
kept, and the file stays importable Python. That file is what the operator runs
(``Operator(..., controllers="my_controllers.py")``, ``mathctl run --controllers …``): the
learner's controllers grow in one file, stage by stage, as the Go workshop's repository did.

``%solution <name>`` at the top of an exercise cell swaps the cell for the solution cell that
defines ``name`` and runs it. The code comes from the solution notebooks
(``mathctl.notebook.exercises.find_block``), the same cells CI runs, so there is one source.
The stub below the magic line must not run after it (it would define the unfilled function
again, over the solution): an input transformer sees a cell that starts with ``%solution``
(after ``%%my_controllers``, blank lines or comments) and runs only the magic. In a
``%%my_controllers`` cell that line stays on top of the solution, and the solution is saved too.

``from mathctl.notebook import *`` registers both when it runs inside IPython;
``%load_ext mathctl.notebook`` does the same explicitly.
"""

from __future__ import annotations

import ast
import builtins
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mathctl.notebook.exercises import find_block

CELL_MAGIC = "my_controllers"
_WITHIN = "--in-my-controllers"
_SOLUTION_LINE = re.compile(r"^\s*%solution\b(?P<args>.*)$")
_MAGIC_LINE = re.compile(rf"^\s*%%{CELL_MAGIC}\b(?P<args>.*)$")

HEADER = """\
# my_controllers.py: your controllers, as the %%my_controllers cells of the mathctl notebooks
# saved them. Each such cell replaces the definitions of the same name here and keeps the rest.
# The notebooks run this file (Operator(cluster, namespace=..., controllers="my_controllers.py"));
# from a terminal in the mathctl checkout, against the same cluster and namespace:
#     .venv/bin/mathctl run --controllers notebooks/my_controllers.py
"""


# --- %solution --------------------------------------------------------------------------------


def solution_code(name: str) -> str:
    """The whole solution cell that defines ``name``, markers removed."""
    return find_block(name.strip())[1].cell_source


def solution(line: str) -> None:
    """``%solution fizzbuzz``: replace this cell with the solution cell for ``fizzbuzz`` and
    run it (in a ``%%my_controllers`` cell the magic line stays on top)."""
    from IPython import get_ipython

    parts = line.split()
    within = _WITHIN in parts
    names = [p for p in parts if p != _WITHIN]
    if not names:
        print("Say which solution to load, e.g. `%solution fizzbuzz` "
              "(the name is in the cell's `# TODO <name>:` comment).")
        return
    name = names[0]
    try:
        code = solution_code(name)
    except KeyError as err:
        print(err.args[0])
        return
    if within and not _MAGIC_LINE.match(code.split("\n", 1)[0]):
        code = f"%%{CELL_MAGIC}\n{code}"
    ip = get_ipython()
    if ip is None:
        print(code)
        return
    ip.set_next_input(code, replace=True)
    try:
        _run(ip, code)
    except Exception as exc:  # the cell holds the solution anyway; say what to run first
        print(f"The solution for {name} is now in this cell, but running it raised "
              f"{type(exc).__name__}: {exc}. Run the cells above it first, then this one.")
        return
    print(f"The solution for {name} is now in this cell and has run: {name} is defined.")


def _run(ip: Any, code: str) -> None:
    first, _, body = code.partition("\n")
    magic = _MAGIC_LINE.match(first)
    if magic:
        ip.run_cell_magic(CELL_MAGIC, magic["args"].strip(), body)
    else:
        _execute(ip, code)


def _execute(ip: Any, code: str) -> None:
    """Run ``code`` in the user's namespace, its source registered for tracebacks."""
    transformed = ip.transform_cell(code)
    filename = ip.compile.cache(transformed, ip.execution_count, raw_code=code)
    exec(compile(transformed, filename, "exec"), ip.user_ns)


def solution_first(lines: list[str]) -> list[str]:
    """IPython input transformer: a cell whose first line (after ``%%my_controllers``, blank
    lines and comments) is ``%solution name`` becomes that magic alone — the stub under it
    must not run over the solution."""
    rest = lines
    within = bool(rest) and _MAGIC_LINE.match(rest[0]) is not None
    if within:
        rest = rest[1:]
    for text in rest:
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        found = _SOLUTION_LINE.match(text)
        if found is None:
            return lines
        args = found["args"].strip() + (f" {_WITHIN}" if within else "")
        return [f"%solution {args}\n"]
    return lines


# --- %%my_controllers -------------------------------------------------------------------------


def my_controllers(line: str, cell: str) -> None:
    """``%%my_controllers [FILE]``: run the cell, then save its definitions into the learner's
    file (default ``my_controllers.py`` here, see ``controllers_path()``)."""
    from IPython import get_ipython

    from mathctl.controllers.learner import controllers_path

    ip = get_ipython()
    path = Path(line.strip()).absolute() if line.strip() else controllers_path()
    code = ip.transform_cell(cell) if ip is not None else cell
    definitions(code)  # a SyntaxError stops here: nothing runs, nothing is saved
    if ip is not None:
        _execute(ip, cell)
    saved, skipped = save_definitions(path, code)
    if saved:
        names = ", ".join(n for block in saved for n in sorted(block.names))
        print(f"Saved {names} to {path.name}.")
    for block, missing in skipped:
        print(f"Not saved: {', '.join(sorted(block.names))} (it uses {', '.join(sorted(missing))}"
              f", which {path.name} does not define; only imports, constants and functions go "
              "there).")


@dataclass(frozen=True)
class Definition:
    """One top-level statement of a file or cell: the names it binds, the names its
    top-level code reads (an assignment's value), and its text."""

    names: frozenset[str]
    text: str
    is_import: bool = False
    is_future: bool = False
    needs: frozenset[str] = frozenset()


def definitions(code: str) -> list[Definition]:
    """The top-level ``def``/``class``/assignments/imports of ``code``, with the comment lines
    directly above each (other statements — calls, checks, loops — are not saved)."""
    tree = ast.parse(code)
    lines = code.splitlines()
    found = []
    for stmt in tree.body:
        names = _bound(stmt)
        if not names:
            continue
        start = _start(stmt)
        while start > 1 and lines[start - 2].lstrip().startswith("#"):
            start -= 1
        found.append(_definition(stmt, names, "\n".join(lines[start - 1:stmt.end_lineno])))
    return found


def plan(existing: str, code: str) -> tuple[list[Definition],
                                             list[tuple[Definition, frozenset[str]]]]:
    """Which of ``code``'s definitions go into the file ``existing``, and which do not because
    they read names neither defines (``api = CustomObjectsApi(cluster.api_client)`` would
    break the file on import), with those names."""
    blocks = _blocks(existing.removeprefix(HEADER)) if existing.strip() else []
    new = definitions(code)
    known = set(dir(builtins)).union(*(b.names for b in blocks), *(d.names for d in new))
    saved, skipped = [], []
    for definition in new:
        missing = definition.needs - known
        if missing:
            skipped.append((definition, frozenset(missing)))
        else:
            saved.append(definition)
    return saved, skipped


def merge(existing: str, code: str) -> str:
    """``existing`` (a learner file) with the definitions of ``code`` put in (see
    :func:`plan`): each replaces the one binding the same name, new ones are added (imports
    after the other imports), and everything else is kept."""
    return _merged(existing, plan(existing, code)[0])


def _merged(existing: str, definitions: list[Definition]) -> str:
    blocks = _blocks(existing.removeprefix(HEADER))
    for new in definitions:
        if new.is_import:
            if any(b.text == new.text for b in blocks):
                continue
            at = 0 if new.is_future else max(
                (i + 1 for i, b in enumerate(blocks) if b.is_import), default=0)
            blocks.insert(at, new)
            continue
        same = [i for i, b in enumerate(blocks) if not b.is_import and b.names & new.names]
        if not same:
            blocks.append(new)
            continue
        blocks[same[0]] = new
        for i in reversed(same[1:]):
            del blocks[i]
    body = "\n\n\n".join(b.text for b in blocks)
    return HEADER + ("\n" + body + "\n" if body else "")


def save_definitions(path: Path, code: str) -> tuple[list[Definition],
                                                      list[tuple[Definition, frozenset[str]]]]:
    """Merge ``code``'s definitions into the file at ``path`` (created with its header);
    returns :func:`plan`'s answer. Nothing to save leaves the file as it is."""
    existing = path.read_text() if path.is_file() else ""
    try:
        ast.parse(existing)
    except SyntaxError as exc:
        from mathctl.controllers.learner import LearnerCodeError

        raise LearnerCodeError(
            f"{path.name} line {exc.lineno} is not valid Python ({exc.msg}), so this cell "
            f"ran but was not saved: fix {path} by hand (or delete it and run the "
            "%%my_controllers cells again).") from None
    saved, skipped = plan(existing, code)
    if not saved:
        return saved, skipped
    merged = _merged(existing, saved)
    ast.parse(merged)  # never leave a file that cannot be imported
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(merged)
    os.replace(tmp, path)
    return saved, skipped


def _blocks(source: str) -> list[Definition]:
    """Every top-level statement of a file, each with the comments and blank lines above it."""
    tree = ast.parse(source)
    lines = source.splitlines()
    blocks: list[Definition] = []
    done = 0
    for stmt in tree.body:
        end = stmt.end_lineno or stmt.lineno
        text = "\n".join(lines[done:end]).strip("\n")
        blocks.append(_definition(stmt, _bound(stmt), text))
        done = end
    tail = "\n".join(lines[done:]).strip("\n")
    if tail:
        blocks.append(Definition(frozenset(), tail))
    return blocks


def _definition(stmt: ast.stmt, names: frozenset[str], text: str) -> Definition:
    is_import = isinstance(stmt, ast.Import | ast.ImportFrom)
    is_future = isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"
    value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
    return Definition(names, text, is_import, is_future, _free_names(value))


def _free_names(value: ast.expr | None) -> frozenset[str]:
    """Names an expression reads from outside itself (not a comprehension's or lambda's own)."""
    if value is None:
        return frozenset()
    nodes = list(ast.walk(value))
    own = {n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    own |= {n.arg for n in nodes if isinstance(n, ast.arg)}
    return frozenset(n.id for n in nodes if isinstance(n, ast.Name)
                     and isinstance(n.ctx, ast.Load)) - own


def _start(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None) or []
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _bound(stmt: ast.stmt) -> frozenset[str]:
    """The names a saved statement binds (empty for a statement that is not saved)."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return frozenset({stmt.name})
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return frozenset((a.asname or a.name).split(".")[0] for a in stmt.names)
    if isinstance(stmt, ast.Assign):
        return frozenset(n.id for t in stmt.targets for n in ast.walk(t)
                         if isinstance(n, ast.Name))
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
        return frozenset({stmt.target.id})
    return frozenset()


# --- registration -------------------------------------------------------------------------------


def register(ip: Any) -> None:
    """Register both magics and the ``%solution`` transformer with an IPython shell
    (idempotent)."""
    ip.register_magic_function(solution, magic_kind="line", magic_name="solution")
    ip.register_magic_function(my_controllers, magic_kind="cell", magic_name=CELL_MAGIC)
    cleanup = ip.input_transformers_cleanup
    cleanup[:] = [t for t in cleanup if getattr(t, "__name__", "") != solution_first.__name__]
    cleanup.append(solution_first)
