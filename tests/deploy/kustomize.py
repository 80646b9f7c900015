"""``kubectl kustomize`` for the tests that check what kustomize builds (kubectl optional)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mathctl.deploy import install

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def build(directory: Path) -> list[dict[str, Any]]:
    """The objects ``kubectl kustomize <directory>`` renders."""
    done = subprocess.run([str(KUBECTL), "kustomize", str(directory)], check=True,
                          capture_output=True, text=True, timeout=120)
    return install.documents(done.stdout)
