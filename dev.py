#!/usr/bin/env python3
"""The workshop's front door: one stdlib-only script so a fresh machine needs nothing but Python.

Every verb first makes sure ``.venv`` exists and holds the current dependencies (it
re-installs only when ``pyproject.toml`` changed), then runs inside it. ``make lab`` and
friends are aliases for these verbs.

    python3 dev.py lab      # the workshop: embedded cluster + JupyterLab on notebooks/
                            #   (the cluster stops with the lab; --keep-cluster keeps it)
    python3 dev.py up | down | status | reset   # the embedded cluster on its own
    python3 dev.py test     # everything CI checks: lint, import contracts, tests, notebooks
    python3 dev.py demo     # the workshop's story, headless, in a terminal
    python3 dev.py bench    # the benchmarks in bench/, printed as tables
    python3 dev.py lint     # ruff + import-linter only
    python3 dev.py browser  # stage 30 in JupyterLab in headless Chromium (needs `chromium`)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".mathctl-installed"

if sys.version_info < (3, 11):  # noqa: UP036 - dev.py must explain, not crash, on old Pythons
    sys.exit(f"mathctl needs Python 3.11 or newer; this is {sys.version.split()[0]}.")


def _requirements_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    """Create .venv and install the package with its test extras, unless already current."""
    if not PY.exists():
        print(f"Creating a virtual environment in {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = _requirements_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    print("Installing mathctl and its dependencies into .venv (first run takes a minute) …",
          flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run(
        [str(PY), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"], check=True
    )
    STAMP.write_text(digest)


def run(*args: str | Path, env: dict[str, str] | None = None) -> int:
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=env).returncode


def _on_termination(handler: Any) -> None:
    """``handler`` for SIGTERM and SIGHUP (the terminal closed), which by default end Python
    without running ``finally`` blocks."""
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)):
        signal.signal(signum, handler)


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("MATHCTL_HOME", str(ROOT / ".mathctl"))
    # What mathctl prints as "stop it with …": neither mathctl nor .venv/bin is on PATH.
    env.setdefault("MATHCTL_COMMAND", "python3 dev.py")
    env.update(extra)
    return env


def lint() -> int:
    env = _env()
    rc = run(PY, "-m", "ruff", "check", "mathctl", "tests", "bench", "dev.py", env=env)
    rc |= run(BIN / "lint-imports", env=env)
    return rc


def test(extra: list[str]) -> int:
    rc = lint()
    if rc:
        print("Lint failed; fix the findings above (ruff check --fix fixes most).")
        return rc
    # A private embedded cluster for this run, so notebooks never touch the learner's own one.
    # Set MATHCTL_CLUSTER=<context> to run the same suite against a real cluster instead.
    home = tempfile.mkdtemp(prefix="mathctl-test-")
    # A CI timeout or a `kill` ends the run through the finally below, so the private cluster
    # is stopped and its files removed rather than left running.
    _on_termination(lambda signum, _frame: sys.exit(128 + signum))
    # Static views: under nbval a live view shows one snapshot and starts no thread.
    env = _env(MATHCTL_HOME=home, MATHCTL_STATIC_VIEWS="1")
    env.setdefault("MATHCTL_CLUSTER", "embedded")
    targets = ["tests"] + [d for d in ("solutions", "notebooks") if any((ROOT / d).glob("*.ipynb"))]
    nbval = ["--nbval-lax", "--nbval-sanitize-with", "notebooks/nbval-sanitize.cfg"]
    try:
        if env["MATHCTL_CLUSTER"] == "embedded":  # a free port: a running `lab` keeps its own
            rc = run(PY, "-m", "mathctl", "up", "--port", "0", env=env)
            if rc:
                return rc
        return run(PY, "-m", "pytest", *targets, *nbval, *extra, env=env)
    finally:
        run(PY, "-m", "mathctl", "down", "--quiet", env=env)
        shutil.rmtree(home, ignore_errors=True)


def lab(extra: list[str]) -> int:
    """JupyterLab on notebooks/, with the embedded cluster unless a kubeconfig is chosen.

    A cluster this verb started stops when the lab stops (Ctrl-C twice, or File → Shut Down),
    unless ``--keep-cluster`` is given; one that already ran is left running.
    """
    keep = "--keep-cluster" in extra
    extra = [a for a in extra if a != "--keep-cluster"]
    env = _env()
    embedded = (env.get("MATHCTL_CLUSTER", "embedded") == "embedded"
                and "KUBECONFIG" not in os.environ)
    started = False
    if embedded:
        started = subprocess.run([str(PY), "-m", "mathctl", "status"], cwd=ROOT, env=env,
                                 capture_output=True).returncode != 0
        rc = run(PY, "-m", "mathctl", "up", env=env)
        if rc:
            return rc
    run(PY, "-m", "mathctl.notebook.labsettings", "--quiet", env=env)
    # Jupyter refuses to run as root without --allow-root (containers, CI, cloud shells).
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    jupyter = subprocess.Popen(
        [str(BIN / "jupyter"), "lab", "--notebook-dir", str(ROOT / "notebooks"),
         "--LabApp.default_url=/lab/tree/10-getting-a-cluster.ipynb", *as_root, *extra],
        cwd=ROOT, env=env,
    )
    def end(signum: int, _frame: object) -> None:  # terminal closed, or `kill`: clean up too
        jupyter.terminate()
        raise SystemExit(128 + signum)

    _on_termination(end)
    try:
        while True:
            try:
                return jupyter.wait()
            except KeyboardInterrupt:
                continue  # Ctrl-C reaches Jupyter too, which asks, or stops on a second one
    finally:
        if started and not keep:
            run(PY, "-m", "mathctl", "down", env=env)
        elif embedded:
            print("The embedded cluster keeps running. Stop it with: python3 dev.py down")


def browser(extra: list[str]) -> int:
    """tests/browser: a private cluster and JupyterLab, driven by Playwright in the system's
    Chromium (skipped, saying why, when there is none); screenshots kept in a temp dir."""
    shots = tempfile.mkdtemp(prefix="mathctl-browser-")
    env = _env(MATHCTL_BROWSER_SHOTS=shots)
    rc = run(PY, "-m", "pytest", "tests/browser", "-v", "-s", "-p", "no:cacheprovider", *extra,
             env=env)
    print(f"Screenshots: {shots}")
    return rc


def main(argv: list[str]) -> int:
    verb, extra = (argv[0], argv[1:]) if argv else ("help", [])
    if verb in {"help", "-h", "--help"}:
        print(__doc__)
        return 0
    ensure_venv()
    if verb == "lint":
        return lint()
    if verb == "test":
        return test(extra)
    if verb == "lab":
        return lab(extra)
    if verb in {"up", "down", "status", "reset"}:
        return run(PY, "-m", "mathctl", verb, *extra, env=_env())
    if verb == "browser":
        return browser(extra)
    if verb == "demo":
        return run(PY, "-m", "mathctl", "demo", *extra, env=_env())
    if verb == "bench":
        rc = 0
        for script in sorted((ROOT / "bench").glob("*.py")):
            print(f"\n=== {script.name} ===", flush=True)
            rc |= run(PY, script, *extra, env=_env())
        return rc
    print(f"Unknown verb {verb!r}.\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
