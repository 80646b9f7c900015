"""The installed overrides file is one JupyterLab really reads, and it turns saveState on."""

from __future__ import annotations

from pathlib import Path

from jupyterlab_server.settings_utils import _get_overrides

from mathctl.notebook.labsettings import install, overrides_path


def test_the_lab_reads_save_state_from_the_installed_file(tmp_path: Path) -> None:
    path = install(tmp_path)
    assert path == overrides_path(tmp_path)
    assert install(tmp_path) == path  # idempotent
    overrides, error = _get_overrides(str(tmp_path / "share" / "jupyter" / "lab" / "settings"))
    assert error == ""
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}


def test_the_setting_exists_in_the_installed_widgets_extension() -> None:
    """Guard against a renamed setting: the schema shipped with jupyterlab_widgets has it."""
    import json
    import sys

    schema = (Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter-widgets"
              / "jupyterlab-manager" / "schemas" / "@jupyter-widgets" / "jupyterlab-manager"
              / "plugin.json")
    assert json.loads(schema.read_text())["properties"]["saveState"]["type"] == "boolean"
