"""The ``%solution <name>`` magic: a stuck learner swaps their cell for the solution in one line.

The code comes from the solution notebooks (``mathctl.notebook.exercises.find_block``), the
same cells CI runs, so there is one source. ``from mathctl.notebook import *`` registers the
magic when it runs inside IPython; ``%load_ext mathctl.notebook`` does the same explicitly.
"""

from __future__ import annotations

from typing import Any

from mathctl.notebook.exercises import find_block


def solution_code(name: str) -> str:
    """The whole solution cell that defines ``name``, markers removed."""
    return find_block(name.strip())[1].cell_source


def solution(line: str) -> None:
    """``%solution fizzbuzz``: replace this cell with the solution cell for ``fizzbuzz``."""
    from IPython import get_ipython

    name = line.strip()
    if not name:
        print("Say which solution to load, e.g. `%solution fizzbuzz` "
              "(the name is in the cell's `# TODO <name>:` comment).")
        return
    try:
        code = solution_code(name)
    except KeyError as err:
        print(err.args[0])
        return
    ip = get_ipython()
    if ip is None:
        print(code)
        return
    ip.set_next_input(code, replace=True)
    print(f"The solution for {name} is now in this cell: run the cell again to define it.")


def register(ip: Any) -> None:
    """Register the magic with an IPython shell (idempotent)."""
    ip.register_magic_function(solution, magic_kind="line", magic_name="solution")
