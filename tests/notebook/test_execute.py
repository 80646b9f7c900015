"""Refreshing a notebook's stored outputs in a fresh kernel."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from mathctl.notebook.execute import execute, run_specific


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


def test_stored_outputs_show_no_value_of_the_authors_run(tmp_path: Path) -> None:
    """The server's port, the run's MATHCTL_HOME and temp paths become placeholders."""
    home = tmp_path / "mathctl-execute-abc123"
    path = tmp_path / "10-x.ipynb"
    code = (
        "import tempfile\n"
        "from IPython.display import HTML, display\n"
        f"print('embedded cluster at https://127.0.0.1:42817, your namespace: ws')\n"
        f"print('export KUBECONFIG={home}/kubeconfig')\n"
        "print('Writing ' + tempfile.mkdtemp(prefix='mathctl-test-') + '/test_x.py')\n"
        "display(HTML('<b>server</b> 127.0.0.1:42817'))\n"
        "'127.0.0.1:428170 is another port'")
    nbformat.write(new_notebook(cells=[new_code_cell(code)],
                                metadata={"kernelspec": {"name": "python3",
                                                         "display_name": "Python 3",
                                                         "language": "python"}}), path)
    execute(path, {}, run_specific(str(home), 42817))
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert outputs[0]["text"] == (
        "embedded cluster at https://127.0.0.1:<port>, your namespace: ws\n"
        "export KUBECONFIG=<MATHCTL_HOME>/kubeconfig\n"
        "Writing <tmp>/test_x.py\n")
    assert outputs[1]["data"]["text/html"] == "<b>server</b> 127.0.0.1:&lt;port&gt;"
    assert outputs[2]["data"]["text/plain"] == "'127.0.0.1:428170 is another port'"
