"""Re-run solution notebooks and store their outputs, the way CI will compare them.

The outputs saved in ``solutions/*.ipynb`` are what nbval compares (cells marked
``# NBVAL_CHECK_OUTPUT``) and what learners see in ``notebooks/`` outside the exercise cells. They
must come from a run like CI's: a private, fresh embedded cluster (its own ``MATHCTL_HOME``)
and static views (``MATHCTL_STATIC_VIEWS=1``). This module does that run with nbclient, writes
the outputs back, reports each notebook's time, and regenerates ``notebooks/``.

A learner reads these outputs before running anything, so nothing of the author's run may show:
the run's server address and port, its temporary ``MATHCTL_HOME`` (the kubeconfig path) and
other temporary paths are replaced by placeholders (``127.0.0.1:<port>``, ``<MATHCTL_HOME>``,
``<tmp>``) before the outputs are stored (``scrub``).

    python -m mathctl.notebook.execute              # every stage
    python -m mathctl.notebook.execute 30 50        # the stages whose file names start so
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat

from mathctl.notebook.exercises import (
    notebooks_dir,
    solutions_dir,
    stage_notebooks,
    write_exercises,
)

CELL_TIMEOUT = 120
_TEXT_KEYS = ("text/plain", "text/html", "text/markdown")


def run_specific(home: str, port: int | None) -> list[tuple[re.Pattern[str], str]]:
    """What a stored output must not show, most specific first, and what shows instead."""
    tmp = re.escape(tempfile.gettempdir().rstrip("/"))
    found = [(re.compile(re.escape(home.rstrip("/"))), "<MATHCTL_HOME>")]
    if port is not None:
        found.append((re.compile(rf"(127\.0\.0\.1|localhost):{port}\b"), r"\1:<port>"))
    found.append((re.compile(tmp + r"/[A-Za-z0-9_.-]+"), "<tmp>"))
    return found


def _replace(text: str, patterns: Sequence[tuple[re.Pattern[str], str]], *,
             escaped: bool) -> str:
    for pattern, placeholder in patterns:
        text = pattern.sub(html.escape(placeholder) if escaped else placeholder, text)
    return text


def scrub(nb: nbformat.NotebookNode, patterns: Sequence[tuple[re.Pattern[str], str]]) -> int:
    """Replace run-specific values in every output of ``nb``; returns how many outputs changed."""
    changed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            before = repr(output)
            if "text" in output:
                output["text"] = _replace(output["text"], patterns, escaped=False)
            for key in _TEXT_KEYS:
                value = output.get("data", {}).get(key)
                if isinstance(value, str):
                    output["data"][key] = _replace(value, patterns, escaped=key == "text/html")
            changed += repr(output) != before
    return changed


def execute(path: Path, env: dict[str, str],
            scrubbed: Sequence[tuple[re.Pattern[str], str]] = ()) -> float:
    """Run one notebook in a fresh kernel (cwd: its folder) and write its outputs back."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    started = time.monotonic()
    saved = dict(os.environ)
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    scrub(nb, scrubbed)
    nbformat.write(nb, path)
    return time.monotonic() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mathctl.notebook.execute",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("stages", nargs="*", help="stage prefixes, e.g. 10 30 (default: all)")
    args = parser.parse_args(argv)
    paths = [p for p in stage_notebooks(solutions_dir())
             if not args.stages or any(p.name.startswith(s) for s in args.stages)]
    if not paths:
        print("No solution notebook matches.", file=sys.stderr)
        return 2
    home = tempfile.mkdtemp(prefix="mathctl-execute-")
    env = {"MATHCTL_HOME": home, "MATHCTL_CLUSTER": "embedded", "MATHCTL_STATIC_VIEWS": "1"}
    env.pop("KUBECONFIG", None)
    os.environ.pop("KUBECONFIG", None)
    try:
        from mathctl.apiserver.lifecycle import ensure_running

        # a free port: never collide with a running lab
        server, _ = ensure_running(Path(home), port=0)
        patterns = run_specific(home, server.port)
        for path in paths:
            seconds = execute(path, env, patterns)
            print(f"{path.name:45} {seconds:6.1f} s", flush=True)
    finally:
        subprocess.run([sys.executable, "-m", "mathctl", "down", "--quiet"],
                       env={**os.environ, **env}, check=False)
        shutil.rmtree(home, ignore_errors=True)
    for written in write_exercises(solutions_dir(), notebooks_dir()):
        print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
