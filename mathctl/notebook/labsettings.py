"""JupyterLab settings the workshop needs, installed where this environment's lab reads them.

A live view is an ipywidget. JupyterLab saves a widget's *output* with the notebook but its
*state* only when the widgets extension's ``saveState`` setting is on (off by default), so a
learner's autosaved notebook, reopened after a lab or kernel restart, shows "Error displaying
widget: model not found" where the live view was. JupyterLab merges every JSON file in
``<prefix>/share/jupyter/lab/settings/overrides.d/`` into its defaults (jupyterlab_server's
``_get_overrides``), so installing one file there turns ``saveState`` on for this environment
only, without touching the learner's own settings (a learner may still switch it off).

    python -m mathctl.notebook.labsettings      # install (idempotent); prints the file
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OVERRIDES: dict[str, Any] = {
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True},
}
FILENAME = "mathctl.json"


def overrides_path(prefix: str | Path | None = None) -> Path:
    """Where the lab running from ``prefix`` (default: this interpreter's) reads our file."""
    return (Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings"
            / "overrides.d" / FILENAME)


def install(prefix: str | Path | None = None) -> Path:
    """Write the overrides file unless it is already current; return its path."""
    path = overrides_path(prefix)
    text = json.dumps(OVERRIDES, indent=2) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    path = install()
    if "--quiet" not in (sys.argv[1:] if argv is None else argv):
        print(f"JupyterLab settings for the workshop: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
