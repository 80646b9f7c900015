"""What every stage notebook imports: ``from mathctl.notebook import *``.

A small, curated surface so the notebooks stay thin — they explain, call these, and show:

- ``connect()``, ``wait_for()``        — the cluster (embedded or minikube) and waiting on it
- ``workshop_namespace()``            — the learner's own namespace, created if missing
- ``apply_crds()``                    — install the Number/Tuple/Fermat CRDs from ``crds/``
- ``Operator``                        — the controllers in a background thread of the kernel
- ``show_source()``, ``show_file()``  — the package's real code and files, highlighted
- ``show_tables()``, ``show_tree()``, ``live_view()`` — the resources, once or live
- ``checks``                          — ``checks.check_<thing>(your_function)`` after exercises

Importing it inside IPython also registers ``%solution <name>``, which replaces the current cell
with the solution of an exercise (see ``mathctl.notebook.magic``).
"""

from __future__ import annotations

from typing import Any

from mathctl.cluster import connect, wait_for
from mathctl.controllers.runner import Operator
from mathctl.notebook import checks
from mathctl.notebook.crds import apply_crds
from mathctl.notebook.namespace import clean_namespace, workshop_namespace
from mathctl.notebook.source import show_file, show_source
from mathctl.views.live import live_view, stop_live_views
from mathctl.views.show import show_tables, show_tree

__all__ = [
    "Operator",
    "apply_crds",
    "checks",
    "clean_namespace",
    "connect",
    "live_view",
    "show_file",
    "show_source",
    "show_tables",
    "show_tree",
    "stop_live_views",
    "wait_for",
    "workshop_namespace",
]


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext mathctl.notebook``: register ``%solution``."""
    from mathctl.notebook.magic import register

    register(ip)


def _register_in_running_ipython() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is not None:
        load_ipython_extension(ip)


_register_in_running_ipython()
