"""What every stage notebook imports: ``from mathctl.notebook import *``.

A small, curated surface so the notebooks stay thin — they explain, call these, and show:

- ``connect()``, ``wait_for()``, ``wait_settled()`` — the cluster (embedded or minikube), and
  waiting on it (for a condition; for the controllers to finish)
- ``workshop_namespace()``, ``clean_namespace()`` — the learner's own namespace
- ``apply_crds()``                    — install the Number/Tuple/Fermat CRDs from ``crds/``
- ``Operator``                        — the controllers in a background thread of the kernel
  (``controllers="my_controllers.py"``: yours, as the ``%%my_controllers`` cells saved them)
- ``load_controllers()``, ``controllers_path()`` — your ``my_controllers.py``, loaded afresh
- ``show_source()``, ``show_file()``  — the package's real code and files, highlighted
- ``show_tables()``, ``show_tree()``, ``live_view()`` — the resources, once or live
- ``kubectl()``, ``describe_error()`` — the same API through kubectl; an API error in words
- ``checks``                          — ``checks.check_<thing>(your_function)`` after exercises
- ``score_predictions()``             — stage 40: your predictions against what happened

Importing it inside IPython also registers ``%solution <name>``, which replaces the current cell
with the solution of an exercise and runs it, and the ``%%my_controllers`` cell magic, which
runs a cell and saves its definitions into ``my_controllers.py`` (see ``mathctl.notebook.magic``).
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> "module:attribute"; imported on first use, so ``python -m mathctl.notebook.exercises``
# and the tests of one helper do not pay for kopf, the client and ipywidgets.
_EXPORTS = {
    "Operator": "mathctl.controllers.runner:Operator",
    "apply_crds": "mathctl.notebook.crds:apply_crds",
    "checks": "mathctl.notebook.checks:",
    "clean_namespace": "mathctl.notebook.namespace:clean_namespace",
    "connect": "mathctl.cluster:connect",
    "controllers_path": "mathctl.controllers.learner:controllers_path",
    "describe_error": "mathctl.controllers.objects:describe_error",
    "kubectl": "mathctl.notebook.kubectl_cli:kubectl",
    "live_view": "mathctl.views.live:live_view",
    "load_controllers": "mathctl.controllers.learner:load_controllers",
    "show_file": "mathctl.notebook.source:show_file",
    "show_source": "mathctl.notebook.source:show_source",
    "show_tables": "mathctl.views.show:show_tables",
    "show_tree": "mathctl.views.show:show_tree",
    "score_predictions": "mathctl.notebook.predictions:score_predictions",
    "stop_live_views": "mathctl.views.live:stop_live_views",
    "wait_for": "mathctl.cluster:wait_for",
    "wait_settled": "mathctl.notebook.settle:wait_settled",
    "workshop_namespace": "mathctl.notebook.namespace:workshop_namespace",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'mathctl.notebook' has no attribute {name!r}")
    module, _, attribute = _EXPORTS[name].partition(":")
    value = importlib.import_module(module)
    if attribute:
        value = getattr(value, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext mathctl.notebook``: register ``%solution`` and ``%%my_controllers``."""
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
