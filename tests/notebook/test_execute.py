"""Refreshing a notebook's stored outputs in a fresh kernel."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from mathctl.notebook.execute import execute


def test_outputs_are_stored_without_run_timings(tmp_path: Path) -> None:
    path = tmp_path / "10-x.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import os\nprint(os.environ['GREETING'])")],
                                metadata={"kernelspec": {"name": "python3",
                                                         "display_name": "Python 3",
                                                         "language": "python"}}), path)
    seconds = execute(path, {"GREETING": "hello from the environment"})
    assert seconds > 0
    cell = nbformat.read(path, as_version=4).cells[0]
    assert cell.outputs[0]["text"] == "hello from the environment\n"
    assert cell.execution_count == 1
    assert "execution" not in cell.metadata  # no timestamps: the file only changes with outputs
    assert "GREETING" not in os.environ  # the caller's environment is restored
